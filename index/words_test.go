package index

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"

	"github.com/sendbot/sendbot/corpus"
)

// bleveChain is sendbot_en as bleve's own parts make it: the dots char
// filter, the Unicode tokenizer and the filters, one after another.
func bleveChain(t testing.TB) analysis.Analyzer {
	t.Helper()
	im := bleve.NewIndexMapping()
	if err := addAnalyzer(im, nil); err != nil {
		t.Fatal(err)
	}
	if err := im.AddCustomAnalyzer("bleve_chain", map[string]any{
		"type":          custom.Name,
		"char_filters":  []any{dotsBetweenLetters},
		"tokenizer":     unicode.Name,
		"token_filters": anys(enFilters),
	}); err != nil {
		t.Fatal(err)
	}
	return im.AnalyzerNamed("bleve_chain")
}

// sameTokens says how two token streams differ, or "" when they do not.
func sameTokens(got, want analysis.TokenStream) string {
	show := func(ts analysis.TokenStream) string {
		var b strings.Builder
		for _, t := range ts {
			fmt.Fprintf(&b, "%q@%d[%d:%d]t%d ", t.Term, t.Position, t.Start, t.End, t.Type)
		}
		return b.String()
	}
	if g, w := show(got), show(want); g != w {
		return fmt.Sprintf("got  %s\nwant %s", g, w)
	}
	return ""
}

// checkAsBleve fails t unless sendbot_en and its tokenizer give what
// bleve's parts give for text.
func checkAsBleve(t *testing.T, ours, chain analysis.Analyzer, text string) {
	t.Helper()
	// bleve's lower-case filter writes over its input: each gets a copy.
	if d := sameTokens(tokenizeWords([]byte(text), nil), unicodeWords.Tokenize([]byte(text))); d != "" {
		t.Fatalf("tokenizing %q:\n%s", text, d)
	}
	if d := sameTokens(ours.Analyze([]byte(text)), chain.Analyze([]byte(text))); d != "" {
		t.Fatalf("analysing %q:\n%s", text, d)
	}
}

func TestWordsAsBleveOnHardCases(t *testing.T) {
	ours, chain := textAnalyzer(), bleveChain(t)
	for _, text := range []string{
		"", " ", "a", "_", "__", "_1", "1_", "1_a", "a_1", "a_", "_a_",
		"don't", "Don't stop", "parents' views", "the child's plan", "'quoted'", "a''b",
		"3.5", "1,000,000", "1,", ",1", "1.5.a", "a.1", "1.a", "a1.5b", "a:b", "a::b", "a:1",
		"e.g. this", "i.e.", "U.S.A.", "Kooth.com and www.example.org", "end.",
		"EHCP's 20-week", "0800 123 4567", "£300 – about 3½ hours", "naïve café", "Zoë's",
		"don’t", "child’s", "Åland", "ΣΊΣΥΦΟΣ", "İstanbul", "ǅemal", "x\u0301y", "\u0301a", "a \u0301",
		"שלום\"ם", "日本語のテキスト", "カタカナ_テスト", "한국어", "🙂 emoji", "a\u00adb",
		"line\r\nbreak\nhere\ttab", "\x00\x01\x7f", "\xff\xfe bad utf8 \xc3", "ab\xc3",
		"SEND: special educational needs; disabilities, too.", "Q&A / FAQ (0-25)",
		`He said "hello" and 'bye'`, "mid\"quote", "5'6\"", "A.B.1", "2.0's", "x.y_z.1",
	} {
		checkAsBleve(t, ours, chain, text)
	}
}

// TestWordsAsBleveOnRandomText builds texts from the pieces where word
// breaks are decided: letters, digits, every ASCII joiner, spaces,
// punctuation, and non-ASCII letters, digits, marks and apostrophes.
func TestWordsAsBleveOnRandomText(t *testing.T) {
	ours, chain := textAnalyzer(), bleveChain(t)
	pieces := []string{
		"a", "b", "Z", "s", "S", "the", "Parents", "1", "9", "_", ".", ",", ";", ":", "'", `"`,
		" ", "  ", "-", "/", "(", ")", "\n", "\r\n", "\t", "&", "£", "’", "‘", "é", "É", "\u0301",
		"\u00ad", "٣", "ש", "日", "カ", "🙂", "\u200d", "\xff", "·", "σ", "Σ",
	}
	r := rand.New(rand.NewPCG(7, 11))
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		checkAsBleve(t, ours, chain, b.String())
	}
}

// TestWordsAsBleveOnCorpora checks every passage, title and heading of
// the embedded corpus and, when it is beside the checkout, the shared one.
func TestWordsAsBleveOnCorpora(t *testing.T) {
	ours, chain := textAnalyzer(), bleveChain(t)
	check := func(c *corpus.Corpus) int {
		n := 0
		for _, d := range c.Documents {
			checkAsBleve(t, ours, chain, d.Title)
			for _, p := range d.Passages {
				checkAsBleve(t, ours, chain, p.Section)
				checkAsBleve(t, ours, chain, p.Text)
				n++
			}
		}
		return n
	}
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	if n := check(c); n < 100 {
		t.Fatalf("checked %d passages of the embedded corpus; want its hundreds", n)
	}
	const shared = "../../shared/corpus"
	if _, err := os.Stat(shared); err != nil {
		t.Skip("../shared/corpus not found; the embedded corpus was checked, the shared one is in CI")
	}
	if c, err = corpus.Load(os.DirFS(shared)); err != nil {
		t.Fatal(err)
	}
	if n := check(c); n < 1000 {
		t.Fatalf("checked %d passages of the shared corpus; want its thousands", n)
	}
}

func FuzzWordsAsBleve(f *testing.F) {
	for _, s := range []string{"don't", "3.5 km", "a_1.b", "Zoë's café", "x\u0301y", "1,000;2"} {
		f.Add(s)
	}
	ours, chain := textAnalyzer(), bleveChain(f)
	f.Fuzz(func(t *testing.T, text string) {
		checkAsBleve(t, ours, chain, text)
	})
}

// TestWordCacheStartsAgainWhenFull: a text of more distinct words than a
// cache holds is analysed as bleve would, and the cache stays bounded.
func TestWordCacheStartsAgainWhenFull(t *testing.T) {
	ours, chain := textAnalyzer(), bleveChain(t)
	var b strings.Builder
	for i := range maxCachedWords + 100 {
		fmt.Fprintf(&b, "w%dx ", i)
	}
	checkAsBleve(t, ours, chain, b.String())
	c := wordCaches.Get().(*wordCache)
	defer wordCaches.Put(c)
	if len(c.words) > maxCachedWords {
		t.Fatalf("a cache holds %d words; at most %d", len(c.words), maxCachedWords)
	}
}
