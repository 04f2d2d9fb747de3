package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bleveindex "github.com/blevesearch/bleve_index_api"
	bolt "go.etcd.io/bbolt"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index/internal/maxscore"
	"github.com/sendbot/sendbot/internal/english"
)

var (
	// ErrNoWords means the question had no searchable words: it was empty,
	// or only punctuation, symbols or very common words.
	ErrNoWords = errors.New("no words to search for")
	// ErrTooLong means the question is longer than MaxQueryRunes.
	ErrTooLong = errors.New("question too long")
	// ErrBusy means another process is writing the index.
	ErrBusy = errors.New("index is being written by another process")
	// ErrUnknownArea means the query named an area the index has no documents for.
	ErrUnknownArea = errors.New("unknown area")
)

const (
	// MaxQueryRunes is the longest question Search accepts.
	MaxQueryRunes = 1000
	// DefaultK is how many passages Search returns when Query.K is zero.
	DefaultK = 3
	// openTimeout is how long Open waits for another process's lock.
	openTimeout = 5 * time.Second
)

// Query is a parent's question.
type Query struct {
	// Text is the question as typed. It is analysed as plain words only.
	Text string
	// Area is the area the question is asked in (a server's or channel's
	// default), compared case-insensitively: it is answered from that
	// area's documents and the national ones, never another area's. An
	// area the question itself names ("…in Otherton") takes its place. A
	// UK place the index has no documents for is answered from the
	// national documents alone (see Result.Uncovered).
	Area string
	// K is how many passages to return; zero means DefaultK.
	K int
}

// Span is a byte range [Start, End) in a Hit's Text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// KindGlossary is the Kind of a Hit that is a glossary meaning rather
// than a passage of a document.
const KindGlossary = "glossary"

// Hit is one passage to show, with its source.
type Hit struct {
	ID        string
	Title     string
	SourceURL string
	Publisher string
	Area      string
	Kind      string
	// Published is "2006-01-02", or "" when the date is not known.
	Published string
	Section   string
	Page      int
	Path      string
	// Text is exactly what is shown: at most MaxShownRunes of the
	// passage, the sentences around its best match, with "…" where cut.
	Text string
	// Matches are the words in Text that matched the question, to show in bold.
	Matches []Span
	// Jargon are glossary terms Text uses, with their meaning, to show
	// beside the quote.
	Jargon []Jargon
	// Score is the model's score of the passage (see Model).
	Score float64
	// Coverage is the share of the question's weight this passage matches,
	// counting only words the index holds, each weighted by its rarity.
	Coverage float64
}

// PassageID is the passage's own ID (corpus.Passage.ID: a hash of its
// document, section and text), without its document's path (see passageID):
// short enough to name the passage in a button.
func (h Hit) PassageID() string {
	return h.ID[strings.LastIndexByte(h.ID, '#')+1:]
}

// ShownDate is the publication date as parents read it, "4 July 2025", or
// "date unknown".
func (h Hit) ShownDate() string {
	t, err := time.Parse(time.DateOnly, h.Published)
	if err != nil {
		return "date unknown"
	}
	return t.Format("2 January 2006")
}

// Result is the answer to a Query.
type Result struct {
	// Hits are the passages to show, best first. When the question asks
	// what a glossary term means, the first is its meaning (Kind
	// KindGlossary) with the glossary's source.
	Hits []Hit
	// Answered is false when the bot should decline: nothing matched well
	// enough to be shown as an answer. Hits may still hold weak matches.
	Answered bool
	// Confidence is the model's probability that the answer is right to
	// give (see Model); Answered is whether it reached the threshold.
	Confidence float64
	// Area is the area searched ("" for all), as shown to parents.
	Area string
	// Uncovered is the place the question is about when the documents
	// have nothing local there ("Leeds", "Cheltenham", "Cardiff"): a
	// question naming it is declined; one asked in it is answered from
	// the national documents alone. UncoveredArea is the council area it
	// is in ("Gloucestershire"), and Country its country: outside
	// England, the law and services are another country's.
	Uncovered     string
	UncoveredArea string
	Country       string
	// Signposts are, when the bot declines, where to ask instead: the
	// area's Local Offer and its independent information, advice and
	// support service, and national advice on the question, as the
	// documents give them; never a law or regulation. Empty when the
	// documents have none.
	Signposts []Signpost
	// Corrections are misspelt words and what was searched for instead.
	Corrections []Correction
	// Unknown are words of the question no document uses.
	Unknown []string
	// Rephrased is, when the bot would have declined a question that ends
	// or starts with everyday words ("how do i get an EHCP thanks in
	// advance"), the question without some of them, which it answered
	// instead; LeftOut is the words it left out (rephrase.go).
	Rephrased string
	LeftOut   string
	// Terms are the analysed words that were searched for.
	Terms []string
	Took  time.Duration
}

// Index is an open, read-only sendbot index. It is safe for concurrent use.
type Index struct {
	bleve    bleve.Index
	info     Info
	areas    map[string]string // area key -> shown name
	analyzer analysis.Analyzer
	pairs    pairFilter // the pairs field's, to search it
	vocab    *vocabulary
	filler   map[string]bool
	places   *placeList
	// glossaryWords and terms are the words misspellings are corrected
	// to, besides English ones (spelling.go).
	glossaryWords *english.Words
	glossaryPairs wordPairs
	// glossaryTerms are the glossary's terms of one word, and knownWords
	// what Knows has answered (knows.go).
	glossaryTerms map[string]bool
	knownWords    knownWords
	terms         indexTerms
	kinds         kindIndex // each passage's kind, for intent.go
	model         *Model
	// fallback is whether the index has fallback documents, which answer
	// only a question the others do not.
	fallback  bool
	catalogue []DocumentInfo // every document, in the order Documents lists them
	dir       string
	signs     signpostCache
}

// Open opens the index in dir. It returns an error wrapping ErrNoIndex when
// there is none, and ErrOldMapping when it was built by another version.
func Open(dir string) (*Index, error) {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("open index %q: %w", dir, ErrNoIndex)
	}
	// Read-only opens share the folder's lock, so several readers (serve,
	// ask, search) can have it open at once; a writer holding it makes
	// Open fail after openTimeout instead of waiting for ever.
	b, err := bleve.OpenUsing(dir, map[string]any{"read_only": true, "bolt_timeout": openTimeout.String()})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open index %q: %w", dir, ErrBusy)
	}
	if err != nil {
		return nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	data, err := b.GetInternal(metaKey)
	var info Info
	if err == nil && len(data) > 0 {
		err = json.Unmarshal(data, &info)
	}
	if err != nil || len(data) == 0 || info.MappingVersion != MappingVersion {
		b.Close()
		return nil, fmt.Errorf("open index %q (mapping version %d, want %d): %w", dir, info.MappingVersion, MappingVersion, ErrOldMapping)
	}
	var g corpus.Glossary
	if data, err := b.GetInternal(glossaryKey); err != nil || json.Unmarshal(data, &g) != nil {
		b.Close()
		return nil, fmt.Errorf("open index %q: its glossary cannot be read: %w", dir, ErrOldMapping)
	}
	catalogue, err := loadCatalogue(b)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("open index %q: its list of documents cannot be read: %w", dir, ErrOldMapping)
	}
	ix := &Index{bleve: b, info: info, catalogue: catalogue, dir: dir, areas: map[string]string{}}
	ix.analyzer = b.Mapping().AnalyzerNamed(analyzer)
	ix.pairs = pairFilterOf(b.Mapping().AnalyzerNamed(pairsAnalyzer))
	for _, a := range info.Areas {
		ix.areas[corpus.AreaKey(a.Name)] = a.Name
	}
	ix.vocab = newVocabulary(ix.analyzer, g)
	ix.glossaryWords = glossaryWordsOf(ix.vocab)
	ix.glossaryPairs = glossaryPairsOf(ix.vocab)
	ix.glossaryTerms = glossaryTermsOf(ix.vocab)
	ix.places = newPlaceList(ix.Areas(), english.Dictionary())
	ix.model = DefaultModel()
	if ix.fallback, err = ix.hasFallback(); err != nil {
		b.Close()
		return nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	return ix, nil
}

// hasFallback reports whether the index has passages of fallback documents.
func (ix *Index) hasFallback() (bool, error) {
	r, err := ix.reader()
	if err != nil {
		return false, err
	}
	defer r.Close()
	n, err := maxscore.Count(context.Background(), r, maxscore.Term{Field: fieldScope, Word: scopeFallback})
	return n > 0, err
}

// Info returns what the index recorded when it was built.
func (ix *Index) Info() Info { return ix.info }

// Areas returns the names of the areas the index holds documents for.
func (ix *Index) Areas() []string {
	out := make([]string, 0, len(ix.info.Areas))
	for _, a := range ix.info.Areas {
		out = append(out, a.Name)
	}
	return out
}

// Close closes the index.
func (ix *Index) Close() error {
	return ix.bleve.Close()
}

// SetModel makes the index answer with m instead of the built-in model.
// It is for eval, which measures models before they are built in.
func (ix *Index) SetModel(m *Model) { ix.model = m }

// Search finds the passages that best answer q, in five stages, each in a
// file of its own: understand the question (understand.go), retrieve a
// wide set of candidates with bleve (retrieve.go), rerank them with the
// model (rerank.go), decide whether they answer (decide.go), and show
// the best (show.go). When it declines, it answers the question without
// everyday words at its end or start, if it can (rephrase.go).
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	start := time.Now()
	res, _, err := ix.search(ctx, q, nil, false)
	res.Took = time.Since(start)
	return res, err
}

// rank retrieves, reranks and decides (stages 2 to 4): the candidates
// best first, and whether they answer, with what confidence. The
// fallback documents are among the candidates only with withFallback.
func (ix *Index) rank(ctx context.Context, r bleveindex.IndexReader, qu question, off without, withFallback, exact bool) ([]candidate, bool, float64, error) {
	ranked, err := ix.retrieve(ctx, r, qu, withFallback, exact)
	if err != nil {
		return nil, false, 0, err
	}
	ix.describe(qu, ranked)
	ix.model.rerank(ranked)
	if !off[NearCopies] {
		moveNearCopies(ranked, func(c *candidate) wordRuns { return threeWordRuns(c.str(fieldText)) })
	}
	answered, confidence := ix.model.decide(qu, ranked, ix.info.Passages)
	return ranked, answered, confidence, nil
}

// search runs the stages, leaving out the components in off. With trace
// set it also returns every candidate as eval learns from them.
func (ix *Index) search(ctx context.Context, q Query, off without, trace bool) (Result, *Trace, error) {
	res, t, err := ix.searchOnce(ctx, q, off, trace)
	if err != nil {
		return res, t, err
	}
	res = ix.leaveOut(ctx, q, off, res, t)
	if t != nil {
		t.Result = res
	}
	return res, t, nil
}

// searchOnce is search without a second reading of a declined question.
func (ix *Index) searchOnce(ctx context.Context, q Query, off without, trace bool) (Result, *Trace, error) {
	text := strings.TrimSpace(q.Text)
	if n := utf8.RuneCountInString(text); n > MaxQueryRunes {
		return Result{}, nil, fmt.Errorf("%w: %d characters, at most %d", ErrTooLong, n, MaxQueryRunes)
	}
	k := q.K
	if k <= 0 {
		k = DefaultK
	}
	// One reader for every count the question takes.
	r, err := ix.reader()
	if err != nil {
		return Result{}, nil, fmt.Errorf("search: %w", err)
	}
	defer r.Close()
	qu, err := ix.understand(ctx, r, q, off)
	if err != nil {
		return Result{}, nil, err
	}
	if len(qu.concepts) == 0 && qu.define == nil {
		return Result{}, nil, ErrNoWords
	}
	ranked, answered, confidence, err := ix.rank(ctx, r, qu, off, false, trace)
	if err == nil && !answered && ix.fallback {
		// The fallback documents answer only what the others do not.
		var again []candidate
		var ok bool
		again, ok, confidence, err = ix.rank(ctx, r, qu, off, true, trace)
		if ok {
			ranked, answered = again, true
		}
	}
	if err != nil {
		return Result{}, nil, err
	}

	res := Result{Answered: answered, Confidence: confidence, Uncovered: qu.uncovered, UncoveredArea: qu.uncoveredArea, Country: qu.country}
	if qu.areaKey != noLocalArea {
		res.Area = ix.areas[qu.areaKey]
	}
	for _, c := range ranked[:min(k, len(ranked))] {
		res.Hits = append(res.Hits, ix.hit(qu, c, off))
	}
	if qu.define != nil && !qu.aboutUncovered() {
		res.Hits = append([]Hit{definitionHit(qu.define)}, res.Hits...)
		res.Hits = res.Hits[:min(k, len(res.Hits))]
		res.Answered, res.Confidence = true, 1
	}
	res.Terms = qu.terms()
	res.Unknown = qu.unknown
	res.Corrections = ix.shownCorrections(qu, res.Hits)
	if !res.Answered {
		res.Signposts = ix.signposts(ctx, qu, ranked)
	}
	var t *Trace
	if trace {
		t = ix.traceOf(qu, ranked, off, res)
	}
	return res, t, nil
}
