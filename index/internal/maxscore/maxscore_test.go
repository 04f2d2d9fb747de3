package maxscore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index/internal/searchtest"
)

// The tests search an index of the built-in corpus's passages, with
// bleve's English analyzer and BM25, as sendbot's index does with its own
// analyzer, and compare what Query and Phrase find with what bleve's own
// queries find.

// fields are the searched fields, with the boosts sendbot gives them.
var fields = []struct {
	name  string
	boost float64
}{{"text", 1}, {"section", 0.6}, {"title", 0.4}}

// questions are parent-style questions, asked everywhere and in each area.
var questions = []string{
	"how do I ask for an EHC needs assessment",
	"what is the local offer",
	"short breaks for disabled children",
	"my child is not getting the support in their plan",
	"school transport for a child with special educational needs",
	"speech and language therapy referral",
	"can I appeal to the tribunal about the school named in the plan",
	"annual review of an education health and care plan",
	"who is the SENCO and what do they do",
	"personal budget for my son",
	"mental health support for young people",
	"preparing for adulthood after 16",
	"help with behaviour at school and exclusion",
	"what does SEN support mean in a mainstream school",
	"how long does the council have to decide",
	"parent carer forum",
	"independent advice and support service",
	"mediation before an appeal",
	"early years support for a child under five",
	"my child refuses to go to school because of anxiety",
}

// testIndex is a bleve index of the built-in corpus's passages, on disk
// as sendbot's are (scorch; bleve's index in memory scores by tf-idf
// only): text, section and title analysed in English with their words'
// places, and each passage's area as a keyword.
func testIndex(t *testing.T) (bleve.Index, []string) {
	return testIndexScoring(t, bleveindex.BM25Scoring)
}

// testIndexScoring is testIndex scored by the model scoring.
func testIndexScoring(t *testing.T, scoring string) (bleve.Index, []string) {
	t.Helper()
	searchable := bleve.NewTextFieldMapping()
	searchable.Analyzer = en.AnalyzerName
	area := bleve.NewKeywordFieldMapping()
	area.Analyzer = keyword.Name
	doc := bleve.NewDocumentStaticMapping()
	for _, f := range fields {
		doc.AddFieldMappingsAt(f.name, searchable)
	}
	doc.AddFieldMappingsAt("area", area)
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.ScoringModel = scoring
	idx, err := bleve.NewUsing(filepath.Join(t.TempDir(), "index"), m, scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	b := idx.NewBatch()
	areas := map[string]bool{}
	for _, d := range c.Documents {
		key := corpus.AreaKey(d.Area)
		areas[key] = true
		for _, p := range d.Passages {
			err := b.Index(d.Path+"#"+p.ID, map[string]any{"text": p.Text, "section": p.Section, "title": d.Title, "area": key})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range areas {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return idx, keys
}

// phraseOf is text as a Phrase in field, analysed as the index analyses it.
func phraseOf(idx bleve.Index, field, text string, boost float64) Phrase {
	p := Phrase{Field: field, Text: text, Analyzer: en.AnalyzerName, Boost: boost}
	for _, t := range idx.Mapping().AnalyzerNamed(en.AnalyzerName).Analyze([]byte(text)) {
		p.Words = append(p.Words, Word{Term: string(t.Term), Pos: t.Position})
	}
	return p
}

// queryFor is a question as sendbot asks it: each word in each field, and
// each two neighbouring words as a phrase of the text, in area and the
// national documents when area is set.
func queryFor(idx bleve.Index, question, area string, k int) Query {
	q := Query{K: k}
	words := strings.Fields(question)
	for i, w := range words {
		p := phraseOf(idx, "text", w, 1)
		if len(p.Words) == 0 {
			continue // a stop word
		}
		for _, f := range fields {
			q.Clauses = append(q.Clauses, TermClause(f.name, p.Words[0].Term, f.boost))
		}
		if i+1 < len(words) {
			if pair := phraseOf(idx, "text", w+" "+words[i+1], 0.5); len(pair.Words) == 2 {
				q.Clauses = append(q.Clauses, PhraseClause(pair))
			}
		}
	}
	if area != "" {
		must := DisjunctionClause(TermClause("area", area, 1), TermClause("area", "england", 1))
		q.Must = &must
	}
	return q
}

// bm25 is a context in which bleve's searchers score by BM25, as a search
// of an index with a BM25 mapping does.
func bm25() context.Context {
	return context.WithValue(context.Background(), search.GetScoringModelCallbackKey,
		search.GetScoringModelCallbackFn(func() string { return bleveindex.BM25Scoring }))
}

// TestQueryFindsWhatBleveFinds asks every question everywhere and in each
// area for the best 50 and the best 3, as a Query (with its terms counted
// first, and without) and as bleve's plain query, and wants the same
// passages in the same order with the same scores, but for the last bit
// of a sum and passages tied at the last place. It fails if Query never
// skipped a passage, as then nothing here tested the skipping.
func TestQueryFindsWhatBleveFinds(t *testing.T) {
	idx, areas := testIndex(t)
	r, err := reader(idx)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	searches, skipped := 0, uint64(0)
	for _, question := range questions {
		for _, area := range append([]string{""}, areas...) {
			for _, k := range []int{50, 3} {
				for _, counted := range []bool{false, true} {
					q := queryFor(idx, question, area, k)
					if counted {
						if q.Counts, err = Counts(context.Background(), r, q, nil); err != nil {
							t.Fatal(err)
						}
					}
					label := fmt.Sprintf("%q in %q, best %d", question, area, k)
					want, got := best(t, idx, q.Plain(), k), best(t, idx, q, k)
					searchtest.SameHits(t, label, want, got, false)
					searches++
					skipped += want.Total - got.Total
				}
			}
		}
	}
	if skipped == 0 {
		t.Errorf("Query skipped no passage in %d searches", searches)
	}
	t.Logf("%d searches in areas %q; Query skipped %d passages bleve scored", searches, areas, skipped)
}

// best is q's best k in idx.
func best(t *testing.T, idx bleve.Index, q query.Query, k int) *bleve.SearchResult {
	t.Helper()
	res, err := idx.SearchInContext(context.Background(), bleve.NewSearchRequestOptions(q, k, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestQueryIsBlevesWithoutBM25 asks the questions of an index scored by
// tf-idf, where a clause's score has no ceiling, and wants bleve's own
// hits.
func TestQueryIsBlevesWithoutBM25(t *testing.T) {
	idx, _ := testIndexScoring(t, bleveindex.TFIDFScoring)
	for _, question := range questions {
		q := queryFor(idx, question, "", 10)
		want, got := best(t, idx, q.Plain(), 10), best(t, idx, q, 10)
		if len(want.Hits) == 0 {
			t.Fatalf("%q: no hits to compare", question)
		}
		if want.Total != got.Total {
			t.Errorf("%q: %d passages scored, bleve's %d", question, got.Total, want.Total)
		}
		searchtest.SameHits(t, fmt.Sprintf("%q by tf-idf", question), want, got, false)
	}
}

// reader opens a reader of idx's index.
func reader(idx bleve.Index) (bleveindex.IndexReader, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

// TestCeilingsBoundEveryScore walks every clause of every question,
// everywhere and in each area, over the whole corpus, and wants no
// passage to score more than the clause's ceiling: a ceiling below a
// score would drop a passage that belongs among the best. The ceilings
// must be the same whether the terms were counted before the search
// (Counts) or by the searcher.
func TestCeilingsBoundEveryScore(t *testing.T) {
	idx, areas := testIndex(t)
	r, err := reader(idx)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	walked, tightest := 0, 0.0
	for _, question := range questions {
		for _, area := range append([]string{""}, areas...) {
			q := queryFor(idx, question, area, 50)
			uncounted, err := q.Searcher(bm25(), r, idx.Mapping(), search.SearcherOptions{IncludeTermVectors: true})
			if err != nil {
				t.Fatal(err)
			}
			if q.Counts, err = Counts(context.Background(), r, q, nil); err != nil {
				t.Fatal(err)
			}
			s, err := q.Searcher(bm25(), r, idx.Mapping(), search.SearcherOptions{IncludeTermVectors: true})
			if err != nil {
				t.Fatal(err)
			}
			bs := s.(*bestSearcher)
			for i, c := range uncounted.(*bestSearcher).all() {
				if got := bs.all()[i].bound; got != c.bound {
					t.Errorf("%q in %q: clause %d's ceiling is %v from the terms counted first, %v counted by the searcher", question, area, c.order, got, c.bound)
				}
			}
			uncounted.Close()
			ctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(bs.DocumentMatchPoolSize(), 0)}
			for _, c := range bs.all() {
				for {
					dm, err := c.s.Next(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if dm == nil {
						break
					}
					walked++
					if dm.Score > c.bound {
						t.Errorf("%q: clause %d scores %v, above its ceiling %v", question, c.order, dm.Score, c.bound)
					}
					tightest = max(tightest, dm.Score/c.bound)
					ctx.DocumentMatchPool.Put(dm)
				}
			}
			s.Close()
		}
	}
	if walked == 0 {
		t.Fatal("no clause matched any passage")
	}
	t.Logf("%d scores walked; the highest is %.2f of its ceiling", walked, tightest)
}

// TestPhraseFindsWhatBleveFinds searches the corpus for phrases with
// Phrase and with bleve's match-phrase query, alone and inside a
// conjunction (which moves a searcher on with Advance rather than Next),
// and wants every hit the same: passage, score and matched words. The
// phrases are every glossary name, runs of words taken from the passages
// themselves (stop words in them leave gaps), a word twice, and words no
// passage has.
func TestPhraseFindsWhatBleveFinds(t *testing.T) {
	idx, _ := testIndex(t)
	phrases := []string{
		"home to school transport", "education, health and care plan", "school to school",
		"the the", "support", "local offer", "no such wordz here", "care care", "plan plan plan",
	}
	for _, e := range corpus.BuiltinGlossary().Entries {
		phrases = append(phrases, e.Terms...)
	}
	texts := passageTexts(t, idx)
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
		for _, f := range fields {
			p := phraseOf(idx, f.name, phrase, 0.7)
			label := fmt.Sprintf("%q in %s", phrase, f.name)
			found += samePhraseHits(t, idx, label, p, p.Bleve())
			// In a conjunction with a common word, each is advanced to
			// the other's passages.
			common := bleve.NewTermQuery("support")
			common.SetField("text")
			samePhraseHits(t, idx, label+" with support", bleve.NewConjunctionQuery(common, p), bleve.NewConjunctionQuery(common, p.Bleve()))
		}
	}
	if found < 500 {
		t.Errorf("the phrases were found %d times; the test wants hundreds to compare", found)
	}
}

// samePhraseHits compares every hit of got and want, and returns how many.
func samePhraseHits(t *testing.T, idx bleve.Index, label string, got, want query.Query) int {
	t.Helper()
	find := func(q query.Query) *bleve.SearchResult {
		req := bleve.NewSearchRequestOptions(q, 10000, 0, false)
		req.IncludeLocations = true
		req.SortBy([]string{"_id"})
		res, err := idx.SearchInContext(context.Background(), req)
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

// passageTexts are the texts of every passage in idx.
func passageTexts(t *testing.T, idx bleve.Index) []string {
	t.Helper()
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range c.Documents {
		for _, p := range d.Passages {
			out = append(out, p.Text)
		}
	}
	if n, _ := idx.DocCount(); int(n) != len(out) || len(out) < 100 {
		t.Fatalf("%d passage texts for %d passages; the built-in corpus has hundreds", len(out), n)
	}
	return out
}

// TestPhraseWithWordsAtOnePositionIsBleves: words sharing a position are
// alternatives to bleve, not words in a row, so such a phrase is left to
// bleve's own searcher. bleve's English analyzer never makes one; another
// analyzer could.
func TestPhraseWithWordsAtOnePositionIsBleves(t *testing.T) {
	idx, _ := testIndex(t)
	p := Phrase{Field: "text", Text: "local offer", Analyzer: en.AnalyzerName, Words: []Word{{"local", 1}, {"offer", 1}}, Boost: 1}
	r, err := reader(idx)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s, err := p.Searcher(context.Background(), r, idx.Mapping(), search.SearcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ours := s.(*phraseSearcher); ours {
		t.Fatal("a phrase with two words at one position got Phrase's own searcher")
	}
	if n := samePhraseHits(t, idx, "local offer", p, p.Bleve()); n == 0 {
		t.Fatal(`"local offer" was not found; the comparison tested nothing`)
	}
}
