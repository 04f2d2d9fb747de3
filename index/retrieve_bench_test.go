package index

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/sendbot/sendbot/bench/synth"
	"github.com/sendbot/sendbot/corpus"
)

// retrievePassages is the size of the synthetic corpus BenchmarkRetrieve
// builds. Issue 25 compares the engines at 100,000:
//
//	go test ./index -run '^$' -bench Retrieve -benchtime 100x -args -retrieve.passages 100000
var retrievePassages = flag.Int("retrieve.passages", 3000, "passages in BenchmarkRetrieve's synthetic corpus")

// retrievalEngines are the two ways BenchmarkRetrieve finds a question's
// candidates, the best `candidates` passages with their stored fields:
// sendbot's retrieve, as a search runs it, and bleve's own searchers on
// the same query (maxscore.Query.Plain: a disjunction of the concepts' term
// and phrase queries over text, section and title, in a conjunction with
// the area filter), with bleve loading the stored fields.
var retrievalEngines = []struct {
	name string
	find func(ctx context.Context, ix *Index, r bleveindex.IndexReader, qu question) (search.DocumentMatchCollection, error)
}{
	{"sendbot", func(ctx context.Context, ix *Index, r bleveindex.IndexReader, qu question) (search.DocumentMatchCollection, error) {
		cs, err := ix.retrieve(ctx, r, qu, false, false)
		hits := make(search.DocumentMatchCollection, len(cs))
		for i, c := range cs {
			hits[i] = c.dm
		}
		return hits, err
	}},
	{"bleve", func(ctx context.Context, ix *Index, r bleveindex.IndexReader, qu question) (search.DocumentMatchCollection, error) {
		q := ix.query(qu, false)
		if len(q.Clauses) == 0 {
			return nil, nil
		}
		req := bleve.NewSearchRequestOptions(q.Plain(), candidates, 0, false)
		req.Fields = storedFields
		res, err := ix.bleve.SearchInContext(ctx, req)
		if err != nil {
			return nil, err
		}
		return res.Hits, nil
	}},
}

// BenchmarkRetrieve times retrieval, stage 2 of a search, by each of
// retrievalEngines on one synthetic index (bench/synth's corpus and
// questions, as bench/perf measures them), side by side: every question
// in turn, each engine in turn (which goes first alternates), after a
// round to warm up. Understanding the question is not timed. It reports
// each engine's p50 and p99 over every question of every round, and
// fails if the engines find different candidates, apart from passages
// tied at the last place.
func BenchmarkRetrieve(b *testing.B) {
	ix := syntheticIndex(b, *retrievePassages)
	ctx := context.Background()
	lat := make([][]time.Duration, len(retrievalEngines))
	round := func(timed bool) {
		for i, q := range synth.Questions {
			found := make([]search.DocumentMatchCollection, len(retrievalEngines))
			for k := range retrievalEngines {
				e := (k + i) % len(retrievalEngines)
				r, err := ix.reader()
				if err != nil {
					b.Fatal(err)
				}
				qu, err := ix.understand(ctx, r, Query{Text: q.Text, Area: q.Area}, nil)
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				found[e], err = retrievalEngines[e].find(ctx, ix, r, qu)
				took := time.Since(start)
				r.Close()
				if err != nil {
					b.Fatalf("%s: %q: %v", retrievalEngines[e].name, q.Text, err)
				}
				if timed {
					lat[e] = append(lat[e], took)
				}
			}
			for e := 1; e < len(found); e++ {
				if diff := differentCandidates(found[0], found[e]); diff != "" {
					b.Errorf("%q in %q: %s and %s differ: %s", q.Text, q.Area, retrievalEngines[0].name, retrievalEngines[e].name, diff)
				}
			}
		}
	}
	round(false)
	for b.Loop() {
		round(true)
	}
	var summary []string
	for e, l := range lat {
		p50, p99 := quantile(l, 0.50), quantile(l, 0.99)
		b.ReportMetric(ms(p50), "p50-ms-"+retrievalEngines[e].name)
		b.ReportMetric(ms(p99), "p99-ms-"+retrievalEngines[e].name)
		summary = append(summary, fmt.Sprintf("%s p50 %.2f ms p99 %.2f ms", retrievalEngines[e].name, ms(p50), ms(p99)))
	}
	b.Logf("%d passages, %d retrievals each: %s", *retrievePassages, len(lat[0]), strings.Join(summary, "; "))
}

// differentCandidates says how two engines' candidates differ, or "" when
// they are the same passages, but for those tied with the last one.
func differentCandidates(a, b search.DocumentMatchCollection) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d candidates against %d", len(a), len(b))
	}
	if len(a) == 0 {
		return ""
	}
	last := math.Min(a[len(a)-1].Score, b[len(b)-1].Score)
	tied := func(s float64) bool { return math.Abs(s-last) <= 1e-9*last }
	ids := func(hits search.DocumentMatchCollection) map[string]float64 {
		out := map[string]float64{}
		for _, h := range hits {
			out[h.ID] = h.Score
		}
		return out
	}
	ia, ib := ids(a), ids(b)
	var diff []string
	for id, s := range ia {
		if sb, ok := ib[id]; ok && math.Abs(s-sb) > 1e-9*s {
			diff = append(diff, fmt.Sprintf("%s scores %v against %v", id, s, sb))
		} else if !ok && !tied(s) {
			diff = append(diff, fmt.Sprintf("only the first has %s (%v)", id, s))
		}
	}
	for id, s := range ib {
		if _, ok := ia[id]; !ok && !tied(s) {
			diff = append(diff, fmt.Sprintf("only the second has %s (%v)", id, s))
		}
	}
	slices.Sort(diff)
	return strings.Join(diff, "; ")
}

// syntheticIndex builds and opens an index of n passages of bench/synth's
// corpus, made from ../shared/corpus's words, as bench/perf builds one.
func syntheticIndex(b *testing.B, n int) *Index {
	b.Helper()
	const shared = "../../shared/corpus"
	if _, err := os.Stat(shared); err != nil {
		b.Skipf("no %s to take the synthetic corpus's words from", shared)
	}
	v, err := synth.Learn(shared)
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(b.TempDir(), "corpus")
	if err := synth.Generate(dir, v, n, 7); err != nil {
		b.Fatal(err)
	}
	c, err := corpus.Load(os.DirFS(dir))
	if err != nil {
		b.Fatal(err)
	}
	idx := filepath.Join(b.TempDir(), "index")
	if err := Rebuild(context.Background(), idx, c.Documents, corpus.BuiltinGlossary().Merge(c.Glossary), Source{Name: "synthetic"}); err != nil {
		b.Fatal(err)
	}
	ix, err := Open(idx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	return ix
}

// quantile is the q-quantile of d, as bench/perf takes it.
func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
