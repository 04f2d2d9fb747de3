package index

import (
	"context"
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/internal/english"
)

// The places a question may name come from a fact list of the UK's local
// authorities, their districts and major towns (places.tsv, with its
// sources in its header), so that "Leeds", "Cornwall" or "Scunthorpe"
// are understood even where the index has no documents, and the areas of
// the index itself. Nothing here is about any one area.

//go:embed places.tsv
var placesTSV string

// place is a place a question can name.
type place struct {
	// name is the place as the list (or the index) writes it: "Scunthorpe".
	name string
	// authority is the council responsible for SEND there, as an area is
	// named: "North Lincolnshire".
	authority string
	// country is England, Wales, Scotland or Northern Ireland, or, for a
	// country outside the UK, the country.
	country string
	// abroad is set for a country outside the UK (or one of its names).
	abroad bool
}

// inEngland reports whether the place is in England, where SEND law and
// this bot's documents apply.
func (p place) inEngland() bool { return InEngland(p.country) }

// InEngland reports whether country, as Result.Country gives it, is
// England (or not known, for one of the index's own areas).
func InEngland(country string) bool { return country == "" || country == "England" }

// ukNations are the countries of the UK.
var ukNations = map[string]bool{"England": true, "Wales": true, "Scotland": true, "Northern Ireland": true}

// InUK reports whether country, as Result.Country gives it, is one of
// the UK's nations rather than a country abroad.
func InUK(country string) bool { return ukNations[country] }

// placeName is one way of writing a place, as the words a question
// would have.
type placeName struct {
	words []string
	place place
	// everyday is set when every word of the name is also an everyday
	// word ("Reading", "Bath", "Castle Point"): such a name is a place
	// only when written with a capital or after "in", "near" and the like.
	everyday bool
}

// placeList finds places in a question.
type placeList struct {
	byFirst map[string][]placeName // by first word, longest names first
}

// ukPlaces is the fact list, read once.
var ukPlaces = sync.OnceValue(func() []place {
	var out []place
	for _, line := range strings.Split(placesTSV, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 4 || f[0] == "name" {
			continue
		}
		out = append(out, place{name: f[0], authority: f[1], country: f[2], abroad: !ukNations[f[2]]})
	}
	return out
})

// newPlaceList lists the fact list's places and the index's own areas
// (which may be areas the list does not name, such as a test's).
func newPlaceList(areas []string, dict *english.Words) *placeList {
	pl := &placeList{byFirst: map[string][]placeName{}}
	add := func(p place) {
		words := placeWords(p.name)
		if len(words) == 0 {
			return
		}
		everyday := true
		for _, w := range words {
			if !dict.Common(w) && w != "and" && w != "of" && w != "upon" && w != "on" {
				everyday = false
			}
		}
		if _, ok := pl.named(words); ok {
			return // the first listing of a name wins
		}
		pl.byFirst[words[0]] = append(pl.byFirst[words[0]], placeName{words: words, place: p, everyday: everyday})
	}
	for _, a := range areas {
		if !corpus.IsNational(a) {
			add(place{name: a, authority: a, country: "England"})
		}
	}
	for _, p := range ukPlaces() {
		add(p)
	}
	for _, names := range pl.byFirst {
		slices.SortStableFunc(names, func(a, b placeName) int { return len(b.words) - len(a.words) })
	}
	return pl
}

// placeWords splits a name into lower-case words as questionWords splits
// a question: letters, digits and apostrophes, without a possessive
// ending ("King's Lynn" is "king lynn"); "&" is "and"; hyphens and other
// marks split.
func placeWords(s string) []string {
	var out []string
	for _, w := range questionWords(s) {
		out = append(out, w.word)
	}
	return out
}

// bareWord is a word in lower case without a possessive ending.
func bareWord(w string) string {
	return strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(w), "'s"), "'")
}

// typedWord is a word of a question with where it is.
type typedWord struct {
	word       string // lower case
	start, end int    // byte range in the text
	capital    bool   // written with a capital first letter
}

// questionWords splits text into lower-case words without a possessive
// ending, keeping where each word is and whether it had a capital.
func questionWords(text string) []typedWord {
	var out []typedWord
	start := -1
	flush := func(end int) {
		if start >= 0 {
			w := text[start:end]
			r := []rune(w)
			// "Worcestershire's" names Worcestershire.
			out = append(out, typedWord{word: bareWord(w), start: start, end: end, capital: unicode.IsUpper(r[0])})
			start = -1
		}
	}
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
		if r == '&' {
			out = append(out, typedWord{word: "and", start: i, end: i + 1})
		}
	}
	flush(len(text))
	return out
}

// placeMatch is a place named in a question.
type placeMatch struct {
	place      place
	start, end int // byte range in the text
}

// placeLead are words after which an everyday word is read as a place:
// "we live in bath", "anything near reading"; abroadLead are those after
// which a country's name is read as the country, for it may be a
// person's name too ("my daughter India"): "we moved from Spain", "the
// capital of Australia".
var (
	placeLead  = map[string]bool{"in": true, "near": true, "around": true, "from": true}
	abroadLead = map[string]bool{"in": true, "near": true, "around": true, "from": true, "to": true, "of": true, "at": true}
)

// find returns the places text names, longest names first where they
// overlap, in the order they appear. A name that is also an everyday
// word ("Reading", "Bath", "Surrey") is a place when written with a
// capital, after "in", "near" and the like, or when used reports that the
// documents never use it as a word (so it is not their everyday word).
func (pl *placeList) find(text string, used func(word string) bool) []placeMatch {
	words := questionWords(text)
	var out []placeMatch
	for i := 0; i < len(words); {
		matched := 0
		for _, n := range pl.byFirst[words[i].word] {
			if i+len(n.words) > len(words) {
				continue
			}
			ok := true
			for j, w := range n.words {
				if words[i+j].word != w {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			if n.everyday && !words[i].capital && (i == 0 || !placeLead[words[i-1].word]) && anyUsed(n.words, used) {
				continue
			}
			if n.place.abroad && (i == 0 || !abroadLead[words[i-1].word]) {
				continue
			}
			out = append(out, placeMatch{place: n.place, start: words[i].start, end: words[i+len(n.words)-1].end})
			matched = len(n.words)
			break
		}
		if matched == 0 {
			matched = 1
		}
		i += matched
	}
	return out
}

// anyUsed reports whether any of words is used.
func anyUsed(words []string, used func(string) bool) bool {
	for _, w := range words {
		if used(w) {
			return true
		}
	}
	return false
}

// known reports whether name is a UK place of the list or one of the
// index's areas, and returns it.
func (pl *placeList) known(name string) (place, bool) {
	n, ok := pl.named(placeWords(name))
	return n.place, ok
}

// named is the name of the list that is exactly words.
func (pl *placeList) named(words []string) (placeName, bool) {
	if len(words) == 0 {
		return placeName{}, false
	}
	for _, n := range pl.byFirst[words[0]] {
		if slices.Equal(n.words, words) {
			return n, true
		}
	}
	return placeName{}, false
}

const (
	// mentionShare and mentionMin are how often an area's documents must
	// name a place (as a share of the area's passages, and at least) for
	// the area to cover it: a directory that serves a neighbouring
	// district names it in many of its entries, where a passing mention
	// ("studied at Leeds college of music") is rare.
	mentionShare = 0.01
	mentionMin   = 3
	// maxMentions bounds the passages read to count mentions.
	maxMentions = 2000
)

// mentionedBy returns the key of the area whose documents name the place
// written as name often enough to cover it, or "".
func (ix *Index) mentionedBy(ctx context.Context, name string) string {
	var qs []query.Query
	for _, f := range []string{fieldText, fieldTitle} {
		q := bleve.NewMatchPhraseQuery(name)
		q.SetField(f)
		q.Analyzer = analyzer
		qs = append(qs, q)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), maxMentions, 0, false)
	req.Fields = []string{fieldArea}
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return ""
	}
	counts := map[string]int{}
	for _, h := range res.Hits {
		if a, _ := h.Fields[fieldArea].(string); a != "" && !corpus.IsNational(a) {
			counts[corpus.AreaKey(a)]++
		}
	}
	best, bestCount := "", 0
	for _, a := range ix.info.Areas {
		key := corpus.AreaKey(a.Name)
		n := counts[key]
		if n >= mentionMin && float64(n) >= mentionShare*float64(a.Passages) && n > bestCount {
			best, bestCount = key, n
		}
	}
	return best
}
