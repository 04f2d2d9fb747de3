package eval

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sendbot/sendbot/index"
)

// synthetic makes n traced questions of ten candidates each, whose
// answer is the candidate the feature named best scores highest on; the
// other features are noise. Every fifth question is one to decline.
func synthetic(n int, best string) []Traced {
	rng := rand.New(rand.NewPCG(7, 11))
	k := slices.Index(index.Features[:], best)
	var out []Traced
	for q := range n {
		tr := Traced{Question: Question{ID: fmt.Sprintf("q%02d", q), Text: "question"}, Trace: &index.Trace{}}
		if q%5 == 4 {
			tr.Question.Expect = expectNoAnswer
		}
		answer := rng.IntN(10)
		for p := range 10 {
			f := make([]float64, len(index.Features))
			for i := range f {
				f[i] = rng.Float64()
			}
			f[k] = rng.Float64() * 0.5
			if p == answer {
				f[k] = 0.6 + rng.Float64()*0.4
			}
			tr.Trace.Passages = append(tr.Trace.Passages, index.TracedPassage{ID: fmt.Sprint(p), Features: f})
			tr.Relevant = append(tr.Relevant, p == answer && !tr.Question.NoAnswer())
			tr.InWhole = append(tr.InWhole, p == answer)
		}
		out = append(out, tr)
	}
	return out
}

func TestFitLearnsWhatRanksTheAnswerFirst(t *testing.T) {
	ts := synthetic(60, "cover")
	m := Fit(ts, FitOptions{AlwaysAnswer: true})
	cover := slices.Index(index.Features[:], "cover")
	for i, f := range index.Features {
		if w := m.Rank[f]; i != cover && w >= m.Rank["cover"] {
			t.Errorf("weight of %s %.3f, not below cover's %.3f: the answers are the passages cover ranks first", f, w, m.Rank["cover"])
		}
	}
	cv := CrossValidate(ts, 5, FitOptions{AlwaysAnswer: true}, nil)
	if r1 := cv.Held.Recall1; r1 < 0.95 {
		t.Errorf("held-out recall@1 %.3f: a model fitted on the other folds should rank each answer first", r1)
	}
	if frozen := CrossValidate(ts, 5, FitOptions{AlwaysAnswer: true, Frozen: []string{"cover"}}, nil); frozen.Held.Recall1 > 0.3 {
		t.Errorf("held-out recall@1 %.3f without cover, the only feature that says: a fit cannot be learning anything else", frozen.Held.Recall1)
	}
}

func TestFoldsAreFixedAndSpreadTheQuestionsToDecline(t *testing.T) {
	ts := synthetic(50, "cover")
	folds := Folds(ts, 5, 0)
	if !slices.Equal(folds, Folds(ts, 5, 0)) {
		t.Fatal("the same questions were split two ways")
	}
	if slices.Equal(folds, Folds(ts, 5, 1)) {
		t.Error("another repeat split the questions the same way")
	}
	count := make([]int, 5)
	decline := make([]int, 5)
	for i, f := range folds {
		count[f]++
		if ts[i].Question.NoAnswer() {
			decline[f]++
		}
	}
	for f := range 5 {
		if count[f] != 10 || decline[f] != 2 {
			t.Errorf("fold %d has %d questions, %d to decline: want 10 and 2", f, count[f], decline[f])
		}
	}
}

func TestCrossValidationChecksItsFloorsAndLimits(t *testing.T) {
	cv := CV{Folds: []FoldScore{{Recall3: 0.8, MRR: 0.7}, {Recall3: 0.6, MRR: 0.5}}, FalseDecline: 0.05, FalseAnswer: 0.2,
		Twins: &TwinScore{Typo: 0.5, Clean: 0.7}}
	cv.Held.NoAnswer = 0.9
	if err := cv.Check(Floors{Recall3: 0.7, MRR: 0.6, NoAnswer: 0.9, MaxFalseDecline: 0.05, MaxFalseAnswer: 0.2, MaxTypoCost: 0.2}); err != nil {
		t.Errorf("every floor and limit met, got %v", err)
	}
	err := cv.Check(Floors{Recall3: 0.8, MaxFalseDecline: 0.03, MaxFalseAnswer: 0.1, MaxTypoCost: 0.05})
	for _, want := range []string{
		"cross-validated recall@3 0.700 is below the floor 0.800",
		"0.050 of right answers declined, above the limit 0.030",
		"0.200 of questions to decline answered, above the limit 0.100",
		"typos cost 0.200 of recall@3 against their clean twins, above the limit 0.050",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v: want it to say %q", err, want)
		}
	}
}

// Twins of questions to decline are scored too: said another way, a
// question nothing answers should still be declined. Each question's twin
// here is itself, so its twin is answered exactly when it is.
func TestTwinsOfQuestionsToDeclineCount(t *testing.T) {
	ts := synthetic(60, "cover")
	cv := CrossValidate(ts, 5, FitOptions{}, ts)
	h := cv.Held
	if cv.Twins.Declinable != h.Declinable || cv.Twins.Declinable != 12 {
		t.Fatalf("twins of questions to decline: %d, want %d (and 12)", cv.Twins.Declinable, h.Declinable)
	}
	if want := h.Declinable - h.Declined; cv.Twins.Answered != want {
		t.Errorf("twins of questions to decline answered: %d, as asked %d", cv.Twins.Answered, want)
	}
	if cv.Twins.N != h.Answerable {
		t.Errorf("twins of answerable questions: %d, want %d", cv.Twins.N, h.Answerable)
	}
}
