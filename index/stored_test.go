package index

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"

	"github.com/sendbot/sendbot/corpus"
)

// TestLoadStoredIsBlevesLoad loads every passage's stored fields both
// with loadStored and with bleve's LoadAndHighlightFields, and wants the
// same. The index has several segments, with passages deleted from the
// earlier ones, so a passage's segment and its number in it are worked
// out as bleve does (deleted passages keep their numbers).
func TestLoadStoredIsBlevesLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	idx, err := bleve.NewUsing(dir, newMapping(nil), scorch.Name, scorch.Name, writeConfig)
	if err != nil {
		t.Fatal(err)
	}
	const segments, per = 4, 30
	for i := range segments {
		b := idx.NewBatch()
		d := corpus.Document{
			Path: fmt.Sprintf("testshire/guide-%d.pdf", i), Title: fmt.Sprintf("Guide %d", i),
			Area: "Testshire", Kind: "guide", Publisher: "Testshire Council",
			SourceURL: fmt.Sprintf("https://example.org/guide-%d", i),
		}
		if i%2 == 0 {
			d.Published = time.Date(2025, time.Month(i+1), 3, 0, 0, 0, 0, time.UTC)
		}
		for j := range per {
			p := corpus.Passage{
				ID: fmt.Sprintf("p%d", j), Page: j % 5, Section: fmt.Sprintf("Part %d › Short breaks", j),
				Text: fmt.Sprintf("Passage %d of guide %d: short breaks, “respite” and café visits.", j, i),
			}
			if err := b.Index(passageID(d, p), passageFields(d, p)); err != nil {
				t.Fatal(err)
			}
		}
		if i > 0 {
			// Replacing and deleting passages of earlier segments leaves
			// holes in their numbers.
			b.Delete(passageID(corpus.Document{Path: fmt.Sprintf("testshire/guide-%d.pdf", i-1)}, corpus.Passage{ID: "p3"}))
			b.Delete(passageID(corpus.Document{Path: fmt.Sprintf("testshire/guide-%d.pdf", i-1)}, corpus.Passage{ID: "p17"}))
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	r := readerOf(t, idx)
	if n := len(r.(*scorch.IndexSnapshot).Segments()); n < 2 {
		t.Fatalf("the index has %d segment, want several: the test shows nothing", n)
	}

	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 1000, 0, false)
	res, err := idx.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	if want := segments*per - 2*(segments-1); len(res.Hits) != want {
		t.Fatalf("%d passages, want %d", len(res.Hits), want)
	}
	fresh := func() search.DocumentMatchCollection {
		out := make(search.DocumentMatchCollection, len(res.Hits))
		for i, h := range res.Hits {
			out[i] = &search.DocumentMatch{ID: h.ID, IndexInternalID: h.IndexInternalID}
		}
		return out
	}
	// Every stored field, and one no passage has.
	for _, fields := range [][]string{storedFields, {"no_such_field"}} {
		req.Fields = fields
		want, got := fresh(), fresh()
		for _, h := range want {
			if err, _ := bleve.LoadAndHighlightFields(h, req, "", r, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := loadStored(r, got, req); err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if fields[0] == storedFields[0] && len(want[i].Fields) != len(storedFields) {
				t.Fatalf("bleve loads %d fields of %s, want all %d: the test shows nothing", len(want[i].Fields), want[i].ID, len(storedFields))
			}
			if !reflect.DeepEqual(got[i].Fields, want[i].Fields) {
				t.Errorf("%s, fields %v: loadStored gives\n%#v\nbleve gives\n%#v", got[i].ID, fields, got[i].Fields, want[i].Fields)
			}
		}
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
}
