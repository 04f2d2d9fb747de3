package corpus

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"

	"github.com/ledongthuc/pdf"
)

const sharedCorpus = "../../shared/corpus"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/pdf/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// pdfDoc loads one PDF through Load, as sendbot check and index do.
func pdfDoc(t *testing.T, name string, data []byte) Document {
	t.Helper()
	c, err := Load(fstest.MapFS{"testshire/" + name: {Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) > 0 || len(c.Documents) != 1 {
		t.Fatalf("%s: %d documents, problems %+v", name, len(c.Documents), c.Problems)
	}
	return c.Documents[0]
}

// passageWith returns the passage whose text contains phrase.
func passageWith(t *testing.T, d Document, phrase string) Passage {
	t.Helper()
	for _, p := range d.Passages {
		if strings.Contains(p.Text, phrase) {
			return p
		}
	}
	t.Fatalf("%s: no passage contains %q", d.Path, phrase)
	return Passage{}
}

func TestPDFFixtureReadsLikeThePage(t *testing.T) {
	d := pdfDoc(t, "guide.pdf", readFixture(t, "testshire-guide.pdf"))
	if d.Title != "Short breaks in Testshire: a guide for families" {
		t.Errorf("title = %q, want the one in the PDF's document information", d.Title)
	}
	if d.Format != "pdf" || !d.Published.IsZero() {
		t.Errorf("format %q, published %v: want pdf with the date unknown (a PDF's creation date is a print date)", d.Format, d.Published)
	}
	all := ""
	for _, p := range d.Passages {
		all += p.Section + "\n" + p.Text + "\n"
	}
	for _, running := range []string{"Testshire Family Guide to Short Breaks", "Testshire County Council - Page", "of 4"} {
		if strings.Contains(all, running) {
			t.Errorf("running header or footer %q is in a passage:\n%s", running, all)
		}
	}
	tests := []struct {
		name, phrase, section string
		page                  int
	}{
		{"hyphenated line break joined", "the wellbeing and the education of every child", "Short breaks in Testshire", 1},
		{"heading starts a section", "aged 0 to 18 who lives in Testshire", "Short breaks in Testshire › Who can have a short break", 1},
		{"later page cites its page", "Short breaks in Testshire come in three kinds.", "Short breaks in Testshire › Kinds of short break", 2},
		{"compound keeps its hyphen across lines", "support in the long-term can ask for a review", "Short breaks in Testshire › Kinds of short break", 2},
		{"compound on one line", "children with a long-term condition", "Short breaks in Testshire › Kinds of short break", 2},
		{"list items one per line", "stay:\n• a change of clothes and a toothbrush\n• any medicines, in their boxes, with a note of the doses\n• a favourite toy or comforter", "Short breaks in Testshire › What to bring", 3},
		{"last page", "Call the Testshire short breaks team on 01632 960123, or write to shortbreaks@example.org", "Short breaks in Testshire › How to ask for a short break", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := passageWith(t, d, tc.phrase)
			if p.Page != tc.page {
				t.Errorf("page = %d, want %d: %q", p.Page, tc.page, p.Text)
			}
			if p.Section != tc.section {
				t.Errorf("section = %q, want %q", p.Section, tc.section)
			}
		})
	}
	if strings.Contains(all, "educa- tion") || strings.Contains(all, "longterm") {
		t.Errorf("hyphenation handled wrongly:\n%s", all)
	}
}

func TestPDFWithObjectStreamsIsRead(t *testing.T) {
	// qpdf's --object-streams=generate: a cross-reference stream, and most objects compressed together.
	d := pdfDoc(t, "compact.pdf", readFixture(t, "object-streams.pdf"))
	if p := passageWith(t, d, "01632 960123"); p.Page != 4 {
		t.Errorf("page = %d, want 4", p.Page)
	}
}

func TestPDFOwnerPasswordOnlyIsRead(t *testing.T) {
	// Encrypted with an empty user password: anyone may open it, so sendbot reads it.
	d := pdfDoc(t, "restricted.pdf", readFixture(t, "restricted-no-password.pdf"))
	if p := passageWith(t, d, "three kinds"); p.Page != 2 {
		t.Errorf("page = %d, want 2", p.Page)
	}
}

func TestBrokenPDFsAreReportedAndOthersStillRead(t *testing.T) {
	guide := readFixture(t, "testshire-guide.pdf")
	fsys := fstest.MapFS{
		"testshire/guide.pdf":     {Data: guide},
		"testshire/notes.md":      {Data: []byte("# Notes\n\nThe Millpond Centre opens at nine on Saturdays for Testshire families.\n")},
		"testshire/locked.pdf":    {Data: readFixture(t, "encrypted-rc4.pdf")},
		"testshire/locked256.pdf": {Data: readFixture(t, "encrypted-aes256.pdf")},
		"testshire/cut-off.pdf":   {Data: readFixture(t, "truncated.pdf")},
		"testshire/scanned.pdf":   {Data: readFixture(t, "no-text-layer.pdf")},
		"testshire/web-page.pdf":  {Data: []byte("<!doctype html><title>Not found</title>")},
		"testshire/mangled.pdf":   {Data: append(append([]byte{}, guide[:2000]...), guide[len(guide)-400:]...)},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if read := documentPaths(c); strings.Join(read, ",") != "testshire/guide.pdf,testshire/notes.md" {
		t.Errorf("documents read = %v, want the good PDF and the notes", read)
	}
	checkProblems(t, c, map[string]string{
		"testshire/locked.pdf":    "PDF is encrypted (password protected); save a copy without a password",
		"testshire/locked256.pdf": "PDF is encrypted (password protected, or with encryption sendbot cannot open); save a copy without a password",
		"testshire/cut-off.pdf":   "PDF is incomplete (its end is missing, as in a download that stopped part way); download or export it again",
		"testshire/scanned.pdf":   "PDF has no text layer (scanned images?); sendbot cannot read it",
		"testshire/web-page.pdf":  "file is not a PDF (it does not start with %PDF-)",
		"testshire/mangled.pdf":   "PDF is damaged and cannot be read; download or export it again",
	})
	if len(c.Errors()) != len(c.Problems) {
		t.Errorf("some bad PDFs are reported as skipped, not as errors a moderator must fix: %+v", c.Problems)
	}
}

func TestCleanPDFTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Short breaks in Testshire", "Short breaks in Testshire"},
		{"  Short   breaks\n in Testshire ", "Short breaks in Testshire"},
		{"untitled", ""},
		{"Untitled", ""},
		{"Microsoft Word - short breaks v3.docx", ""},
		{"short-breaks-v3.docx", ""},
		{"SB_leaflet_2024", ""},
		{"https://testshire.example/sb.pdf", ""},
		{"www.testshire.example", ""},
		{"Document1", ""},
		{"2024", ""},
		{"", ""},
		{"SENDIASS", "SENDIASS"},
		{"Education, Health and Care plans: a guide", "Education, Health and Care plans: a guide"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := cleanPDFTitle(tc.in); got != tc.want {
				t.Errorf("cleanPDFTitle(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestDropRunningLines(t *testing.T) {
	page := func(n int, texts ...string) []pdfLine {
		var out []pdfLine
		for i, s := range texts {
			out = append(out, pdfLine{page: n, text: s, y: float64(800 - 20*i), size: 11})
		}
		return out
	}
	pages := [][]pdfLine{
		page(1, "Testshire guide", "Short breaks", "Body one.", "Page 1 of 3"),
		page(2, "Testshire guide", "Body two.", "Page 2 of 3"),
		page(3, "Testshire guide", "Body three.", "- 3 -"),
	}
	var got []string
	for _, lines := range dropRunningLines(pages) {
		for _, l := range lines {
			got = append(got, l.text)
		}
	}
	if want := "Short breaks|Body one.|Body two.|Body three."; strings.Join(got, "|") != want {
		t.Errorf("kept %q, want %q", strings.Join(got, "|"), want)
	}
	// With fewer than three pages nothing repeats "on most pages"; bare page numbers still go.
	got = nil
	for _, lines := range dropRunningLines(pages[:2]) {
		for _, l := range lines {
			got = append(got, l.text)
		}
	}
	if want := "Testshire guide|Short breaks|Body one.|Testshire guide|Body two."; strings.Join(got, "|") != want {
		t.Errorf("two pages: kept %q, want %q", strings.Join(got, "|"), want)
	}
}

// TestSharedCorpusPDFs reads every PDF in the shared test corpus: each
// must read without a problem, with a sensible title, passages, and pages
// within the file's page count.
func TestSharedCorpusPDFs(t *testing.T) {
	if _, err := os.Stat(sharedCorpus); err != nil {
		t.Skip("../shared/corpus not found; the shared test corpus sits beside the checkout in CI")
	}
	fsys := os.DirFS(sharedCorpus)
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.Problems {
		if strings.HasSuffix(p.Path, ".pdf") {
			t.Errorf("%s: %s", p.Path, p.Reason)
		}
	}
	docs := map[string]Document{}
	for _, d := range c.Documents {
		if d.Format == "pdf" {
			docs[d.Path] = d
		}
	}
	pdfs, _ := fs.Glob(fsys, "*/*.pdf")
	if len(pdfs) == 0 {
		t.Fatal("no PDFs in the shared corpus")
	}
	for _, p := range pdfs {
		t.Run(p, func(t *testing.T) {
			d, ok := docs[p]
			if !ok {
				t.Fatal("not read")
			}
			data, _ := fs.ReadFile(fsys, p)
			pages := pageCount(t, data)
			if len(d.Title) < 8 || strings.HasSuffix(strings.ToLower(d.Title), ".pdf") || d.Title == titleFromName(p) {
				t.Errorf("title %q does not look like the document's title", d.Title)
			}
			if len(d.Passages) == 0 {
				t.Fatal("no passages")
			}
			for _, ps := range d.Passages {
				if ps.Page < 1 || ps.Page > pages {
					t.Errorf("passage on page %d of %d: %q", ps.Page, pages, ps.Text)
				}
			}
			if ref, err := exec.Command("pdftotext", "-enc", "UTF-8", path.Join(sharedCorpus, p), "-").Output(); err == nil {
				if odd := wordsNotIn(d, string(ref)); len(odd) > 0 {
					t.Errorf("words that pdftotext does not see (glued or split?): %q", odd)
				}
			}
		})
	}
}

// TestSharedGuidePack checks the ten-page compiled guide, whose every page
// has a running header and a footer "… Page N of 10".
func TestSharedGuidePack(t *testing.T) {
	data, err := os.ReadFile(sharedCorpus + "/worcestershire/worcs-ehcp-guide-pack.pdf")
	if err != nil {
		t.Skip("../shared/corpus not found; the shared test corpus sits beside the checkout in CI")
	}
	d := pdfDoc(t, "worcs-ehcp-guide-pack.pdf", data)
	header, footer := runningLines(t, data)
	if header == "" || footer == "" {
		t.Fatalf("the test found no running header (%q) or footer (%q) on the pages", header, footer)
	}
	hyphenBreak := regexp.MustCompile(`\pL- \p{Ll}`)
	for _, p := range d.Passages {
		for _, running := range []string{header, footer} {
			if strings.Contains(p.Text+p.Section, running) {
				t.Errorf("page %d: running line %q in passage %q", p.Page, running, p.Text)
			}
		}
		if m := hyphenBreak.FindString(p.Text); m != "" {
			t.Errorf("page %d: hyphen-broken word %q in %q", p.Page, m, p.Text)
		}
	}
	for _, tc := range []struct {
		phrase string
		page   int
	}{
		{"What information does an EHCP contain?", 2},
		{"What is mediation?", 4},
		{"Occupational therapy (OT) enables people", 7},
		{"Aims of the service", 8},
		{"Reach4Wellbeing referral information", 9},
	} {
		found := false
		for _, p := range d.Passages {
			if strings.Contains(p.Section+" › "+p.Text, tc.phrase) {
				found = true
				if p.Page != tc.page {
					t.Errorf("%q: page %d, want %d", tc.phrase, p.Page, tc.page)
				}
				break
			}
		}
		if !found {
			t.Errorf("no passage or section has %q", tc.phrase)
		}
	}
}

// runningLines finds, from the page text, the top and bottom lines that
// every page of the file shares once digits are ignored.
func runningLines(t *testing.T, data []byte) (header, footer string) {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	pages, err := pdfPages(r)
	if err != nil {
		t.Fatal(err)
	}
	var firsts, lasts []string
	for i, pv := range pages {
		pg, err := readPDFPage(pv, i+1, &pdfBudget{fontCache: map[string]*pdfFont{}})
		if err != nil {
			t.Fatal(err)
		}
		lines := pdfLines(pg)
		top, bottom := lines[0], lines[0]
		for _, l := range lines {
			if l.y > top.y {
				top = l
			}
			if l.y < bottom.y {
				bottom = l
			}
		}
		firsts = append(firsts, top.text)
		lasts = append(lasts, bottom.text)
	}
	same := func(ls []string) string {
		for _, l := range ls {
			if digits.ReplaceAllString(l, "#") != digits.ReplaceAllString(ls[0], "#") {
				return ""
			}
		}
		return strings.TrimRight(ls[0], "0123456789 ")
	}
	return same(firsts), same(lasts)
}

func pageCount(t *testing.T, data []byte) int {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	pages, err := pdfPages(r)
	if err != nil {
		t.Fatal(err)
	}
	return len(pages)
}

// wordsNotIn lists the words of d's passages that the reference text lacks:
// two words glued together, or one word split in two.
func wordsNotIn(d Document, ref string) []string {
	words := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '\'' && r != '’' || unicode.IsSymbol(r)
		})
	}
	known := map[string]bool{}
	for _, w := range words(ref) {
		known[w] = true
	}
	var odd []string
	for _, p := range d.Passages {
		for _, w := range words(p.Text) {
			if !known[w] {
				odd = append(odd, w)
			}
		}
	}
	return odd
}

// TestPDFTitlePrecedence: the PDF's own title when it is a real one, else
// the title sources.yaml gives, else the first heading.
func TestPDFTitlePrecedence(t *testing.T) {
	page := minimalPDF("Holiday clubs in Testshire",
		"Holiday clubs run for four weeks every summer at the Millpond Centre.",
		"Any child aged 5 to 18 who lives in Testshire and has a disability can join.")
	// The same length as the real title, so the cross-reference offsets hold.
	junk := bytes.Replace(page, []byte("(Testshire fuzz seed)"), []byte("(short-breaks-v3.doc)"), 1)
	fsys := fstest.MapFS{
		"a/titled.pdf": {Data: page},
		"a/listed.pdf": {Data: junk},
		"a/plain.pdf":  {Data: junk},
		"sources.yaml": {Data: []byte("documents:\n  - path: a/titled.pdf\n    title: Listed but not used\n  - path: a/listed.pdf\n    title: Holiday clubs (Testshire Local Offer)\n")},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, c, map[string]string{})
	want := map[string]string{
		"a/titled.pdf": "Testshire fuzz seed",
		"a/listed.pdf": "Holiday clubs (Testshire Local Offer)",
		"a/plain.pdf":  "Holiday clubs in Testshire",
	}
	for _, d := range c.Documents {
		if d.Title != want[d.Path] {
			t.Errorf("%s: title %q, want %q", d.Path, d.Title, want[d.Path])
		}
	}
	if len(c.Documents) != len(want) {
		t.Errorf("read %d documents, want %d", len(c.Documents), len(want))
	}
}
