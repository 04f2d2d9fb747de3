package index

import (
	"unicode"
	"unicode/utf8"
)

const ellipsis = "…"

// window returns at most max runes of text around the densest run of
// matches, cut on word boundaries (on a sentence start when one is near),
// with "…" where text was cut, and the matches moved into the new text.
// spans are byte ranges into text, sorted by Start.
func window(text string, spans []Span, max int) (string, []Span) {
	spans = validSpans(text, spans)
	n := utf8.RuneCountInString(text)
	if n <= max {
		return text, spans
	}
	// Work in runes; byteAt[i] is the byte offset of rune i (byteAt[n] = len).
	runes := []rune(text)
	byteAt := make([]int, n+1)
	runeAt := make(map[int]int, n+1)
	for i, off := 0, 0; i <= n; i++ {
		byteAt[i] = off
		runeAt[off] = i
		if i < n {
			off += utf8.RuneLen(runes[i])
		}
	}
	budget := max - 2*utf8.RuneCountInString(ellipsis)

	// The densest cluster of matches that fits in the budget.
	cs, ce := 0, 0
	best := 0
	for i := range spans {
		j := i
		for j+1 < len(spans) && runeAt[spans[j+1].End]-runeAt[spans[i].Start] <= budget {
			j++
		}
		if j-i+1 > best {
			best = j - i + 1
			cs, ce = runeAt[spans[i].Start], runeAt[spans[j].End]
		}
	}

	start := (cs+ce)/2 - budget/2
	if best == 0 || start < 0 {
		start = 0
	}
	if start+budget > n {
		start = n - budget
	}
	if start > 0 {
		start = snapStart(runes, start, cs)
	}
	end := start + budget
	if end >= n {
		end = n
	} else {
		end = snapEnd(runes, start, end, ce)
	}

	out := ""
	if start > 0 {
		out = ellipsis
	}
	shift := len(out) - byteAt[start]
	out += string(runes[start:end])
	if end < n {
		out += ellipsis
	}
	var moved []Span
	for _, s := range spans {
		if s.Start >= byteAt[start] && s.End <= byteAt[end] {
			moved = append(moved, Span{Start: s.Start + shift, End: s.End + shift})
		}
	}
	return out, moved
}

// snapStart moves start forward to the beginning of a sentence if one
// begins before the first match, else to the beginning of the next word.
func snapStart(runes []rune, start, firstMatch int) int {
	for i := start; i < firstMatch && i < len(runes)-1; i++ {
		if i > 0 && unicode.IsSpace(runes[i]) && isSentenceEnd(runes[i-1]) && !unicode.IsSpace(runes[i+1]) {
			return i + 1
		}
	}
	i := start
	for i < len(runes) && i > 0 && !unicode.IsSpace(runes[i-1]) {
		i++
	}
	for i < len(runes) && unicode.IsSpace(runes[i]) {
		i++
	}
	return i
}

// snapEnd moves end back to the end of a sentence if one ends after the
// last match, else to the end of the last whole word.
func snapEnd(runes []rune, start, end, lastMatch int) int {
	for i := end - 1; i > lastMatch && i > start; i-- {
		if isSentenceEnd(runes[i-1]) && unicode.IsSpace(runes[i]) {
			return i
		}
	}
	i := end
	for i > start && !unicode.IsSpace(runes[i]) {
		i--
	}
	for i > start && unicode.IsSpace(runes[i-1]) {
		i--
	}
	if i == start { // one enormous word: cut it
		return end
	}
	return i
}

func isSentenceEnd(r rune) bool { return r == '.' || r == '!' || r == '?' }

// validSpans drops spans that do not fall on rune boundaries inside text.
func validSpans(text string, spans []Span) []Span {
	var out []Span
	for _, s := range spans {
		if s.Start < 0 || s.End > len(text) || s.Start >= s.End {
			continue
		}
		if !utf8.RuneStart(text[s.Start]) || (s.End < len(text) && !utf8.RuneStart(text[s.End])) {
			continue
		}
		out = append(out, s)
	}
	return out
}
