package corpus

import (
	"errors"
	"strings"
	"time"
)

// ErrUnsupported marks a file whose format sendbot does not read yet.
// Such files are reported as skipped, never as a failure of the whole corpus.
var ErrUnsupported = errors.New("format not yet supported")

// Document is one source file: an inspection report, a council page, a
// Local Offer entry, or a fact sheet.
type Document struct {
	// Path is the file's slash-separated path inside the corpus.
	Path string
	// Format names the reader that parsed it: "markdown" or "text".
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

	Passages []Passage
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

// Skipped reports whether the problem is a format sendbot does not read yet,
// as opposed to a broken file or bad metadata.
func (p Problem) Skipped() bool { return errors.Is(p.Err, ErrUnsupported) }

// Corpus is what Load found: the documents it read and the files it could not.
type Corpus struct {
	Documents []Document
	Problems  []Problem
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
