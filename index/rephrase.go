package index

import (
	"context"
	"strings"
	"unicode"

	"github.com/sendbot/sendbot/internal/english"
)

// A question the bot declines may end in words a parent adds after it:
// "how do i get an EHCP thanks in advance". Nothing in the words
// themselves tells those from a question's crux ("… opening times", "…
// this weekend"): every rule that read them as chat also answered
// questions it should decline (docs/ranking.md). So the bot does not
// answer the shorter question; it declines, and suggests it, when the
// question names a SEND term and only everyday words follow the last
// one, and the question without them would be answered. The parent sees
// what was left out and can ask again.

// rephrased is text without the everyday words after its last glossary
// term, and its answer with q's K, when the bot would answer that in q's
// area; else "" and nil.
func (ix *Index) rephrased(ctx context.Context, q Query, text string) (string, *Result) {
	cut := ix.everydayTail(text)
	if cut < 0 {
		return "", nil
	}
	shorter := strings.TrimRightFunc(text[:cut], func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	res, _, err := ix.search(ctx, Query{Text: shorter, Area: q.Area, K: q.K}, nil, false)
	if err != nil || !res.Answered || res.Uncovered != "" {
		return "", nil
	}
	return shorter, &res
}

// everydayTail is where the words after text's last glossary term start,
// when there are some and each is an everyday English word, a stop word,
// or a word neither English nor the documents' ("pls"); else -1. The
// words must be in the term's sentence, and ask nothing of their own (no
// question word): "my son is autistic. who won the football" is not
// "my son is autistic" with words after it.
func (ix *Index) everydayTail(text string) int {
	toks := tokenize(ix.analyzer, text)
	matches := ix.vocab.find(toks, text, false)
	if len(matches) == 0 {
		return -1
	}
	end := toks[matches[len(matches)-1].end-1].end
	tail := text[end:]
	words := questionWords(tail)
	if len(words) == 0 || strings.ContainsAny(strings.TrimRight(tail, ".!? "), ".!?") {
		return -1
	}
	for _, w := range words {
		if whWords[w.word] || !ix.chatWord(w.word) {
			return -1
		}
	}
	return end
}

// chatWord reports whether a word says nothing of a question's subject
// on its own: an everyday English word, a stop word, or one that is
// neither English nor a word of the documents.
func (ix *Index) chatWord(w string) bool {
	return english.Everyday(w) || ix.stem(w) == "" || !english.Dictionary().Has(w) && !ix.Knows(w)
}
