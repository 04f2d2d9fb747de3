package index

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/internal/english"
)

// token is one analysed word of a text: its index term and where it sits.
type token struct {
	term       string
	start, end int // byte range in the text
}

// tokenize analyses text as the index analyses passages.
func tokenize(a analysis.Analyzer, text string) []token {
	var out []token
	for _, t := range a.Analyze([]byte(text)) {
		if t.Type == analysis.Shingle {
			continue
		}
		out = append(out, token{term: string(t.Term), start: t.Start, end: t.End})
	}
	return out
}

// terms are the index terms of ts, in order.
func terms(ts []token) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.term
	}
	return out
}

// form is one name of a glossary entry, analysed.
type form struct {
	text  string   // as written in the glossary
	terms []string // its index terms, in order
	// acronym forms ("EP", "OT", "SEN") are short words in capitals; in
	// passages they match only when written in capitals, so "ot" in a
	// word list or "la" in a name is not taken for the acronym.
	acronym bool
}

// term is a glossary entry with its forms analysed.
type term struct {
	corpus.GlossaryEntry
	forms []form
}

// vocabulary is the glossary made ready to match against questions and
// passages.
type vocabulary struct {
	terms   []*term
	byFirst map[string][]formRef // first index term of a form -> forms
}

type formRef struct {
	term *term
	form int
}

func newVocabulary(a analysis.Analyzer, g corpus.Glossary) *vocabulary {
	v := &vocabulary{byFirst: map[string][]formRef{}}
	for _, e := range g.Entries {
		t := &term{GlossaryEntry: e}
		for _, text := range e.Terms {
			f := form{text: text, terms: terms(tokenize(a, text)), acronym: isAcronym(text)}
			if len(f.terms) == 0 {
				continue // only stop words
			}
			t.forms = append(t.forms, f)
		}
		if len(t.forms) == 0 {
			continue
		}
		v.terms = append(v.terms, t)
		for i, f := range t.forms {
			v.byFirst[f.terms[0]] = append(v.byFirst[f.terms[0]], formRef{t, i})
		}
	}
	return v
}

// isAcronym reports whether a glossary form is a short all-capital word.
func isAcronym(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
		n++
	}
	return n >= 2 && n <= 4
}

// termMatch is a glossary form found in a run of tokens.
type termMatch struct {
	term       *term
	form       int
	start, end int // token range [start, end)
}

// find returns the glossary forms in toks, longest first, without
// overlaps, in the order they occur. raw is the text the tokens came from.
// In passages (strict), acronym forms must be written in capitals and a
// phrase's words must be next to each other; in questions, one extra word
// may sit inside a phrase, so "independent SEND advice" is found as
// "independent advice", and an acronym may be typed in lower case
// ("ehcp") unless it is also an everyday word ("app" is not APP).
func (v *vocabulary) find(toks []token, raw string, strict bool) []termMatch {
	var out []termMatch
	for i := 0; i < len(toks); {
		var best *termMatch
		for _, ref := range v.byFirst[toks[i].term] {
			f := ref.term.forms[ref.form]
			end, ok := matchForm(toks, i, f.terms, strict)
			if !ok || (best != nil && end-i <= best.end-best.start) {
				continue
			}
			if strict && brokenBy(raw, toks[i:end]) {
				continue // "education, health and care) plan" is not the term
			}
			written := strings.TrimSuffix(strings.TrimSuffix(raw[toks[i].start:toks[i].end], "s"), "'")
			if f.acronym && written != f.text && (strict || english.Dictionary().Common(f.text)) {
				continue
			}
			best = &termMatch{term: ref.term, form: ref.form, start: i, end: end}
		}
		if best == nil {
			i++
			continue
		}
		out = append(out, *best)
		i = best.end
	}
	return out
}

var webAddress = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>()]+`)

// brokenBy reports whether punctuation that ends a phrase (a bracket, a
// full stop, a colon) sits between two of the tokens in raw.
func brokenBy(raw string, toks []token) bool {
	for i := 1; i < len(toks); i++ {
		if strings.ContainsAny(raw[toks[i-1].end:toks[i].start], "()[]{}.;:!?|\n") {
			return true
		}
	}
	return false
}

// matchForm reports whether the form's terms start at toks[i], and where
// the match ends. Unless strict, one other word may come between two of
// the form's words.
func matchForm(toks []token, i int, terms []string, strict bool) (end int, ok bool) {
	gap := !strict && len(terms) > 1
	j := i
	for k, ft := range terms {
		if j < len(toks) && toks[j].term == ft {
			j++
			continue
		}
		if gap && k > 0 && j+1 < len(toks) && toks[j+1].term == ft {
			gap = false
			j += 2
			continue
		}
		return 0, false
	}
	return j, true
}

// entry returns the glossary entry one of whose forms is exactly toks.
func (v *vocabulary) entry(toks []token) *term {
	if len(toks) == 0 {
		return nil
	}
	for _, ref := range v.byFirst[toks[0].term] {
		f := ref.term.forms[ref.form]
		if end, ok := matchForm(toks, 0, f.terms, true); ok && end == len(toks) {
			return ref.term
		}
	}
	return nil
}

// Jargon is a glossary term used in a passage, with its one-line meaning,
// shown beside the quote for parents new to SEND.
type Jargon struct {
	// Term is the word as the passage writes it ("EHCP").
	Term string `json:"term"`
	// Meaning is the glossary's one-line meaning.
	Meaning string `json:"meaning"`
}

// isJargon reports whether a form is worth explaining: the entry's
// headword, an acronym or a phrase. A plain-word synonym ("appeal" for
// the SEND Tribunal, "council" for the local authority) is searched as the
// entry but is an everyday word, not jargon.
func isJargon(t *term, form int) bool {
	f := t.forms[form]
	return form == 0 || f.acronym || len(f.terms) > 1
}

// repeats reports whether a meaning only repeats the words it explains
// ("council's: The council for your area"), in any form of them.
func repeats(a analysis.Analyzer, short string, terms []string) bool {
	in := map[string]bool{}
	for _, t := range tokenize(a, short) {
		in[t.term] = true
	}
	for _, t := range terms {
		if !in[t] {
			return false
		}
	}
	return true
}

// maxJargon is how many terms are explained beside one passage.
const maxJargon = 3

// jargon lists the glossary terms with a one-line meaning that text uses,
// in the order they first appear, each once.
func (v *vocabulary) jargon(a analysis.Analyzer, text string) []Jargon {
	var out []Jargon
	seen := map[*term]bool{}
	// Web addresses quoted in a passage ("…/ehc-plan/annual-review") are
	// not the passage using a term; blank them out, keeping offsets.
	text = webAddress.ReplaceAllStringFunc(text, func(u string) string { return strings.Repeat(" ", len(u)) })
	toks := tokenize(a, text)
	for _, m := range v.find(toks, text, true) {
		written := text[toks[m.start].start:toks[m.end-1].end]
		if m.term.Short == "" || seen[m.term] || !isJargon(m.term, m.form) || repeats(a, m.term.Short, m.term.forms[m.form].terms) {
			continue
		}
		seen[m.term] = true
		out = append(out, Jargon{Term: written, Meaning: m.term.Short})
		if len(out) == maxJargon {
			break
		}
	}
	return out
}
