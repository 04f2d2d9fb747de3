package index

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
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
	ids = append(ids, "", "p0001", "testshire/postings.mdx#p0001", "zzz")
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
	analysed := func() []bleveindex.Document { return analysedWithOddFields(t, docs, m) }
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

// analysedWithOddFields makes the passages of docs as a build makes
// them, with three more among them that have a field name twice, which
// zapx reads otherwise, and a field with doc values, which sendbot's
// mapping has none of; and analyses them all, as bleve does before
// making a segment.
func analysedWithOddFields(t *testing.T, docs []corpus.Document, m mapping.IndexMapping) []bleveindex.Document {
	t.Helper()
	out := analysedPassages(t, docs, m)
	for i := range 3 {
		d := document.NewDocument(fmt.Sprintf("twice-%d", i))
		d.AddField(document.NewTextFieldCustom(fieldText, nil, []byte("short breaks for carers"), searchableOptions, textAnalyzer()))
		d.AddField(document.NewTextFieldCustom(fieldText, []uint64{1}, []byte("breaks at weekends"), searchableOptions, textAnalyzer()))
		d.AddField(document.NewTextFieldCustom(fieldTitle, nil, []byte("Short breaks"), searchableOptions, textAnalyzer()))
		d.AddField(document.NewTextFieldCustom("sorted", nil, []byte(fmt.Sprintf("key %d of many", i)), bleveindex.IndexField|bleveindex.DocValues, textAnalyzer()))
		d.AddIDField()
		analyse(d)
		out = slices.Insert(out, 40*i, bleveindex.Document(d))
	}
	return out
}

// analysedPassages makes the passages of docs as a build makes them, and
// analyses them, as bleve does before making a segment.
func analysedPassages(t *testing.T, docs []corpus.Document, m mapping.IndexMapping) []bleveindex.Document {
	t.Helper()
	maker, err := newDocumentMaker(m)
	if err != nil {
		t.Fatal(err)
	}
	var out []bleveindex.Document
	for _, d := range docs {
		for _, p := range d.Passages {
			doc := maker.document(d, p)
			doc.AddIDField()
			analyse(doc)
			out = append(out, doc)
		}
	}
	return out
}

func analyse(d *document.Document) {
	d.VisitFields(func(f bleveindex.Field) {
		if f.Options().IsIndexed() {
			f.Analyze()
		}
	})
}

// sortedZapSections returns a copy of the zap file b with each field's
// list of sections sorted and the checksum zeroed. zap writes a field's
// sections in the order of a Go map, so two merges of the same segments
// by the same code can differ there, and in the checksum; nowhere else.
func sortedZapSections(t *testing.T, b []byte) []byte {
	t.Helper()
	const sectionEntry = 2 + 8 // the section's type, and where its part of the field is
	out := slices.Clone(b)
	n := len(out)
	clear(out[n-4:]) // the checksum
	pos := binary.BigEndian.Uint64(b[n-20 : n-12])
	fields, sz := binary.Uvarint(b[pos:])
	pos += uint64(sz)
	for range fields {
		at := binary.BigEndian.Uint64(b[pos : pos+8])
		pos += 8
		if at == 0 {
			continue
		}
		nameLen, sz := binary.Uvarint(b[at:])
		at += uint64(sz) + nameLen
		_, sz = binary.Uvarint(b[at:]) // the field's options
		at += uint64(sz)
		sections, sz := binary.Uvarint(b[at:])
		at += uint64(sz)
		var entries [][]byte
		for i := range sections {
			entries = append(entries, b[at+i*sectionEntry:at+(i+1)*sectionEntry])
		}
		slices.SortFunc(entries, bytes.Compare)
		for i, e := range entries {
			copy(out[at+uint64(i)*sectionEntry:], e)
		}
	}
	return out
}

// A merge encodes its terms' postings on several goroutines and writes
// them in order (third_party/zapx/mergeterms.go).
// TestMergesWriteWhatUpstreamsWrite merges the same segments with
// sendbot's zapx and with upstream's, and wants the same file, byte for
// byte, and the same new numbers for the passages. The segments are the
// default corpus's passages: once all alike and whole, and once with
// passages of different fields among them (which upstream merges
// otherwise) and some passages dropped.
func TestMergesWriteWhatUpstreamsWrite(t *testing.T) {
	docs := documentTestCorpus(t)
	m := newMapping(commonWords(textAnalyzer(), docs))
	for _, c := range []struct {
		name  string
		docs  func() []bleveindex.Document
		parts int
		drops func(seg int, count uint64) *roaring.Bitmap
	}{
		{"alike", func() []bleveindex.Document { return analysedPassages(t, docs, m) }, 4, nil},
		{"odd fields and drops", func() []bleveindex.Document { return analysedWithOddFields(t, docs, m) }, 3,
			func(seg int, count uint64) *roaring.Bitmap {
				b := roaring.New()
				switch seg {
				case 0: // every seventh, among them the odd ones
					for i := uint64(0); i < count; i += 7 {
						b.Add(uint32(i))
					}
				case 2: // a run
					b.AddRange(count/3, count/2)
				}
				return b
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var paths []string
			all := c.docs()
			per := (len(all) + c.parts - 1) / c.parts
			for i := 0; i < len(all); i += per {
				sb, _, err := (&zap.ZapPlugin{}).New(all[i:min(i+per, len(all))])
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(dir, fmt.Sprintf("part%d.zap", i/per))
				if err := zap.PersistSegmentBase(sb.(*zap.SegmentBase), path); err != nil {
					t.Fatal(err)
				}
				paths = append(paths, path)
			}
			var mine, theirs []segment.Segment
			var drops []*roaring.Bitmap
			for i, path := range paths {
				s, err := (&zap.ZapPlugin{}).Open(path)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				mine = append(mine, s)
				u, err := (&upstream.ZapPlugin{}).Open(path)
				if err != nil {
					t.Fatal(err)
				}
				defer u.Close()
				theirs = append(theirs, u)
				var d *roaring.Bitmap
				if c.drops != nil {
					d = c.drops(i, s.Count())
				}
				drops = append(drops, d)
			}
			gotNums, _, err := (&zap.ZapPlugin{}).Merge(mine, drops, filepath.Join(dir, "mine.zap"), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantNums, _, err := (&upstream.ZapPlugin{}).Merge(theirs, drops, filepath.Join(dir, "theirs.zap"), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, "mine.zap"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(dir, "theirs.zap"))
			if err != nil {
				t.Fatal(err)
			}
			if len(want) < 100_000 {
				t.Fatalf("upstream's merge wrote only %d bytes", len(want))
			}
			got, want = sortedZapSections(t, got), sortedZapSections(t, want)
			if !bytes.Equal(got, want) {
				at := 0
				for at < min(len(got), len(want)) && got[at] == want[at] {
					at++
				}
				t.Errorf("sendbot's merge wrote %d bytes, upstream's %d; they differ from byte %d", len(got), len(want), at)
			}
			if !reflect.DeepEqual(gotNums, wantNums) {
				t.Error("the merges numbered the passages differently")
			}
		})
	}
}
