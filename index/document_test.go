package index

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"

	zap "github.com/blevesearch/zapx/v17"
	"github.com/sendbot/sendbot/corpus"
)

// passageFields are a passage's fields as bleve's mapping (newMapping)
// reads them: what documentMaker's documents must equal.
func passageFields(d corpus.Document, p corpus.Passage) map[string]any {
	published := ""
	if !d.Published.IsZero() {
		published = d.Published.Format(time.DateOnly)
	}
	return map[string]any{
		fieldText:      p.Text,
		fieldPairs:     p.Text,
		fieldTitle:     d.Title,
		fieldSection:   p.Section,
		fieldArea:      d.Area,
		fieldAreaKey:   corpus.AreaKey(d.Area),
		fieldKind:      d.Kind,
		fieldPublished: published,
		fieldPublisher: d.Publisher,
		fieldSourceURL: d.SourceURL,
		fieldPath:      d.Path,
		fieldPage:      float64(p.Page),
		fieldScope:     scope(d),
	}
}

// documentTestCorpus is the embedded default corpus and passages with
// what it lacks: empty fields, a national document, a page number, words
// repeated and not ASCII, pairs of common words, and two documents of one
// file (as a service directory gives each service).
func documentTestCorpus(t *testing.T) []corpus.Document {
	t.Helper()
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	docs := c.Documents
	docs = append(docs,
		corpus.Document{Path: "testshire/empty.md", Area: "Testshire", Passages: []corpus.Passage{{ID: "p1"}}},
		corpus.Document{
			Path: "england/guide.pdf", Title: "Guide to SEN support", Area: "England", Kind: "national",
			Publisher: "Department for Education", SourceURL: "https://www.gov.uk/x", Published: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
			Passages: []corpus.Passage{
				{ID: "p1", Page: 3, Section: "Support at school", Text: "Support, support and more support: the school's SENCo (Kooth.com) helps. Café naïve résumé 2024-25, 3.5 hours."},
				{ID: "p2", Page: 4, Section: "Support at school", Text: "Mental health support for young people and mental health services for children."},
			},
		},
		corpus.Document{Path: "testshire/services.json", Title: "Kestrel club", Area: "Testshire", Kind: "service",
			Passages: []corpus.Passage{{ID: "s1", Text: "Saturday club for disabled children."}}},
		corpus.Document{Path: "testshire/services.json", Title: "Osprey sensory room", Area: "Otherton", Kind: "service",
			Publisher: "Otherton Council", Passages: []corpus.Passage{{ID: "s2", Text: "A sensory room to book by the hour."}}},
	)
	return docs
}

// TestDocumentsAreTheMappingsDocuments makes every passage's document
// both ways, through bleve's mapping and through documentMaker, and wants
// the same fields, the same words counted in the same places, and the
// same segment, byte for byte, built of each.
func TestDocumentsAreTheMappingsDocuments(t *testing.T) {
	docs := documentTestCorpus(t)
	m := newMapping(commonWords(textAnalyzer(), docs))
	maker, err := newDocumentMaker(m)
	if err != nil {
		t.Fatal(err)
	}
	var viaMapping, direct []bleveindex.Document
	for _, d := range docs {
		shared := maker.documentFields(d)
		for _, p := range d.Passages {
			a := document.NewDocument(passageID(d, p))
			if err := m.(*mapping.IndexMappingImpl).MapDocument(a, passageFields(d, p)); err != nil {
				t.Fatal(err)
			}
			b := maker.document(d, shared, p)
			for _, doc := range []*document.Document{a, b} {
				doc.AddIDField()
				doc.VisitFields(func(f bleveindex.Field) {
					if f.Options().IsIndexed() {
						f.Analyze()
					}
				})
			}
			sameDocument(t, a, b)
			viaMapping, direct = append(viaMapping, a), append(direct, b)
		}
	}
	if len(direct) < 100 {
		t.Fatalf("only %d passages to compare", len(direct))
	}
	want, got := segmentRead(t, viaMapping), segmentRead(t, direct)
	for part, w := range want {
		if got[part] != w {
			t.Errorf("the segments differ in %s", part)
		}
	}
	if len(got) != len(want) {
		t.Errorf("the segment made directly has %d fields and stored passages, want %d", len(got), len(want))
	}
}

// sameDocument compares what bleve reads of two documents' fields.
func sameDocument(t *testing.T, want, got *document.Document) {
	t.Helper()
	if got.ID() != want.ID() {
		t.Fatalf("ID %q, want %q", got.ID(), want.ID())
	}
	fields := func(d *document.Document) map[string]bleveindex.Field {
		out := map[string]bleveindex.Field{}
		d.VisitFields(func(f bleveindex.Field) { out[f.Name()] = f })
		return out
	}
	wf, gf := fields(want), fields(got)
	if len(gf) != len(wf) || got.NumPlainTextBytes() != want.NumPlainTextBytes() {
		t.Errorf("%s: %d fields of %d bytes, want %d of %d", want.ID(), len(gf), got.NumPlainTextBytes(), len(wf), want.NumPlainTextBytes())
	}
	for name, w := range wf {
		g, ok := gf[name]
		if !ok {
			t.Errorf("%s: no field %s", want.ID(), name)
			continue
		}
		if g.Options() != w.Options() || !bytes.Equal(g.Value(), w.Value()) || g.EncodedFieldType() != w.EncodedFieldType() ||
			g.NumPlainTextBytes() != w.NumPlainTextBytes() || len(g.ArrayPositions()) != len(w.ArrayPositions()) {
			t.Errorf("%s %s: options %v value %q type %c, want %v %q %c", want.ID(), name, g.Options(), g.Value(), g.EncodedFieldType(), w.Options(), w.Value(), w.EncodedFieldType())
		}
		if gs, ws := g.(document.Field).Size(), w.(document.Field).Size(); gs != ws {
			t.Errorf("%s %s: size %d, want %d", want.ID(), name, gs, ws)
		}
		if g.AnalyzedLength() != w.AnalyzedLength() {
			t.Errorf("%s %s: %d words, want %d", want.ID(), name, g.AnalyzedLength(), w.AnalyzedLength())
		}
		if gs, ws := frequencies(g.AnalyzedTokenFrequencies()), frequencies(w.AnalyzedTokenFrequencies()); gs != ws {
			t.Errorf("%s %s: words\n%s\nwant\n%s", want.ID(), name, gs, ws)
		}
	}
}

// frequencies writes out a field's counted words, sorted.
func frequencies(tfs bleveindex.TokenFrequencies) string {
	var lines []string
	for term, tf := range tfs {
		line := fmt.Sprintf("%q=%q ×%d:", term, tf.Term, tf.Frequency())
		for _, l := range tf.Locations {
			line += fmt.Sprintf(" %q[%d,%d)@%d/%d", l.Field, l.Start, l.End, l.Position, len(l.ArrayPositions))
		}
		lines = append(lines, line)
	}
	sort.Strings(lines)
	return fmt.Sprint(lines)
}

// segmentRead builds a segment of docs, analysed, and reads back all it
// holds, by part: each field's words with their postings, and each
// passage's stored fields. (zap writes a few bytes of its index of
// sections in an order that varies from one build to the next, so two
// segments of the same passages are compared by what they hold.)
func segmentRead(t *testing.T, docs []bleveindex.Document) map[string]string {
	t.Helper()
	seg, _, err := (&zap.ZapPlugin{}).New(docs)
	if err != nil {
		t.Fatal(err)
	}
	return segmentHolds(t, seg)
}

// segmentHolds reads back all a segment holds, as segmentRead does.
func segmentHolds(t *testing.T, sb segment.Segment) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, field := range sb.Fields() {
		var b strings.Builder
		dict, err := sb.Dictionary(field)
		if err != nil {
			t.Fatal(err)
		}
		it := dict.AutomatonIterator(&vellum.AlwaysMatch{}, nil, nil)
		for {
			e, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			if e == nil {
				break
			}
			fmt.Fprintf(&b, "%q %d:", e.Term, e.Count)
			pl, err := dict.PostingsList([]byte(e.Term), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			pi := pl.Iterator(true, true, true, nil)
			for {
				p, err := pi.Next()
				if err != nil {
					t.Fatal(err)
				}
				if p == nil {
					break
				}
				fmt.Fprintf(&b, " %d×%d/%v", p.Number(), p.Frequency(), p.Norm())
				for _, l := range p.Locations() {
					fmt.Fprintf(&b, " %s[%d,%d)@%d%v", l.Field(), l.Start(), l.End(), l.Pos(), l.ArrayPositions())
				}
			}
			b.WriteByte('\n')
		}
		out["field "+field] = b.String()
	}
	for n := range sb.Count() {
		var b strings.Builder
		err := sb.VisitStoredFields(n, func(field string, typ byte, value []byte, pos []uint64) bool {
			fmt.Fprintf(&b, "%s %c %q %v\n", field, typ, value, pos)
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		out[fmt.Sprintf("stored fields of passage %d", n)] = b.String()
	}
	dv, ok := sb.(segment.DocValueVisitable)
	if !ok {
		t.Fatalf("a %T has no doc values", sb)
	}
	fields, err := dv.VisitableDocValueFields()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintln(&b, fields)
	for n := range sb.Count() {
		_, err := dv.VisitDocValues(n, fields, func(field string, term []byte) {
			fmt.Fprintf(&b, "%d %s %q\n", n, field, term)
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	out["doc values"] = b.String()
	return out
}
