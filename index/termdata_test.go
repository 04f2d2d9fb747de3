package index

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/sendbot/sendbot/corpus"
)

// The passages of the term searcher's tests (term_test.go).

// postingsPassages are the passages of the postings tests: words as
// common as every passage, every other one and every third (several
// chunks of postings each), one that fills a run of passages only, and
// rarer ones down to a word of one passage, each written a varying number
// of times.
const postingsPassages = 6000

// postingsText is passage i's text.
func postingsText(i int) string {
	var words []string
	add := func(w string, times int) {
		for range times {
			words = append(words, w)
		}
	}
	add("vell", 1)
	if i%2 == 0 {
		add("dax", 1+i%4)
	}
	if i%3 == 1 {
		add("mox", 1+i%3)
	}
	if i >= 2000 && i < 3100 {
		add("burg", 1+i%2)
	}
	if i%7 == 3 {
		add("flen", 1)
	}
	if i%50 == 0 {
		add("quib", 2)
	}
	if i == 4321 {
		add("zork", 1)
	}
	// Other words between them, so that positions and offsets vary.
	add("the plan says", i%3)
	add("vell", i%5/4)
	return strings.Join(words, " ")
}

var postingsWords = []string{"vell", "dax", "mox", "burg", "flen", "quib", "zork"}

// postingsLayouts are the indexes the postings tests read: one segment,
// as every built index is, and several with passages deleted, whole
// chunks of them and the one passage with "zork" included.
var postingsLayouts = []struct {
	name  string
	batch int
	del   func(int) bool
}{
	{"one segment", postingsPassages, nil},
	{"segments with deletions", 1500, func(i int) bool {
		return (i >= 200 && i < 1400) || (i >= 3000 && i < 4500 && i%5 == 0) || i == 4321
	}},
}

// postingsIndex writes the test passages to a new index, in batches of
// batch passages (one segment each), then deletes the passages del says
// to, and returns it open.
func postingsIndex(t *testing.T, batch int, del func(int) bool) bleve.Index {
	t.Helper()
	idx, err := bleve.NewUsing(filepath.Join(t.TempDir(), "index"), newMapping(nil), scorch.Name, scorch.Name, writeConfig)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	d := corpus.Document{Path: "testshire/postings.md", Title: "Postings", Area: "Testshire"}
	id := func(i int) string { return passageID(d, corpus.Passage{ID: fmt.Sprintf("p%04d", i)}) }
	for start := 0; start < postingsPassages; start += batch {
		b := idx.NewBatch()
		for i := start; i < min(start+batch, postingsPassages); i++ {
			p := corpus.Passage{ID: fmt.Sprintf("p%04d", i), Text: postingsText(i)}
			if err := b.Index(id(i), passageFields(d, p)); err != nil {
				t.Fatal(err)
			}
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	if del != nil {
		b := idx.NewBatch()
		for i := range postingsPassages {
			if del(i) {
				b.Delete(id(i))
			}
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}
