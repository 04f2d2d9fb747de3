package eval

import (
	"maps"
	"testing"

	"github.com/sendbot/sendbot/index"
)

// From weights on noise alone, the ceiling finds the weighting that says
// (cover): it searches every feature, not only those the start weighs.
// What it reports is what its weights find, and never less than the
// start's.
func TestCeilingFindsWhatTheFeaturesCanTell(t *testing.T) {
	ts := synthetic(60, "cover")
	noise := make([]float64, len(index.Features))
	noise[0] = 1 // bm25_text, noise in these questions
	start, err := index.NewModel(noise, make([]float64, len(index.Signals)), 0, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	answerable := 0
	for _, tr := range ts {
		if !tr.Question.NoAnswer() {
			answerable++
		}
	}
	from := Found(ts, start)
	n, best, err := Ceiling(ts, start, 3)
	if err != nil {
		t.Fatal(err)
	}
	if from > answerable/2 {
		t.Fatalf("the noise feature alone finds %d of %d: the test needs a start that finds few", from, answerable)
	}
	if n != answerable {
		t.Errorf("ceiling %d of %d, from %d: cover alone finds every answer first", n, answerable, from)
	}
	if got := Found(ts, best); got != n {
		t.Errorf("the ceiling's weights %v find %d, not the %d it reports", best.Rank, got, n)
	}
	if best.Rank["cover"] <= 0 {
		t.Errorf("the ceiling's weights %v: cover, the feature that says, has none", best.Rank)
	}
	again, bestAgain, _ := Ceiling(ts, start, 3)
	if again != n || !maps.Equal(best.Rank, bestAgain.Rank) {
		t.Errorf("a second run found %d with %v, the first %d with %v: the ceiling is to be repeatable", again, bestAgain.Rank, n, best.Rank)
	}
}

// The fitted model is a start the ceiling can only improve on.
func TestCeilingIsAtLeastTheFit(t *testing.T) {
	ts := synthetic(40, "kind_intent")
	m := Fit(ts, FitOptions{})
	n, _, err := Ceiling(ts, m, 0)
	if err != nil {
		t.Fatal(err)
	}
	if fit := Found(ts, m); n < fit {
		t.Errorf("ceiling %d below the fit's %d", n, fit)
	}
}
