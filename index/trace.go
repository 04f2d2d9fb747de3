package index

import (
	"cmp"
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
	// Passages are every candidate bleve retrieved, in bleve's order.
	Passages []TracedPassage
	// Definition is set when the first answer is the glossary's meaning
	// (a "What is X?" question), which is shown whatever the model.
	Definition *Hit
	// Declined is set when the question is declined whatever the model:
	// it is about a place the documents do not cover.
	Declined bool

	qu       question
	off      without
	passages int
}

// TracedPassage is one candidate of a Trace.
type TracedPassage struct {
	ID       string
	Document string
	Title    string
	// Text is what would be shown of it; Whole is all of its text.
	Text  string
	Whole string
	// Features are its features, in the order of Features.
	Features []float64
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
	t := &Trace{Result: res, qu: qu, off: off, Declined: qu.named && qu.uncovered != "", passages: ix.info.Passages}
	if qu.define != nil && !off[Definitions] && !t.Declined {
		h := definitionHit(qu.define)
		t.Definition = &h
	}
	// By bleve's score, whatever the model ranked them by, and passages
	// that score the same by their IDs: what eval learns from depends
	// neither on the model built in nor on how a build numbered the
	// passages.
	byRetrieval := append([]candidate(nil), ranked...)
	slices.SortFunc(byRetrieval, func(a, b candidate) int {
		if c := cmp.Compare(b.retrieval, a.retrieval); c != 0 {
			return c
		}
		return strings.Compare(a.dm.ID, b.dm.ID)
	})
	for _, c := range byRetrieval {
		shown, _ := ix.shownText(qu, c, off)
		t.Passages = append(t.Passages, TracedPassage{ID: c.dm.ID, Document: c.doc, Title: c.str(fieldTitle), Text: shown, Whole: c.str(fieldText), Features: c.features})
	}
	return t
}

// Order is the order m would show the passages in: indexes into
// Passages, best first.
func (t *Trace) Order(m *Model) []int {
	cs := t.candidates(m)
	m.rerank(cs)
	out := make([]int, len(cs))
	for i, c := range cs {
		out[i] = c.order
	}
	return out
}

// Signals are the decision's signals for the passages in order.
func (t *Trace) Signals(m *Model, order []int) []float64 {
	cs := t.candidates(m)
	ranked := make([]candidate, len(order))
	for i, j := range order {
		ranked[i] = cs[j]
	}
	return signals(t.qu, ranked, t.passages)
}

// Answers reports whether m answers the question with the passages in
// order, and with what confidence.
func (t *Trace) Answers(m *Model, order []int) (bool, float64) {
	if t.Definition != nil {
		return true, 1
	}
	if t.Declined || len(order) == 0 {
		return false, 0
	}
	p := m.Confidence(t.Signals(m, order))
	return p >= m.Threshold, p
}

// candidates are the passages as rerank's candidates, scored by m; their
// order field holds their place in Passages.
func (t *Trace) candidates(m *Model) []candidate {
	cs := make([]candidate, len(t.Passages))
	for i, p := range t.Passages {
		cs[i] = candidate{order: i, doc: p.Document, features: p.Features, score: m.score(p.Features)}
	}
	return cs
}

// unknownArea is the error for an area that is neither the index's nor a
// UK place.
func unknownArea(ix *Index, area string) error {
	return fmt.Errorf("%w %q: this index has %s", ErrUnknownArea, area, strings.Join(ix.Areas(), ", "))
}
