package index

import (
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/sendbot/sendbot/corpus"
)

// TestIndexesUseSendbotsZapx builds and opens an index and wants its
// segment to be read by third_party/zapx, not by bleve's own copy.
func TestIndexesUseSendbotsZapx(t *testing.T) {
	docs := []corpus.Document{{
		Path: "testshire/leaflet.md", Title: "Leaflet", Area: "Testshire",
		Passages: []corpus.Passage{{ID: "p1", Text: "Short breaks for disabled children."}},
	}}
	ix := buildAndOpen(t, docs, corpus.Glossary{})
	r, err := ix.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	segs := r.(*scorch.IndexSnapshot).Segments()
	if len(segs) == 0 {
		t.Fatal("the index has no segment")
	}
	const want = "github.com/sendbot/sendbot/third_party/zapx"
	for _, s := range segs {
		if got := reflect.TypeOf(s.Segment()).Elem().PkgPath(); got != want {
			t.Errorf("a segment is read by %s, want %s", got, want)
		}
	}
}
