package index

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/sendbot/sendbot/corpus"
)

func TestPartsFor(t *testing.T) {
	tests := []struct {
		name  string
		docs  uint64
		procs int
		want  []uint64
	}{
		{"small index: one search", minPartPassages*2 - 1, 8, nil},
		{"one core: one search", 1_000_000, 1, nil},
		{"two cores, two halves", 100_000, 2, []uint64{50_000}},
		{"no part under the minimum", 150_000, 8, []uint64{50_000, 100_000}},
		{"at most maxParts", 1_000_000, 16, []uint64{250_000, 500_000, 750_000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := partsFor(tt.docs, tt.procs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("partsFor(%d, %d) = %v, want %v", tt.docs, tt.procs, got, tt.want)
			}
		})
	}
}

// TestPartsFindTheSameAnswers asks every question of the built-in eval of
// the built-in corpus twice, as one search and in three parts, and wants
// the same candidates and the same answers shown.
func TestPartsFindTheSameAnswers(t *testing.T) {
	ix := builtinIndex(t)
	docs, err := ix.bleve.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	if ix.parts != nil {
		t.Fatalf("an index of %d passages is searched in parts %v", docs, ix.parts)
	}
	// Uneven parts, and one that starts past the last passage.
	sameAnswersInParts(t, ix, []uint64{docs / 5, docs / 2, docs + 10}, true)
}

// TestAreaPartsShareTheAreasPassages splits a search in each area of the
// built-in corpus into three parts, and wants each part to have a third
// of the passages a search in the area walks: the area's and the
// national ones. TestPartsFindTheSameAnswers asks the eval's questions,
// some in an area, in such parts.
func TestAreaPartsShareTheAreasPassages(t *testing.T) {
	ix := builtinIndex(t)
	docs, err := ix.bleve.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	defer func(saved []uint64) { ix.parts = saved }(ix.parts)
	ix.parts = []uint64{docs / 3, docs * 2 / 3}
	r, err := ix.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tested := 0
	for key, name := range ix.areas {
		if corpus.IsNational(name) {
			continue
		}
		starts, err := ix.partsIn(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		if len(starts) != len(ix.parts) {
			t.Fatalf("%s: parts start at %v, want %d starts", name, starts, len(ix.parts))
		}
		walked := map[uint64]bool{}
		for _, l := range inArea(key).leaves {
			nums, err := passagesWith(context.Background(), r, l.field, l.term)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range nums {
				walked[n] = true
			}
		}
		counts := make([]int, len(starts)+1)
		for n := range walked {
			counts[sort.Search(len(starts), func(i int) bool { return starts[i] > n })]++
		}
		for _, c := range counts {
			if c < len(walked)/3-1 || c > len(walked)/3+1 {
				t.Errorf("%s: the parts starting at %v walk %v of its %d passages, want a third each", name, starts, counts, len(walked))
				break
			}
		}
		tested++
	}
	if tested < 2 {
		t.Fatalf("%d local areas in the built-in corpus; the test wants two", tested)
	}
}

// TestSameAnswersAtScale does the same as TestBestFindsWhatBleveFinds and
// TestPartsFindTheSameAnswers on the corpus in $SENDBOT_BENCH_CORPUS, in
// the parts Open chose for it, for instance bench/perf's 100,000 passages
// (go run ./bench/perf -passages 100000 -keep -work DIR leaves them in
// DIR/corpus-100000):
//
//	SENDBOT_BENCH_CORPUS=DIR/corpus-100000 go test ./index -run AtScale -v
func TestSameAnswersAtScale(t *testing.T) {
	folder := os.Getenv("SENDBOT_BENCH_CORPUS")
	if folder == "" {
		t.Skip("set SENDBOT_BENCH_CORPUS to a corpus folder")
	}
	c, err := corpus.Load(os.DirFS(folder))
	if err != nil {
		t.Fatal(err)
	}
	ix := buildAndOpen(t, c.Documents, corpus.BuiltinGlossary().Merge(c.Glossary))
	t.Run("best of the disjunction", func(t *testing.T) { sameAsBleve(t, ix, false) })
	t.Run("in parts", func(t *testing.T) {
		if ix.parts == nil {
			t.Skipf("an index of %d passages on %d cores is searched as one", ix.info.Passages, runtime.GOMAXPROCS(0))
		}
		sameAnswersInParts(t, ix, ix.parts, false)
	})
}

// sameAnswersInParts asks the built-in eval's questions of ix as one
// search and in parts, and wants the same candidates (see sameCandidates
// for strict) and the same answers shown.
func sameAnswersInParts(t *testing.T, ix *Index, parts []uint64, strict bool) {
	t.Helper()
	defer func(saved []uint64) { ix.parts = saved }(ix.parts)
	r, err := ix.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	questions := defaultQuestions(t)
	searched, compared := 0, 0
	for _, q := range questions {
		p := understood(t, ix, r, q.Question)
		if len(p.concepts) == 0 {
			continue
		}
		searched++
		area := q.Area
		if _, ok := ix.areas[corpus.AreaKey(area)]; !ok {
			area = "" // an area of the built-in corpus, asked of another
		}
		req := candidateRequestFor(ix.query(p))
		ix.parts = nil
		one, err := ix.searchBleve(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		ix.parts = parts
		split, err := ix.searchBleve(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		compared += len(one.Hits)
		sameCandidates(t, ix, q.ID+" in parts", one, split, strict)

		ix.parts = nil
		want, err := ix.Search(context.Background(), Query{Text: q.Question, Area: area})
		if err != nil {
			t.Fatal(err)
		}
		ix.parts = parts
		got, err := ix.Search(context.Background(), Query{Text: q.Question, Area: area})
		if err != nil {
			t.Fatal(err)
		}
		if shown(got) != shown(want) {
			t.Errorf("%s %q: in parts shows\n%s\none search shows\n%s", q.ID, q.Question, shown(got), shown(want))
		}
	}
	if searched < len(questions)*3/4 {
		t.Errorf("only %d of %d questions had words to search for", searched, len(questions))
	}
	t.Logf("%d questions, %d candidates compared, in parts starting at %v", searched, compared, parts)
}

// sameCandidates compares got's candidates with want's: the same
// passages in the same order, with the same scores (rerank reads each
// candidate's words from its text, not from bleve's locations).
// Scores may differ in the last bit (bleve sums a passage's words in the
// order its search met them), so unless strict, candidates whose scores
// are that close may swap places, and one tied with the last may be left
// out for another.
func sameCandidates(t *testing.T, ix *Index, label string, want, got *bleve.SearchResult, strict bool) {
	t.Helper()
	if len(got.Hits) != len(want.Hits) {
		t.Errorf("%s: %d candidates, want %d", label, len(got.Hits), len(want.Hits))
		return
	}
	if len(want.Hits) == 0 {
		return // nothing matches: a question the bot declines
	}
	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*a }
	byID := map[string]*search.DocumentMatch{}
	for _, h := range got.Hits {
		byID[h.ID] = h
	}
	last := want.Hits[len(want.Hits)-1].Score
	for i, h := range want.Hits {
		if !close(h.Score, got.Hits[i].Score) {
			t.Errorf("%s #%d: score %v, want %v", label, i, got.Hits[i].Score, h.Score)
		}
		g := byID[h.ID]
		switch {
		case strict && h.ID != got.Hits[i].ID:
			t.Errorf("%s #%d: %s, want %s", label, i, got.Hits[i].ID, h.ID)
		case g == nil && !close(h.Score, last):
			t.Errorf("%s #%d: %s (score %v) is not found", label, i, h.ID, h.Score)
		case g != nil && h.ID != got.Hits[i].ID && !close(h.Score, g.Score):
			t.Errorf("%s #%d: %s scores %v, want %v", label, i, h.ID, g.Score, h.Score)
		}
	}
}

// shown is what a parent sees of a result: whether it answers, and each
// passage's source and text.
func shown(r Result) string {
	var b strings.Builder
	if !r.Answered {
		b.WriteString("(declined)\n")
	}
	for _, h := range r.Hits {
		b.WriteString(h.Title + " | " + h.Section + " | " + h.Text + "\n")
	}
	return b.String()
}

type evalQuestion struct {
	ID       string `json:"id"`
	Question string `json:"q"`
	Area     string `json:"area"`
}

// defaultQuestions reads the eval's questions about the built-in corpus.
func defaultQuestions(t *testing.T) []evalQuestion {
	t.Helper()
	out := readEvalQuestions(t, "../eval/testdata/default-questions.jsonl")
	if len(out) < 20 {
		t.Fatalf("%d questions in the built-in eval", len(out))
	}
	return out
}

// readEvalQuestions reads a questions file of eval's.
func readEvalQuestions(t *testing.T, path string) []evalQuestion {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []evalQuestion
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var q evalQuestion
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			t.Fatal(err)
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// keys are a set's members, in order.
func keys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// candidateRequestFor asks bleve for q's best candidates with their
// stored fields, as retrieve does.
func candidateRequestFor(q query.Query) *bleve.SearchRequest {
	req := bleve.NewSearchRequestOptions(q, candidates, 0, false)
	req.Fields = storedFields
	return req
}
