package corpus

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file turns the glyphs of each page into blocks: lines by baseline,
// running headers and footers and page numbers left out, paragraphs by the
// gaps between lines, headings by type size and weight.

// pdfLine is one line of text on a page.
type pdfLine struct {
	page   int
	text   string
	y      float64 // baseline
	x0, x1 float64
	size   float64 // the size most of its characters are set in
	bold   bool    // most of its characters are bold
	top    float64 // the page's top and bottom
	bottom float64
	// ownLine is set when the line before it ended early, short of the
	// column's right edge by more than this line's first word: a list
	// item, an address line, or a paragraph's end.
	ownLine bool
}

// pdfLines groups a page's glyphs into lines in the order they are drawn,
// which for the producers seen (browsers, word processors) is reading order.
// A glyph starts a new line when it leaves the baseline or jumps back left;
// a gap wider than a fifth of the type size between two glyphs is a space.
func pdfLines(pg pdfPage) []pdfLine {
	var (
		lines []pdfLine
		cur   []glyph
	)
	flush := func() {
		if l, ok := makeLine(cur); ok {
			l.page, l.top, l.bottom = pg.number, pg.top, pg.bottom
			lines = append(lines, l)
		}
		cur = cur[:0]
	}
	for _, g := range pg.glyphs {
		if n := len(cur); n > 0 {
			last := cur[n-1]
			size := math.Max(math.Max(last.size, g.size), 1)
			if math.Abs(g.y-last.y) > 0.4*size || g.x < last.x+last.w-size || g.x > last.x+last.w+6*size {
				flush()
			}
		}
		cur = append(cur, g)
	}
	flush()
	return mergeLines(lines)
}

// mergeLines joins lines that share a baseline and follow each other
// closely, as when a bold word and the rest of its line are drawn apart.
func mergeLines(lines []pdfLine) []pdfLine {
	var out []pdfLine
	for _, l := range lines {
		if n := len(out); n > 0 {
			prev := &out[n-1]
			size := math.Max(prev.size, l.size)
			if math.Abs(prev.y-l.y) < 0.3*size && l.x0 >= prev.x1-0.5*size && l.x0 <= prev.x1+2*size && prev.size == l.size {
				sep := ""
				if l.x0-prev.x1 > 0.2*size && !strings.HasSuffix(prev.text, " ") {
					sep = " "
				}
				prev.text += sep + l.text
				prev.x1 = l.x1
				prev.bold = prev.bold && l.bold
				continue
			}
		}
		out = append(out, l)
	}
	return out
}

func makeLine(gs []glyph) (pdfLine, bool) {
	var b strings.Builder
	sizes := map[float64]int{}
	boldChars, chars := 0, 0
	l := pdfLine{x0: math.Inf(1), x1: math.Inf(-1)}
	for i, g := range gs {
		if i > 0 {
			prev := gs[i-1]
			gap := g.x - (prev.x + prev.w)
			if gap > 0.2*math.Max(prev.size, g.size) && prev.text != " " && g.text != " " {
				b.WriteByte(' ')
			}
		}
		b.WriteString(g.text)
		if g.text == " " {
			continue
		}
		n := len([]rune(g.text))
		chars += n
		sizes[math.Round(g.size*2)/2] += n
		if g.bold {
			boldChars += n
		}
		l.x0 = math.Min(l.x0, g.x)
		l.x1 = math.Max(l.x1, g.x+g.w)
		if l.y == 0 || n > 0 {
			l.y = g.y
		}
	}
	l.text = strings.Join(strings.Fields(strings.ReplaceAll(b.String(), "\uFFFD", "")), " ")
	if l.text == "" || chars == 0 {
		return pdfLine{}, false
	}
	l.size = modeSize(sizes)
	l.bold = boldChars*2 > chars
	return l, true
}

func modeSize(sizes map[float64]int) float64 {
	best, bestN := 0.0, -1
	for s, n := range sizes {
		if n > bestN || n == bestN && s > best {
			best, bestN = s, n
		}
	}
	return best
}

var (
	digits     = regexp.MustCompile(`\d+`)
	pageNumber = regexp.MustCompile(`(?i)^[-–—(\[]?\s*(page|p\.|pg\.?)?\s*\d{1,4}\s*((of|/)\s*\d{1,4})?\s*[-–—)\]]?$`)
)

// dropRunningLines removes the lines that repeat at the top or bottom of
// most pages (headers and footers, with page numbers made alike so that
// "Page 3 of 10" matches "Page 4 of 10"), and bare page numbers at the top
// or bottom of any page.
func dropRunningLines(pages [][]pdfLine) [][]pdfLine {
	const edge = 3 // lines from the top and the bottom of a page that may be running lines
	key := func(s string) string { return digits.ReplaceAllString(strings.ToLower(s), "#") }
	edgeLines := func(lines []pdfLine) map[int]bool { // indexes of the highest and lowest lines
		idx := make([]int, len(lines))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return lines[idx[a]].y > lines[idx[b]].y })
		out := map[int]bool{}
		for k := 0; k < edge && k < len(idx); k++ {
			out[idx[k]] = true
			out[idx[len(idx)-1-k]] = true
		}
		return out
	}
	counts := map[string]int{}
	edges := make([]map[int]bool, len(pages))
	for p, lines := range pages {
		edges[p] = edgeLines(lines)
		seen := map[string]bool{}
		for i := range edges[p] {
			k := key(lines[i].text)
			if !seen[k] {
				seen[k] = true
				counts[k]++
			}
		}
	}
	running := map[string]bool{}
	withText := 0
	for _, lines := range pages {
		if len(lines) > 0 {
			withText++
		}
	}
	if withText >= 3 {
		for k, n := range counts {
			if n*2 > withText && n >= 3 {
				running[k] = true
			}
		}
	}
	out := make([][]pdfLine, len(pages))
	for p, lines := range pages {
		for i, l := range lines {
			if edges[p][i] && (running[key(l.text)] || pageNumber.MatchString(l.text)) {
				continue
			}
			out[p] = append(out[p], l)
		}
	}
	return out
}

// pdfBlocks lays out the pages' lines as headings and paragraphs.
func pdfBlocks(pages []pdfPage) []block {
	all := make([][]pdfLine, len(pages))
	for i, pg := range pages {
		all[i] = pdfLines(pg)
	}
	all = dropRunningLines(all)
	var lines []pdfLine
	for _, ls := range all {
		lines = append(lines, ls...)
	}
	if len(lines) == 0 {
		return nil
	}
	body, levels := headingSizes(lines)
	leading := typicalLeading(lines, body)
	vocab := vocabulary(lines)
	markEarlyEnds(lines)

	var (
		blocks []block
		para   []pdfLine
	)
	flush := func() {
		if len(para) > 0 {
			if t := joinLines(para, vocab); t != "" {
				blocks = append(blocks, block{Text: t, Page: para[0].page})
			}
		}
		para = nil
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if level := pdfHeadingLevel(l, body, levels); level > 0 {
			flush()
			text := l.text
			for i+1 < len(lines) && sameHeading(l, lines[i+1], body, levels) {
				i++
				text += " " + lines[i].text
			}
			if len(blocks) > 0 && blocks[len(blocks)-1].Level == level && blocks[len(blocks)-1].Page == l.page && text == blocks[len(blocks)-1].Text {
				continue
			}
			blocks = append(blocks, block{Level: level, Text: text, Page: l.page})
			continue
		}
		if len(para) > 0 && breaksParagraph(para, l, leading) {
			flush()
		}
		if len(para) == 0 && len(blocks) > 0 && continuesOnNextPage(blocks[len(blocks)-1], l, lines, i) {
			prev := blocks[len(blocks)-1]
			blocks = blocks[:len(blocks)-1]
			para = []pdfLine{{page: prev.Page, text: prev.Text, y: l.y, size: l.size}}
		}
		para = append(para, l)
	}
	flush()
	return blocks
}

// markEarlyEnds sets ownLine on lines that follow a line which stopped
// before the right edge of the page's text although the next word would
// have fitted: the line was broken on purpose.
func markEarlyEnds(lines []pdfLine) {
	right := map[int]float64{}
	for _, l := range lines {
		right[l.page] = math.Max(right[l.page], l.x1)
	}
	for i := 1; i < len(lines); i++ {
		a, b := lines[i-1], &lines[i]
		if a.page != b.page || b.x1 <= b.x0 {
			continue
		}
		first := strings.Fields(b.text)[0]
		charW := (b.x1 - b.x0) / float64(len([]rune(b.text)))
		need := charW * float64(len([]rune(first))+1)
		b.ownLine = right[a.page]-a.x1 > need+0.5*b.size
	}
}

// headingSizes finds the body type size (the one most characters are set
// in) and the larger sizes used for headings, largest first.
func headingSizes(lines []pdfLine) (float64, []float64) {
	chars := map[float64]int{}
	for _, l := range lines {
		chars[l.size] += len(l.text)
	}
	body := modeSize(chars)
	var bigger []float64
	for s := range chars {
		if s >= body*1.15 {
			bigger = append(bigger, s)
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(bigger)))
	if len(bigger) > 4 {
		bigger = bigger[:4]
	}
	return body, bigger
}

// pdfHeadingLevel is 1 for the largest heading size and so on; a short bold
// line in body type that does not read as a sentence is the level below.
func pdfHeadingLevel(l pdfLine, body float64, levels []float64) int {
	words := len(strings.Fields(l.text))
	first := []rune(l.text)[0]
	if words > 20 || pageNumber.MatchString(l.text) || !unicode.IsLetter(first) && !unicode.IsDigit(first) && !strings.ContainsRune("(\"“‘'", first) {
		return 0
	}
	for i, s := range levels {
		if l.size >= s-0.25 {
			return i + 1
		}
	}
	if l.bold && words <= 12 && math.Abs(l.size-body) < 0.5 && !strings.ContainsAny(l.text[len(l.text)-1:], ".,;") {
		return len(levels) + 1
	}
	return 0
}

func sameHeading(a, b pdfLine, body float64, levels []float64) bool {
	return a.page == b.page && a.size == b.size && a.bold == b.bold &&
		pdfHeadingLevel(b, body, levels) == pdfHeadingLevel(a, body, levels) &&
		a.y-b.y > 0 && a.y-b.y < 1.5*a.size && !strings.HasSuffix(a.text, "?")
}

// typicalLeading is the usual distance between baselines of body lines,
// as a multiple of the type size: the lower quartile of the distances, so
// that the gaps between paragraphs do not count.
func typicalLeading(lines []pdfLine, body float64) float64 {
	var ds []float64
	for i := 1; i < len(lines); i++ {
		a, b := lines[i-1], lines[i]
		if a.page != b.page || math.Abs(a.size-body) > 0.5 || math.Abs(b.size-body) > 0.5 || body <= 0 {
			continue
		}
		if d := (a.y - b.y) / body; d >= 0.9 && d <= 3 {
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return 1.2
	}
	sort.Float64s(ds)
	return ds[len(ds)/4]
}

// breaksParagraph reports whether line b starts a new paragraph after the
// lines in para. The items of a list stay together, one per line.
func breaksParagraph(para []pdfLine, b pdfLine, leading float64) bool {
	a := para[len(para)-1]
	size := math.Max(a.size, b.size)
	d := a.y - b.y
	inList := isListItem(para[0].text)
	switch {
	case a.page != b.page:
		return true
	case d <= 0.3*size || d > (leading+0.35)*size: // moved up (a new column or box), or a wide gap
		return true
	case math.Abs(a.size-b.size) > 0.5:
		return true
	case isListItem(b.text):
		return !inList
	case inList && b.x0 < para[0].x0-0.5*size: // back to the margin after a list
		return true
	}
	return false
}

func isListItem(s string) bool { return strings.HasPrefix(s, "•") || listStart.MatchString(s) }

var listStart = regexp.MustCompile(`^(\(?[a-z]\)|\(?[ivx]{1,4}\)|\d{1,3}[.)]|[-–*▪◦])\s`)

// continuesOnNextPage reports whether l, the first line of a page, carries
// on the paragraph that ended the previous page mid-sentence.
func continuesOnNextPage(prev block, l pdfLine, lines []pdfLine, i int) bool {
	if prev.Level != 0 || i == 0 || lines[i-1].page == l.page || strings.HasPrefix(l.text, "•") {
		return false
	}
	last := []rune(prev.Text)
	first := []rune(l.text)
	return !strings.ContainsRune(".!?:;\"”", last[len(last)-1]) && unicode.IsLower(first[0])
}

// vocabulary counts the words of the document, to tell a hyphenated line
// break ("educa-" "tion") from a compound ("long-" "term").
func vocabulary(lines []pdfLine) map[string]int {
	v := map[string]int{}
	for _, l := range lines {
		for _, w := range strings.Fields(l.text) {
			v[strings.ToLower(strings.TrimFunc(w, isEdgePunct))]++
		}
	}
	return v
}

func isEdgePunct(r rune) bool { return unicode.IsPunct(r) && r != '-' || unicode.IsSymbol(r) }

// compoundFirst are first halves of compounds that keep their hyphen when
// the document itself does not say.
var compoundFirst = map[string]bool{
	"self": true, "non": true, "ex": true, "well": true, "post": true, "cross": true, "multi": true,
	"long": true, "short": true, "full": true, "part": true, "high": true, "low": true, "all": true,
	"face": true, "one": true, "two": true, "three": true, "four": true, "age": true, "year": true,
	"day": true, "child": true, "family": true, "person": true, "co": true, "anti": true, "semi": true,
	"follow": true, "drop": true, "check": true, "sign": true, "step": true, "half": true, "first": true,
}

// joinLines makes a paragraph of lines: list items stay on lines of their
// own, other lines join with a space, and a word broken by a hyphen at the
// end of a line is joined again.
func joinLines(lines []pdfLine, vocab map[string]int) string {
	var out []byte
	for i, l := range lines {
		text := l.text
		if i == 0 {
			out = append(out, bulletText(text)...)
			continue
		}
		prev := lines[i-1].text
		switch {
		case isListItem(text):
			out = append(append(out, '\n'), bulletText(text)...)
		case strings.HasSuffix(prev, "\u00AD"): // a soft hyphen: always a broken word
			out = append(out, text...)
		case endsInHyphenBreak(prev, text):
			if !keepHyphen(prev, text, vocab) {
				_, n := utf8.DecodeLastRune(out)
				out = out[:len(out)-n]
			}
			out = append(out, text...)
		case l.ownLine:
			out = append(append(out, '\n'), text...)
		default:
			out = append(append(out, ' '), text...)
		}
	}
	return strings.ReplaceAll(string(out), "\u00AD", "")
}

func bulletText(s string) string {
	if rest, ok := strings.CutPrefix(s, "•"); ok {
		return "• " + strings.TrimSpace(rest)
	}
	return s
}

func endsInHyphenBreak(prev, next string) bool {
	r := []rune(prev)
	n := len(r)
	if n < 3 || (r[n-1] != '-' && r[n-1] != '‐') || !unicode.IsLetter(r[n-2]) {
		return false
	}
	first := []rune(next)[0]
	return unicode.IsLower(first)
}

// keepHyphen decides "long-" + "term" (a compound, kept) against
// "educa-" + "tion" (a broken word, joined): by the document's own use of
// either form, else by a list of common compound first halves.
func keepHyphen(prev, next string, vocab map[string]int) bool {
	fields := strings.Fields(prev)
	head := strings.ToLower(strings.TrimFunc(strings.TrimRight(fields[len(fields)-1], "-‐"), isEdgePunct))
	tailWord := strings.Fields(next)[0]
	tail := strings.ToLower(strings.TrimFunc(tailWord, isEdgePunct))
	switch {
	case vocab[head+tail] > 0:
		return false
	case vocab[head+"-"+tail] > 0:
		return true
	}
	return compoundFirst[head]
}
