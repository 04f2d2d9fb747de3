package corpus

import (
	"bytes"
	"fmt"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sendbot/sendbot/internal/testkit"
)

// FuzzParsePDF feeds arbitrary bytes to the PDF reader: whatever the
// input, it must not panic or hang, and it either fails with a sentence
// for the moderator or returns one document of well-formed blocks.
func FuzzParsePDF(f *testing.F) {
	f.Add(minimalPDF("Testshire short breaks", "Families can ask for a short break at any time of year."))
	f.Add(minimalPDF("Testshire", "A line that ends in educa-", "tion joins again.", "Testshire County Council Page 1 of 3"))
	f.Add(loopingXrefPDF())
	f.Add(nestedObjectStreamsPDF())
	f.Add([]byte("%PDF-1.4\n%%EOF\n"))
	f.Add([]byte("<html>not a pdf</html>"))
	for _, name := range []string{"truncated.pdf", "no-text-layer.pdf", "encrypted-rc4.pdf"} {
		if data, err := os.ReadFile("testdata/pdf/" + name); err == nil {
			f.Add(data)
		}
	}
	// The heap may not grow past pdfFuzzHeap: the collector works to keep
	// it there, and an input whose reading allocates more than that in
	// all fails, so an input that expands without bound is caught.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(pdfFuzzHeap))
	f.Fuzz(func(t *testing.T, data []byte) {
		before := allocatedBytes()
		res, err := parsePDF(data)
		if n := allocatedBytes() - before; n > pdfFuzzHeap {
			t.Fatalf("reading %d bytes allocated %d MiB, over %d MiB", len(data), n>>20, pdfFuzzHeap>>20)
		}
		if err != nil {
			msg := err.Error()
			if msg == "" || strings.Contains(msg, "runtime error") || strings.Contains(msg, "goroutine") {
				t.Fatalf("error is not a sentence for a moderator: %q", msg)
			}
			return
		}
		if len(res.Entries) != 1 || len(res.Entries[0].Blocks) == 0 {
			t.Fatalf("want one document with blocks, got %+v", res)
		}
		if title := res.Entries[0].Meta.Title; !utf8.ValidString(title) {
			t.Fatalf("invalid title %q", title)
		}
		for _, b := range res.Entries[0].Blocks {
			if strings.TrimSpace(b.Text) == "" || !utf8.ValidString(b.Text) || b.Level < 0 || b.Level > 6 || b.Page < 1 {
				t.Fatalf("malformed block %+v", b)
			}
		}
	})
}

// pdfFuzzHeap bounds what reading one fuzzed PDF may allocate.
const pdfFuzzHeap = 1 << 30

// allocatedBytes is how much the process has allocated since it started.
func allocatedBytes() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// minimalPDF is testkit.PDF: a small seed the fuzzer can change.
var minimalPDF = testkit.PDF

// loopingXrefPDF is minimalPDF with a trailer whose /Prev points back at
// its own cross-reference table, which the PDF library would follow for ever.
func loopingXrefPDF() []byte {
	d := string(minimalPDF("Testshire", "A page whose file loops."))
	xref := strings.Index(d, "\nxref\n") + 1
	return []byte(strings.Replace(d, "/Info 6 0 R >>", fmt.Sprintf("/Info 6 0 R /Prev %d >>", xref), 1))
}

// nestedObjectStreamsPDF has a cross-reference stream that puts the
// catalog (7) in object stream 8 and 8 in object stream 7: the library
// would recurse until the stack overflowed, killing the process.
func nestedObjectStreamsPDF() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n")
	off := b.Len()
	b.WriteString("1 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n")
	xref := b.Len()
	var entries []byte
	for _, e := range [][3]int{{0, 0, 255}, {1, off, 0}, {1, xref, 0}, {2, 4, 0}, {2, 3, 0}} {
		entries = append(entries, byte(e[0]), byte(e[1]>>8), byte(e[1]), byte(e[2]))
	}
	fmt.Fprintf(&b, "2 0 obj\n<< /Type /XRef /Size 5 /W [1 2 1] /Root 3 0 R /Length %d >>\nstream\n", len(entries))
	b.Write(entries)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

func TestHostileCrossReferencesAreRefused(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"xref /Prev loops back", loopingXrefPDF(), errPDFDamaged},
		{"object streams inside each other", nestedObjectStreamsPDF(), errPDFDamaged},
		{"a billion objects", bytes.Replace(minimalPDF("Testshire"), []byte("xref\n0 7"), []byte("xref\n0 999999999"), 1), errTooManyObjects},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := parsePDF(tc.data); err != tc.want {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestMinimalPDFSeedReads(t *testing.T) {
	res, err := parsePDF(minimalPDF("Testshire short breaks", "Families can ask for a short break at any time of year."))
	if err != nil {
		t.Fatal(err)
	}
	e := res.Entries[0]
	if e.Meta.Title != "Testshire fuzz seed" || len(e.Blocks) != 2 || e.Blocks[0].Level != 1 ||
		e.Blocks[1].Text != "Families can ask for a short break at any time of year." || e.Blocks[1].Page != 1 {
		t.Errorf("seed read as title %q, blocks %+v", e.Meta.Title, e.Blocks)
	}
}
