package index

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/sendbot/sendbot/corpus"
)

// TestBestFindsWhatBleveFinds asks the built-in eval's questions of the
// built-in corpus, everywhere and in each area, and wants bestQuery's
// candidates to be bleve's own for the same disjunction: the same
// passages in the same order, with the same scores and matched words.
func TestBestFindsWhatBleveFinds(t *testing.T) {
	ix := builtinIndex(t)
	sameAsBleve(t, ix, true)
}

// sameAsBleve asks the built-in eval's questions of ix, everywhere and in
// each area, for the best 60 and the best 3, through bestQuery and as
// bleve's plain query, and compares the candidates (see sameCandidates).
// It fails if bestQuery never skipped a passage, as then nothing here
// tested the skipping.
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
				b := ix.query(p)
				b.k = k
				if area != "" {
					b.must = inArea(area)
				}
				countUses(t, r, &b, p.uses)
				label := fmt.Sprintf("%s in %q, best %d", q.ID, area, k)
				want := searchK(t, ix, b.plain(), k)
				got := searchK(t, ix, b, k)
				sameCandidates(t, ix, label, want, got, strict)
				searches++
				skipped += want.Total - got.Total
			}
		}
	}
	if skipped == 0 {
		t.Errorf("bestQuery skipped no passage in %d searches", searches)
	}
	t.Logf("%d searches in areas %q; bestQuery skipped %d passages bleve scored", searches, areas, skipped)
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

func externalID(r bleveindex.IndexReader, dm *search.DocumentMatch) string {
	id, err := r.ExternalID(dm.IndexInternalID)
	if err != nil {
		return err.Error()
	}
	return id
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

// TestCeilingsBoundEveryScore walks every clause of every question of the
// built-in eval, everywhere and in each area, over the whole built-in
// corpus, and wants no passage to score more than the clause's ceiling.
// A ceiling below a score would drop a passage that belongs among the
// best. The ceilings are the search's: from the uses counted before it
// (leafUses), which must give the ceilings counting in the searcher does.
func TestCeilingsBoundEveryScore(t *testing.T) {
	ix := builtinIndex(t)
	r, err := ix.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	walked, tightest := 0, 0.0
	for _, q := range defaultQuestions(t) {
		p := understood(t, ix, r, q.Question)
		if len(p.concepts) == 0 {
			continue
		}
		for _, area := range searchedAreas(ix) {
			b := ix.query(p)
			if area != "" {
				b.must = inArea(area)
			}
			uncounted, err := b.Searcher(bm25(), r, ix.bleve.Mapping(), search.SearcherOptions{IncludeTermVectors: true})
			if err != nil {
				t.Fatal(err)
			}
			countUses(t, r, &b, p.uses)
			s, err := b.Searcher(bm25(), r, ix.bleve.Mapping(), search.SearcherOptions{IncludeTermVectors: true})
			if err != nil {
				t.Fatal(err)
			}
			bs := s.(*bestSearcher)
			for i, c := range uncounted.(*bestSearcher).all() {
				if got := bs.all()[i].bound; got != c.bound {
					t.Errorf("%s in %q: clause %d's ceiling is %v from the uses counted first, %v counted by the searcher", q.ID, area, c.order, got, c.bound)
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
						t.Errorf("%s: clause %d scores %v in %s, above its ceiling %v", q.ID, c.order, dm.Score, externalID(r, dm), c.bound)
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

// bm25 is a context in which bleve's searchers score by BM25, as a search
// of a sendbot index does.
func bm25() context.Context {
	return context.WithValue(context.Background(), search.GetScoringModelCallbackKey,
		search.GetScoringModelCallbackFn(func() string { return bleveindex.BM25Scoring }))
}

// countUses sets b.uses as retrieve does: from known, and from r for the
// rest.
func countUses(t *testing.T, r bleveindex.IndexReader, b *bestQuery, known map[leaf]uint64) {
	t.Helper()
	var err error
	if b.uses, err = leafUses(context.Background(), r, *b, known); err != nil {
		t.Fatal(err)
	}
}
