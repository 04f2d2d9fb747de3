package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// A Trace is one question taken through the stages with every candidate
// kept and described, so that eval can learn a model's weights and
// measure it on questions it did not learn from, without searching again
// for each weight it tries.

// Trace is a question's candidates, as rerank and decide see them.
type Trace struct {
	// Result is what Search answered, with the index's model.
	Result Result
	// Passages are every candidate bleve retrieved, by bleve's score,
	// those that score the same by their IDs.
	Passages []TracedPassage
	// Definition is set when the first answer is the glossary's meaning
	// (a "What is X?" question), which is shown whatever the model.
	Definition *Hit
	// Declined is set when the question is declined whatever the model:
	// it is about a place the documents do not cover.
	Declined bool
	// Shorter are the question without the everyday words after its
	// anchor, traced, fewest words left out first, when it ends in some:
	// Search answers the first a model answers, when it declines this
	// question (rephrase.go).
	Shorter []*Trace

	// ending is set on a Shorter trace: whether each shown text names
	// the word it ends on, the meaning first when there is one
	// (rephrase.go).
	ending []bool

	qu       question
	off      without
	passages int
	// runs are each passage's three-word runs, to move near-copies.
	runs []wordRuns
}

// TracedPassage is one candidate of a Trace.
type TracedPassage struct {
	ID    string
	Title string
	// Text is what would be shown of it; Whole is all of its text.
	Text  string
	Whole string
	// Features are its features, in the order of Features.
	Features []float64
	// says and asking are which concepts it says and its features as an
	// answer to what is asked (candidate).
	says   []bool
	asking []float64
}

// Trace answers q as Search does, leaving out the components named in
// off (see Components), and returns every candidate with its features.
func (ix *Index) Trace(ctx context.Context, q Query, off ...string) (*Trace, error) {
	w := without{}
	for _, name := range off {
		if indexOf(Components, name) < 0 {
			return nil, fmt.Errorf("trace: %q is not a component (%s)", name, strings.Join(Components, ", "))
		}
		w[name] = true
	}
	_, t, err := ix.search(ctx, q, w, true)
	return t, err
}

func (ix *Index) traceOf(qu question, ranked []candidate, off without, res Result) *Trace {
	t := &Trace{Result: res, qu: qu, off: off, Declined: qu.aboutUncovered(), passages: ix.info.Passages}
	if qu.define != nil && !t.Declined {
		h := definitionHit(qu.define)
		t.Definition = &h
	}
	// In retrieve's order, whatever the model ranked them by: what eval
	// learns from does not depend on the model built in.
	byRetrieval := append([]candidate(nil), ranked...)
	slices.SortFunc(byRetrieval, func(a, b candidate) int { return a.order - b.order })
	for _, c := range byRetrieval {
		shown, _ := ix.shownText(qu, c, off)
		t.Passages = append(t.Passages, TracedPassage{ID: c.dm.ID, Title: c.str(fieldTitle), Text: shown, Whole: c.str(fieldText), Features: c.features, says: c.says, asking: c.asking})
		if !off[NearCopies] {
			t.runs = append(t.runs, threeWordRuns(c.str(fieldText)))
		}
	}
	return t
}

// Order is the order m would show the passages in: indexes into
// Passages, best first, near-copies moved as Search moves them.
func (t *Trace) Order(m *Model) []int {
	cs := t.candidates(m)
	m.rerank(cs)
	if len(t.runs) == len(cs) {
		moveNearCopies(cs, func(c *candidate) wordRuns { return t.runs[c.order] })
	}
	out := make([]int, len(cs))
	for i, c := range cs {
		out[i] = c.order
	}
	return out
}

// Signals are the decision's signals for the passages in order.
func (t *Trace) Signals(m *Model, order []int) []float64 {
	return m.signals(t.qu, t.ranked(m, order), t.passages)
}

// ranked are the passages in order, as rerank's candidates scored by m.
func (t *Trace) ranked(m *Model, order []int) []candidate {
	cs := t.candidates(m)
	out := make([]candidate, len(order))
	for i, j := range order {
		out[i] = cs[j]
	}
	return out
}

// Answers reports whether m answers the question with the passages in
// order, and with what confidence.
// On a Shorter trace it answers as Search does the shorter question: with
// at least leftOutConfidence, and a quote that names its anchor.
func (t *Trace) Answers(m *Model, order []int) (bool, float64) {
	ok, confidence := true, 1.0
	if t.Definition == nil {
		ok, confidence = m.decide(t.qu, t.ranked(m, order), t.passages)
	}
	if t.ending != nil {
		ok = ok && confidence >= leftOutConfidence && t.namesEnding(order)
	}
	return ok, confidence
}

// namesEnding reports whether, on a Shorter trace, one of the first three
// texts shown in order names the word the question ends on.
func (t *Trace) namesEnding(order []int) bool {
	first := 0 // where the passages start in ending
	if t.Definition != nil {
		if t.ending[0] {
			return true
		}
		first = 1
	}
	for _, p := range order[:min(3-first, len(order))] {
		if t.ending[first+p] {
			return true
		}
	}
	return false
}

// candidates are the passages as rerank's candidates, scored by m; their
// order field holds their place in Passages.
func (t *Trace) candidates(m *Model) []candidate {
	cs := make([]candidate, len(t.Passages))
	for i, p := range t.Passages {
		cs[i] = candidate{order: i, features: p.Features, says: p.says, asking: p.asking, score: m.score(p.Features)}
	}
	return cs
}
