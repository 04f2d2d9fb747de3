package eval

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/sendbot/sendbot/index"
)

// Searcher is what eval asks: an open index.
type Searcher interface {
	Search(ctx context.Context, q index.Query) (index.Result, error)
}

// depth is how many passages eval looks at: recall is reported at 1, 3
// and 5, and MRR counts the first match within the first five.
const depth = 5

// Outcome is how one question went.
type Outcome struct {
	ID       string `json:"id"`
	Question string `json:"q"`
	Area     string `json:"area,omitempty"`
	NoAnswer bool   `json:"expect_no_answer,omitempty"`
	// Answered is whether the bot gave an answer rather than declining.
	Answered bool `json:"answered"`
	// Rank is the position (1-based) of the first shown passage that
	// matches a gold pattern, or 0 when none of the first five does.
	Rank int `json:"rank"`
	// Correct is whether the bot answered exactly when it should.
	Correct bool `json:"correct"`
	// Confidence is the model's probability that answering is right,
	// which Answered is decided by.
	Confidence float64 `json:"confidence"`
	// Shown are the titles of the passages shown, in order.
	Shown []string `json:"shown"`
	Error string   `json:"error,omitempty"`
	// Found3 is set when a passage among the first three shown answers,
	// whether or not the bot then answered.
	Found3 bool `json:"found3,omitempty"`
	// Candidate is, in a cross-validation, the place of the first passage
	// that answers among all the candidates as the model ranked them
	// (0 for none of them), and Candidates how many there were.
	Candidate  int `json:"candidate,omitempty"`
	Candidates int `json:"candidates,omitempty"`
	// Unshown is the place of the first candidate whose whole text
	// answers, when its shown text does not and no earlier one does.
	Unshown int    `json:"unshown,omitempty"`
	Kind    string `json:"kind,omitempty"`
	Style   string `json:"style,omitempty"`
}

// Report is the result of running a set of questions.
type Report struct {
	Questions  int `json:"questions"`
	Answerable int `json:"answerable"`
	// Found[k-1] is how many answerable questions were answered at k.
	Found      [depth]int `json:"found_at"`
	Recall1    float64    `json:"recall_at_1"`
	Recall3    float64    `json:"recall_at_3"`
	Recall5    float64    `json:"recall_at_5"`
	MRR        float64    `json:"mrr"`
	Correct    int        `json:"answered_correctly"`
	NoAnswer   float64    `json:"no_answer_accuracy"`
	Declinable int        `json:"declinable"`
	Declined   int        `json:"declined_correctly"`
	Outcomes   []Outcome  `json:"outcomes"`
}

// Evaluate asks qs of ix and writes the report to w, failing when a
// score is below its floor in o.Floors; when o asks to fit, ablate or
// cross-validate the model, it does that instead (Learn). It is what
// `sendbot eval` does once its flags are read.
func Evaluate(ctx context.Context, w io.Writer, ix *index.Index, qs, twins []Question, o Options) error {
	if o.FitOut != "" || o.AblationOut != "" || o.Folds > 0 || o.Ceiling {
		return Learn(ctx, w, ix, qs, twins, o)
	}
	rep, err := Run(ctx, ix, qs)
	if err != nil {
		return err
	}
	if o.JSON {
		err = rep.WriteJSON(w)
	} else {
		err = rep.WriteText(w)
	}
	if err != nil {
		return err
	}
	return rep.Check(o.Floors)
}

// Run asks every question and scores the answers.
func Run(ctx context.Context, s Searcher, qs []Question) (Report, error) {
	var outs []Outcome
	for _, q := range qs {
		if err := ctx.Err(); err != nil {
			return report(outs), err
		}
		o := q.outcome()
		res, err := s.Search(ctx, index.Query{Text: q.Text, Area: q.Area, K: depth})
		if err != nil {
			o.Error = err.Error()
		} else {
			o.Answered, o.Confidence = res.Answered, res.Confidence
			for i, h := range res.Hits {
				if i == depth {
					break
				}
				o.Shown = append(o.Shown, h.Title)
				if !o.Found3 && i < 3 && q.Matches(h.Text) {
					o.Found3 = true
				}
				if o.Rank == 0 && res.Answered && q.Matches(h.Text) {
					o.Rank = i + 1
				}
			}
		}
		o.Correct = o.Answered != q.NoAnswer()
		outs = append(outs, o)
	}
	return report(outs), nil
}

// outcome is an Outcome of q with nothing yet of how it went.
func (q Question) outcome() Outcome {
	return Outcome{ID: q.ID, Question: q.Text, Area: q.Area, NoAnswer: q.NoAnswer(), Kind: q.Kind, Style: q.Style}
}

// answeredIn3 reports whether the bot answered with a right passage in
// the first three shown.
func (o Outcome) answeredIn3() bool { return o.Rank > 0 && o.Rank <= 3 }

// right reports whether the bot did what it should: answered with a right
// passage in the first three, or declined a question to decline.
func (o Outcome) right() bool {
	if o.NoAnswer {
		return !o.Answered
	}
	return o.answeredIn3()
}

// report scores outcomes: recall at 1, 3 and 5 and MRR over the
// questions to answer, and how many were answered or declined rightly.
func report(outs []Outcome) Report {
	var rep Report
	rr := 0.0
	for _, o := range outs {
		rep.Questions++
		if o.Correct {
			rep.Correct++
		}
		if o.NoAnswer {
			rep.Declinable++
			if o.Correct {
				rep.Declined++
			}
		} else {
			rep.Answerable++
			if o.Rank > 0 && o.Rank <= depth {
				rr += 1 / float64(o.Rank)
				for k := o.Rank; k <= depth; k++ {
					rep.Found[k-1]++
				}
			}
		}
		rep.Outcomes = append(rep.Outcomes, o)
	}
	if rep.Answerable > 0 {
		n := float64(rep.Answerable)
		rep.Recall1 = float64(rep.Found[0]) / n
		rep.Recall3 = float64(rep.Found[2]) / n
		rep.Recall5 = float64(rep.Found[4]) / n
		rep.MRR = rr / n
	}
	if rep.Questions > 0 {
		rep.NoAnswer = float64(rep.Correct) / float64(rep.Questions)
	}
	return rep
}

// Floors are the lowest scores allowed, and the highest error rates;
// zero means no floor or limit.
type Floors struct {
	Recall3  float64
	MRR      float64
	NoAnswer float64
	// MaxFalseDecline, MaxFalseAnswer and MaxTypoCost apply to a
	// cross-validation: the share of right answers declined, of questions
	// to decline answered, and the recall@3 typos cost against their
	// clean twins.
	MaxFalseDecline float64
	MaxFalseAnswer  float64
	MaxTypoCost     float64
}

// Valid says which floor or limit is outside 0 to 1, or nil.
func (f Floors) Valid() error {
	for _, v := range []float64{f.Recall3, f.MRR, f.NoAnswer, f.MaxFalseDecline, f.MaxFalseAnswer, f.MaxTypoCost} {
		if v < 0 || v > 1 {
			return fmt.Errorf("floors and limits are between 0 and 1, not %g", v)
		}
	}
	return nil
}

// Check returns an error naming every score below its floor.
func (r Report) Check(f Floors) error {
	var fs failures
	fs.below("recall@3", r.Recall3, f.Recall3)
	fs.below("MRR", r.MRR, f.MRR)
	fs.below("no-answer accuracy", r.NoAnswer, f.NoAnswer)
	return fs.err()
}

// failures are the scores outside their floors or limits, said as a
// person fixing them would read them.
type failures []string

// below notes a score under its floor; a floor of zero is none.
func (fs *failures) below(name string, got, floor float64) {
	if floor > 0 && got < floor {
		*fs = append(*fs, fmt.Sprintf("%s %.3f is below the floor %.3f", name, got, floor))
	}
}

// above notes a share over its limit, as what it is a share of; a limit
// of zero is none.
func (fs *failures) above(what string, got, limit float64) {
	if limit > 0 && got > limit {
		*fs = append(*fs, fmt.Sprintf(what+", above the limit %.3f", got, limit))
	}
}

// err is an error naming every failure, or nil.
func (fs failures) err() error {
	if len(fs) == 0 {
		return nil
	}
	return fmt.Errorf("eval failed: %s", strings.Join(fs, "; "))
}

// WriteJSON writes the report as one indented JSON object.
func (r Report) WriteJSON(w io.Writer) error { return writeJSON(w, r) }

// writeJSON writes v as one indented JSON object.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WriteText writes the scores, then every question that was missed or
// wrongly answered or declined, so the reader sees what to work on.
func (r Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	ew.printf("%d questions: %d to answer, %d to decline\n\n", r.Questions, r.Answerable, r.Declinable)
	for _, k := range []int{1, 3, 5} {
		ew.printf("recall@%d            %.3f  (%d of %d)\n", k, ratio(r.Found[k-1], r.Answerable), r.Found[k-1], r.Answerable)
	}
	ew.printf("MRR                 %.3f\n", r.MRR)
	ew.printf("no-answer accuracy  %.3f  (%d of %d; declined %d of %d that should be)\n",
		r.NoAnswer, r.Correct, r.Questions, r.Declined, r.Declinable)
	ew.err = cmp.Or(ew.err, writeMisses(w, r))
	return ew.err
}

// writeMisses lists every question missed in the first 3, or wrongly
// answered or declined.
func writeMisses(w io.Writer, r Report) error {
	ew := &errWriter{w: w}
	var misses []Outcome
	for _, o := range r.Outcomes {
		if !o.right() {
			misses = append(misses, o)
		}
	}
	if len(misses) > 0 {
		ew.printf("\nNot answered within the first 3, or wrongly answered or declined:\n")
	}
	for _, o := range misses {
		what := "no match in the first 5"
		switch {
		case o.Error != "":
			what = "error: " + o.Error
		case o.NoAnswer && o.Answered:
			what = "answered, but should have declined"
		case !o.NoAnswer && !o.Answered:
			what = "declined"
		case o.Rank > 0:
			what = fmt.Sprintf("first match at %d", o.Rank)
		}
		switch {
		case o.Candidates > 0 && o.Candidate > 0 && !o.NoAnswer:
			what += fmt.Sprintf(" (the answer is candidate %d of %d)", o.Candidate, o.Candidates)
		case o.Candidates > 0 && !o.NoAnswer:
			what += fmt.Sprintf(" (no candidate of %d answers)", o.Candidates)
		}
		if o.Unshown > 0 {
			what += fmt.Sprintf("; candidate %d has the answer outside what is shown", o.Unshown)
		}
		area := ""
		if o.Area != "" {
			area = " [" + o.Area + "]"
		}
		ew.printf("  %-4s %s%s: %s\n", o.ID, o.Question, area, what)
		if !o.NoAnswer && o.Rank != 1 && len(o.Shown) > 0 {
			ew.printf("       shown: %s\n", strings.Join(o.Shown, " | "))
		}
	}
	return ew.err
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
