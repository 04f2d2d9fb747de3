package eval

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/sendbot/sendbot/index"
)

// DefaultFolds is how many folds cross-validation uses unless told.
const DefaultFolds = 5

// The ablation cross-validates the model without each part, and compares
// it with the whole model question by question. Refitting on other folds
// moves questions near the third place either way, so each comparison is
// made over several splits into folds (repeats), and a part's effect is
// judged by a sign test over the questions whose outcome it changes.

// repeats is how many splits into folds each ablation averages over.
const repeats = 5

// significance is the largest chance, under no effect, of a record of
// questions at least as one-sided as a part's for it to be said to pay
// or to cost.
const significance = 0.1

// ablationRow is one line of the ablation table.
type ablationRow struct {
	what, kind string
	cvs        []CV // one per repeat
	// decides is set for a part of the decision, measured by the
	// questions it decides rightly; the rest are measured by the
	// questions whose answer they put in the first three shown.
	decides bool
}

// Ablate cross-validates the model with each component of the stages
// left out (index.Components), each rank feature held at zero, each
// decision signal left out, without rerank and without a decision, and
// returns the table as Markdown.
func Ablate(ctx context.Context, ix *index.Index, qs, twins []Question, k int) (string, error) {
	trace := func(off ...string) ([]Traced, []Traced, error) {
		ts, err := TraceQuestions(ctx, ix, qs, off...)
		if err != nil {
			return nil, nil, err
		}
		tw, err := TraceQuestions(ctx, ix, twins, off...)
		return ts, tw, err
	}
	cvs := func(ts, tw []Traced, opts FitOptions) []CV {
		out := make([]CV, repeats)
		for r := range out {
			out[r] = crossValidate(ts, k, r, opts, tw)
		}
		return out
	}
	full, fullTwins, err := trace()
	if err != nil {
		return "", err
	}
	rows := []ablationRow{{what: "nothing (the whole model)", kind: "—", cvs: cvs(full, fullTwins, FitOptions{})}}
	for _, c := range index.Components {
		ts, tw, err := trace(c)
		if err != nil {
			return "", err
		}
		// Places decline questions about places the documents do not
		// cover, as well as choosing where to answer from.
		rows = append(rows, ablationRow{what: c, kind: "component", cvs: cvs(ts, tw, FitOptions{}), decides: c == index.Places})
	}
	for _, f := range index.Features {
		rows = append(rows, ablationRow{what: f, kind: "rank feature", cvs: cvs(full, fullTwins, FitOptions{Frozen: []string{f}})})
	}
	for _, sig := range index.Signals {
		rows = append(rows, ablationRow{what: sig, kind: "decision signal", cvs: cvs(full, fullTwins, FitOptions{FrozenSignals: []string{sig}}), decides: true})
	}
	rows = append(rows,
		ablationRow{what: "rerank (bleve's order)", kind: "stage", cvs: cvs(full, fullTwins, FitOptions{NoRerank: true})},
		ablationRow{what: "decide (always answer)", kind: "stage", cvs: cvs(full, fullTwins, FitOptions{AlwaysAnswer: true}), decides: true},
	)
	return ablationTable(rows, len(qs), k), nil
}

// rightOf is, for each question, the share of repeats the bot got it
// right in: with decides, answered with the answer in the first three, or
// declined as it should be; otherwise, with the answer in the first three
// shown, whether or not the bot then answered (so that what ranks is not
// measured through the decision's threshold, which every refit moves).
func rightOf(cvs []CV, decides bool) map[string]float64 {
	out := map[string]float64{}
	add := func(id string, ok bool) {
		if ok {
			out[id] += 1 / float64(len(cvs))
		} else if _, seen := out[id]; !seen {
			out[id] = 0
		}
	}
	for _, cv := range cvs {
		for _, o := range cv.Held.Outcomes {
			switch {
			case decides:
				add(o.ID, o.right())
			case !o.NoAnswer:
				add(o.ID, o.Found3)
			}
		}
		if cv.Twins != nil {
			for _, o := range cv.Twins.CleanOutcome {
				if decides {
					add("twin "+o.ID, o.answeredIn3())
				} else {
					add("twin "+o.ID, o.Found3)
				}
			}
		}
	}
	return out
}

// mean is the mean over repeats of f.
func mean(cvs []CV, f func(CV) float64) float64 {
	total := 0.0
	for _, cv := range cvs {
		total += f(cv)
	}
	return total / float64(len(cvs))
}

// typoCost is the recall@3 typos cost against their clean twins.
func typoCost(cv CV) float64 {
	if cv.Twins == nil {
		return 0
	}
	return cv.Twins.Clean - cv.Twins.Typo
}

// signTest is the two-sided chance, were right and wrong equally likely,
// of a record at least as one-sided as right against wrong.
func signTest(right, wrong int) float64 {
	n := right + wrong
	if n == 0 {
		return 1
	}
	k := min(right, wrong)
	p := 0.0
	for i := 0; i <= k; i++ {
		p += binomial(n, i)
	}
	return min(1, 2*p/math.Pow(2, float64(n)))
}

func binomial(n, k int) float64 {
	out := 1.0
	for i := 1; i <= k; i++ {
		out = out * float64(n-k+i) / float64(i)
	}
	return out
}

// ablationTable writes the rows as Markdown, the whole model first.
func ablationTable(rows []ablationRow, questions, k int) string {
	var b strings.Builder
	b.WriteString("# What each part of the model is worth\n\n" +
		"Written by `go run ./cmd/sendbot eval --corpus ../shared/corpus --questions ../shared/eval/dev-questions.jsonl,../shared/eval/parent-questions.jsonl " +
		"--twins eval/testdata/typo-twins.jsonl --ablation docs/ablation.md`; do not edit by hand (CI checks that it is current). " +
		"[ranking.md](ranking.md) says how the model is learned and what was removed.\n\n")
	base := rows[0].cvs
	recall := func(cvs []CV) float64 { return mean(cvs, func(cv CV) float64 { r, _ := cv.Recall3(); return r }) }
	found := func(cvs []CV) float64 { return mean(cvs, func(cv CV) float64 { return cv.Found3 }) }
	baseRight := map[bool]map[string]float64{false: rightOf(base, false), true: rightOf(base, true)}
	fmt.Fprintf(&b, "| left out | what it is | recall@3 | found in the first 3 | questions it gets right / wrong | right answers declined | to-decline answered | typos cost | verdict |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for i, r := range rows {
		record, verdict := "", ""
		if i > 0 {
			// What the left-out part does: the questions the whole model
			// gets right more often than the model without it, and the
			// other way round.
			right, wrong := 0, 0
			for id, got := range rightOf(r.cvs, r.decides) {
				switch want := baseRight[r.decides][id]; {
				case want > got+1e-9:
					right++
				case got > want+1e-9:
					wrong++
				}
			}
			record = fmt.Sprintf("%d / %d", right, wrong)
			switch p := signTest(right, wrong); {
			case right > wrong && p <= significance:
				verdict = "pays"
			case wrong > right && p <= significance:
				verdict = "costs"
			default:
				verdict = "no measurable effect"
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %.3f | %.3f | %s | %.3f | %.3f | %+.3f | %s |\n",
			r.what, r.kind, recall(r.cvs), found(r.cvs), record,
			mean(r.cvs, func(cv CV) float64 { return cv.FalseDecline }),
			mean(r.cvs, func(cv CV) float64 { return cv.FalseAnswer }),
			mean(r.cvs, typoCost), verdict)
	}
	fmt.Fprintf(&b, "\n%d questions and the clean twins of the typo questions, each row cross-validated over %d folds, %d times with the questions split into folds a different way, and averaged. "+
		"\"Recall@3\" counts a question when the bot answers it with a right passage in the first three; \"found in the first 3\" when a right passage is in the first three shown, whether or not the bot then answers. "+
		"\"Questions it gets right / wrong\" counts the questions the whole model gets right in more of the splits than the model without this part does, and the other way round: for the decision (its signals, the decide stage, and places, which decline questions about places the documents do not cover) right is answering with a right passage in the first three or rightly declining; for everything else it is having a right passage in the first three shown, so that what ranks is not measured through the decision's threshold. "+
		"A part pays, or costs, when a sign test over those questions gives a chance of at most %.2f that the record is luck; otherwise it has no measurable effect. "+
		"\"Right answers declined\" is the share of questions whose right passage was in the first three that the bot declined; \"to-decline answered\" the share of questions it should decline that it answered; \"typos cost\" is recall@3 on the clean twins minus on the typo questions.\n",
		questions, k, repeats, significance)
	return b.String()
}

// ModelNote says what a model was fitted on, for its file.
func ModelNote(qs []Question) string {
	answerable := 0
	for _, q := range qs {
		if !q.NoAnswer() {
			answerable++
		}
	}
	return fmt.Sprintf("fitted by sendbot eval --fit on %d questions (%d to answer, %d to decline); regenerate it with the command in docs/ranking.md", len(qs), answerable, len(qs)-answerable)
}
