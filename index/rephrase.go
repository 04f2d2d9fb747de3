package index

import (
	"context"
	"slices"
	"strings"

	"github.com/sendbot/sendbot/internal/english"
)

// A question may end in words a parent adds after it: "how do i get an
// EHCP thanks in advance". Nothing in the words themselves tells those
// from a question's crux ("… opening times", "… this weekend"): every
// rule that read them as chat in ranking or in the decision also answered
// questions it should decline (docs/ranking.md). So they are left out
// only as a second reading of a question the decision declines: when
// only everyday words follow its last SEND term or specific word, and
// the question without some of them is answered, at even odds or better
// and with a quote that names that word, the bot answers that, leaving
// out as few words as it can, and says what it left out, so the parent
// sees what was not searched for.

// leftOutConfidence is the least confidence a shorter question is
// answered with: even odds, above the decision's threshold, as words the
// parent typed are left out ("how much does a private dyslexia
// assessment cost" is not answered by "… assessment" at 0.35).
const leftOutConfidence = 0.5

// maxReadings is the most shorter questions searched on a decline, each
// a search more: those with fewest words left out, and the one that
// leaves out every word after the anchor.
const maxReadings = 5

// leaveOut searches the question without the everyday words after its
// anchor, fewest words left out first, and answers the first that is
// answered in place of res, when res is declined. With a trace, it traces
// every shorter question whatever res is, as another model may decline
// what this one answers.
func (ix *Index) leaveOut(ctx context.Context, q Query, off without, res Result, t *Trace) Result {
	if off[LeftOut] || res.Uncovered != "" || res.Answered && t == nil {
		return res
	}
	text := strings.TrimSpace(q.Text)
	ends, last := ix.everydayTail(text)
	k := q.K
	if k <= 0 {
		k = DefaultK
	}
	answer := res
	for _, end := range ends {
		shorter := text[:end]
		// At least three hits, as the quotes that must name the anchor are
		// the first three whatever the caller shows.
		again, st, err := ix.searchOnce(ctx, Query{Text: shorter, Area: q.Area, K: max(k, 3)}, off, t != nil)
		if err != nil || again.Uncovered != "" {
			continue
		}
		if t != nil {
			st.ending = ix.namesOf(st, last)
			t.Shorter = append(t.Shorter, st)
		}
		if answer.Answered || !again.Answered || again.Confidence < leftOutConfidence || !ix.quotesName(again.Hits, last) {
			continue
		}
		again.Hits = again.Hits[:min(k, len(again.Hits))]
		again.Rephrased, again.LeftOut = shorter, strings.TrimSpace(text[end:])
		answer = again
		if t == nil {
			break
		}
	}
	return answer
}

// anchor is the last word of a shorter question: a glossary term, or a
// word of the documents beyond everyday English, by its stem.
type anchor struct {
	term *term
	stem string
}

// everydayTail is where text could end without the words after its
// anchor, fewest words left out first, and the anchor, when there are
// such words and each is an everyday English word, a stop word, or a
// word neither English nor the documents' ("pls"). Text ends after a
// word that is not a stop word: "how do i get an ehcp thanks", then
// "how do i get an ehcp". The anchor is the last glossary term, or a
// later word of the documents beyond everyday English; a place, or a
// word no document says, after them is what is asked ("… in bristol this
// weekend"). The words must be in the anchor's sentence, and ask nothing
// of their own (no question word): "my son is autistic. who won the
// football" is not "my son is autistic" with words after it.
func (ix *Index) everydayTail(text string) ([]int, anchor) {
	toks := tokenize(ix.analyzer, text)
	var a anchor
	end := -1
	if ms := ix.vocab.find(toks, text, false); len(ms) > 0 {
		last := ms[len(ms)-1]
		a, end = anchor{term: last.term}, toks[last.end-1].end
	}
	var places [][2]int
	for _, m := range ix.places.find(text, ix.Knows) {
		places = append(places, [2]int{m.start, m.end})
	}
	words := questionWords(text)
	for i := len(words) - 1; i >= 0 && words[i].start >= end; i-- {
		w := words[i]
		if within(token{start: w.start, end: w.end}, places) {
			break
		}
		if ix.chatWord(w.word) {
			continue
		}
		if stem := ix.stem(w.word); stem != "" && ix.Knows(w.word) {
			a, end = anchor{stem: stem}, w.end
		}
		break
	}
	if end < 0 {
		return nil, anchor{}
	}
	tail := text[end:]
	if strings.ContainsAny(strings.TrimRight(tail, ".!? "), ".!?") {
		return nil, anchor{}
	}
	words = questionWords(tail)
	if len(words) == 0 {
		return nil, anchor{}
	}
	var ends []int
	for i := len(words) - 1; i >= 0; i-- {
		w := words[i]
		if whWords[w.word] || !ix.chatWord(w.word) {
			return nil, anchor{}
		}
		if i > 0 && ix.stem(words[i-1].word) != "" {
			ends = append(ends, end+words[i-1].end)
		}
	}
	if len(ends) >= maxReadings {
		ends = ends[:maxReadings-1]
	}
	return append(ends, end), a
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
