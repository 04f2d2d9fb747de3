package index

import (
	"context"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"

	"github.com/sendbot/sendbot/internal/english"
)

const (
	// maxCaseChecks bounds the passages Knows reads for a word written in
	// lower case. A word that the first of them all write with a capital
	// (a name, a street) is not known: the safe side.
	maxCaseChecks = 200
	// knowsTimeout bounds one Knows; a word not decided in time is not
	// known.
	knowsTimeout = 2 * time.Second
	// maxKnown bounds the words Knows remembers; a full memory starts again.
	maxKnown = 1 << 14
	// maxKnownRunes is the longest word Knows looks up.
	maxKnownRunes = 40
)

// knownWords remembers Knows's answers: an open index never changes, and
// parents' questions share their words.
type knownWords struct {
	mu    sync.Mutex
	known map[string]bool // word as written -> known
}

// Knows reports whether word, written as a parent wrote it, is one of the
// index's own ordinary words, so that keeping it says nothing about who
// wrote it. That is so when
//
//   - the glossary has it as a term of its own ("SEN", "OT", "respite"),
//     however written; or
//   - the English dictionary does not know it only as a name ("Jane",
//     "Patel", "Leeds"), nor, when it is written with a capital, as a
//     name at all ("Jack", "Smith", "Green" are words too, but not when
//     capitalised); and the glossary uses it in a term ("breaks" of
//     "short breaks"), or a passage writes it in lower case outside a
//     web or email address.
//
// So a name or street a document writes with capitals ("Smith House, 12
// Acacia Road") or in an address ("jack.smith@…") is not known, and
// neither is a word no document uses. A name that is also an ordinary
// word the documents use, typed in lower case ("hope"), cannot be told
// from the word.
func (ix *Index) Knows(word string) bool {
	if word == "" || utf8.RuneCountInString(word) > maxKnownRunes {
		return false
	}
	ix.knownWords.mu.Lock()
	known, ok := ix.knownWords.known[word]
	ix.knownWords.mu.Unlock()
	if ok {
		return known
	}
	known = ix.knows(word)
	ix.knownWords.mu.Lock()
	if ix.knownWords.known == nil || len(ix.knownWords.known) >= maxKnown {
		ix.knownWords.known = map[string]bool{}
	}
	ix.knownWords.known[word] = known
	ix.knownWords.mu.Unlock()
	return known
}

func (ix *Index) knows(word string) bool {
	lower := strings.ToLower(word)
	if ix.glossaryTerms[lower] {
		return true
	}
	d := english.Dictionary()
	if (d.Has(lower) && !d.Common(lower)) || (lower != word && d.Named(lower)) {
		return false
	}
	if ix.glossaryWords.Has(lower) {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), knowsTimeout)
	defer cancel()
	return ix.writtenInLowerCase(ctx, lower)
}

// writtenInLowerCase reports whether one of the first maxCaseChecks
// passages that use word writes it in lower case, outside a web or email
// address. It reads the passages one by one, and stops at the first that
// does: most ordinary words are written in lower case at their first use.
func (ix *Index) writtenInLowerCase(ctx context.Context, word string) bool {
	toks := tokenize(ix.analyzer, word)
	if len(toks) != 1 {
		return false // a stop word, or more than one word
	}
	r, err := ix.reader()
	if err != nil {
		return false
	}
	defer r.Close()
	tfr, err := r.TermFieldReader(ctx, []byte(toks[0].term), fieldText, false, false, true)
	if err != nil {
		return false
	}
	defer tfr.Close()
	want := &bleve.SearchRequest{Fields: []string{fieldText}}
	for range maxCaseChecks {
		tfd, err := tfr.Next(nil)
		if err != nil || tfd == nil || ctx.Err() != nil {
			return false
		}
		h := &search.DocumentMatch{IndexInternalID: tfd.ID}
		if h.ID, err = r.ExternalID(tfd.ID); err != nil {
			return false
		}
		if err, _ := bleve.LoadAndHighlightFields(h, want, "", r, nil); err != nil {
			return false
		}
		text, _ := h.Fields[fieldText].(string)
		for _, v := range tfd.Vectors {
			if v.Start > v.End || v.End > uint64(len(text)) {
				continue
			}
			written := text[v.Start:v.End]
			if written == strings.ToLower(written) && !inAddress(text, int(v.Start), int(v.End)) {
				return true
			}
		}
	}
	return false
}

// inAddress reports whether text[start:end] is part of a web or email
// address: of a run of text without spaces that has an @ or a slash in
// it, starts with www. or has a dot between letters ("jane.doe",
// "example.org").
func inAddress(text string, start, end int) bool {
	for start > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:start])
		if unicode.IsSpace(r) {
			break
		}
		start -= n
	}
	for end < len(text) {
		r, n := utf8.DecodeRuneInString(text[end:])
		if unicode.IsSpace(r) {
			break
		}
		end += n
	}
	return addressLike(text[start:end])
}

// addressLike reports whether a run of text without spaces is, or holds,
// a web or email address.
func addressLike(s string) bool {
	if strings.ContainsAny(s, "@/") || strings.HasPrefix(strings.ToLower(strings.TrimLeft(s, "(<[\"'")), "www.") {
		return true
	}
	prev := rune(0)
	for i, r := range s {
		if prev == '.' && unicode.IsLetter(r) && i >= 2 {
			before, _ := utf8.DecodeLastRuneInString(s[:i-1])
			if unicode.IsLetter(before) {
				return true
			}
		}
		prev = r
	}
	return false
}

// glossaryTermsOf lists the glossary's terms of one word, in lower case:
// "sen", "ot", "respite".
func glossaryTermsOf(v *vocabulary) map[string]bool {
	out := map[string]bool{}
	for _, t := range v.terms {
		for _, f := range t.forms {
			if words := placeWords(f.text); len(words) == 1 {
				out[words[0]] = true
			}
		}
	}
	return out
}
