package index

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Asides: the clauses around the ones that ask (stage 1, understand).
//
// A parent puts things around a question: a greeting, an apology, thanks,
// what happened ("hi all, …", "sorry if this is a silly
// question but how do I …", "…? thanks in advance", "my son is 9. …").
// Those clauses are asides: their words count half in ranking, and the
// decision weighs only those the answer says. Clauses end at a
// sentence's end, a comma, colon, semicolon or dash, and one starts at a
// question word wherever it is.

// asides are the byte ranges of a question's clauses before the first
// clause that asks and after the last one ("hi all, how do I …", "what
// is X? thanks in advance", "my son is 9. …"), unless the clauses that
// ask point back to one with a pronoun ("my son was excluded, how long
// can they do that for"). When no clause asks, the last sentence is what
// is asked ("my son is autistic. clubs near worcester"); a question of
// one sentence none of whose clauses asks has none.
func asides(text string) [][2]int {
	spans, first, final := askingClauses(text)
	if first < 0 {
		return nil
	}
	return append(slices.Clone(spans[:first]), spans[final+1:]...)
}

// askingPart is the text of a question from its first clause that asks
// to its last, when it has asides; else "".
func askingPart(text string) string {
	spans, first, final := askingClauses(text)
	if first < 0 {
		return ""
	}
	return text[spans[first][0]:spans[final][1]]
}

// askingClauses splits a question into clauses and finds the first and
// the last that ask, when there are clauses around them that do not;
// first is -1 when there are none, or when what asks points back to them.
func askingClauses(text string) (spans [][2]int, first, final int) {
	last := 0
	lastSentence := 0 // the clause the last sentence starts with
	for _, m := range clauseBreak.FindAllStringIndex(text, -1) {
		spans = appendClauses(spans, text, last, m[0])
		if strings.IndexByte(".!?", text[m[0]]) >= 0 {
			lastSentence = len(spans)
		}
		last = m[1]
	}
	spans = appendClauses(spans, text, last, len(text))
	first, final = -1, -1
	for i, sp := range spans {
		// A clause's "?" is in the break after it.
		end := sp[1]
		for end < len(text) && strings.IndexByte(".!?", text[end]) >= 0 {
			end++
		}
		if asksSomething(text[sp[0]:end]) {
			if first < 0 {
				first = i
			}
			final = i
		}
	}
	if first < 0 && lastSentence < len(spans) {
		// Nothing asks: the last sentence is what is asked ("my son is
		// autistic. clubs near worcester").
		first, final = lastSentence, len(spans)-1
	}
	if first < 0 || first == 0 && final == len(spans)-1 {
		return spans, -1, -1
	}
	if first > 0 {
		for _, w := range questionWords(text[spans[first][0]:spans[final][1]]) {
			if pronouns[w.word] {
				return spans, -1, -1
			}
		}
	}
	return spans, first, final
}

// clauseBreak is where a clause of a question ends and the next starts:
// the end of a sentence, a comma, a colon or semicolon, a dash. A
// question word starts one too (appendClauses).
var clauseBreak = regexp.MustCompile(`[.!?]+\s+|\s*[,;:]\s*|\s+[-–]+\s+`)

// appendClauses appends text[start:end], when not empty, as clauses: a
// word that starts a question ("how", "what", …) starts a clause where
// it is, as a question is often run on from what comes before it with no
// comma ("sorry if this is silly but how do i …", "my son is non verbal
// how do we …").
func appendClauses(spans [][2]int, text string, start, end int) [][2]int {
	from := start
	for _, w := range questionWords(text[start:end]) {
		at := start + w.start
		before := len(strings.TrimRightFunc(text[:at], unicode.IsSpace))
		if before > from && whWords[w.word] {
			spans = append(spans, [2]int{from, before})
			from = at
		}
	}
	if end > from {
		spans = append(spans, [2]int{from, end})
	}
	return spans
}

// asksSomething reports whether a sentence asks: it ends in "?" or starts
// with a question word.
func asksSomething(sentence string) bool {
	s := strings.TrimSpace(sentence)
	if strings.HasSuffix(s, "?") {
		return true
	}
	first, _, _ := strings.Cut(strings.ToLower(s), " ")
	first = strings.Trim(first, ",.!?")
	return whWords[first] || yesNoStarts[first]
}

// whWords start a question wherever they are (appendClauses);
// yesNoStarts start one only at the start of a sentence, as a statement
// uses them too.
var (
	whWords = map[string]bool{
		"what": true, "whats": true, "what's": true, "how": true, "when": true, "where": true,
		"who": true, "why": true, "which": true,
	}
	yesNoStarts = map[string]bool{
		"can": true, "could": true, "is": true, "are": true, "do": true, "does": true,
		"should": true, "will": true, "would": true, "define": true,
	}
)

// asking is the question as an answer that says the words says reports
// (by concept) has to answer it: the words of its asides that the answer
// does not say are left out ("hi all, …", "…? thanks in advance"), and
// whether any were. They still help rank, but whether to answer is
// decided on what is asked and on what of the rest the answer speaks to
// ("I think my daughter has SEN, who do I talk to?").
func (qu question) asking(says []bool) (question, bool) {
	out := qu
	out.concepts = nil
	asked := false
	for k, c := range qu.concepts {
		if c.aside && !c.optional && !(k < len(says) && says[k]) {
			if out.concepts == nil {
				out.concepts = slices.Clone(qu.concepts)
			}
			out.concepts[k].optional = true
			continue
		}
		asked = asked || c.known && !c.optional
	}
	if out.concepts == nil || !asked {
		return question{}, false
	}
	return out, true
}

// asideWeight is what an aside's word counts for, against its weight,
// in rerank's features and the decision's signals: it may tell which
// passage answers ("I think my son has autism, …"), but a greeting's or
// an apology's words should not pull the answer towards a passage that
// happens to say "questions".
const asideWeight = 0.5

// counts is what the concept counts for in rerank and decide.
func (c concept) counts() float64 {
	if c.aside {
		return c.weight * asideWeight
	}
	return c.weight
}
