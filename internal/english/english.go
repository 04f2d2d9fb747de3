// Package english tells whether a word is an English word, and which
// English words are a typing slip away from one that is not.
//
// The words are Debian's British English word list (the wbritish package,
// made from Kevin Atkinson's SCOWL; see COPYING.wbritish), embedded so
// that a bot on a machine without the package knows them too; the
// everyday words are SCOWL's two smallest sizes, the most common English
// words (Debian's scowl package; see COPYING.scowl); the people are the
// everyday nouns whose commonest sense in WordNet 3.0 is a person
// (Debian's wordnet-base package; see COPYING.wordnet):
//
//	d := english.Dictionary()
//	d.Has("coping")     // true: never "corrected" to another word
//	d.Common("reading") // true: written in lower case, so not only a name
//	d.Named("Smith")    // true: written capitalised, a name (and a word too)
//	d.Near("asess", 1)  // assess, asses, …
//	english.Everyday("actually") // true
//	english.Person("daughters")  // true
//
// Regenerate the list with `go generate ./internal/english` (gen.sh).
package english

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:generate ./gen.sh

//go:embed british-english.gz
var listGz []byte

//go:embed everyday.gz
var everydayGz []byte

//go:embed people.gz
var peopleGz []byte

// everyday and people are the sets of everyday words and of everyday
// nouns for people, each read once.
var (
	everyday = sync.OnceValue(func() map[string]bool { return lowerSet(everydayGz) })
	people   = sync.OnceValue(func() map[string]bool { return lowerSet(peopleGz) })
)

// lowerSet is the words of a gzipped list, in lower case.
func lowerSet(gz []byte) map[string]bool {
	out := map[string]bool{}
	for _, w := range gunzipLines(gz) {
		if w = strings.TrimSpace(w); w != "" {
			out[strings.ToLower(w)] = true
		}
	}
	return out
}

// Everyday reports whether word, in any case, is one of the most common
// English words: one a parent writes whatever the subject ("actually",
// "daughter", "weekend"), as well as "school" and "council".
func Everyday(word string) bool { return everyday()[strings.ToLower(word)] }

// Person reports whether word, in any case, is an everyday noun for a
// person ("son", "daughter", "teacher"), or its plural ("daughters",
// "children").
func Person(word string) bool {
	w := strings.ToLower(word)
	if people()[w] {
		return true
	}
	if s, ok := strings.CutSuffix(w, "s"); ok && people()[s] {
		return true
	}
	s, ok := strings.CutSuffix(w, "es")
	return ok && people()[s]
}

// gunzipLines is the lines of gzipped text built into the binary.
func gunzipLines(gz []byte) []string {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		panic("english: embedded word list: " + err.Error()) // built into the binary; a test reads it
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		panic("english: embedded word list: " + err.Error())
	}
	return strings.Split(string(data), "\n")
}

// Words is a word list, read once and shared; it is safe for concurrent use.
type Words struct {
	// forms holds each word in lower case, with whether the list has it
	// in lower case (a common word) or only capitalised (a name).
	forms map[string]form
	// byFirst lists the lower-case words by their first letter, for Near.
	byFirst map[rune][]string
}

type form uint8

const (
	lower form = 1 << iota // the list has it in lower case: "reading"
	named                  // the list has it capitalised: "Reading", "Leeds"
)

// Dictionary returns the embedded British English word list.
var Dictionary = sync.OnceValue(func() *Words { return New(gunzipLines(listGz)) })

// New makes a word list of words, one per entry as a dictionary writes
// them: in lower case for common words, capitalised for names.
func New(words []string) *Words {
	w := &Words{forms: make(map[string]form, len(words)), byFirst: map[rune][]string{}}
	for _, word := range words {
		word = strings.TrimSpace(word)
		if word == "" {
			continue
		}
		key := strings.ToLower(word)
		f := named
		if key == word {
			f = lower
		}
		if w.forms[key] == 0 {
			first, _ := utf8.DecodeRuneInString(key)
			w.byFirst[first] = append(w.byFirst[first], key)
		}
		w.forms[key] |= f
	}
	return w
}

// Has reports whether word, in any case, is in the list.
func (w *Words) Has(word string) bool {
	return w.forms[strings.ToLower(word)] != 0
}

// Common reports whether word is in the list in lower case: an ordinary
// word ("reading", "bath"), not only a name ("Leeds").
func (w *Words) Common(word string) bool {
	return w.forms[strings.ToLower(word)]&lower != 0
}

// Named reports whether word is in the list capitalised: a name
// ("Leeds", "Smith"), which may be an ordinary word too ("smith").
func (w *Words) Named(word string) bool {
	return w.forms[strings.ToLower(word)]&named != 0
}

// Near returns the words of the list that start with the same letter as
// word and are at most maxEdits edits from it (a letter added, dropped,
// changed, or two neighbours swapped), each with its distance. Few slips
// are in a word's first letter, and keeping it makes the search short.
func (w *Words) Near(word string, maxEdits int) []Candidate {
	word = strings.ToLower(word)
	first, _ := utf8.DecodeRuneInString(word)
	n := utf8.RuneCountInString(word)
	var out []Candidate
	for _, c := range w.byFirst[first] {
		m := utf8.RuneCountInString(c)
		if m < n-maxEdits || m > n+maxEdits || c == word {
			continue
		}
		if d := Distance(word, c, maxEdits); d <= maxEdits {
			out = append(out, Candidate{Word: c, Edits: d})
		}
	}
	return out
}

// Candidate is a word of the list near a typed word.
type Candidate struct {
	Word  string
	Edits int
}

// Distance is the number of edits between a and b, counting a swap of two
// neighbouring letters as one edit (the optimal string alignment
// distance), or a number above limit once it is sure to exceed it.
func Distance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if abs(len(ra)-len(rb)) > limit {
		return limit + 1
	}
	// Three rows of the edit table: two back, one back, this one.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			best = min(best, d)
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
