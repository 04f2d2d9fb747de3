package corpus

import (
	"errors"
	"strings"
	"time"
)

// ErrUnsupported marks a file sendbot does not read: an unknown format,
// or a link to a folder. Such files are reported as skipped, never as a
// failure of the whole corpus.
var ErrUnsupported = errors.New("format not supported")

// Document is one source file: an inspection report, a council page, a
// Local Offer entry, or a fact sheet.
type Document struct {
	// Path is the file's slash-separated path inside the corpus.
	Path string
	// Entry names the document within its file when one file holds many,
	// as a service directory does (the service's id); "" otherwise.
	Entry string
	// Format names the reader that parsed it: "markdown", "text", "pdf",
	// "html", "oruk" (an Open Referral UK feed) or "csv".
	Format string

	Title     string
	SourceURL string
	Publisher string
	// Area is the local area the document is about, as it should be shown
	// ("Herefordshire"). It comes from the document's metadata, else from
	// the name of the top-level folder it sits in.
	Area string
	// Kind is a short label such as "inspection", "local-offer", "news",
	// "guidance" or "fact-sheet"; empty when unknown.
	Kind    string
	Licence string
	// Published is the date the source was published, or the zero time
	// when it is not known. Callers must say "date unknown" for the zero time.
	Published time.Time
	// Fallback marks a national document that answers only questions the
	// others do not: the built-in documents about England that a library
	// keeps beside a group's own corpus, so that the group's documents
	// come first when they answer.
	Fallback bool

	Passages []Passage
}

// Key identifies the document in the corpus: its path, and its entry
// within the file when there is one.
func (d Document) Key() string {
	if d.Entry == "" {
		return d.Path
	}
	return d.Path + "#" + d.Entry
}

// Passage is the unit sendbot quotes: a few sentences under one heading.
type Passage struct {
	// ID is stable across rebuilds: the same file with the same content
	// gives the same IDs.
	ID string
	// Section is the heading trail above the passage, joined with " › ".
	Section string
	Text    string
	// Page is the 1-based page the passage starts on, or 0 when the format
	// has no pages.
	Page int
}

// Problem is a file that was skipped or could not be read.
type Problem struct {
	Path   string
	Reason string
	// Err is the underlying error; errors.Is(p.Err, ErrUnsupported) tells a
	// skipped format apart from a broken file.
	Err error
}

// Skipped reports whether the problem is a file sendbot does not read,
// as opposed to a broken file or bad metadata.
func (p Problem) Skipped() bool { return errors.Is(p.Err, ErrUnsupported) }

// Skip is an entry of a multi-document file (a service in a directory
// feed) that was left out on purpose: empty, a placeholder, or a duplicate.
// Skips are counted and shown, not treated as errors.
type Skip struct {
	Path string
	// Entry is the entry's id, or its name when it has no id.
	Entry  string
	Reason string
}

// Corpus is what Load found: the documents it read, the entries it left
// out on purpose, and the files it could not read.
type Corpus struct {
	Documents []Document
	// Glossary is the corpus's own glossary.yaml, to be merged over
	// BuiltinGlossary; empty when the corpus has none.
	Glossary Glossary
	Skips    []Skip
	Problems []Problem
}

// Errors returns the problems that are real errors (not merely skipped formats).
func (c *Corpus) Errors() []Problem {
	var out []Problem
	for _, p := range c.Problems {
		if !p.Skipped() {
			out = append(out, p)
		}
	}
	return out
}

// AreaKey normalises an area name for comparison, so that "North Lincolnshire",
// "north-lincolnshire" and "NORTH_LINCOLNSHIRE" are the same area.
func AreaKey(area string) string {
	f := strings.FieldsFunc(strings.ToLower(area), func(r rune) bool {
		return r == ' ' || r == '-' || r == '_' || r == '\t'
	})
	return strings.Join(f, " ")
}

// AreaName turns a folder name such as "north-lincolnshire" into the name
// shown to parents, "North Lincolnshire".
func AreaName(folder string) string {
	words := strings.Fields(AreaKey(folder))
	for i, w := range words {
		if w == "and" || w == "of" || w == "upon" || w == "on" {
			continue
		}
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// nationalAreas are the area names whose documents apply everywhere: a
// question asked in any local area also searches them.
var nationalAreas = map[string]bool{"": true, "england": true, "national": true, "uk": true, "united kingdom": true}

// IsNational reports whether documents about area apply to every local
// area (England-wide law and guidance, or no area given).
func IsNational(area string) bool { return nationalAreas[AreaKey(area)] }
