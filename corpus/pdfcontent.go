package corpus

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// This file turns a PDF page's content stream into positioned glyphs. The
// PDF library gives objects and decoded streams; the drawing instructions
// are read here, so that every glyph has its place, size and weight (which
// the library's own text functions do not give correctly for the CID fonts
// that browsers and word processors embed) and so that work on a hostile
// file stays within limits.

// Limits on the work one PDF may ask for.
const (
	pdfMaxPages        = 2000
	pdfMaxStreamBytes  = 16 << 20  // one page's (or form's) drawing instructions, decoded
	pdfMaxContentBytes = 256 << 20 // all drawing instructions in the file, decoded
	pdfMaxTextBytes    = 16 << 20  // text extracted from the file
	pdfMaxFormDepth    = 8         // forms drawn inside forms
	pdfMaxCMapBytes    = 1 << 20   // one font's Unicode map, decoded
)

// pdfLimitError is a limit a file went over; its text is a sentence for the moderator.
type pdfLimitError struct{ reason string }

func (e pdfLimitError) Error() string { return e.reason }

// glyph is one character drawn on a page, in PDF user space (points, y up).
type glyph struct {
	x, y  float64 // baseline origin
	w     float64 // advance width
	size  float64 // font size as drawn
	bold  bool
	text  string // what it stands for; " " for a space
	known bool   // false when the font gave no Unicode for it
}

// operand is one value in a content stream.
type operand struct {
	kind opKind
	num  float64
	str  string // string bytes, or a name without its slash
	arr  []operand
}

type opKind uint8

const (
	opOther opKind = iota
	opNumber
	opString
	opName
	opArray
)

// contentLexer reads the tokens of a content stream or CMap.
type contentLexer struct {
	data []byte
	pos  int
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isPDFDelim(c byte) bool {
	return strings.IndexByte("()<>[]{}/%", c) >= 0
}

// next returns the next operand, or the next operator as op; ok is false at the end.
func (l *contentLexer) next(depth int) (v operand, op string, ok bool) {
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		switch {
		case isPDFSpace(c):
			l.pos++
			continue
		case c == '%':
			for l.pos < len(l.data) && l.data[l.pos] != '\n' && l.data[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		break
	}
	if l.pos >= len(l.data) {
		return operand{}, "", false
	}
	c := l.data[l.pos]
	switch {
	case c == '(':
		return operand{kind: opString, str: l.literal()}, "", true
	case c == '<' && l.pos+1 < len(l.data) && l.data[l.pos+1] == '<':
		l.pos += 2
		return l.collect(">>", depth), "", true
	case c == '<':
		return operand{kind: opString, str: l.hex()}, "", true
	case c == '[':
		l.pos++
		v := l.collect("]", depth)
		v.kind = opArray
		return v, "", true
	case c == '{':
		l.pos++
		l.collect("}", depth)
		return operand{}, "", true
	case c == '/':
		l.pos++
		return operand{kind: opName, str: l.word()}, "", true
	case c == ')' || c == '>' || c == ']' || c == '}':
		l.pos++ // stray closer: skip it
		return operand{}, "", true
	}
	w := l.word()
	if w == "" { // cannot happen, but never loop without moving
		l.pos++
		return operand{}, "", true
	}
	if n, isNum := parsePDFNumber(w); isNum {
		return operand{kind: opNumber, num: n}, "", true
	}
	switch w {
	case "true", "false", "null":
		return operand{}, "", true
	}
	return operand{}, w, true
}

// collect reads operands up to the closing token; nested deeper than 32
// levels, the contents are dropped.
func (l *contentLexer) collect(closer string, depth int) operand {
	var v operand
	for l.pos < len(l.data) {
		for l.pos < len(l.data) && isPDFSpace(l.data[l.pos]) {
			l.pos++
		}
		if strings.HasPrefix(string(l.data[l.pos:min(l.pos+len(closer), len(l.data))]), closer) {
			l.pos += len(closer)
			return v
		}
		if closer != ">>" && l.pos < len(l.data) && l.data[l.pos] == '>' && l.pos+1 < len(l.data) && l.data[l.pos+1] == '>' {
			return v // an unclosed array inside a dictionary
		}
		if depth > 32 {
			l.pos++
			continue
		}
		x, op, ok := l.next(depth + 1)
		if !ok {
			break
		}
		if op == "" && len(v.arr) < 1<<16 {
			v.arr = append(v.arr, x)
		}
	}
	return v
}

func (l *contentLexer) word() string {
	start := l.pos
	for l.pos < len(l.data) && !isPDFSpace(l.data[l.pos]) && !isPDFDelim(l.data[l.pos]) {
		l.pos++
	}
	w := string(l.data[start:l.pos])
	if strings.IndexByte(w, '#') >= 0 { // #xx escapes in names
		var b strings.Builder
		for i := 0; i < len(w); i++ {
			if w[i] == '#' && i+2 < len(w) && unhex(w[i+1]) >= 0 && unhex(w[i+2]) >= 0 {
				b.WriteByte(byte(unhex(w[i+1])<<4 | unhex(w[i+2])))
				i += 2
				continue
			}
			b.WriteByte(w[i])
		}
		w = b.String()
	}
	return w
}

func (l *contentLexer) literal() string {
	l.pos++ // (
	var b []byte
	depth := 1
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return string(b)
			}
		case '\\':
			if l.pos >= len(l.data) {
				return string(b)
			}
			e := l.data[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.data) && l.data[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					n := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.data) && l.data[l.pos] >= '0' && l.data[l.pos] <= '7'; k++ {
						n = n*8 + int(l.data[l.pos]-'0')
						l.pos++
					}
					c = byte(n)
				} else {
					c = e
				}
			}
		}
		b = append(b, c)
	}
	return string(b)
}

func (l *contentLexer) hex() string {
	l.pos++ // <
	var b []byte
	hi := -1
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		d := unhex(c)
		if d < 0 {
			continue
		}
		if hi < 0 {
			hi = d
			continue
		}
		b = append(b, byte(hi<<4|d))
		hi = -1
	}
	if hi >= 0 {
		b = append(b, byte(hi<<4))
	}
	return string(b)
}

// skipInlineImage moves past the data of an inline image (BI … ID data EI).
func (l *contentLexer) skipInlineImage() {
	for {
		v, op, ok := l.next(0)
		if !ok {
			return
		}
		if op == "ID" {
			break
		}
		_ = v
	}
	l.pos++ // the single white-space byte after ID
	for l.pos+1 < len(l.data) {
		if l.data[l.pos] == 'E' && l.data[l.pos+1] == 'I' && isPDFSpace(l.data[l.pos-1]) &&
			(l.pos+2 == len(l.data) || isPDFSpace(l.data[l.pos+2])) {
			l.pos += 2
			return
		}
		l.pos++
	}
	l.pos = len(l.data)
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func parsePDFNumber(w string) (float64, bool) {
	if w == "" || !strings.ContainsAny(w[:1], "+-.0123456789") {
		return 0, false
	}
	var n, frac float64
	neg, seenDot, digits := false, false, 0
	scale := 1.0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case (c == '-' || c == '+') && i == 0:
			neg = c == '-'
		case c == '.' && !seenDot:
			seenDot = true
		case c >= '0' && c <= '9':
			digits++
			if seenDot {
				scale /= 10
				frac += float64(c-'0') * scale
			} else {
				n = n*10 + float64(c-'0')
			}
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	n += frac
	if neg {
		n = -n
	}
	return n, true
}

// readStream decodes a stream, refusing more than limit bytes.
func readStream(v pdf.Value, limit int) ([]byte, error) {
	if v.Kind() != pdf.Stream {
		return nil, nil
	}
	rc := v.Reader()
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, int64(limit)+1))
	if len(data) > limit {
		return nil, errStreamTooBig
	}
	if err != nil && len(data) == 0 {
		return nil, err
	}
	return data, nil // keep what decoded before a damaged end
}

var errStreamTooBig = fmt.Errorf("stream too big")

// pdfFont is what the interpreter needs to know of a font.
type pdfFont struct {
	twoByte  bool
	bold     bool
	toUni    map[uint32]string // from the ToUnicode CMap, keyed by code<<3 | length
	enc      pdf.TextEncoding  // the library's decoder, when there is no ToUnicode map
	noUni    bool              // a CID font without a ToUnicode map: codes are glyph ids, not text
	widths   map[int]float64   // glyph widths in 1/1000 em
	defWidth float64
	cache    map[string]string
}

func loadFont(v pdf.Value) *pdfFont {
	f := &pdfFont{cache: map[string]string{}, widths: map[int]float64{}}
	base := v.Key("BaseFont").Name()
	desc := v.Key("FontDescriptor")
	if v.Key("Subtype").Name() == "Type0" {
		f.twoByte = true
		d := v.Key("DescendantFonts").Index(0)
		if base == "" {
			base = d.Key("BaseFont").Name()
		}
		desc = d.Key("FontDescriptor")
		f.defWidth = 1000
		if dw := d.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.defWidth = dw.Float64()
		}
		readCIDWidths(d.Key("W"), f.widths)
	} else {
		first := int(v.Key("FirstChar").Int64())
		ws := v.Key("Widths")
		for i := 0; i < ws.Len() && i < 256; i++ {
			f.widths[first+i] = ws.Index(i).Float64()
		}
		switch {
		case ws.Len() > 0:
			f.defWidth = desc.Key("MissingWidth").Float64()
		case strings.Contains(base, "Courier"):
			f.defWidth = 600
		default:
			f.defWidth = 500 // a standard font without widths: an estimate
		}
	}
	lower := strings.ToLower(base)
	f.bold = strings.Contains(lower, "bold") || strings.Contains(lower, "black") || strings.Contains(lower, "heavy") ||
		strings.Contains(lower, "semibold") || strings.Contains(lower, "demi") ||
		desc.Key("FontWeight").Float64() >= 600 || desc.Key("Flags").Int64()&(1<<18) != 0
	if tu := v.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		if data, err := readStream(tu, pdfMaxCMapBytes); err == nil {
			f.toUni = parseCMap(data)
		}
	}
	if len(f.toUni) == 0 {
		f.toUni = nil
		if f.twoByte {
			switch v.Key("Encoding").Name() {
			case "Identity-H", "Identity-V", "":
				f.noUni = true
			}
		}
		if !f.noUni {
			font := pdf.Font{V: v}
			f.enc = font.Encoder()
		}
	}
	return f
}

func readCIDWidths(w pdf.Value, out map[int]float64) {
	for i := 0; i+1 < w.Len() && len(out) < 1<<16; {
		first := int(w.Index(i).Int64())
		if next := w.Index(i + 1); next.Kind() == pdf.Array {
			for k := 0; k < next.Len() && len(out) < 1<<16; k++ {
				out[first+k] = next.Index(k).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= w.Len() {
			return
		}
		last, width := int(w.Index(i+1).Int64()), w.Index(i+2).Float64()
		for c := first; c <= last && c-first < 1<<16 && len(out) < 1<<16; c++ {
			out[c] = width
		}
		i += 3
	}
}

// decode returns the text for one character code and whether the font knew it.
func (f *pdfFont) decode(code string) (string, bool) {
	if s, ok := f.cache[code]; ok {
		return s, s != "\uFFFD"
	}
	var s string
	switch {
	case f.toUni != nil:
		s = f.toUni[cmapKey(code)]
		if s == "" {
			s = "\uFFFD"
		}
	case f.noUni:
		s = "\uFFFD"
	default:
		s = f.enc.Decode(code)
	}
	s = cleanGlyphText(s)
	if len(f.cache) < 1<<16 {
		f.cache[code] = s
	}
	return s, s != "\uFFFD"
}

// cleanGlyphText expands ligatures and drops characters nobody reads.
func cleanGlyphText(s string) string {
	if s == "" {
		return "\uFFFD"
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 0xFB00 && r <= 0xFB06:
			b.WriteString([]string{"ff", "fi", "fl", "ffi", "ffl", "st", "st"}[r-0xFB00])
		case r == 0xA0 || r == '\t' || r == 0x2002 || r == 0x2003 || r == 0x2009 || r == 0x202F:
			b.WriteByte(' ')
		case r == 0xF0B7 || r == 0xF0A7 || r == 0x25CF || r == 0x25AA || r == 0x25E6 || r == 0x2219:
			b.WriteString("•") // Symbol and Wingdings bullets in private use, and other bullet shapes
		case r < 0x20 || r == 0x7F || r == 0xFEFF || (r >= 0xE000 && r <= 0xF8FF):
			// control characters, byte-order marks and other private-use glyphs
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return b.String()
}

func cmapKey(code string) uint32 {
	var n uint32
	for i := 0; i < len(code) && i < 4; i++ {
		n = n<<8 | uint32(code[i])
	}
	return n<<3 | uint32(len(code))
}

// parseCMap reads the bfchar and bfrange mappings of a ToUnicode CMap.
func parseCMap(data []byte) map[uint32]string {
	m := map[uint32]string{}
	l := contentLexer{data: data}
	var args []operand
	for len(m) < 1<<17 {
		v, op, ok := l.next(0)
		if !ok {
			break
		}
		if op == "" {
			if len(args) < 1<<16 {
				args = append(args, v)
			}
			continue
		}
		switch op {
		case "endbfchar":
			for i := 0; i+1 < len(args); i += 2 {
				src, dst := args[i], args[i+1]
				if src.kind == opString && dst.kind == opString && len(src.str) > 0 && len(src.str) <= 4 {
					m[cmapKey(src.str)] = utf16BE(dst.str)
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(args); i += 3 {
				lo, hi, dst := args[i], args[i+1], args[i+2]
				if lo.kind != opString || hi.kind != opString || len(lo.str) != len(hi.str) || len(lo.str) == 0 || len(lo.str) > 4 {
					continue
				}
				a, b := cmapKey(lo.str)>>3, cmapKey(hi.str)>>3
				for c := a; c <= b && c-a < 1<<16 && len(m) < 1<<17; c++ {
					code := codeBytes(c, len(lo.str))
					switch {
					case dst.kind == opString && len(dst.str) > 0:
						d := []byte(dst.str)
						last := len(d) - 1
						n := int(d[last]) + int(c-a)
						d[last] = byte(n)
						if last > 0 {
							d[last-1] += byte(n >> 8)
						}
						m[cmapKey(code)] = utf16BE(string(d))
					case dst.kind == opArray && int(c-a) < len(dst.arr) && dst.arr[c-a].kind == opString:
						m[cmapKey(code)] = utf16BE(dst.arr[c-a].str)
					}
				}
			}
		}
		args = args[:0]
	}
	return m
}

func codeBytes(c uint32, n int) string {
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = byte(c)
		c >>= 8
	}
	return string(b)
}

func utf16BE(s string) string {
	if len(s)%2 == 1 { // not UTF-16: take the bytes as Latin-1
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			b.WriteRune(rune(s[i]))
		}
		return b.String()
	}
	u := make([]uint16, len(s)/2)
	for i := range u {
		u[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
	}
	return string(utf16.Decode(u))
}

// matrix is a PDF transformation [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func matrixFrom(args []operand) (matrix, bool) {
	if len(args) < 6 {
		return identity, false
	}
	var m matrix
	for i, a := range args[len(args)-6:] {
		if a.kind != opNumber {
			return identity, false
		}
		m[i] = a.num
	}
	return m, true
}

// pageReader draws one page's text, sharing the document's budgets.
type pageReader struct {
	doc    *pdfBudget
	glyphs []glyph
}

// pdfBudget counts the work done on one file.
type pdfBudget struct {
	contentBytes int
	textBytes    int
	fontCache    map[string]*pdfFont
}

type graphicsState struct {
	ctm                  matrix
	font                 *pdfFont
	size, cs, ws, th, tl float64
	rise                 float64
}

// draw interprets a content stream with the given resources.
func (p *pageReader) draw(content []byte, resources pdf.Value, ctm matrix, depth int) error {
	p.doc.contentBytes += len(content)
	if p.doc.contentBytes > pdfMaxContentBytes {
		return pdfLimitError{fmt.Sprintf("PDF has more than %d MiB of drawing instructions, over sendbot's limit; split it into smaller files", pdfMaxContentBytes>>20)}
	}
	gs := graphicsState{ctm: ctm, th: 1}
	var stack []graphicsState
	var tm, tlm matrix
	fontsHere := map[string]*pdfFont{}
	l := contentLexer{data: content}
	var args []operand
	num := func(i int) float64 { // the i-th of the operator's operands, from the end
		if k := len(args) - 1 - i; k >= 0 && args[k].kind == opNumber {
			return args[k].num
		}
		return 0
	}
	show := func(s string) error {
		if gs.font == nil {
			gs.font = &pdfFont{noUni: true, defWidth: 500, cache: map[string]string{}}
		}
		f := gs.font
		step := 1
		if f.twoByte {
			step = 2
		}
		for i := 0; i+step <= len(s); i += step {
			code := s[i : i+step]
			text, known := f.decode(code)
			c := int(code[0])
			if step == 2 {
				c = c<<8 | int(code[1])
			}
			w, ok := f.widths[c]
			if !ok {
				w = f.defWidth
			}
			trm := matrix{gs.size * gs.th, 0, 0, gs.size, 0, gs.rise}.mul(tm).mul(gs.ctm)
			m := tm.mul(gs.ctm)
			hscale := math.Hypot(m[0], m[1])
			upright := m[0] > 0 && math.Abs(m[1]) <= 0.05*math.Abs(m[0]) && math.Abs(m[2]) <= 0.05*math.Abs(m[3])
			if upright && text != "" {
				p.glyphs = append(p.glyphs, glyph{
					x: trm[4], y: trm[5], w: w / 1000 * gs.size * gs.th * hscale,
					size: gs.size * math.Hypot(m[2], m[3]), bold: f.bold, text: text, known: known,
				})
				p.doc.textBytes += len(text)
			}
			tx := w/1000*gs.size + gs.cs
			if step == 1 && c == ' ' {
				tx += gs.ws
			}
			tm = matrix{1, 0, 0, 1, tx * gs.th, 0}.mul(tm)
		}
		if p.doc.textBytes > pdfMaxTextBytes {
			return pdfLimitError{fmt.Sprintf("PDF holds more than %d MiB of text, over sendbot's limit; split it into smaller files", pdfMaxTextBytes>>20)}
		}
		return nil
	}
	nextLine := func() {
		tlm = matrix{1, 0, 0, 1, 0, -gs.tl}.mul(tlm)
		tm = tlm
	}
	for {
		v, op, ok := l.next(0)
		if !ok {
			return nil
		}
		if op == "" {
			if len(args) < 4096 {
				args = append(args, v)
			}
			continue
		}
		var err error
		switch op {
		case "q":
			if len(stack) < 256 {
				stack = append(stack, gs)
			}
		case "Q":
			if n := len(stack); n > 0 {
				gs, stack = stack[n-1], stack[:n-1]
			}
		case "cm":
			if m, ok := matrixFrom(args); ok {
				gs.ctm = m.mul(gs.ctm)
			}
		case "BT":
			tm, tlm = identity, identity
		case "Tc":
			gs.cs = num(0)
		case "Tw":
			gs.ws = num(0)
		case "Tz":
			gs.th = num(0) / 100
		case "TL":
			gs.tl = num(0)
		case "Ts":
			gs.rise = num(0)
		case "Tf":
			gs.size = num(0)
			if len(args) >= 2 && args[len(args)-2].kind == opName {
				gs.font = p.font(fontsHere, resources, args[len(args)-2].str)
			}
		case "Td", "TD":
			if op == "TD" {
				gs.tl = -num(0)
			}
			tlm = matrix{1, 0, 0, 1, num(1), num(0)}.mul(tlm)
			tm = tlm
		case "Tm":
			if m, ok := matrixFrom(args); ok {
				tm, tlm = m, m
			}
		case "T*":
			nextLine()
		case "Tj", "'", "\"":
			if op == "\"" {
				gs.ws, gs.cs = num(2), num(1)
			}
			if op != "Tj" {
				nextLine()
			}
			if n := len(args); n > 0 && args[n-1].kind == opString {
				err = show(args[n-1].str)
			}
		case "TJ":
			if n := len(args); n > 0 && args[n-1].kind == opArray {
				for _, a := range args[n-1].arr {
					switch a.kind {
					case opString:
						err = show(a.str)
					case opNumber:
						tm = matrix{1, 0, 0, 1, -a.num / 1000 * gs.size * gs.th, 0}.mul(tm)
					}
					if err != nil {
						break
					}
				}
			}
		case "Do":
			if len(args) > 0 && args[len(args)-1].kind == opName && depth < pdfMaxFormDepth {
				err = p.drawForm(resources.Key("XObject").Key(args[len(args)-1].str), resources, gs.ctm, depth)
			}
		case "BI":
			l.skipInlineImage()
		}
		if err != nil {
			return err
		}
		args = args[:0]
	}
}

// drawForm draws a form XObject: a piece of content reused by reference.
func (p *pageReader) drawForm(x pdf.Value, outer pdf.Value, ctm matrix, depth int) error {
	if x.Kind() != pdf.Stream || x.Key("Subtype").Name() != "Form" {
		return nil
	}
	data, err := readStream(x, pdfMaxStreamBytes)
	if err == errStreamTooBig {
		return pdfLimitError{fmt.Sprintf("a PDF page has more than %d MiB of drawing instructions, over sendbot's limit (a damaged file?)", pdfMaxStreamBytes>>20)}
	}
	if err != nil {
		return nil // an unreadable form hides only itself
	}
	m := identity
	if mv := x.Key("Matrix"); mv.Len() == 6 {
		for i := range m {
			m[i] = mv.Index(i).Float64()
		}
	}
	res := x.Key("Resources")
	if res.Kind() != pdf.Dict {
		res = outer
	}
	return p.draw(data, res, m.mul(ctm), depth+1)
}

// font finds a font by its resource name, loading each font dictionary once per file.
func (p *pageReader) font(here map[string]*pdfFont, resources pdf.Value, name string) *pdfFont {
	if f, ok := here[name]; ok {
		return f
	}
	v := resources.Key("Font").Key(name)
	key := v.String() // the font dictionary as written: its references name its parts
	f, ok := p.doc.fontCache[key]
	if !ok || len(key) > 4096 {
		f = loadFont(v)
		if len(key) <= 4096 && len(p.doc.fontCache) < 4096 {
			p.doc.fontCache[key] = f
		}
	}
	here[name] = f
	return f
}
