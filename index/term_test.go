package index

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// TestTermSearcherIsBlevesTermSearcher walks every test word with
// sendbot's term searcher and bleve's side by side, by Next and by random
// Advances (near, across chunks, far, back and past the end), and wants
// the same passage with the same score, to the bit, at every step, and
// the same count and weight. It does so in an index of one segment and
// in one of several with passages deleted (see postingsLayouts).
func TestTermSearcherIsBlevesTermSearcher(t *testing.T) {
	ctx := bm25()
	o := search.SearcherOptions{}
	for _, c := range postingsLayouts {
		t.Run(c.name, func(t *testing.T) {
			r := readerOf(t, postingsIndex(t, c.batch, c.del))
			docs, err := r.DocCount()
			if err != nil {
				t.Fatal(err)
			}
			for _, word := range postingsWords {
				term := string(textAnalyzer().Analyze([]byte(word))[0].Term)
				for run := range 10 {
					const boost = 0.7
					theirs, err := searcher.NewTermSearcher(ctx, r, term, fieldText, boost, o)
					if err != nil {
						t.Fatal(err)
					}
					ours, err := newTermSearcher(ctx, r, map[string][]segment.TermDictionary{}, fieldText, term, boost, o)
					if err != nil || ours == nil {
						t.Fatalf("%s: no term searcher of sendbot's (%v)", term, err)
					}
					if ours.Count() != theirs.Count() || ours.Weight() != theirs.Weight() {
						t.Fatalf("%s: count %d, weight %v; bleve's %d, %v", term, ours.Count(), ours.Weight(), theirs.Count(), theirs.Weight())
					}
					theirs.SetQueryNorm(0.37)
					ours.SetQueryNorm(0.37)
					sc := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(4, 0)}
					rng := rand.New(rand.NewPCG(uint64(run), uint64(len(term))))
					target := uint64(0)
					for step := 0; step < 400; step++ {
						var a, b *search.DocumentMatch
						var errA, errB error
						what := "Next"
						if run == 0 || rng.IntN(3) == 0 {
							a, errA = ours.Next(sc)
							b, errB = theirs.Next(sc)
						} else {
							switch rng.IntN(6) {
							case 0:
								target += uint64(rng.IntN(3))
							case 1:
								target += uint64(1 + rng.IntN(40))
							case 2:
								target += uint64(300 + rng.IntN(1500))
							case 3:
								target = uint64(rng.IntN(int(docs) + 1))
							case 4:
								target = uint64(rng.IntN(int(target) + 1)) // back
							case 5:
								target = docs + 4000 + uint64(rng.IntN(3)) // past the end
							}
							what = fmt.Sprintf("Advance(%d)", target)
							id := bleveindex.NewIndexInternalID(nil, target)
							a, errA = ours.Advance(sc, id)
							b, errB = theirs.Advance(sc, id)
						}
						if errA != nil || errB != nil {
							t.Fatal(errA, errB)
						}
						label := fmt.Sprintf("%s, run %d, step %d: %s", term, run, step, what)
						if (a == nil) != (b == nil) {
							t.Fatalf("%s: sendbot's gives %v, bleve's %v", label, a, b)
						}
						if a == nil {
							if run == 0 {
								break
							}
							continue
						}
						if a.IndexInternalID.Value() != b.IndexInternalID.Value() || a.Score != b.Score {
							t.Fatalf("%s: sendbot's gives passage %d scoring %v, bleve's %d scoring %v",
								label, a.IndexInternalID.Value(), a.Score, b.IndexInternalID.Value(), b.Score)
						}
						target = a.IndexInternalID.Value()
						sc.DocumentMatchPool.Put(a)
						sc.DocumentMatchPool.Put(b)
					}
					theirs.Close()
				}
			}
		})
	}
}
