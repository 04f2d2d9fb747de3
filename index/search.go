package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bolt "go.etcd.io/bbolt"

	"github.com/sendbot/sendbot/corpus"
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
	// MaxShownRunes is the longest passage text a hit shows.
	MaxShownRunes = 700
	// minCoverage is the share of the question's words the documents must
	// know, and the share of their weight (words weighted by rarity) that
	// the best passage must match, for the bot to answer.
	minCoverage = 0.5
	// openTimeout is how long Open waits for another process's lock.
	openTimeout = 5 * time.Second
	// maxQueryTerms caps the distinct terms a query uses.
	maxQueryTerms = 32
)

// Query is a parent's question.
type Query struct {
	// Text is the question as typed. It is analysed as plain words only.
	Text string
	// Area, when set, keeps results to that area (compared case-insensitively).
	Area string
	// K is how many passages to return; zero means DefaultK.
	K int
}

// Span is a byte range [Start, End) in a Hit's Text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

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
	// Text is exactly what is shown: at most MaxShownRunes of the passage,
	// cut on word boundaries around the matched words, with "…" where cut.
	Text string
	// Matches are the words in Text that matched the question, to show in bold.
	Matches []Span
	Score   float64
	// Coverage is the share of the question's weight this passage matches,
	// counting only words the index holds, each weighted by its rarity.
	Coverage float64
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
	Hits []Hit
	// Answered is false when the bot should decline: nothing matched well
	// enough to be shown as an answer. Hits may still hold weak matches.
	Answered bool
	// Terms are the analysed words that were searched for.
	Terms []string
	Took  time.Duration
}

// Index is an open, read-only sendbot index. It is safe for concurrent use.
type Index struct {
	bleve bleve.Index
	info  Info
	areas map[string]string // area key -> shown name
	dir   string
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
	ix := &Index{bleve: b, info: info, dir: dir, areas: map[string]string{}}
	for _, a := range info.Areas {
		ix.areas[corpus.AreaKey(a.Name)] = a.Name
	}
	return ix, nil
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
func (ix *Index) Close() error { return ix.bleve.Close() }

// Search finds the passages that best answer q.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	start := time.Now()
	text := strings.TrimSpace(q.Text)
	if utf8.RuneCountInString(text) > MaxQueryRunes {
		return Result{}, fmt.Errorf("%w: %d characters, at most %d", ErrTooLong, utf8.RuneCountInString(text), MaxQueryRunes)
	}
	terms := ix.analyse(text)
	if len(terms) == 0 {
		return Result{}, ErrNoWords
	}
	k := q.K
	if k <= 0 {
		k = DefaultK
	}
	var areaKey string
	if strings.TrimSpace(q.Area) != "" {
		areaKey = corpus.AreaKey(q.Area)
		if _, ok := ix.areas[areaKey]; !ok {
			return Result{}, fmt.Errorf("%w %q: this index has %s", ErrUnknownArea, q.Area, strings.Join(ix.Areas(), ", "))
		}
	}

	words := strings.Join(terms, " ")
	fields := []struct {
		name  string
		boost float64
	}{{fieldText, 1}, {fieldSection, 0.6}, {fieldTitle, 0.4}}
	var parts []query.Query
	for _, f := range fields {
		// The terms are already analysed (stemmed), so they are matched
		// as-is with term queries rather than analysed a second time.
		for _, t := range terms {
			tq := bleve.NewTermQuery(t)
			tq.SetField(f.name)
			tq.SetBoost(f.boost)
			parts = append(parts, tq)
		}
	}
	var bq query.Query = bleve.NewDisjunctionQuery(parts...)
	if areaKey != "" {
		aq := bleve.NewTermQuery(areaKey)
		aq.SetField(fieldAreaKey)
		bq = bleve.NewConjunctionQuery(bq, aq)
	}
	req := bleve.NewSearchRequestOptions(bq, k, 0, false)
	req.Fields = storedFields
	req.IncludeLocations = true
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return Result{}, fmt.Errorf("search %q: %w", words, err)
	}

	weights, total, known := ix.termWeights(ctx, terms)
	out := Result{Terms: terms}
	for _, dm := range res.Hits {
		out.Hits = append(out.Hits, ix.hit(dm, weights, total))
	}
	// Answer only when most of the question is about things the documents
	// mention at all, and the best passage covers most of that.
	onTopic := float64(known) >= minCoverage*float64(len(terms))
	out.Answered = onTopic && len(out.Hits) > 0 && out.Hits[0].Coverage >= minCoverage
	out.Took = time.Since(start)
	return out, nil
}

// analyse turns the question into distinct index terms, in order.
func (ix *Index) analyse(text string) []string {
	a := ix.bleve.Mapping().AnalyzerNamed(analyzer)
	seen := map[string]bool{}
	var terms []string
	for _, tok := range a.Analyze([]byte(text)) {
		t := string(tok.Term)
		if seen[t] || tok.Type == analysis.Shingle {
			continue
		}
		seen[t] = true
		terms = append(terms, t)
		if len(terms) == maxQueryTerms {
			break
		}
	}
	return terms
}

// termWeights gives each term its inverse document frequency (in whichever
// of text, section and title holds it most), so that matching a rare word ("umbrella") counts for more than
// matching a common one ("send"). Words the index does not hold at all
// weigh nothing here; known counts the words it does hold.
func (ix *Index) termWeights(ctx context.Context, terms []string) (weights map[string]float64, total float64, known int) {
	n := float64(ix.info.Passages)
	weights = make(map[string]float64, len(terms))
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return weights, 0, 0
	}
	reader, err := adv.Reader()
	if err != nil {
		return weights, 0, 0
	}
	defer reader.Close()
	for _, t := range terms {
		df := 0.0
		for _, field := range []string{fieldText, fieldSection, fieldTitle} {
			tfr, err := reader.TermFieldReader(ctx, []byte(t), field, false, false, false)
			if err != nil {
				continue
			}
			df = math.Max(df, float64(tfr.Count()))
			tfr.Close()
		}
		if df == 0 {
			continue
		}
		w := math.Log(1 + (n-df+0.5)/(df+0.5))
		weights[t] = w
		total += w
		known++
	}
	return weights, total, known
}

func (ix *Index) hit(dm *search.DocumentMatch, weights map[string]float64, total float64) Hit {
	str := func(f string) string { s, _ := dm.Fields[f].(string); return s }
	h := Hit{
		ID:        dm.ID,
		Title:     str(fieldTitle),
		SourceURL: str(fieldSourceURL),
		Publisher: str(fieldPublisher),
		Area:      str(fieldArea),
		Kind:      str(fieldKind),
		Published: str(fieldPublished),
		Section:   str(fieldSection),
		Path:      str(fieldPath),
		Score:     dm.Score,
	}
	if p, ok := dm.Fields[fieldPage].(float64); ok {
		h.Page = int(p)
	}
	matched := map[string]bool{}
	var spans []Span
	for field, byTerm := range dm.Locations {
		for term, locs := range byTerm {
			matched[term] = true
			if field != fieldText {
				continue
			}
			for _, l := range locs {
				spans = append(spans, Span{Start: int(l.Start), End: int(l.End)})
			}
		}
	}
	covered := 0.0
	for t := range matched {
		covered += weights[t]
	}
	if total > 0 {
		h.Coverage = covered / total
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	h.Text, h.Matches = window(str(fieldText), spans, MaxShownRunes)
	return h
}
