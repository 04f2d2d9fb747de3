package index

import (
	"math"
	"testing"

	"github.com/sendbot/sendbot/corpus"
)

// What eval scores is what parents get: a Trace, ordered and decided by
// the index's model, gives the passages and the answer Search gives, for
// questions with and without asides (whose decision reads other
// features) and to decline.
func TestTraceDecidesAsSearchDoes(t *testing.T) {
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	ix := buildAndOpen(t, c.Documents, corpus.BuiltinGlossary().Merge(c.Glossary))
	asides := 0
	for _, q := range []Query{
		{Text: "how often does an ehcp get reviewed"},
		{Text: "Hi all, how often does an ehcp get reviewed"},
		{Text: "is mediation free? Thanks in advance"},
		{Text: "Sorry if this is a silly question, can the council say no to an assessment?"},
		{Text: "I think my son might have autism, how long is the wait for an assessment", Area: "Herefordshire"},
		{Text: "Hello everyone! cheap flights to spain?"},
		{Text: "who won the football last night? thanks"},
	} {
		res := ask(t, ix, q)
		tr, err := ix.Trace(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, con := range tr.qu.concepts {
			if con.aside {
				asides++
				break
			}
		}
		order := tr.Order(ix.model)
		answered, p := tr.Answers(ix.model, order)
		// Search breaks ties for the last of the 50 places as bleve
		// finds them, a trace by ID (retrieve's exact): the features, read
		// against the candidates' average length, may differ a little.
		if answered != res.Answered || math.Abs(p-res.Confidence) > 0.01 {
			t.Errorf("%q: the trace answers %v (%.4f), Search %v (%.4f)", q.Text, answered, p, res.Answered, res.Confidence)
		}
		for i, h := range res.Hits {
			if i >= len(order) || tr.Passages[order[i]].ID != h.ID {
				t.Errorf("%q: passage %d is %s in Search, not the trace's", q.Text, i+1, h.ID)
				break
			}
		}
	}
	if asides < 5 {
		t.Errorf("only %d of the questions have asides: the test no longer tests their decision", asides)
	}
}
