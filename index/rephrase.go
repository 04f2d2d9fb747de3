package index

import (
	"context"
	"slices"
	"strings"

	"github.com/sendbot/sendbot/internal/english"
)

// A question may end in words a parent adds after it ("how do i get an
// EHCP thanks in advance") or start with some ("sorry if this is a silly
// question but can the council refuse an EHCP"). Nothing in the words
// themselves tells those from a question's crux ("… opening times", "…
// this weekend"): every rule that read them as chat in ranking or in the
// decision also answered questions it should decline (docs/ranking.md).
// So they are left out only as a second reading of a question the
// decision declines: when only everyday words follow its last SEND term
// or specific word (or come before its first), and the question without
// some of them is answered, at even odds or better and with a quote that
// names that word, the bot answers that, leaving out as few words as it
// can, and says what it left out, so the parent sees what was not
// searched for.

// leftOutConfidence is the least confidence a shorter question is
// answered with: even odds, above the decision's threshold, as words the
// parent typed are left out ("how much does a private dyslexia
// assessment cost" is not answered by "… assessment" at 0.35).
const leftOutConfidence = 0.5

// maxReadings is the most shorter questions searched on a decline, each
// a search more: those with fewest words left out, and the one that
// leaves out every word after the anchor.
const maxReadings = 5

// reading is a shorter question, and the words it leaves out.
type reading struct {
	text, leftOut string
}

// leaveOut searches the question without everyday words at its end (after
// its last anchor), then without everyday words at its start (before its
// first), fewest words left out first, and answers the first that is
// answered in place of res, when res is declined. With a trace, it traces
// every shorter question whatever res is, as another model may decline
// what this one answers.
func (ix *Index) leaveOut(ctx context.Context, q Query, off without, res Result, t *Trace) Result {
	if off[LeftOut] || res.Uncovered != "" || res.Answered && t == nil {
		return res
	}
	text := strings.TrimSpace(q.Text)
	k := q.K
	if k <= 0 {
		k = DefaultK
	}
	answer := res
	for _, side := range []func(string) ([]reading, anchor){ix.everydayTail, ix.everydayHead} {
		readings, a := side(text)
		for _, r := range readings {
			// At least three hits, as the quotes that must name the anchor
			// are the first three whatever the caller shows.
			again, st, err := ix.searchOnce(ctx, Query{Text: r.text, Area: q.Area, K: max(k, 3)}, off, t != nil)
			if err != nil || again.Uncovered != "" {
				continue
			}
			if t != nil {
				st.ending = ix.namesOf(st, a)
				t.Shorter = append(t.Shorter, st)
			}
			if answer.Answered || !again.Answered || again.Confidence < leftOutConfidence || !ix.quotesName(again.Hits, a) {
				continue
			}
			again.Hits = again.Hits[:min(k, len(again.Hits))]
			again.Rephrased, again.LeftOut = r.text, r.leftOut
			answer = again
			if t == nil {
				return answer
			}
		}
	}
	return answer
}

// anchor is the first or last word a shorter question keeps: a glossary
// term, or a word of the documents beyond everyday English, by its stem.
type anchor struct {
	term *term
	stem string
}

// specific is w's stem when it is a word of the documents beyond everyday
// English, and neither a number nor a letter ("x" for a kiss), which say
// nothing of a subject alone.
func (ix *Index) specific(w string) (string, bool) {
	if ix.chatWord(w) || !ix.Knows(w) || len(w) < 2 || strings.ContainsAny(w, "0123456789") {
		return "", false
	}
	stem := ix.stem(w)
	return stem, stem != ""
}

// everydayTail is text without the words after its anchor, fewest words
// left out first, and the anchor, when there are such words and each is
// an everyday English word, a stop word, or a word neither English nor
// the documents' ("pls"). A reading ends after a word that is not a stop
// word: "how do i get an ehcp thanks", then "how do i get an ehcp"; at
// most maxReadings, the last leaving out every word after the anchor. The
// anchor is the last glossary term, or a later word of the documents
// beyond everyday English; a place, or a word no document says, after
// them is what is asked ("… in bristol this weekend"). The words must be
// in the anchor's sentence, and ask nothing of their own (no question
// word): "my son is autistic. who won the football" is not "my son is
// autistic" with words after it.
func (ix *Index) everydayTail(text string) ([]reading, anchor) {
	toks := tokenize(ix.analyzer, text)
	var a anchor
	end := -1
	if ms := ix.vocab.find(toks, text, false); len(ms) > 0 {
		last := ms[len(ms)-1]
		a, end = anchor{term: last.term}, toks[last.end-1].end
	}
	places := ix.placeSpans(text)
	words := questionWords(text)
	for i := len(words) - 1; i >= 0 && words[i].start >= end; i-- {
		w := words[i]
		if within(token{start: w.start, end: w.end}, places) {
			break
		}
		if ix.chatWord(w.word) {
			continue
		}
		if stem, ok := ix.specific(w.word); ok {
			a, end = anchor{stem: stem}, w.end
		}
		break
	}
	if end < 0 || strings.ContainsAny(strings.TrimRight(text[end:], ".!? "), ".!?") {
		return nil, anchor{}
	}
	words = questionWords(text[end:])
	if len(words) == 0 || !ix.onlyChat(words) {
		return nil, anchor{}
	}
	var ends []int
	for i := len(words) - 1; i > 0; i-- {
		if ix.stem(words[i-1].word) != "" {
			ends = append(ends, end+words[i-1].end)
		}
	}
	ends = append(ends[:min(len(ends), maxReadings-1)], end)
	out := make([]reading, len(ends))
	for i, e := range ends {
		out[i] = reading{text: text[:e], leftOut: strings.TrimSpace(text[e:])}
	}
	return out, a
}

// everydayHead is text without the words before its anchor, fewest words
// left out first, and the anchor, when there are such words, each an
// everyday English word, a stop word or a chat word: "sorry if this is a
// silly question but can the council refuse an ehcp" is read as "silly
// question but can the council refuse an ehcp", then "council refuse an
// ehcp". A reading starts after a stop word, so what describes the anchor
// stays ("the cheapest car insurance", not "car insurance"); at most
// maxReadings. The anchor is the first glossary term, or an earlier word
// of the documents beyond everyday English; a place, or a word no
// document says, before them is what is asked. The words must be in the
// anchor's sentence, with no question word.
func (ix *Index) everydayHead(text string) ([]reading, anchor) {
	toks := tokenize(ix.analyzer, text)
	var a anchor
	start := len(text)
	if ms := ix.vocab.find(toks, text, false); len(ms) > 0 {
		a, start = anchor{term: ms[0].term}, toks[ms[0].start].start
	}
	places := ix.placeSpans(text)
	for _, w := range questionWords(text) {
		if w.start >= start {
			break
		}
		if within(token{start: w.start, end: w.end}, places) {
			return nil, anchor{}
		}
		if ix.chatWord(w.word) {
			continue
		}
		if stem, ok := ix.specific(w.word); ok {
			a, start = anchor{stem: stem}, w.start
		}
		break
	}
	if start == len(text) || strings.ContainsAny(text[:start], ".!?") {
		return nil, anchor{}
	}
	words := questionWords(text[:start])
	if len(words) == 0 || !ix.onlyChat(words) {
		return nil, anchor{}
	}
	var starts []int
	for i := 1; i <= len(words); i++ {
		at := start
		if i < len(words) {
			at = words[i].start
		}
		if ix.stem(words[i-1].word) == "" && (i == len(words) || ix.stem(words[i].word) != "") {
			starts = append(starts, at)
		}
	}
	if len(starts) > maxReadings {
		starts = append(starts[:maxReadings-1], starts[len(starts)-1])
	}
	out := make([]reading, len(starts))
	for i, s := range starts {
		out[i] = reading{text: text[s:], leftOut: strings.TrimSpace(text[:s])}
	}
	return out, a
}

// onlyChat reports whether each word says nothing of a subject on its
// own and none asks (a question word).
func (ix *Index) onlyChat(words []typedWord) bool {
	for _, w := range words {
		if whWords[w.word] || !ix.chatWord(w.word) {
			return false
		}
	}
	return true
}

// placeSpans are where text names places.
func (ix *Index) placeSpans(text string) [][2]int {
	var out [][2]int
	for _, m := range ix.places.find(text, ix.Knows) {
		out = append(out, [2]int{m.start, m.end})
	}
	return out
}

// The answer to the shorter question must be about the word it ends on:
// one of its first three quotes names it. Otherwise the answer is to the
// words before it ("my son is autistic. north lincs send inspection
// outcome" is not answered by autism services).

// quotesName reports whether one of the first three hits' shown text
// names a.
func (ix *Index) quotesName(hits []Hit, a anchor) bool {
	return slices.ContainsFunc(hits[:min(3, len(hits))], func(h Hit) bool { return ix.names(h.Text, a) })
}

// names reports whether text names a: its glossary term in any of its
// forms, or its word with any ending.
func (ix *Index) names(text string, a anchor) bool {
	toks := tokenize(ix.analyzer, text)
	if a.term == nil {
		return slices.ContainsFunc(toks, func(t token) bool { return t.term == a.stem })
	}
	return slices.ContainsFunc(ix.vocab.find(toks, text, true), func(m termMatch) bool { return m.term == a.term })
}

// namesOf is which of a trace's shown texts name a: the glossary
// meaning first, when it is shown, then each passage.
func (ix *Index) namesOf(tr *Trace, a anchor) []bool {
	var out []bool
	if tr.Definition != nil {
		out = append(out, ix.names(tr.Definition.Text, a))
	}
	for _, p := range tr.Passages {
		out = append(out, ix.names(p.Text, a))
	}
	return out
}

// chatWord reports whether a word says nothing of a question's subject
// on its own: an everyday English word, a stop word, or one that is
// neither English nor a word of the documents.
func (ix *Index) chatWord(w string) bool {
	return english.Everyday(w) || ix.stem(w) == "" || !english.Dictionary().Has(w) && !ix.Knows(w)
}
