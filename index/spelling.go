package index

import (
	"context"
	"math"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/sendbot/sendbot/index/internal/maxscore"
	"github.com/sendbot/sendbot/internal/english"
)

// Spelling, for the understand stage. A word that is neither an English
// word nor used by any document is taken for the nearest word that is
// used: an English word, a word of the documents' own vocabulary (names
// and abbreviations such as "ehcp" or "scunthorpe" are in no dictionary),
// or a glossary term, one or two slips away (a letter added, dropped,
// changed, or two swapped). Of those, the one the documents use most
// wins, unless a closer one is used nearly as much (each slip costs as
// much as the word being used correctionSlipCost times less), or one the
// documents use beside the question's neighbouring words: "parent carer
// fourm" is "forum", which follows "carer" in many passages, though "form"
// is used more.

const (
	// minCorrectedRunes is the shortest word corrected: shorter words are
	// too near too many others ("ot", "la", "pls").
	minCorrectedRunes = 4
	// twoSlipRunes is the shortest word allowed two slips.
	twoSlipRunes = 8
	// correctionSlipCost is the log of how many times more a word one slip
	// further away must be used to be preferred.
	correctionSlipCost = 3.0
	// glossaryPairBonus is what a word counts for making, with a
	// neighbouring word of the question, two words of a glossary name
	// ("carer" and "forum" of "parent carer forum"): as much as a slip.
	glossaryPairBonus = correctionSlipCost
)

// correct returns the word a misspelling was taken for, as a parent
// would write it, and its index term; ok is false when no word is close
// enough.
func (ix *Index) correct(ctx context.Context, r bleveindex.IndexReader, asked string, neighbours []string, uses map[maxscore.Term]uint64) (word, term string, ok bool) {
	typed := strings.ToLower(asked)
	n := utf8.RuneCountInString(typed)
	if n < minCorrectedRunes {
		return "", "", false
	}
	slips := 1
	if n >= twoSlipRunes {
		slips = 2
	}
	var guesses []guess
	// A word is often a guess twice (the dictionary's and the
	// glossary's): each is counted beside the neighbours once.
	beside := map[string]uint64{}
	score := func(word, t string, edits int) (float64, bool) {
		if t == "" {
			return 0, false
		}
		df := ix.docFreq(ctx, r, t, uses)
		if df == 0 {
			return 0, false
		}
		n, ok := beside[word]
		if !ok {
			n = ix.besides(ctx, word, neighbours)
			beside[word] = n
		}
		s := math.Log(df) - correctionSlipCost*float64(edits)
		s += math.Log1p(float64(n))
		if ix.glossaryPairs.beside(word, neighbours) {
			s += glossaryPairBonus
		}
		return s, true
	}
	consider := func(word, t string, edits int, isEnglish bool) {
		if s, ok := score(word, t, edits); ok {
			guesses = append(guesses, guess{word: word, term: t, score: s, english: isEnglish})
		}
	}
	for _, c := range english.Dictionary().Near(typed, slips) {
		consider(c.Word, ix.stem(c.Word), c.Edits, true)
	}
	// The documents' own words, as index terms: compared with the word as
	// typed and with its stem ("scunthrope" is two slips from the term
	// "scunthorp", its stem one).
	stemmed := ix.stem(typed)
	for _, c := range ix.termsNear(r, typed, slips) {
		consider(c.Word, c.Word, c.Edits, false)
	}
	if stemmed != "" && stemmed != typed {
		for _, c := range ix.termsNear(r, stemmed, slips) {
			consider(c.Word, c.Word, c.Edits, false)
		}
	}
	for _, c := range ix.glossaryWords.Near(typed, slips) {
		consider(c.Word, ix.stem(c.Word), c.Edits, false)
	}
	asTyped, typedKnown := score(typed, stemmed, 0)
	best := bestGuess(guesses, stemmed, asTyped, typedKnown)
	if best == nil {
		return "", "", false
	}
	return shownWord(typed, *best, guesses), best.term, true
}

// guess is a word a misspelling may be: its index term, and how likely
// (the log of how much the documents use it, less the slips' cost).
type guess struct {
	word, term string
	score      float64
	english    bool
}

// bestGuess is the likeliest guess, or nil. The word as typed, when the
// documents use it ("referal", whose stem is "refer"; "ehcp"), stands
// unless a guess beats it (asTyped is its score, known whether it has
// one): a word of the documents or the glossary must be likelier, an
// English word likelier by less, since a word no dictionary has is itself
// a sign of a slip.
func bestGuess(guesses []guess, stemmed string, asTyped float64, typedKnown bool) *guess {
	var best *guess
	for i, g := range guesses {
		if typedKnown {
			bar := asTyped
			if g.english {
				bar -= correctionSlipCost
			}
			if g.score <= bar || g.term == stemmed {
				continue
			}
		}
		if best == nil || g.score > best.score || (g.score == best.score && g.term < best.term) {
			best = &guesses[i]
		}
	}
	return best
}

// shownWord is the best guess as shown: the real word nearest what was
// typed, of those searched as the same term ("assessment" for
// "assesment", not "assess").
func shownWord(typed string, best guess, guesses []guess) string {
	word := best.word
	dist := math.MaxInt
	for _, g := range guesses {
		if g.term != best.term || !english.Dictionary().Has(g.word) {
			continue
		}
		if d := english.Distance(typed, g.word, 3); d < dist || (d == dist && g.word < word) {
			word, dist = g.word, d
		}
	}
	return word
}

// termsNear are the index terms of the text field near word, read from
// the index's dictionary the first time they are needed.
func (ix *Index) termsNear(r bleveindex.IndexReader, word string, slips int) []english.Candidate {
	ix.terms.once.Do(func() {
		d, err := r.FieldDict(fieldText)
		if err != nil {
			return
		}
		defer d.Close()
		var words []string
		for {
			e, err := d.Next()
			if err != nil || e == nil {
				break
			}
			if isWord(e.Term) {
				words = append(words, e.Term)
			}
		}
		ix.terms.words = english.New(words)
	})
	if ix.terms.words == nil {
		return nil
	}
	return ix.terms.words.Near(word, slips)
}

// indexTerms are the words of an index's dictionary, for spelling.
type indexTerms struct {
	once  sync.Once
	words *english.Words
}

// isWord reports whether an index term is a word of letters, worth
// correcting a misspelling to (not a number, a code or a web address part).
func isWord(t string) bool {
	if utf8.RuneCountInString(t) < 2 {
		return false
	}
	for _, r := range t {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// wordPairs are pairs of words that stand side by side in a name.
type wordPairs map[[2]string]bool

// beside reports whether word and one of neighbours are such a pair, in
// either order.
func (p wordPairs) beside(word string, neighbours []string) bool {
	word = strings.ToLower(word)
	for _, n := range neighbours {
		n = strings.ToLower(n)
		if p[[2]string{n, word}] || p[[2]string{word, n}] {
			return true
		}
	}
	return false
}

// glossaryPairsOf lists the neighbouring words of the glossary's names.
func glossaryPairsOf(v *vocabulary) wordPairs {
	out := wordPairs{}
	for _, t := range v.terms {
		for _, f := range t.forms {
			words := placeWords(f.text)
			for i := 1; i < len(words); i++ {
				out[[2]string{words[i-1], words[i]}] = true
			}
		}
	}
	return out
}

// glossaryWordsOf lists every word of the glossary's names, in lower case.
func glossaryWordsOf(v *vocabulary) *english.Words {
	var words []string
	for _, t := range v.terms {
		for _, f := range t.forms {
			words = append(words, placeWords(f.text)...)
		}
	}
	return english.New(words)
}

// besides counts the passages that have word next to one of neighbours,
// in either order.
func (ix *Index) besides(ctx context.Context, word string, neighbours []string) uint64 {
	var qs []query.Query
	for _, n := range neighbours {
		for _, phrase := range []string{n + " " + word, word + " " + n} {
			q := bleve.NewMatchPhraseQuery(phrase)
			q.SetField(fieldText)
			q.Analyzer = analyzer
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 {
		return 0
	}
	res, err := ix.bleve.SearchInContext(ctx, bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), 0, 0, false))
	if err != nil {
		return 0
	}
	return res.Total
}
