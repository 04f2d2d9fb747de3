package index

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sendbot/sendbot/corpus"
)

func TestAsides(t *testing.T) {
	for _, tt := range []struct {
		question string
		asides   []string
	}{
		{"hi all, how do i get an ehcp", []string{"hi all"}},
		{"how do i get an ehcp? thanks in advance", []string{"thanks in advance"}},
		{"Sorry if this is a silly question: what is a short break?", []string{"Sorry if this is a silly question"}},
		{"hello everyone! my son is 9. is there a club on saturdays? any advice would be appreciated", []string{"hello everyone", "my son is 9", "any advice would be appreciated"}},
		{"i think my daughter might have sen, who should i talk to at school first", []string{"i think my daughter might have sen"}},
		// A question word starts a clause wherever it is.
		{"sorry if this is a silly question but how do i get an ehcp", []string{"sorry if this is a silly question but"}},
		{"my son is non verbal how do we get a communication aid", []string{"my son is non verbal"}},
		{"We moved here in June what support is there", []string{"We moved here in June"}},
		{"my son is 7 (how do i get an ehcp)", []string{"my son is 7 ("}},
		{"how do i know what support my child should get", nil},
		{"i want to know whatever the school has to do", nil},
		{"my son was excluded and i don't know why they did it", nil},
		// What asks points back to the aside: it is part of the question.
		{"school want to put my daughter on a part time timetable, is that even legal", nil},
		{"my son was excluded - how long can they do it for", nil},
		// Nothing asks: the last sentence is what is asked.
		{"my son is autistic. short breaks", []string{"my son is autistic"}},
		{"Hello everyone! EHCP timescales", []string{"Hello everyone"}},
		{"my son has an ehcp. it is not followed", nil},
		// One sentence of which nothing asks, or all of it asks.
		{"ehcp timescales", nil},
		{"short breaks, holiday clubs", nil},
		{"how do i get an ehcp", nil},
		{"what is an ehcp? how do i get one?", nil},
	} {
		if got := spanTexts(tt.question, asides(tt.question)); !slices.Equal(got, tt.asides) {
			t.Errorf("asides(%q) = %q, want %q", tt.question, got, tt.asides)
		}
	}
}

// An aside's words count half in ranking: an apology's "question" does not
// pull the answer towards a page of questions that says less of what is
// asked.
func TestAsidesCountHalfInRanking(t *testing.T) {
	files := fstest.MapFS{
		"testshire/transport.md": page("School transport in Testshire", "https://testshire.example/transport", "2025-09-01", "local-offer",
			"# School transport in Testshire\n\nThe council arranges free school transport for a child who cannot walk to school because of their special educational needs. Apply to the transport team before the start of term.\n"),
		"testshire/faq.md": page("Questions and answers", "https://testshire.example/faq", "2025-09-01", "local-offer",
			"# Questions and answers\n\nNo question about school transport is a silly question: phone the council's contact centre.\n"),
		"testshire/parks.md": page("Parks", "https://testshire.example/parks", "2025-09-01", "local-offer",
			"# Parks\n\nThe parks are open every day. Ask at the cafe if you have a question about the play area for young children.\n"),
	}
	ix := buildAnswerIndex(t, files, corpus.BuiltinGlossary())
	for _, q := range []string{
		"how do I get free school transport",
		"Sorry if this is a silly question, how do I get free school transport?",
	} {
		res := ask(t, ix, Query{Text: q, Area: "Testshire"})
		if len(res.Hits) == 0 || res.Hits[0].Title != "School transport in Testshire" {
			t.Errorf("%q: %q first, want the transport page", q, titles(res.Hits))
		}
	}
}

// When nothing asks, the last sentence is what is asked: a sentence about
// the child before it is context, which the answer needs to say nothing
// of. Before, "autistic" alone got "worcester cathedral opening times"
// answered from the built-in autism pages.
func TestContextBeforeWhatIsAsked(t *testing.T) {
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	ix := buildAndOpen(t, c.Documents, corpus.BuiltinGlossary().Merge(c.Glossary))
	if res := ask(t, ix, Query{Text: "My son is autistic. worcester cathedral opening times"}); res.Answered {
		t.Errorf("an off-topic question after a sentence about the child: answered with %q", titles(res.Hits))
	}
	res := ask(t, ix, Query{Text: "My son is autistic. short breaks", Area: "Herefordshire"})
	if !res.Answered || !strings.Contains(strings.ToLower(res.Hits[0].Title), "short break") {
		t.Errorf("short breaks after a sentence about the child: answered %v with %q first", res.Answered, titles(res.Hits))
	}
}
