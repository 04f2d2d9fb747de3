package index

import (
	"context"
	"strings"
	"unicode"

	"github.com/sendbot/sendbot/internal/english"
)

// A question may end in words a parent adds after it: "how do i get an
// EHCP thanks in advance". Nothing in the words themselves tells those
// from a question's crux ("… opening times", "… this weekend"): every
// rule that read them as chat in ranking or in the decision also answered
// questions it should decline (docs/ranking.md). So they are left out
// only as a second reading of a question the decision declines: when it
// names a SEND term, only everyday words follow the last one, and the
// question without them is answered on its own, the bot answers that and
// says what it left out, so the parent sees what was not searched for.

// leaveOut searches the question without the everyday words after its
// last glossary term, when it has some, and answers that in place of res
// when res is declined and the shorter question is answered. With a
// trace, it traces the shorter question whatever res is, as another
// model may decline what this one answers.
func (ix *Index) leaveOut(ctx context.Context, q Query, off without, res Result, t *Trace) Result {
	if off[LeftOut] || res.Uncovered != "" || res.Answered && t == nil {
		return res
	}
	text := strings.TrimSpace(q.Text)
	cut, last := ix.everydayTail(text)
	if cut < 0 {
		return res
	}
	shorter := strings.TrimRightFunc(text[:cut], func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	left := strings.TrimSpace(text[cut:])
	k := q.K
	if k <= 0 {
		k = DefaultK
	}
	// At least three hits, as the quotes that must name the term are the
	// first three whatever the caller shows.
	again, st, err := ix.searchOnce(ctx, Query{Text: shorter, Area: q.Area, K: max(k, 3)}, off, t != nil)
	if err != nil || again.Uncovered != "" {
		return res
	}
	if t != nil {
		st.ending = ix.namesOf(st, last)
		t.Shorter = st
	}
	if res.Answered || !again.Answered || !ix.quotesName(again.Hits, last) {
		return res
	}
	again.Hits = again.Hits[:min(k, len(again.Hits))]
	again.Rephrased, again.LeftOut = shorter, left
	return again
}

// everydayTail is where the words after text's last glossary term start,
// when there are some and each is an everyday English word, a stop word,
// or a word neither English nor the documents' ("pls"); else -1. The
// words must be in the term's sentence, and ask nothing of their own (no
// question word): "my son is autistic. who won the football" is not
// "my son is autistic" with words after it.
func (ix *Index) everydayTail(text string) (int, *term) {
	toks := tokenize(ix.analyzer, text)
	matches := ix.vocab.find(toks, text, false)
	if len(matches) == 0 {
		return -1, nil
	}
	last := matches[len(matches)-1].term
	end := toks[matches[len(matches)-1].end-1].end
	tail := text[end:]
	words := questionWords(tail)
	if len(words) == 0 || strings.ContainsAny(strings.TrimRight(tail, ".!? "), ".!?") {
		return -1, nil
	}
	for _, w := range words {
		if whWords[w.word] || !ix.chatWord(w.word) {
			return -1, nil
		}
	}
	return end, last
}

// The answer to the shorter question must be about the SEND term it ends
// on: one of its first three quotes names it. Otherwise the answer is to
// the words before it ("my son is autistic. north lincs send inspection
// outcome" is not answered by autism services).

// quotesName reports whether one of the first three hits' shown text
// names the glossary term t, in any of its forms.
func (ix *Index) quotesName(hits []Hit, t *term) bool {
	for _, h := range hits[:min(3, len(hits))] {
		if ix.names(h.Text, t) {
			return true
		}
	}
	return false
}

// names reports whether text names the glossary term t.
func (ix *Index) names(text string, t *term) bool {
	for _, m := range ix.vocab.find(tokenize(ix.analyzer, text), text, true) {
		if m.term == t {
			return true
		}
	}
	return false
}

// namesOf is which of a trace's shown texts name t: the glossary
// meaning first, when it is shown, then each passage.
func (ix *Index) namesOf(tr *Trace, t *term) []bool {
	var out []bool
	if tr.Definition != nil {
		out = append(out, ix.names(tr.Definition.Text, t))
	}
	for _, p := range tr.Passages {
		out = append(out, ix.names(p.Text, t))
	}
	return out
}

// chatWord reports whether a word says nothing of a question's subject
// on its own: an everyday English word, a stop word, or one that is
// neither English nor a word of the documents.
func (ix *Index) chatWord(w string) bool {
	return english.Everyday(w) || ix.stem(w) == "" || !english.Dictionary().Has(w) && !ix.Knows(w)
}
