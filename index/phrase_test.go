package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/sendbot/sendbot/corpus"
)

// TestPhraseFindsWhatBleveFinds searches the built-in corpus for phrases
// with phraseQuery and with bleve's match-phrase query, alone and inside
// a conjunction (which moves a searcher on with Advance rather than
// Next), and wants every hit the same: passage, score and matched words.
// The phrases are every glossary name, pairs and runs of words taken
// from the passages themselves (stop words in them leave gaps), a word
// twice, and words no passage has.
func TestPhraseFindsWhatBleveFinds(t *testing.T) {
	ix := builtinIndex(t)
	phrases := []string{
		"home to school transport", "education, health and care plan", "school to school",
		"the the", "support", "local offer", "no such wordz here", "care care", "plan plan plan",
	}
	for _, e := range corpus.BuiltinGlossary().Entries {
		phrases = append(phrases, e.Terms...)
	}
	texts := passageTexts(t, ix)
	r := rand.New(rand.NewPCG(3, 5))
	for range 300 {
		words := strings.Fields(texts[r.IntN(len(texts))])
		if len(words) < 5 {
			continue
		}
		n := 2 + r.IntN(3)
		at := r.IntN(len(words) - n)
		phrases = append(phrases, strings.Join(words[at:at+n], " "))
	}
	found := 0
	for _, phrase := range phrases {
		for _, field := range []string{fieldText, fieldSection, fieldTitle} {
			c := ix.phraseClause(field, phrase, 0.7)
			p := c.q.(phraseQuery)
			label := fmt.Sprintf("%q in %s", phrase, field)
			found += samePhraseHits(t, ix, label, p, p.bleveQuery())
			// In a conjunction with a common word, each is advanced to
			// the other's passages.
			common := bleve.NewTermQuery("support")
			common.SetField(fieldText)
			samePhraseHits(t, ix, label+" with support", bleve.NewConjunctionQuery(common, p), bleve.NewConjunctionQuery(common, p.bleveQuery()))
		}
	}
	if found < 500 {
		t.Errorf("the phrases were found %d times; the test wants hundreds to compare", found)
	}
}

// samePhraseHits compares every hit of got and want, and returns how many.
func samePhraseHits(t *testing.T, ix *Index, label string, got, want query.Query) int {
	t.Helper()
	find := func(q query.Query) *bleve.SearchResult {
		req := bleve.NewSearchRequestOptions(q, 10000, 0, false)
		req.IncludeLocations = true
		req.SortBy([]string{"_id"})
		res, err := ix.bleve.SearchInContext(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		return res
	}
	g, w := find(got), find(want)
	if len(g.Hits) != len(w.Hits) {
		t.Fatalf("%s: %d hits, want %d", label, len(g.Hits), len(w.Hits))
	}
	for i, h := range w.Hits {
		switch gh := g.Hits[i]; {
		case gh.ID != h.ID:
			t.Fatalf("%s #%d: %s, want %s", label, i, gh.ID, h.ID)
		case gh.Score != h.Score:
			t.Fatalf("%s #%d: score %v, want %v", label, i, gh.Score, h.Score)
		case !reflect.DeepEqual(gh.Locations, h.Locations):
			t.Fatalf("%s #%d: matched words %v, want %v", label, i, gh.Locations, h.Locations)
		}
	}
	return len(w.Hits)
}

// passageTexts are the texts of every passage in ix.
func passageTexts(t *testing.T, ix *Index) []string {
	t.Helper()
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 100000, 0, false)
	req.Fields = []string{fieldText}
	res, err := ix.bleve.SearchInContext(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range res.Hits {
		if s, ok := h.Fields[fieldText].(string); ok {
			out = append(out, s)
		}
	}
	if len(out) < 100 {
		t.Fatalf("%d passage texts; the built-in corpus has hundreds", len(out))
	}
	return out
}

// TestPhraseWithWordsAtOnePositionIsBleves: words sharing a position are
// alternatives to bleve, not words in a row, so such a phrase is left to
// bleve's own searcher. sendbot_en never makes one; another analyzer
// could.
func TestPhraseWithWordsAtOnePositionIsBleves(t *testing.T) {
	ix := builtinIndex(t)
	p := phraseQuery{field: fieldText, phrase: "local offer", words: []wordAt{{"local", 1}, {"offer", 1}}, boost: 1}
	r, err := ix.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s, err := p.Searcher(context.Background(), r, ix.bleve.Mapping(), search.SearcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ours := s.(*phraseSearcher); ours {
		t.Fatal("a phrase with two words at one position got sendbot's phrase searcher")
	}
	if n := samePhraseHits(t, ix, "local offer", p, p.bleveQuery()); n == 0 {
		t.Fatal(`"local offer" was not found; the comparison tested nothing`)
	}
}
