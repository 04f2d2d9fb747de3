package corpus

import (
	"bytes"
	"compress/flate"
	"encoding/ascii85"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/adler32"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The bombs below are small files that expand enormously when read:
// each is made on the fly (no large file in the repository), written to
// a corpus folder and read by a child process, as `sendbot check` and
// `index` would, so that its peak memory can be measured on its own.

// segment is data repeated some number of times.
type segment struct {
	data   []byte
	repeat int
}

// zlibOf compresses the segments one after another without holding what
// they expand to: each is deflated once and its bytes repeated, which a
// deflate stream allows once a flush has aligned it to a byte.
func zlibOf(segs ...segment) []byte {
	out := []byte{0x78, 0xda}
	sum := adler32.New()
	for _, s := range segs {
		var b bytes.Buffer
		w, _ := flate.NewWriter(&b, flate.BestCompression)
		w.Write(s.data)
		w.Flush()
		for range s.repeat {
			out = append(out, b.Bytes()...)
			sum.Write(s.data)
		}
	}
	var end bytes.Buffer
	w, _ := flate.NewWriter(&end, flate.BestCompression)
	w.Close() // an empty final block
	out = append(out, end.Bytes()...)
	return binary.BigEndian.AppendUint32(out, sum.Sum32())
}

// pdfObject is one object of a generated PDF: its dictionary (or other
// value) and, for a stream, its bytes as stored.
type pdfObject struct {
	value  string
	stream []byte
	packed bool // stored in the object stream rather than plainly
}

// writeBombPDF writes objects 1… with a cross-reference stream, putting
// the packed ones into one object stream, after pad spaces (compressed by
// pack, which gets the stream's plain text and returns its dictionary's
// filter entries and its bytes). Object 1 is the catalog.
func writeBombPDF(objs []pdfObject, pad int, pack func(text []byte) (filter string, data []byte)) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	n := len(objs)
	objStm, xrefNum := n+1, n+2
	type entry struct{ typ, f2, f3 int }
	entries := make([]entry, n+3)
	entries[0] = entry{0, 0, 0xffff}
	var header, body bytes.Buffer
	body.Write(bytes.Repeat([]byte(" "), pad)) // before the first object
	k := 0
	for i, o := range objs {
		if o.packed {
			fmt.Fprintf(&header, "%d %d ", i+1, body.Len())
			body.WriteString(o.value)
			body.WriteString("\n")
			entries[i+1] = entry{2, objStm, k}
			k++
		}
	}
	for i, o := range objs {
		if o.packed {
			continue
		}
		entries[i+1] = entry{1, b.Len(), 0}
		if o.stream == nil {
			fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o.value)
			continue
		}
		fmt.Fprintf(&b, "%d 0 obj\n<< %s /Length %d >>\nstream\n", i+1, o.value, len(o.stream))
		b.Write(o.stream)
		b.WriteString("\nendstream\nendobj\n")
	}
	if k > 0 {
		text := append(header.Bytes(), body.Bytes()...)
		filter, data := pack(text)
		entries[objStm] = entry{1, b.Len(), 0}
		fmt.Fprintf(&b, "%d 0 obj\n<< /Type /ObjStm /N %d /First %d %s /Length %d >>\nstream\n", objStm, k, header.Len(), filter, len(data))
		b.Write(data)
		b.WriteString("\nendstream\nendobj\n")
	}
	xref := b.Len()
	entries[xrefNum] = entry{1, xref, 0}
	var rows []byte
	for _, e := range entries {
		rows = append(rows, byte(e.typ))
		rows = binary.BigEndian.AppendUint32(rows, uint32(e.f2))
		rows = binary.BigEndian.AppendUint16(rows, uint16(e.f3))
	}
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n", xrefNum, len(entries), len(rows))
	b.Write(rows)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

// onePage is a catalog, a page tree and a page drawing contents with a
// font whose Unicode map is toUnicode: objects 1 to 6.
func onePage(contents, toUnicode pdfObject) []pdfObject {
	return []pdfObject{
		{value: "<< /Type /Catalog /Pages 2 0 R >>"},
		{value: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{value: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"},
		{value: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>"},
		contents,
		toUnicode,
	}
}

const gib = 1 << 30

var plainText = pdfObject{value: "", stream: []byte("BT /F1 12 Tf 56 760 Td (Testshire short breaks for disabled children.) Tj ET")}

func flated(text []byte) (string, []byte) { return "/Filter /FlateDecode", zlibOf(segment{text, 1}) }

// pdfBombs are the attacks: each a small file, and what it expands to.
func pdfBombs() map[string][]byte {
	cmap := pdfObject{value: "", stream: []byte("begincmap 1 beginbfchar <01> <0041> endbfchar endcmap")}
	bombs := map[string][]byte{}

	// A catalog in an object stream with a string of 1 GiB in it.
	catalog := onePage(plainText, cmap)
	catalog[0].packed = true
	bombs["a string of 1 GiB in an object stream"] = writeBombPDF(catalog, 0, func(text []byte) (string, []byte) {
		at := bytes.Index(text, []byte(">>\n")) // the catalog's end: the string goes inside it
		return "/Filter /FlateDecode", zlibOf(segment{text[:at], 1}, segment{[]byte("/Junk ("), 1},
			segment{bytes.Repeat([]byte("A"), 1<<20), gib >> 20}, segment{[]byte(")"), 1}, segment{text[at:], 1})
	})

	// The same, the object stream also wrapped in ASCII85.
	bombs["the same in ASCII85 and Flate"] = writeBombPDF(catalog, 0, func(text []byte) (string, []byte) {
		at := bytes.Index(text, []byte(">>\n"))
		z := zlibOf(segment{text[:at], 1}, segment{[]byte("/Junk ("), 1},
			segment{bytes.Repeat([]byte("A"), 1<<20), gib >> 20}, segment{[]byte(")"), 1}, segment{text[at:], 1})
		a := make([]byte, ascii85.MaxEncodedLen(len(z)))
		return "/Filter [/ASCII85Decode /FlateDecode]", append(a[:ascii85.Encode(a, z)], "~>"...)
	})

	// A page whose drawing instructions are 1 GiB of spaces.
	contents := pdfObject{value: "/Filter /FlateDecode", stream: zlibOf(segment{plainText.stream, 1}, segment{bytes.Repeat([]byte(" "), 1<<20), gib >> 20})}
	bombs["1 GiB of drawing instructions"] = writeBombPDF(onePage(contents, cmap), 0, flated)

	// A font whose Unicode map is 1 GiB.
	bigMap := pdfObject{value: "/Filter /FlateDecode", stream: zlibOf(segment{[]byte("begincmap 1 beginbfrange "), 1},
		segment{bytes.Repeat([]byte("<00> <FF> <0041>\n"), 1<<16), gib / (1 << 16) / 17}, segment{[]byte("endbfrange endcmap"), 1})}
	bombs["a Unicode map of 1 GiB"] = writeBombPDF(onePage(plainText, bigMap), 0, flated)

	// 1,900 pages (under the page limit) drawn from one object stream of 7 MiB, just under the
	// limit: the library inflates it again for every object it reads.
	pages := []pdfObject{{value: "<< /Type /Catalog /Pages 2 0 R >>"}, {}, {value: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}, plainText}
	var kids []string
	for i := range 1900 {
		kids = append(kids, fmt.Sprintf("%d 0 R", 5+i))
		pages = append(pages, pdfObject{value: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>", packed: true})
	}
	pages[1] = pdfObject{value: fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))}
	bombs["1,900 pages from an object stream of 7 MiB"] = writeBombPDF(pages, 7<<20, flated)
	return bombs
}

// TestPDFBombsAreRefusedWithinBudget reads each bomb in a child process
// through Load, as `sendbot check` does, and checks what a moderator
// reads (the file refused with the reason, a good file beside it still
// read) and the child's peak memory.
func TestPDFBombsAreRefusedWithinBudget(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("inflates gigabytes and measures memory: run without -short and without the race detector")
	}
	want := map[string]string{
		"a string of 1 GiB in an object stream":      "packs more than 8 MiB of objects into one compressed stream",
		"the same in ASCII85 and Flate":              "packs more than 8 MiB of objects into one compressed stream",
		"1 GiB of drawing instructions":              "expands to more than 512 MiB when decompressed",
		"a Unicode map of 1 GiB":                     "expands to more than 512 MiB when decompressed",
		"1,900 pages from an object stream of 7 MiB": "expands to more than 512 MiB when decompressed",
	}
	bombs := pdfBombs()
	// The hostile files the PDF reader already refused, within the same budget.
	bombs["xref /Prev loops back"] = loopingXrefPDF()
	bombs["object streams inside each other"] = nestedObjectStreamsPDF()
	bombs["a billion objects"] = bytes.Replace(minimalPDF("Testshire"), []byte("xref\n0 7"), []byte("xref\n0 999999999"), 1)
	want["xref /Prev loops back"] = errPDFDamaged.Error()
	want["object streams inside each other"] = errPDFDamaged.Error()
	want["a billion objects"] = errTooManyObjects.Error()
	for name, data := range bombs {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			os.MkdirAll(filepath.Join(dir, "testshire"), 0o755)
			if err := os.WriteFile(filepath.Join(dir, "testshire", "bomb.pdf"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, "testshire", "good.md"), []byte("# Good\n\nShort breaks give disabled children and their families time apart."), 0o644)
			if keep := os.Getenv("SENDBOT_TEST_KEEP_BOMBS"); keep != "" { // to try them on sendbot itself
				os.WriteFile(filepath.Join(keep, strings.NewReplacer(" ", "-", ",", "", "/", "-").Replace(name)+".pdf"), data, 0o644)
			}
			got, usage := loadInChild(t, dir)
			t.Logf("%s: file %d KiB; child peak RSS %d MiB, CPU %v", name, len(data)>>10, usage.Maxrss>>10, cpuTime(usage))
			if got.Problems["testshire/bomb.pdf"] == "" || !strings.Contains(got.Problems["testshire/bomb.pdf"], want[name]) {
				t.Errorf("bomb reported as %q, want %q", got.Problems["testshire/bomb.pdf"], want[name])
			}
			if !strings.Contains(strings.Join(got.Documents, ","), "testshire/good.md") {
				t.Errorf("the good file beside it was not read: %v", got.Documents)
			}
			if usage.Maxrss > 300<<10 { // Linux reports KiB
				t.Errorf("peak RSS %d MiB, want at most 300 MiB", usage.Maxrss>>10)
			}
		})
	}
}

// loaded is what a child process read of a corpus folder.
type loaded struct {
	Documents []string
	Problems  map[string]string
}

// loadInChild reads the corpus folder dir in a child process (this test
// binary, running TestLoadChild) and returns what it read and its usage.
func loadInChild(t *testing.T, dir string) (loaded, *syscall.Rusage) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SENDBOT_TEST_LOAD_DIR="+dir)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s%s", err, out.String(), errOut.String())
	}
	usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Skip("this system does not report a child's peak memory")
	}
	line, _, _ := strings.Cut(out.String(), "\n")
	var got loaded
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("child's report %q: %v", out.String(), err)
	}
	return got, usage
}

// TestLoadChild is the child of loadInChild: it reads a folder and prints
// what it read as one line of JSON.
func TestLoadChild(t *testing.T) {
	dir := os.Getenv("SENDBOT_TEST_LOAD_DIR")
	if dir == "" {
		t.Skip("run by loadInChild")
	}
	fsys, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	got := loaded{Problems: map[string]string{}}
	for _, d := range c.Documents {
		got.Documents = append(got.Documents, d.Path)
	}
	for _, p := range c.Problems {
		got.Problems[p.Path] = p.Reason
	}
	data, _ := json.Marshal(got)
	fmt.Printf("%s\n", data)
}

func cpuTime(u *syscall.Rusage) string {
	return fmt.Sprintf("%.2fs", float64(u.Utime.Nano()+u.Stime.Nano())/1e9)
}

// TestPackedStreamsAreMeasured checks the limit on each kind of stream
// the library reads whole: a cross-reference stream, and an object
// stream, each just over the limit and just under it.
func TestPackedStreamsAreMeasured(t *testing.T) {
	stream := func(typ string, size int) []byte {
		z := zlibOf(segment{bytes.Repeat([]byte("0"), 1<<10), size >> 10})
		return []byte(fmt.Sprintf("%%PDF-1.5\n1 0 obj\n<< /Type /%s /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n", typ, len(z), z))
	}
	for _, typ := range []string{"XRef", "ObjStm"} {
		if _, err := measureStreams(stream(typ, pdfMaxPackedBytes+1<<10), false); err != errPackedTooBig {
			t.Errorf("%s over the limit: err %v, want %v", typ, err, errPackedTooBig)
		}
		spans, err := measureStreams(stream(typ, pdfMaxPackedBytes), false)
		if err != nil || len(spans) != 1 || spans[0].ratio < 10 {
			t.Errorf("%s at the limit: spans %+v, err %v; want it measured and allowed", typ, spans, err)
		}
	}
	// An image may be larger: only the total counts.
	if _, err := measureStreams(stream("XObject /Subtype /Image", pdfMaxPackedBytes+1<<10), false); err != nil {
		t.Errorf("an image over the packed limit: %v", err)
	}
}
