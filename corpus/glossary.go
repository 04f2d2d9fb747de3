package corpus

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"
)

// GlossaryName is the optional glossary file at the root of a corpus. Its
// entries add to sendbot's built-in glossary, and replace the meaning of
// any built-in entry that shares a term with them.
const GlossaryName = "glossary.yaml"

// builtinGlossary is the SEND glossary every corpus starts from.
//
//go:embed glossary.yaml
var builtinGlossary []byte

// maxShortRunes is the longest one-line meaning shown beside a quote.
const maxShortRunes = 120

// Glossary is SEND vocabulary: terms that mean the same thing (acronyms,
// spellings, the words parents use and the words reports use) and what
// they mean, with the source of each meaning.
type Glossary struct {
	Entries []GlossaryEntry `yaml:"entries" json:"entries"`
}

// GlossaryEntry is one thing with all its names.
type GlossaryEntry struct {
	// Terms are the names, all treated as the same thing when searching;
	// the first is the headword shown to parents. Multi-word terms work.
	Terms []string `yaml:"terms" json:"terms"`
	// Short is a one-line meaning shown beside quotes that use a term.
	Short string `yaml:"short" json:"short,omitempty"`
	// Meaning answers "What is X?"; it needs a Source.
	Meaning string `yaml:"meaning" json:"meaning,omitempty"`
	// Source is where Meaning comes from.
	Source GlossarySource `yaml:"source" json:"source"`
}

// Headword is the entry's first term.
func (e GlossaryEntry) Headword() string { return e.Terms[0] }

// GlossarySource cites a meaning.
type GlossarySource struct {
	Title string `yaml:"title" json:"title,omitempty"`
	URL   string `yaml:"url" json:"url,omitempty"`
	// Published is "2006-01-02", or "unknown".
	Published string `yaml:"published" json:"published,omitempty"`
}

// BuiltinGlossary returns sendbot's own SEND glossary.
func BuiltinGlossary() Glossary {
	g, problems := ParseGlossary(builtinGlossary)
	if len(problems) > 0 {
		// A test reads the built-in glossary, so this is a build mistake.
		panic("corpus: built-in glossary: " + problems[0].Reason)
	}
	return g
}

// BuiltinGlossaryVersion changes whenever the built-in glossary does, so
// an index built with an older one is rebuilt.
func BuiltinGlossaryVersion() string {
	sum := sha256.Sum256(builtinGlossary)
	return hex.EncodeToString(sum[:8])
}

var errBadGlossary = errors.New("bad glossary entry")

// ParseGlossary reads a glossary file. Entries it cannot use are returned
// as problems, each saying which entry and what to fix; the rest are kept.
func ParseGlossary(data []byte) (Glossary, []Problem) {
	var raw Glossary
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return Glossary{}, []Problem{{Path: GlossaryName, Reason: "not valid YAML: " + err.Error(), Err: errBadGlossary}}
	}
	var (
		g        Glossary
		problems []Problem
		owner    = map[string]int{} // term key -> entry number
	)
	for i, e := range raw.Entries {
		where := fmt.Sprintf("%s (entry %d)", GlossaryName, i+1)
		if reason := e.check(); reason != "" {
			problems = append(problems, Problem{Path: where, Reason: reason, Err: errBadGlossary})
			continue
		}
		var terms []string
		for _, t := range e.Terms {
			k := termKey(t)
			if n, dup := owner[k]; dup {
				problems = append(problems, Problem{Path: where, Reason: fmt.Sprintf("term %q is already in entry %d; it is used there only", t, n), Err: errBadGlossary})
				continue
			}
			owner[k] = i + 1
			terms = append(terms, strings.TrimSpace(t))
		}
		if len(terms) == 0 {
			continue
		}
		e.Terms = terms
		g.Entries = append(g.Entries, e)
	}
	return g, problems
}

// check says what is wrong with an entry, or "" when it can be used.
func (e *GlossaryEntry) check() string {
	e.Short = strings.TrimSpace(e.Short)
	e.Meaning = strings.TrimSpace(e.Meaning)
	var terms []string
	for _, t := range e.Terms {
		if t = strings.TrimSpace(t); t != "" {
			terms = append(terms, t)
		}
	}
	e.Terms = terms
	switch {
	case len(e.Terms) == 0:
		return "entry has no terms"
	case len([]rune(e.Short)) > maxShortRunes:
		return fmt.Sprintf("%q: short is %d characters; keep it to one line of at most %d", e.Terms[0], len([]rune(e.Short)), maxShortRunes)
	case strings.Contains(e.Short, "\n"):
		return fmt.Sprintf("%q: short must be one line", e.Terms[0])
	case e.Meaning != "" && strings.TrimSpace(e.Source.Title) == "":
		return fmt.Sprintf("%q: meaning has no source title; every meaning needs the title and https link of its public source", e.Terms[0])
	case e.Meaning != "" && !isHTTPS(e.Source.URL):
		return fmt.Sprintf("%q: source url %q is not an https link", e.Terms[0], e.Source.URL)
	case e.Meaning == "" && e.Short == "" && len(e.Terms) < 2:
		return fmt.Sprintf("%q: entry has one term and no meaning, so it does nothing; add synonyms or a meaning", e.Terms[0])
	}
	if p := strings.TrimSpace(e.Source.Published); p != "" && p != "unknown" {
		if _, err := parseDate(p); err != nil {
			return fmt.Sprintf("%q: source published %q is not a date like 2024-07-15 (or write unknown)", e.Terms[0], p)
		}
	}
	return ""
}

func isHTTPS(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && u.Scheme == "https" && u.Host != ""
}

// termKey compares terms ignoring case, spacing and punctuation around words.
func termKey(t string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(t), func(r rune) bool {
		return r == ' ' || r == ',' || r == '-' || r == '\t' || r == '.'
	}), " ")
}

// Merge returns g with extra's entries added. An extra entry that shares
// a term with an entry of g takes its place, keeping the union of their
// terms, so a moderator can correct a built-in meaning.
func (g Glossary) Merge(extra Glossary) Glossary {
	out := Glossary{Entries: append([]GlossaryEntry(nil), g.Entries...)}
	for _, e := range extra.Entries {
		replaced := false
		for i, old := range out.Entries {
			if !sharesTerm(old, e) {
				continue
			}
			merged := e
			merged.Terms = append([]string(nil), e.Terms...)
			for _, t := range old.Terms {
				if !hasTerm(merged, t) {
					merged.Terms = append(merged.Terms, t)
				}
			}
			if merged.Meaning == "" {
				merged.Meaning, merged.Source = old.Meaning, old.Source
			}
			if merged.Short == "" {
				merged.Short = old.Short
			}
			out.Entries[i] = merged
			replaced = true
			break
		}
		if !replaced {
			out.Entries = append(out.Entries, e)
		}
	}
	return out
}

func sharesTerm(a, b GlossaryEntry) bool {
	for _, t := range b.Terms {
		if hasTerm(a, t) {
			return true
		}
	}
	return false
}

func hasTerm(e GlossaryEntry, t string) bool {
	k := termKey(t)
	for _, u := range e.Terms {
		if termKey(u) == k {
			return true
		}
	}
	return false
}

// readGlossary reads the corpus's own glossary.yaml, if there is one.
func readGlossary(fsys fs.FS) (Glossary, []Problem) {
	data, err := fs.ReadFile(fsys, GlossaryName)
	if errors.Is(err, fs.ErrNotExist) {
		return Glossary{}, nil
	}
	if err != nil {
		return Glossary{}, []Problem{{Path: GlossaryName, Reason: "cannot read: " + err.Error(), Err: err}}
	}
	return ParseGlossary(data)
}
