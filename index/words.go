package index

import (
	"bytes"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// Analysis was a third of a build's CPU: splitting text into words with
// bleve's Unicode tokenizer, then four filters on every word, each
// decoding it into runes and back. sendbot_en gives the same words
// faster, in two ways, and tests hold it to bleve's own chain:
//
//   - wordsTokenizer splits plain ASCII stretches of text itself, with the
//     Unicode rules (UAX #29) as they apply to ASCII, and hands any
//     stretch with other characters to bleve's tokenizer.
//   - The filters (possessive, lower case, stop words, Porter stems) each
//     look at one word alone, so a word always comes out the same: each
//     is worked out once and remembered, and a passage's words are mostly
//     words already seen.
//
// Measured building 100,000 passages three times each, turn about: 13.1–
// 14.6 s (23.4–26.1 s of CPU) with bleve's parts, 12.0–12.9 s (21.5–22.6 s)
// with these.

// enAnalyzerType is the analyzer type of sendbot_en.
const enAnalyzerType = "sendbot_words"

func init() {
	registry.RegisterAnalyzer(enAnalyzerType, func(config map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
		return newEnWords(cache)
	})
}

// enFilters are the token filters of sendbot_en, after its char filter
// and tokenizer.
var enFilters = []string{enPossessive, enLowercase, enStop, enPorter}

func newEnWords(cache *registry.Cache) (*enWords, error) {
	cf, err := cache.CharFilterNamed(dotsBetweenLetters)
	if err != nil {
		return nil, err
	}
	a := &enWords{dots: cf}
	for _, name := range enFilters {
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, err
		}
		a.filters = append(a.filters, f)
	}
	return a, nil
}

// enWords analyses as bleve's custom analyzer of the dots char filter,
// the Unicode tokenizer and filters would.
type enWords struct {
	dots    analysis.CharFilter
	filters []analysis.TokenFilter
}

func (a *enWords) Analyze(input []byte) analysis.TokenStream {
	return a.analyze(input, nil)
}

// analyze is Analyze, with the tokens in buf when it is not nil: they
// are buf's until it is used again.
func (a *enWords) analyze(input []byte, buf *tokenBuf) analysis.TokenStream {
	// The char filter copies the text; without a dot it changes nothing.
	if bytes.IndexByte(input, '.') >= 0 {
		input = a.dots.Filter(input)
	}
	toks := tokenizeWords(input, buf)
	c := wordCaches.Get().(*wordCache)
	defer wordCaches.Put(c)
	out := toks[:0]
	for _, t := range toks {
		w, ok := c.words[string(t.Term)]
		if !ok {
			w = a.filter(t.Term)
			if len(c.words) >= maxCachedWords {
				clear(c.words)
			}
			c.words[string(t.Term)] = w
		}
		if w.dropped {
			continue
		}
		t.Term = w.term
		out = append(out, t)
	}
	return out
}

// filter runs the filters on one word, as they would run on it in a text.
func (a *enWords) filter(raw []byte) filtered {
	// The lower-case filter writes over the word it is given.
	toks := analysis.TokenStream{{Term: append([]byte(nil), raw...), Position: 1, Type: analysis.AlphaNumeric}}
	for _, f := range a.filters {
		toks = f.Filter(toks)
	}
	if len(toks) == 0 {
		return filtered{dropped: true}
	}
	return filtered{term: toks[0].Term}
}

// filtered is what the filters make of a word: its index term, or
// nothing (a stop word). A term is shared by every token of the word, and
// nothing writes to it.
type filtered struct {
	term    []byte
	dropped bool
}

// wordCache remembers filtered words, by the word as written. Each
// goroutine analysing takes one from wordCaches, so none waits for a lock.
type wordCache struct{ words map[string]filtered }

var wordCaches = sync.Pool{New: func() any { return &wordCache{words: map[string]filtered{}} }}

// maxCachedWords bounds a cache: a corpus of numbers and codes would
// otherwise grow it without end. A cache that fills starts again.
const maxCachedWords = 1 << 15

// tokenizeWords splits input into words as bleve's Unicode tokenizer
// does: the same terms, offsets, positions and types.
//
// An ASCII character other than a letter, a digit or one of ' " , . : ;
// _ is never part of a word and always ends one, so the text between
// such characters can be split on its own. A stretch of ASCII is split
// here; one with any other character goes to bleve's tokenizer. So does
// text that is not UTF-8, which bleve's tokenizer stops splitting at the
// first bad byte.
//
// The tokens are made in buf when it is not nil, reusing its memory.
func tokenizeWords(input []byte, buf *tokenBuf) analysis.TokenStream {
	if !utf8.Valid(input) {
		return unicodeWords.Tokenize(input)
	}
	if buf == nil {
		// About one word in six bytes of English.
		buf = &tokenBuf{toks: make(analysis.TokenStream, 0, len(input)/6+1)}
		buf.store = make([]analysis.Token, 0, cap(buf.toks))
	}
	toks, store := buf.toks[:0], buf.store[:0]
	add := func(t analysis.Token) {
		if len(store) == cap(store) {
			// A new array: the tokens made so far point into the old one.
			store = make([]analysis.Token, 0, max(64, 2*cap(store)))
		}
		store = append(store, t)
		toks = append(toks, &store[len(store)-1])
	}
	defer func() { buf.toks, buf.store = toks, store }()
	pos := 1
	for i := 0; i < len(input); {
		if asciiClass[input[i]] == other {
			i++
			continue
		}
		// A stretch: up to the next character that ends any word.
		end, ascii := i, true
		for end < len(input) && asciiClass[input[end]] != other {
			if input[end] >= utf8.RuneSelf {
				ascii = false
			}
			end++
		}
		if !ascii {
			for _, t := range unicodeWords.Tokenize(input[i:end]) {
				t.Start += i
				t.End += i
				t.Position = pos
				pos++
				add(*t)
			}
			i = end
			continue
		}
		for i < end {
			if !inWord(asciiClass[input[i]]) {
				i++ // a joiner or quote with no word before it
				continue
			}
			// seen is every class in the word; a joiner's neighbours are
			// already in it.
			start, seen := i, uint8(0)
			for i < end {
				c := asciiClass[input[i]]
				if inWord(c) {
					seen |= c
					i++
					continue
				}
				// A joiner stays in the word between two letters (: . ')
				// or two digits (, ; . ').
				if i+1 < end && i > start {
					before, after := asciiClass[input[i-1]], asciiClass[input[i+1]]
					if (before == letter && after == letter && c&joinsLetters != 0) ||
						(before == digit && after == digit && c&joinsDigits != 0) {
						i += 2
						continue
					}
				}
				break
			}
			t := analysis.Token{Term: input[start:i], Start: start, End: i, Position: pos, Type: analysis.AlphaNumeric}
			if seen&letter == 0 && seen&digit != 0 {
				t.Type = analysis.Numeric
			}
			pos++
			add(t)
		}
	}
	return toks
}

var unicodeWords = unicode.NewUnicodeTokenizer()

// tokenBuf is memory for a text's tokens, which tokenizeWords reuses.
type tokenBuf struct {
	toks  analysis.TokenStream
	store []analysis.Token
}

// tokenBufs are tokenBufs free for a build's passages.
var tokenBufs = sync.Pool{New: func() any { return new(tokenBuf) }}

// The word-break classes of ASCII characters, as bit sets. Bytes of
// other characters (128 and up) are in a stretch, and have their own.
const (
	other        = 0
	letter       = 1 << iota
	digit        // 0-9
	underscore   // joins anything, anywhere
	joinsLetters // : . '
	joinsDigits  // , ; . '
	quote        // ", which joins only Hebrew letters
	nonASCII
)

var asciiClass = func() (c [256]uint8) {
	for b := 'a'; b <= 'z'; b++ {
		c[b], c[b-'a'+'A'] = letter, letter
	}
	for b := '0'; b <= '9'; b++ {
		c[b] = digit
	}
	c['_'] = underscore
	c[':'] = joinsLetters
	c['.'] = joinsLetters | joinsDigits
	c['\''] = joinsLetters | joinsDigits
	c[','] = joinsDigits
	c[';'] = joinsDigits
	c['"'] = quote
	for b := utf8.RuneSelf; b < 256; b++ {
		c[b] = nonASCII
	}
	return c
}()

func inWord(c uint8) bool { return c&(letter|digit|underscore) != 0 }
