package index

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Helpers the tests share: the eval's questions, and comparing what two
// ways of searching find.

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

// candidateRequestFor asks bleve for q's best candidates with their
// stored fields, as retrieve does.
func candidateRequestFor(q query.Query) *bleve.SearchRequest {
	req := bleve.NewSearchRequestOptions(q, candidates, 0, false)
	req.Fields = storedFields
	return req
}
