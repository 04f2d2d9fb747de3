package index

import (
	"context"
	"testing"
)

// A question the bot would decline only because of the everyday words a
// parent added after it is answered without them, and says what was left
// out; a question whose last words are what it asks, or that asks
// nothing of the documents' subject, is declined as before.
func TestWordsAddedAfterAQuestionAreLeftOut(t *testing.T) {
	ix := builtinIndex(t)
	ctx := context.Background()
	tests := []struct {
		q, asked, leftOut string
	}{
		// Thanks, a plea and chat words after the last SEND term.
		{"how do i get an ehcp thanks in advance", "how do i get an ehcp", "thanks in advance"},
		{"what is an ehcp pls help im so stressed", "what is an ehcp", "pls help im so stressed"},
		// No SEND term: nothing to keep.
		{"will it rain in bristol this weekend", "", ""},
		{"worcester cathedral opening times", "", ""},
		// The words after it are a sentence, or a question, of their own.
		{"my son is autistic. who won the football last night", "", ""},
		{"my son is autistic who won the football last night", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			whole, _, err := ix.search(ctx, Query{Text: tt.q}, without{LeftOut: true}, false)
			if err != nil {
				t.Fatal(err)
			}
			if whole.Answered {
				t.Fatalf("answered whole (confidence %.3f): the test needs a question the bot declines", whole.Confidence)
			}
			res, err := ix.Search(ctx, Query{Text: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if res.Rephrased != tt.asked || res.LeftOut != tt.leftOut {
				t.Fatalf("answered %q leaving out %q, want %q leaving out %q", res.Rephrased, res.LeftOut, tt.asked, tt.leftOut)
			}
			shorter, err := ix.Search(ctx, Query{Text: tt.asked})
			switch {
			case tt.asked == "":
				if res.Answered {
					t.Errorf("answered (confidence %.3f); want it declined", res.Confidence)
				}
			case err != nil:
				t.Fatal(err)
			case !res.Answered || len(res.Hits) == 0 || res.Hits[0].ID != shorter.Hits[0].ID:
				t.Errorf("answered %v, first %v; want the answer to %q, first %q", res.Answered, res.Hits, tt.asked, shorter.Hits[0].ID)
			}
		})
	}
	if res, err := ix.Search(ctx, Query{Text: "how do i get an ehcp"}); err != nil || !res.Answered || res.Rephrased != "" {
		t.Errorf("a question answered as asked: answered %v, rephrased %q, err %v; want an answer as asked", res.Answered, res.Rephrased, err)
	}
}

// The answer to the shorter question must quote the SEND term it ends
// on, in one of its first three texts; else it answers the words before
// it ("my son is autistic. north lincs send inspection outcome" answered
// by autism services).
func TestShorterQuestionsAnswerMustNameItsLastTerm(t *testing.T) {
	ix := builtinIndex(t)
	termOf := func(text string) *term {
		ms := ix.vocab.find(tokenize(ix.analyzer, text), text, false)
		if len(ms) != 1 {
			t.Fatalf("%q: %d glossary terms, want 1", text, len(ms))
		}
		return ms[0].term
	}
	inspection := termOf("send inspection")
	autism := []Hit{{Text: "Autism support groups meet on Saturdays."}, {Text: "The National Autistic Society helps families."}}
	if ix.quotesName(autism, inspection) {
		t.Errorf("quotes about autism name the SEND inspection")
	}
	named := append(autism, Hit{Text: "The SEND inspection found weaknesses."})
	if !ix.quotesName(named, inspection) {
		t.Errorf("the third quote names the SEND inspection, but it was not found")
	}
	if ix.quotesName(append(autism[:2:2], Hit{Text: "x"}, Hit{Text: "The SEND inspection found weaknesses."}), inspection) {
		t.Errorf("only the fourth quote names it, but it counted")
	}

	// In a trace, by the order a model gives: a meaning shown first takes
	// one of the three places.
	tr := &Trace{Passages: make([]TracedPassage, 4), ending: []bool{false, false, false, true}}
	for _, tt := range []struct {
		order []int
		want  bool
	}{{[]int{0, 1, 2, 3}, false}, {[]int{3, 0, 1, 2}, true}, {[]int{0, 1, 3, 2}, true}} {
		if got := tr.namesEnding(tt.order); got != tt.want {
			t.Errorf("passages in order %v: names the term %v, want %v", tt.order, got, tt.want)
		}
	}
	defined := &Trace{Definition: &Hit{}, Passages: make([]TracedPassage, 3), ending: []bool{false, false, false, true}}
	if defined.namesEnding([]int{0, 1, 2}) || !defined.namesEnding([]int{2, 0, 1}) {
		t.Errorf("after a meaning, only the first two passages count")
	}
	if !(&Trace{}).namesEnding(nil) {
		t.Errorf("a question read whole has no term to name")
	}
}

// Asked for one passage, the shorter question (searched for three, whose
// quotes must name its term) shows one.
func TestLeavingOutKeepsTheNumberOfPassagesAskedFor(t *testing.T) {
	ix := builtinIndex(t)
	res, err := ix.Search(context.Background(), Query{Text: "how do i get an ehcp thanks in advance", K: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Answered || res.Rephrased != "how do i get an ehcp" || len(res.Hits) != 1 {
		t.Errorf("answered %v as %q with %d hits; want the shorter question answered with 1", res.Answered, res.Rephrased, len(res.Hits))
	}
}
