package index

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sendbot/sendbot/internal/english"
)

// Stage 5 of 5: show the answer.
//
// Each passage is shown as the sentences around its best match, whole:
// the sentence that says the most of what the question asks, then its
// neighbours while they fit, and, when the text leads into a list or
// figures with a colon ("…may include any of the following:"), the list
// that follows, so that a quote does not stop just before its answer.
// Three quotes of about shownTarget characters fit a phone screen.

const (
	// shownTarget is the length a quote aims at, in characters.
	shownTarget = 650
	// MaxShownRunes is the longest quote: finishing a list stops there.
	MaxShownRunes = 1000
	// listItemRunes is the longest line that reads as an item of a list.
	listItemRunes = 160
	// oldWindowRunes is the quote length of the window without excerpt
	// (see Excerpt), as sendbot showed before.
	oldWindowRunes = 700
)

// hit turns a ranked candidate into what the bot shows: its source, the
// sentences of it that answer, and the jargon they use.
func (ix *Index) hit(qu question, c candidate, off without) Hit {
	h := source(c)
	h.Text, h.Matches = ix.shownText(qu, c, off)
	h.Jargon = ix.vocab.jargon(ix.analyzer, h.Text)
	return h
}

// source is a candidate's document and place in it, without its text: a
// hit as a signpost shows it.
func source(c candidate) Hit {
	str := c.str
	h := Hit{
		ID:        c.dm.ID,
		Title:     str(fieldTitle),
		SourceURL: str(fieldSourceURL),
		Publisher: str(fieldPublisher),
		Area:      str(fieldArea),
		Kind:      str(fieldKind),
		Published: str(fieldPublished),
		Section:   str(fieldSection),
		Path:      str(fieldPath),
		Score:     c.score,
	}
	if c.features != nil {
		h.Coverage = c.features[featCover]
	}
	if p, ok := c.dm.Fields[fieldPage].(float64); ok {
		h.Page = int(p)
	}
	return h
}

// shownText is what the bot shows of a candidate's text, and where the
// question's words are in it.
func (ix *Index) shownText(qu question, c candidate, off without) (string, []Span) {
	text := c.str(fieldText)
	if off[Excerpt] {
		return window(text, matchSpans(c.matches), oldWindowRunes)
	}
	return excerpt(text, c.matches, conceptWeights(qu), c.inHeading, shownTarget, MaxShownRunes)
}

// conceptWeights are the question's concepts' weights, by place; a place
// name counts little.
func conceptWeights(qu question) []float64 {
	w := make([]float64, len(qu.concepts))
	for i, c := range qu.concepts {
		w[i] = c.weight
		if c.optional {
			w[i] *= 0.1
		}
	}
	return w
}

// matchSpans are the byte ranges of matches, without repeats.
func matchSpans(matches []conceptMatch) []Span {
	var out []Span
	seen := map[Span]bool{}
	for _, m := range matches {
		s := Span{Start: m.start, End: m.end}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// unit is a sentence or a line of a passage: a byte range.
type unit struct{ start, end int }

// units splits text into sentences and lines. A sentence ends at ".",
// "!" or "?" before a space and a word that does not start in lower case
// ("e.g. the" goes on), and at every line break.
func units(text string) []unit {
	var out []unit
	start := 0
	cut := func(end int) {
		s, e := start, end
		for s < e && unicode.IsSpace(rune(text[s])) {
			s++
		}
		for e > s && unicode.IsSpace(rune(text[e-1])) {
			e--
		}
		if s < e {
			out = append(out, unit{s, e})
		}
		start = end
	}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			cut(i + 1)
		case '.', '!', '?':
			if i+1 < len(text) && text[i+1] == ' ' {
				j := i + 1
				for j < len(text) && text[j] == ' ' {
					j++
				}
				if j < len(text) {
					r, _ := utf8.DecodeRuneInString(text[j:])
					if !unicode.IsLower(r) {
						cut(i + 1)
					}
				}
			}
		}
	}
	cut(len(text))
	return out
}

// excerpt picks what of a passage to show (see above): at most limit
// runes, aiming at target, with "…" where the text was cut, and the
// matches moved into it. A concept the passage's heading already says
// (known says which) counts less: the heading gives the quote its
// context, and the sentence that says the rest of the question is the
// one to show.
func excerpt(text string, matches []conceptMatch, weights []float64, known []bool, target, limit int) (string, []Span) {
	spans := matchSpans(matches)
	if utf8.RuneCountInString(text) <= target {
		return window(text, spans, target)
	}
	sel := newSelection(text, matches, weights, known)
	if len(sel.us) == 0 {
		return window(text, spans, target)
	}
	best := sel.best()
	if sel.runes(best, best) > target {
		// One long sentence: the words around its densest matches.
		return window(text, spans, target)
	}
	sel.lo, sel.hi = best, best
	sel.withLeadIn(limit)
	sel.grow(target)
	sel.finishColon(limit)
	return sel.cut(spans)
}

// selection is the sentences and lines of a passage, what of the question
// each says, and the ones chosen to show: us[lo] to us[hi].
type selection struct {
	text    string
	us      []unit
	says    []map[int]bool // by unit, the concepts it says
	score   []float64      // by unit, what it says of the question
	weights []float64      // by concept
	known   []bool         // by concept, whether the heading says it
	lo, hi  int
	covered map[int]bool // the concepts the chosen units say
}

// newSelection splits text into units and weighs what each says of the
// question.
func newSelection(text string, matches []conceptMatch, weights []float64, known []bool) *selection {
	sel := &selection{text: text, us: units(text), weights: weights, known: known}
	sel.says = make([]map[int]bool, len(sel.us))
	sel.score = make([]float64, len(sel.us))
	for i, u := range sel.us {
		sel.says[i] = map[int]bool{}
		for _, m := range matches {
			if m.start >= u.start && m.end <= u.end {
				if !sel.says[i][m.concept] {
					sel.says[i][m.concept] = true
					sel.score[i] += sel.weight(m.concept)
				}
				sel.score[i] += 0.01 // of two equal sentences, the one saying it more
			}
		}
	}
	return sel
}

// weight is what concept k counts for in choosing: less when the
// heading already says it.
func (sel *selection) weight(k int) float64 {
	if k < len(sel.known) && sel.known[k] {
		return sel.weights[k] * headingDiscount
	}
	return sel.weights[k]
}

// best is the unit that says most of the question, the first of equals.
func (sel *selection) best() int {
	best := 0
	for i := range sel.us {
		if sel.score[i] > sel.score[best] {
			best = i
		}
	}
	return best
}

// runes is how long the text from unit lo to unit hi is.
func (sel *selection) runes(lo, hi int) int {
	return utf8.RuneCountInString(sel.text[sel.us[lo].start:sel.us[hi].end])
}

// line is unit i's text.
func (sel *selection) line(i int) string { return sel.text[sel.us[i].start:sel.us[i].end] }

// withLeadIn reads an item of a list with the line that leads into the
// list.
func (sel *selection) withLeadIn(limit int) {
	if !isListItem(sel.line(sel.hi)) {
		return
	}
	for i := sel.lo - 1; i >= 0 && sel.runes(i, sel.hi) <= limit; i-- {
		if strings.HasSuffix(sel.line(i), ":") {
			sel.lo = i
			return
		}
		if !isListItem(sel.line(i)) {
			return
		}
	}
}

// grow adds units while the quote is within target: towards what says
// more of the question that is not shown yet, and otherwise on, as an
// answer follows what it answers.
func (sel *selection) grow(target int) {
	sel.covered = map[int]bool{}
	for i := sel.lo; i <= sel.hi; i++ {
		sel.cover(i)
	}
	for {
		next := sel.hi+1 < len(sel.us) && sel.runes(sel.lo, sel.hi+1) <= target
		prev := sel.lo > 0 && sel.runes(sel.lo-1, sel.hi) <= target
		switch {
		case next && prev && sel.gain(sel.lo-1) > sel.gain(sel.hi+1):
			sel.lo--
			sel.cover(sel.lo)
		case next:
			sel.hi++
			sel.cover(sel.hi)
		case prev:
			sel.lo--
			sel.cover(sel.lo)
		default:
			return
		}
	}
}

// cover marks what unit i says as shown.
func (sel *selection) cover(i int) {
	for k := range sel.says[i] {
		sel.covered[k] = true
	}
}

// gain is what unit i would add of the question not yet shown.
func (sel *selection) gain(i int) float64 {
	g := 0.0
	for k := range sel.says[i] {
		if !sel.covered[k] {
			g += sel.weight(k)
		}
	}
	return g
}

// finishColon finishes what a colon leads into, within limit: the next
// line whatever it is, then the list's items, when the quote has the
// line with the colon.
func (sel *selection) finishColon(limit int) {
	if sel.hi+1 >= len(sel.us) || !sel.leadsIn() {
		return
	}
	if strings.HasSuffix(sel.line(sel.hi), ":") && sel.runes(sel.lo, sel.hi+1) <= limit {
		sel.hi++
	}
	for sel.hi+1 < len(sel.us) && isListItem(sel.line(sel.hi+1)) && sel.runes(sel.lo, sel.hi+1) <= limit {
		sel.hi++
	}
}

// leadsIn reports whether a chosen line ends in a colon and leads into
// what follows: the quote's last line, or one before a list's item.
func (sel *selection) leadsIn() bool {
	for i := sel.lo; i <= sel.hi; i++ {
		if strings.HasSuffix(sel.line(i), ":") && (i == sel.hi || isListItem(sel.line(i+1))) {
			return true
		}
	}
	return false
}

// cut is the chosen units' text, with "…" where the passage goes on, and
// the spans inside it moved to match.
func (sel *selection) cut(spans []Span) (string, []Span) {
	start, end := sel.us[sel.lo].start, sel.us[sel.hi].end
	out := sel.text[start:end]
	shift := -start
	if sel.lo > 0 {
		out = ellipsis + out
		shift += len(ellipsis)
	}
	if sel.hi < len(sel.us)-1 {
		out += ellipsis
	}
	var moved []Span
	for _, s := range spans {
		if s.Start >= start && s.End <= end {
			moved = append(moved, Span{Start: s.Start + shift, End: s.End + shift})
		}
	}
	return out, moved
}

// headingDiscount is how much a concept counts in choosing what to show
// when the passage's heading already says it.
const headingDiscount = 0.3

// isListItem reports whether a line reads as an item of a list: a
// bullet, a number, or a short line.
func isListItem(line string) bool {
	if line == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(line)
	switch {
	case strings.ContainsRune("-•*–·", r):
		return true
	case unicode.IsDigit(r) && len(line) > 1 && strings.ContainsAny(line[:min(4, len(line))], ".)"):
		return true
	}
	return utf8.RuneCountInString(line) <= listItemRunes && !strings.HasSuffix(line, ".")
}

// definitionHit shows a glossary meaning as the first answer to "What is X?".
func definitionHit(t *term) Hit {
	h := Hit{
		ID:        "glossary:" + t.Headword(),
		Title:     t.Source.Title,
		SourceURL: t.Source.URL,
		Publisher: "sendbot glossary",
		Kind:      KindGlossary,
		Section:   "What " + t.Headword() + " means",
		Text:      t.Headword() + ": " + t.Meaning,
		Coverage:  1,
	}
	if d, err := time.Parse(time.DateOnly, t.Source.Published); err == nil {
		h.Published = d.Format(time.DateOnly)
	}
	if len(t.Terms) > 1 {
		h.Text = t.Headword() + " (" + strings.Join(t.Terms[1:], ", ") + "): " + t.Meaning
	}
	return h
}

// shownCorrections gives each correction that was found as an index term
// (a stem, not a word) the word as a shown passage writes it, when one
// uses it.
func (ix *Index) shownCorrections(qu question, hits []Hit) []Correction {
	out := append([]Correction(nil), qu.corrections...)
	for k, c := range qu.corrections {
		if english.Dictionary().Has(c.To) {
			continue
		}
		want := ix.stem(c.To)
	find:
		for _, h := range hits {
			for _, t := range tokenize(ix.analyzer, h.Text) {
				if t.term == want {
					out[k].To = strings.ToLower(h.Text[t.start:t.end])
					break find
				}
			}
		}
	}
	return out
}
