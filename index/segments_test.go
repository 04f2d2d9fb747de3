package index

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bleveindex "github.com/blevesearch/bleve_index_api"
	upstream "github.com/blevesearch/zapx/v17"

	"github.com/sendbot/sendbot/corpus"
	zap "github.com/sendbot/sendbot/third_party/zapx"
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

// A batch asks every segment which of its passages' IDs the segment holds
// already, to replace them; zapx answers from a filter of the segment's
// IDs (third_party/zapx/idfilter.go). TestSegmentsFindEveryIDTheyHold
// wants the same answer as looking each ID up alone, which does not use
// the filter.
func TestSegmentsFindEveryIDTheyHold(t *testing.T) {
	r := readerOf(t, postingsIndex(t, 1500, postingsLayouts[1].del))
	d := corpus.Document{Path: "testshire/postings.md"}
	var ids []string
	for i := range postingsPassages + 500 { // the last 500 are in no segment
		ids = append(ids, passageID(d, corpus.Passage{ID: fmt.Sprintf("p%04d", i)}))
	}
	ids = append(ids, "", "p0001", "p0001@testshire/postings.mdx", "zzz")
	segs := r.(*scorch.IndexSnapshot).Segments()
	if len(segs) < 4 {
		t.Fatalf("%d segments, want 4 or more", len(segs))
	}
	for _, s := range segs {
		got, err := s.Segment().DocNumbers(ids)
		if err != nil {
			t.Fatal(err)
		}
		want := roaring.New()
		for _, id := range ids {
			one, err := s.Segment().DocNumbers([]string{id})
			if err != nil {
				t.Fatal(err)
			}
			want.Or(one)
		}
		if want.GetCardinality() != s.Segment().Count() {
			t.Fatalf("looked up one by one, %d of a segment's %d passages were found", want.GetCardinality(), s.Segment().Count())
		}
		if !got.Equals(want) {
			t.Errorf("a segment of %d passages found %d of them, want %d", s.Segment().Count(), got.GetCardinality(), want.GetCardinality())
		}
	}
}

// TestABatchReplacesPassagesOfEarlierSegments writes passages again, under
// the same IDs, in a later batch, and wants them to replace the first
// ones in every segment.
func TestABatchReplacesPassagesOfEarlierSegments(t *testing.T) {
	idx := postingsIndex(t, 1500, nil)
	d := corpus.Document{Path: "testshire/postings.md", Title: "Postings", Area: "Testshire"}
	b := idx.NewBatch()
	for i := 0; i < postingsPassages; i += 7 { // some of every segment
		p := corpus.Passage{ID: fmt.Sprintf("p%04d", i), Text: "replaced"}
		if err := b.Index(passageID(d, p), passageFields(d, p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	n, err := idx.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	if n != postingsPassages {
		t.Errorf("%d passages after replacing some, want %d", n, postingsPassages)
	}
	for _, c := range []struct {
		word string
		want uint64
	}{{"replac", (postingsPassages + 6) / 7}, {"vell", postingsPassages - (postingsPassages+6)/7}} {
		res, err := idx.Search(bleve.NewSearchRequest(textQuery(c.word)))
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != c.want {
			t.Errorf("%q is in %d passages, want %d", c.word, res.Total, c.want)
		}
	}
}

// TestSegmentsHoldWhatUpstreamsHold builds a segment of the same passages
// with sendbot's zapx and with upstream's (zapx v17, which bleve brings),
// and wants them to hold the same words, postings and stored fields. The
// passages are the default corpus's, made as a build makes them, and a
// few with a field name twice, which zapx reads otherwise, and a field
// with doc values.
func TestSegmentsHoldWhatUpstreamsHold(t *testing.T) {
	docs := documentTestCorpus(t)
	m := newMapping(commonWords(textAnalyzer(), docs))
	analysed := func() []bleveindex.Document {
		maker, err := newDocumentMaker(m)
		if err != nil {
			t.Fatal(err)
		}
		var out []bleveindex.Document
		for _, d := range docs {
			for _, p := range d.Passages {
				out = append(out, maker.document(d, p))
			}
		}
		for i := range 3 { // a field twice, among the others
			d := document.NewDocument(fmt.Sprintf("twice-%d", i))
			d.AddField(document.NewTextFieldCustom(fieldText, nil, []byte("short breaks for carers"), searchableOptions, textAnalyzer()))
			d.AddField(document.NewTextFieldCustom(fieldText, []uint64{1}, []byte("breaks at weekends"), searchableOptions, textAnalyzer()))
			d.AddField(document.NewTextFieldCustom(fieldTitle, nil, []byte("Short breaks"), searchableOptions, textAnalyzer()))
			// A field with doc values, which sendbot's mapping has none of.
			d.AddField(document.NewTextFieldCustom("sorted", nil, []byte(fmt.Sprintf("key %d of many", i)), bleveindex.IndexField|bleveindex.DocValues, textAnalyzer()))
			out = slices.Insert(out, 40*i, bleveindex.Document(d))
		}
		for _, d := range out {
			d.(*document.Document).AddIDField()
			d.VisitFields(func(f bleveindex.Field) {
				if f.Options().IsIndexed() {
					f.Analyze()
				}
			})
		}
		return out
	}
	mine, _, err := (&zap.ZapPlugin{}).New(analysed())
	if err != nil {
		t.Fatal(err)
	}
	theirs, _, err := (&upstream.ZapPlugin{}).New(analysed())
	if err != nil {
		t.Fatal(err)
	}
	got, want := segmentHolds(t, mine), segmentHolds(t, theirs)
	if len(want) < 100 {
		t.Fatalf("upstream's segment has only %d parts", len(want))
	}
	for part, w := range want {
		if got[part] != w {
			t.Errorf("the segments differ in %s", part)
		}
	}
	if len(got) != len(want) {
		t.Errorf("sendbot's segment has %d fields and stored passages, upstream's %d", len(got), len(want))
	}
}
