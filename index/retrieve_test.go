package index

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index/internal/maxscore"
	"github.com/sendbot/sendbot/index/internal/searchtest"
)

// TestRetrievalFindsWhatBleveFinds asks the built-in eval's questions of
// the built-in corpus, everywhere and in each area, and wants the
// candidates of retrieval's query (a maxscore.Query of sendbot's clauses:
// its words, pairs and phrases, analysed by sendbot_en) to be bleve's own
// for the same disjunction: the same passages in the same order, with the
// same scores.
func TestRetrievalFindsWhatBleveFinds(t *testing.T) {
	ix := builtinIndex(t)
	sameAsBleve(t, ix, true)
}

// sameAsBleve asks the built-in eval's questions of ix, everywhere and in
// each area, for the best 50 and the best 3, through retrieval's query and
// as bleve's plain query, and compares the candidates (see
// sameCandidates). It fails if the query never skipped a passage, as then
// nothing here tested the skipping.
func sameAsBleve(t *testing.T, ix *Index, strict bool) {
	t.Helper()
	r, err := ix.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	areas := searchedAreas(ix)
	searches, skipped := 0, uint64(0)
	for _, q := range defaultQuestions(t) {
		p := understood(t, ix, r, q.Question)
		if len(p.concepts) == 0 {
			continue
		}
		for _, area := range areas {
			for _, k := range []int{candidates, 3} {
				pa := p
				pa.areaKey = area
				b := ix.query(pa, false)
				b.K = k
				var err error
				if b.Counts, err = maxscore.Counts(context.Background(), r, b, p.uses); err != nil {
					t.Fatal(err)
				}
				label := fmt.Sprintf("%s in %q, best %d", q.ID, area, k)
				want := searchK(t, ix, b.Plain(), k)
				got := searchK(t, ix, b, k)
				searchtest.SameHits(t, label, want, got, strict)
				searches++
				skipped += want.Total - got.Total
			}
		}
	}
	if skipped == 0 {
		t.Errorf("retrieval's query skipped no passage in %d searches", searches)
	}
	t.Logf("%d searches in areas %q; retrieval's query skipped %d passages bleve scored", searches, areas, skipped)
}

// searchedAreas are "" (everywhere) and the key of each local area ix has.
func searchedAreas(ix *Index) []string {
	areas := []string{""}
	for key, name := range ix.areas {
		if !corpus.IsNational(name) {
			areas = append(areas, key)
		}
	}
	sort.Strings(areas)
	return areas
}

// builtinIndex builds and opens an index of the built-in corpus.
func builtinIndex(t *testing.T) *Index {
	t.Helper()
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	return buildAndOpen(t, c.Documents, corpus.BuiltinGlossary().Merge(c.Glossary))
}

// searchK is q's best k candidates, as the bot asks for them.
func searchK(t *testing.T, ix *Index, q query.Query, k int) *bleve.SearchResult {
	t.Helper()
	req := candidateRequestFor(q)
	req.Size = k
	r, err := ix.bleve.SearchInContext(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestLoadFieldsIsBlevesLoad loads the stored fields of every passage of
// the built-in corpus (and one with a page and a date) with loadFields
// and with bleve's LoadAndHighlightFields, and wants the same fields.
func TestLoadFieldsIsBlevesLoad(t *testing.T) {
	ix := buildAndOpen(t, documentTestCorpus(t), corpus.BuiltinGlossary())
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 100000, 0, false)
	res, err := ix.bleve.SearchInContext(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ix.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := res.Hits
	if err := loadFields(r, got); err != nil {
		t.Fatal(err)
	}
	paged := 0
	for _, h := range got {
		want := &search.DocumentMatch{ID: h.ID}
		if err, _ := bleve.LoadAndHighlightFields(want, &bleve.SearchRequest{Fields: storedFields}, "", r, nil); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(h.Fields, want.Fields) {
			t.Errorf("%s: loadFields gives\n%#v\nbleve gives\n%#v", h.ID, h.Fields, want.Fields)
		}
		if p, _ := h.Fields[fieldPage].(float64); p > 0 {
			paged++
		}
	}
	if len(got) < 100 || paged == 0 {
		t.Errorf("%d passages compared, %d with a page: the test wants hundreds, and pages", len(got), paged)
	}
}
