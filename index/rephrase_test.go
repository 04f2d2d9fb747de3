package index

import (
	"context"
	"slices"
	"strings"
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
		// As few words left out as answers: the crux "free" stays.
		{"is mediation free thanks in advance", "is mediation free", "thanks in advance"},
		{"can the council say no to an assessment thanks in advance", "can the council say no to an assessment", "thanks in advance"},
		// The crux is the last word: no shorter question is answered.
		{"how much does a private dyslexia assessment cost", "", ""},
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
// Where a question could end without the everyday words after its
// anchor, fewest words left out first, never after a stop word.
func TestEverydayTail(t *testing.T) {
	ix := builtinIndex(t)
	tests := []struct {
		q      string
		kept   []string
		anchor string // the glossary term's headword, or the word's stem
	}{
		{"how do i get an ehcp thanks in advance", []string{"how do i get an ehcp thanks", "how do i get an ehcp"}, "EHCP"},
		// A word of the documents beyond everyday English, after the last
		// glossary term or without one, by its stem.
		{"does kooth need a referal thanks", []string{"does kooth need a referal"}, "refer"},
		{"what does camhs stand for thanks", []string{"what does camhs stand", "what does camhs"}, "CAMHS"},
		// A place, or a word no document says, after the last term.
		{"how do i get an ehcp in bristol this weekend", nil, ""},
		{"is there an ehcp clinic near worcester cathedral", nil, ""},
		// A sentence of its own, or a question word, after it.
		{"i have an ehcp. thanks", nil, ""},
		{"my son has an ehcp who won the football", nil, ""},
		{"how do i get an ehcp thanks so much to everyone here for all the help", []string{
			"how do i get an ehcp thanks so much to everyone", "how do i get an ehcp thanks so much", "how do i get an ehcp thanks", "how do i get an ehcp",
		}, "EHCP"},
		// At most five readings: the four with fewest words left out, and
		// the one without every word after the anchor.
		{"how do i get an ehcp thanks lovely people really appreciate kind help today", []string{
			"how do i get an ehcp thanks lovely people really appreciate kind help", "how do i get an ehcp thanks lovely people really appreciate kind",
			"how do i get an ehcp thanks lovely people really appreciate", "how do i get an ehcp thanks lovely people really", "how do i get an ehcp",
		}, "EHCP"},
		// Nothing after it, or no anchor.
		{"how do i get an ehcp", nil, ""},
		{"will it rain this weekend", nil, ""},
	}
	for _, tt := range tests {
		checkReadings(t, ix.everydayTail, tt.q, tt.kept, tt.anchor)
	}
}

// Where a question could start without the everyday words before its
// anchor, fewest words left out first, always after a stop word.
func TestEverydayHead(t *testing.T) {
	ix := builtinIndex(t)
	tests := []struct {
		q      string
		kept   []string
		anchor string
	}{
		{"sorry if this is a silly question but can the council refuse an ehcp", []string{
			"silly question but can the council refuse an ehcp", "can the council refuse an ehcp", "council refuse an ehcp",
		}, "local authority"},
		{"sorry to ask but what is an ehcp", nil, ""}, // a question word: asides read it
		// What describes the anchor stays: no reading starts inside it.
		{"cheapest car insurance for a 17 year old", nil, ""},
		{"the best ehcp advice", []string{"best ehcp advice"}, "EHCP"},
		// A place, or another sentence, before it.
		{"we live in bristol and need an ehcp", nil, ""},
		{"thanks all. ehcp help", nil, ""},
		{"ehcp help", nil, ""},
		// A letter or a number is no anchor.
		{"is that even legal thank you so much x", nil, ""},
	}
	for _, tt := range tests {
		checkReadings(t, ix.everydayHead, tt.q, tt.kept, tt.anchor)
	}
}

// checkReadings checks the shorter questions side reads q as, and the
// anchor (a glossary term's headword, or a word's stem).
func checkReadings(t *testing.T, side func(string) ([]reading, anchor), q string, want []string, wantAnchor string) {
	t.Helper()
	readings, a := side(q)
	var kept []string
	for _, r := range readings {
		kept = append(kept, r.text)
		if left := strings.TrimSpace(strings.Replace(q, r.text, "", 1)); left != r.leftOut {
			t.Errorf("%q read as %q leaves out %q, want %q", q, r.text, r.leftOut, left)
		}
	}
	name := a.stem
	if a.term != nil {
		name = a.term.Headword()
	}
	if !slices.Equal(kept, want) || name != wantAnchor {
		t.Errorf("%q: read as %q, anchor %q; want %q, %q", q, kept, name, want, wantAnchor)
	}
}

// A shorter question's trace answers as Search does: at even odds or
// better, with a quote that names its anchor.
func TestShorterTracesAnswerAsSearchDoes(t *testing.T) {
	ix := builtinIndex(t)
	ctx := context.Background()
	// A model that answers whatever it finds, so that confidences below
	// even odds are answered as asked.
	lenient := *ix.model
	lenient.Threshold = 0
	for _, q := range []string{"is mediation free", "how much does a private dyslexia assessment", "can the council say no to an assessment"} {
		tr, err := ix.Trace(ctx, Query{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		order := tr.Order(&lenient)
		ok, confidence := tr.Answers(&lenient, order)
		if !ok {
			t.Fatalf("%q: declined with threshold 0", q)
		}
		tr.ending = make([]bool, len(tr.Passages)+1)
		if shorter, _ := tr.Answers(&lenient, order); shorter {
			t.Errorf("%q: answered as a shorter question whose quotes do not name its anchor", q)
		}
		for i := range tr.ending {
			tr.ending[i] = true
		}
		if shorter, _ := tr.Answers(&lenient, order); shorter != (confidence >= leftOutConfidence) {
			t.Errorf("%q: confidence %.3f, answered as a shorter question %v; want it answered at even odds or better", q, confidence, shorter)
		}
	}
}

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
	if ix.quotesName(autism, anchor{term: inspection}) {
		t.Errorf("quotes about autism name the SEND inspection")
	}
	named := append(autism, Hit{Text: "The SEND inspection found weaknesses."})
	if !ix.quotesName(named, anchor{term: inspection}) {
		t.Errorf("the third quote names the SEND inspection, but it was not found")
	}
	if ix.quotesName(append(autism[:2:2], Hit{Text: "x"}, Hit{Text: "The SEND inspection found weaknesses."}), anchor{term: inspection}) {
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
