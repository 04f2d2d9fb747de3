package index

import (
	"regexp"
	"strings"
)

// Definitions: a question asking what X is (stage 1, understand).
//
// "What is an EHCP?", however it is put, asks for what X is: when X is a
// glossary term it is searched for alone, after the glossary's meaning;
// for any X, rerank looks for the passage that says what it is
// (explains).

// asksDefinition reads a "What is X?" question whose X is a glossary
// term: it searches for the term alone, so that passages that explain it
// come first, after the glossary's meaning when it has one. It reports
// whether X was a glossary term.
func (ix *Index) asksDefinition(qu *question, x string) bool {
	xt := tokenize(ix.analyzer, x)
	subject := ix.vocab.entry(xt)
	if subject == nil && len(xt) > 1 && (xt[0].term == "send" || xt[0].term == "sen") {
		subject = ix.vocab.entry(xt[1:]) // "What is SEND mediation?" asks about mediation
	}
	if subject == nil {
		return false
	}
	qu.subject = subject
	qu.definedBy = definitionPattern(subject)
	if subject.Meaning != "" {
		qu.define = subject
	}
	qu.concepts = []concept{ix.glossaryConcept(x, subject, 0)}
	return true
}

// definitionSubject returns X of a "What is X?" question, or "". In a
// question with asides, X is read from the part that asks ("hi all,
// what is an EHCP? thanks"); in one of several sentences, from the one
// sentence that asks ("I'm new to all this. What is an EHCP?"), when only
// one does.
func definitionSubject(text string) string {
	if x := definitionIn(text); x != "" {
		return x
	}
	if part := askingPart(text); part != "" {
		if x := definitionIn(part); x != "" {
			return x
		}
	}
	var asking []string
	for _, s := range sentence.FindAllString(text, -1) {
		if s = strings.TrimSpace(s); asksSomething(s) {
			asking = append(asking, s)
		}
	}
	if len(asking) == 1 && asking[0] != strings.TrimSpace(text) {
		return definitionIn(asking[0])
	}
	return ""
}

// sentence is a sentence of a question, with its closing stops: it ends
// at ".", "!" or "?" before a space, whatever case the next one starts
// in, as parents often type without capitals.
var sentence = regexp.MustCompile(`(?s)\S.*?(?:[.!?]+(?:\s|$)|$)`)

// definitionIn returns X of one sentence asking "What is X?", or "".
func definitionIn(text string) string {
	s := strings.ToLower(strings.TrimSpace(text))
	s = strings.TrimRight(s, "?!. ")
	s = strings.Join(strings.Fields(s), " ")
	m := definitionQuestion.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	for i := 1; i < len(m); i++ {
		if m[i] != "" {
			x := m[i]
			if loc := forSomeone.FindStringIndex(x); loc != nil && loc[0] > 0 {
				x = x[:loc[0]] // "the local offer for my son" asks what the local offer is
			}
			if pronouns[x] {
				return ""
			}
			return x
		}
	}
	return ""
}

// definitionQuestion matches "what is X" (or "what exactly is X"), "what
// does X mean" (or "mean for my son"), "what does X stand for", "what do
// they mean by X", "define X", "meaning of X", "X meaning" and "explain
// what X is"; X is in one of the named groups.
var definitionQuestion = regexp.MustCompile(`^(?:` +
	`(?:what|whats|what's)\s+(?:do|does)(?:\s+\w+){1,2}\s+mean\s+by\s+(?:an?\s+|the\s+)?(?P<by>.+?)` +
	`|(?:what|whats|what's)(?:\s+\w+ly)?\s+(?:is|are|does|do)\s+(?:an?\s+|the\s+)?(?P<x>.+?)(?:\s+(?:mean|means|stand for|stands for)(?:\s+(?:for|to|in|at|on)\s+.+)?)?` +
	`|(?:define|definition of|meaning of|what is meant by)\s+(?:an?\s+|the\s+)?(?P<defined>.+?)` +
	`|(?P<meaning>.+?)\s+(?:meaning|definition)` +
	`|(?:what|whats|what's)\s+(?:an?|the)\s+(?P<article>.+?)` +
	`|(?:what|whats|what's)\s+(?:counts|count|is counted|qualifies)\s+as\s+(?:an?\s+)?(?P<counts>.+?)` +
	`|.*\s(?:what|whats|what's)\s+(?:an?\s+|the\s+)?(?P<embedded>.+?)\s+(?:is|are|means|mean|stands for|stand for)` +
	`)$`)

// forSomeone is whom a "What is X?" is asked for: "for my son", "in our
// area".
var forSomeone = regexp.MustCompile(`\s(?:for|with|to|of|in)\s+(?:` + strings.Join(possessives, "|") + `)\b.*$`)

// pronouns are what "what is it?" asks about: another sentence's words,
// not X.
var pronouns = map[string]bool{"it": true, "that": true, "this": true, "they": true, "these": true, "those": true, "them": true}

// definitionPattern matches a sentence that says what one of a term's
// names is, means or includes, allowing two words between ("autism
// spectrum conditions include…"); "X is a…" defines, "X is published"
// does not.
func definitionPattern(t *term) *regexp.Regexp {
	var names []string
	for _, f := range t.forms {
		names = append(names, f.text)
	}
	return phrasePattern(names)
}

// phrasePattern matches a sentence that says what one of texts (or its
// plural) is, means or includes; see definitionPattern.
func phrasePattern(texts []string) *regexp.Regexp {
	var names []string
	for _, t := range texts {
		names = append(names, regexp.QuoteMeta(t))
	}
	return regexp.MustCompile(`(?i)\b(?:` + strings.Join(names, "|") + `)(?:e?s)?\b(?:\s+[\w()'’-]+){0,2}\s+(?:(?:is|are)\s+(?:a|an|the|when|where|how|what|someone|something|any|one of)|means|mean|include|includes|refers to|describes)\b`)
}
