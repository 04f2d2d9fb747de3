// Command pdfeval compares PDF text extractors on the shared test corpus,
// taking poppler's pdftotext as the reference, and prints a Markdown table.
//
//	cd bench/pdfeval && go run .            # ../../../shared/corpus
//	go run . -corpus /path/to/pdfs
//
// It lives in its own module so that sendbot does not depend on the losers.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing/fstest"
	"time"
	"unicode"

	fitz "github.com/gen2brain/go-fitz"
	ledong "github.com/ledongthuc/pdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	rsc "rsc.io/pdf"

	"github.com/sendbot/sendbot/corpus"
)

// candidate extracts a file's text; positions says what layout information
// the library gives a caller (needed to find headers, footers and headings).
type candidate struct {
	name      string
	static    string // "yes" when it keeps sendbot a single static binary
	positions string
	extract   func(path string, data []byte) (string, error)
}

var candidates = []candidate{
	{"pdftotext (poppler, reference)", "no (external program)", "yes (-bbox)", pdftotext},
	{"ledongthuc/pdf GetPlainText", "yes", "no", ledongPlain},
	{"ledongthuc/pdf GetTextByRow", "yes", "x, y (no size)", ledongRows},
	{"ledongthuc/pdf Content + naive lines", "yes", "x, y, size, font (widths wrong for CID fonts)", ledongContent},
	{"rsc.io/pdf Content + naive lines", "yes", "x, y, size, font (widths wrong for CID fonts)", rscContent},
	{"pdfcpu ExtractContent (Tj strings)", "yes", "no (raw operators only)", pdfcpuContent},
	{"go-fitz (MuPDF, cgo)", "no (cgo, MuPDF)", "yes (HTML/stext)", fitzText},
	{"sendbot corpus.Load (ledongthuc objects + own layout)", "yes", "yes (own interpreter)", sendbot},
}

func main() {
	dir := flag.String("corpus", "../../../shared/corpus", "folder searched for *.pdf")
	flag.Parse()
	var files []string
	filepath.WalkDir(*dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(strings.ToLower(p), ".pdf") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	if len(files) == 0 {
		fmt.Fprintf(os.Stderr, "no PDFs under %s\n", *dir)
		os.Exit(1)
	}

	type total struct {
		ok, errs, panics                      int
		refWords, candWords, common, ordered  int
		glued, split, badRunes, uniRef, uniOK int
		took                                  time.Duration
	}
	totals := make([]total, len(candidates))

	fmt.Printf("## Per file\n\n")
	fmt.Println("| file | producer | candidate | result | recall | precision | glued | split | bad runes | non-ASCII words | order | ms |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		ref, err := pdftotext(f, data)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pdftotext %s: %v\n", f, err)
			os.Exit(1)
		}
		refTokens := tokens(ref)
		rel, _ := filepath.Rel(*dir, f)
		for i, c := range candidates {
			start := time.Now()
			text, err, panicked := run(c, f, data)
			took := time.Since(start)
			t := &totals[i]
			t.took += took
			result := "ok"
			switch {
			case panicked:
				t.panics++
				result = "**panic**: " + short(err)
			case err != nil:
				t.errs++
				result = "error: " + short(err)
			default:
				t.ok++
			}
			s := score(refTokens, tokens(text), text)
			t.refWords += len(refTokens)
			t.candWords += s.words
			t.common += s.common
			t.ordered += s.ordered
			t.glued += s.glued
			t.split += s.split
			t.badRunes += s.badRunes
			t.uniRef += s.uniRef
			t.uniOK += s.uniOK
			fmt.Printf("| %s | %s | %s | %s | %s | %s | %d | %d | %d | %d/%d | %s | %.1f |\n",
				rel, producer(data), c.name, result, pct(s.common, len(refTokens)), pct(s.common, s.words),
				s.glued, s.split, s.badRunes, s.uniOK, s.uniRef, pct(s.ordered, s.common), ms(took))
		}
	}

	fmt.Printf("\n## Summary over %d PDFs\n\n", len(files))
	fmt.Println("| candidate | static binary | opened | errors | panics | word recall | word precision | glued | split | bad runes | non-ASCII words | reading order | ms/file | x, y, size available |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for i, c := range candidates {
		t := totals[i]
		fmt.Printf("| %s | %s | %d | %d | %d | %s | %s | %d | %d | %d | %s | %s | %.1f | %s |\n",
			c.name, c.static, t.ok, t.errs, t.panics, pct(t.common, t.refWords), pct(t.common, t.candWords),
			t.glued, t.split, t.badRunes, pct(t.uniOK, t.uniRef), pct(t.ordered, t.common),
			ms(t.took)/float64(len(files)), c.positions)
	}
	fmt.Println(legend)
}

const legend = `
Columns: *recall* and *precision* compare the bag of lower-cased words with
pdftotext's; *glued* counts words not in pdftotext's text that are two of its
words run together, *split* counts words not in its text that join with the
next word to make one of its words; *bad runes* counts U+FFFD, private-use,
control and ligature characters (a missing or ignored ToUnicode CMap shows up
here and as low recall); *non-ASCII words* is how many of pdftotext's words
with curly quotes, dashes or accents came out the same; *order* is the longest
common subsequence of the two word sequences over the shared words (1.0 =
same reading order). Times include opening the file; pdftotext's includes
starting the process. The sendbot row reads each PDF through corpus.Load, so
it has dropped running headers, footers and page numbers on purpose and joins
hyphenated line breaks: its recall is lower by those words.`

// run calls a candidate, turning a panic into an error.
func run(c candidate, path string, data []byte) (text string, err error, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			text, err, panicked = "", fmt.Errorf("%v", r), true
		}
	}()
	text, err = c.extract(path, data)
	return text, err, false
}

func pdftotext(path string, _ []byte) (string, error) {
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	return string(out), err
}

func ledongPlain(_ string, data []byte) (string, error) {
	r, err := ledong.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	rd, err := r.GetPlainText()
	if err != nil {
		return "", err
	}
	b, err := io.ReadAll(rd)
	return string(b), err
}

func ledongRows(_ string, data []byte) (string, error) {
	r, err := ledong.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	for n := 1; n <= r.NumPage(); n++ {
		rows, err := r.Page(n).GetTextByRow()
		if err != nil {
			return sb.String(), err
		}
		for _, row := range rows {
			for _, w := range row.Content {
				sb.WriteString(w.S)
			}
			sb.WriteString("\n")
		}
	}
	return sb.String(), nil
}

// glyph is what the Content methods of ledongthuc/pdf and rsc.io/pdf return.
type glyph struct{ x, y, w, size float64 }

// naiveLines is the layout a caller would write on top of Content: glyphs
// grouped into lines by baseline, sorted by x, with a space where the gap
// between two glyphs is wider than a fifth of the font size.
func naiveLines(glyphs []glyph, texts []string) string {
	type line struct {
		y   float64
		idx []int
	}
	var lines []*line
	for i, g := range glyphs {
		var l *line
		for _, cand := range lines {
			if abs(cand.y-g.y) < g.size/3 {
				l = cand
				break
			}
		}
		if l == nil {
			l = &line{y: g.y}
			lines = append(lines, l)
		}
		l.idx = append(l.idx, i)
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].y > lines[j].y })
	var sb strings.Builder
	for _, l := range lines {
		sort.SliceStable(l.idx, func(i, j int) bool { return glyphs[l.idx[i]].x < glyphs[l.idx[j]].x })
		end := -1e9
		for _, i := range l.idx {
			g := glyphs[i]
			if end > -1e9 && g.x-end > g.size/5 {
				sb.WriteString(" ")
			}
			sb.WriteString(texts[i])
			end = g.x + g.w
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

func ledongContent(_ string, data []byte) (string, error) {
	r, err := ledong.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	for n := 1; n <= r.NumPage(); n++ {
		var gs []glyph
		var ts []string
		for _, t := range r.Page(n).Content().Text {
			gs = append(gs, glyph{t.X, t.Y, t.W, t.FontSize})
			ts = append(ts, t.S)
		}
		sb.WriteString(naiveLines(gs, ts))
	}
	return sb.String(), nil
}

func rscContent(_ string, data []byte) (string, error) {
	r, err := rsc.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	for n := 1; n <= r.NumPage(); n++ {
		var gs []glyph
		var ts []string
		for _, t := range r.Page(n).Content().Text {
			gs = append(gs, glyph{t.X, t.Y, t.W, t.FontSize})
			ts = append(ts, t.S)
		}
		sb.WriteString(naiveLines(gs, ts))
	}
	return sb.String(), nil
}

// pdfcpuContent shows what pdfcpu offers for text: the page content
// streams, whose string operands are font codes, not text.
func pdfcpuContent(_ string, data []byte) (string, error) {
	var sb strings.Builder
	conf := model.NewDefaultConfiguration()
	err := api.ExtractContent(bytes.NewReader(data), nil, func(r io.Reader, _ int) error {
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		sb.WriteString(stringOperands(b))
		return nil
	}, conf)
	return sb.String(), err
}

// stringOperands keeps the literal (...) strings of a content stream,
// breaking lines at each text object, as a caller without font decoding would.
func stringOperands(b []byte) string {
	var sb strings.Builder
	depth := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case depth == 0 && c == '(':
			depth = 1
		case depth > 0 && c == '\\' && i+1 < len(b):
			i++
			sb.WriteByte(b[i])
		case depth > 0 && c == '(':
			depth++
			sb.WriteByte(c)
		case depth > 0 && c == ')':
			depth--
			if depth > 0 {
				sb.WriteByte(c)
			}
		case depth > 0:
			sb.WriteByte(c)
		case c == 'E' && i+1 < len(b) && b[i+1] == 'T':
			sb.WriteByte('\n')
		}
	}
	return strings.ToValidUTF8(sb.String(), "\uFFFD")
}

func fitzText(_ string, data []byte) (string, error) {
	d, err := fitz.NewFromMemory(data)
	if err != nil {
		return "", err
	}
	defer d.Close()
	var sb strings.Builder
	for n := 0; n < d.NumPage(); n++ {
		t, err := d.Text(n)
		if err != nil {
			return sb.String(), err
		}
		sb.WriteString(t)
	}
	return sb.String(), nil
}

// sendbot reads the PDF as sendbot does, through corpus.Load, and returns
// the title, headings and passages' text.
func sendbot(path string, data []byte) (string, error) {
	c, err := corpus.Load(fstest.MapFS{"x/" + filepath.Base(path): {Data: data}})
	if err != nil {
		return "", err
	}
	if len(c.Problems) > 0 {
		return "", fmt.Errorf("%s", c.Problems[0].Reason)
	}
	var sb strings.Builder
	for _, d := range c.Documents {
		sb.WriteString(d.Title + "\n") // the first heading, when it is the title, is in no section
		section := ""
		for _, p := range d.Passages {
			if p.Section != section { // each heading once, as on the page
				section = p.Section
				parts := strings.Split(section, corpus.SectionSeparator)
				sb.WriteString(parts[len(parts)-1] + "\n")
			}
			sb.WriteString(p.Text + "\n")
		}
	}
	return sb.String(), nil
}

type scores struct {
	words, common, ordered, glued, split, badRunes, uniRef, uniOK int
}

func score(ref, cand []string, raw string) scores {
	s := scores{words: len(cand)}
	refCount := map[string]int{}
	for _, w := range ref {
		refCount[w]++
	}
	left := map[string]int{}
	for w, n := range refCount {
		left[w] = n
	}
	for _, w := range cand {
		if left[w] > 0 {
			left[w]--
			s.common++
		}
	}
	for i, w := range cand {
		if refCount[w] > 0 {
			continue
		}
		if i+1 < len(cand) && refCount[w+cand[i+1]] > 0 {
			s.split++
			continue
		}
		for k := 1; k < len(w); k++ {
			if refCount[w[:k]] > 0 && refCount[w[k:]] > 0 && (k > 1 || w[:1] == "a" || w[:1] == "i") {
				s.glued++
				break
			}
		}
	}
	for _, r := range raw {
		if r == unicode.ReplacementChar || (r >= 0xE000 && r <= 0xF8FF) || (r >= 0xFB00 && r <= 0xFB06) ||
			(unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' && r != '\f') {
			s.badRunes++
		}
	}
	candCount := map[string]int{}
	for _, w := range cand {
		candCount[w]++
	}
	for _, w := range ref {
		if strings.IndexFunc(w, func(r rune) bool { return r > unicode.MaxASCII }) >= 0 {
			s.uniRef++
			if candCount[w] > 0 {
				candCount[w]--
				s.uniOK++
			}
		}
	}
	s.ordered = lcs(ref, cand)
	return s
}

// tokens lower-cases text and splits it into words, trimming punctuation
// at either end (so "plan." and "plan" are the same word).
func tokens(text string) []string {
	var out []string
	for _, f := range strings.Fields(strings.ToLower(text)) {
		f = strings.TrimFunc(f, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) })
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

func lcs(a, b []string) int {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	prev := make([]int32, len(b)+1)
	cur := make([]int32, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			case prev[j+1] >= cur[j]:
				cur[j+1] = prev[j+1]
			default:
				cur[j+1] = cur[j]
			}
		}
		prev, cur = cur, prev
	}
	return int(prev[len(b)])
}

func producer(data []byte) string {
	r, err := ledong.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "?"
	}
	p := r.Trailer().Key("Info").Key("Producer").Text()
	if i := strings.IndexAny(p, "/ "); i > 0 && strings.HasPrefix(p, "Skia") {
		p = p[:i]
	}
	return p
}

func pct(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.3f", float64(a)/float64(b))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func short(err error) string {
	s := strings.ReplaceAll(err.Error(), "|", "/")
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
