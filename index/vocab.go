package index

import (
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/sendbot/sendbot/corpus"
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
			f := form{text: text, acronym: isAcronym(text)}
			for _, tok := range tokenize(a, text) {
				f.terms = append(f.terms, tok.term)
			}
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
	return n >= 2 && n <= 5
}

// termMatch is a glossary form found in a run of tokens.
type termMatch struct {
	term       *term
	form       int
	start, end int // token range [start, end)
}

// find returns the glossary forms in toks, longest first, without
// overlaps, in the order they occur. raw is the text the tokens came from;
// when caseSensitive is set, acronym forms must be written in capitals.
func (v *vocabulary) find(toks []token, raw string, caseSensitive bool) []termMatch {
	var out []termMatch
	for i := 0; i < len(toks); {
		var best *termMatch
		for _, ref := range v.byFirst[toks[i].term] {
			f := ref.term.forms[ref.form]
			if i+len(f.terms) > len(toks) || (best != nil && len(f.terms) <= best.end-best.start) {
				continue
			}
			ok := true
			for j, ft := range f.terms {
				if toks[i+j].term != ft {
					ok = false
					break
				}
			}
			if ok && caseSensitive && f.acronym && strings.TrimSuffix(strings.TrimSuffix(raw[toks[i].start:toks[i].end], "s"), "'") != f.text {
				ok = false
			}
			if ok {
				best = &termMatch{term: ref.term, form: ref.form, start: i, end: i + len(f.terms)}
			}
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

// entry returns the glossary entry one of whose forms is exactly toks.
func (v *vocabulary) entry(toks []token) *term {
	for _, m := range v.find(toks, "", false) {
		if m.start == 0 && m.end == len(toks) {
			return m.term
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

// maxJargon is how many terms are explained beside one passage.
const maxJargon = 3

// jargon lists the glossary terms with a one-line meaning that text uses,
// in the order they first appear, each once.
func (v *vocabulary) jargon(a analysis.Analyzer, text string) []Jargon {
	var out []Jargon
	seen := map[*term]bool{}
	toks := tokenize(a, text)
	for _, m := range v.find(toks, text, true) {
		if m.term.Short == "" || seen[m.term] {
			continue
		}
		seen[m.term] = true
		out = append(out, Jargon{Term: text[toks[m.start].start:toks[m.end-1].end], Meaning: m.term.Short})
		if len(out) == maxJargon {
			break
		}
	}
	return out
}
