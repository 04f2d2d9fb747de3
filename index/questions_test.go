package index

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Helpers the tests share: the eval's questions, and what a parent sees
// of a result (comparing two searches is in internal/searchtest).

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
