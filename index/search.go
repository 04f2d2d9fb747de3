package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
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
	minCoverage = 0.6
	// openTimeout is how long Open waits for another process's lock.
	openTimeout = 5 * time.Second
	// maxQueryTerms caps the distinct terms a query uses.
	maxQueryTerms = 32
)

// Query is a parent's question.
type Query struct {
	// Text is the question as typed. It is analysed as plain words only.
	Text string
	// Area is the area the question is asked in (a server's or channel's
	// default), compared case-insensitively. Passages from that area and
	// national ones come first; other areas are searched only when
	// nothing there answers, and their hits are marked OtherArea. An area
	// the question itself names ("…in Otherton") takes its place.
	Area string
	// K is how many passages to return; zero means DefaultK.
	K int
	// Now is the time answers are dated against; zero means time.Now().
	Now time.Time
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
	// Text is exactly what is shown: at most MaxShownRunes of the passage,
	// cut on word boundaries around the matched words, with "…" where cut.
	Text string
	// Matches are the words in Text that matched the question, to show in bold.
	Matches []Span
	// Jargon are glossary terms Text uses, with their meaning, to show
	// beside the quote.
	Jargon []Jargon
	// OtherArea is set when the passage is from another area than the one
	// asked about, shown only because nothing there answered.
	OtherArea bool
	Score     float64
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
	// Area is the area searched ("" for all), as shown to parents.
	Area string
	// OtherAreas is set when nothing in Area answered and the hits come
	// from other areas.
	OtherAreas bool
	// Signposts are, when the bot declines, where to ask instead: the
	// area's Local Offer and its independent information, advice and
	// support service, as the documents give them. Empty when the
	// documents have neither.
	Signposts []Signpost
	// Corrections are misspelt words and what was searched for instead.
	Corrections []Correction
	// Unknown are words of the question no document uses.
	Unknown []string
	// Terms are the analysed words that were searched for.
	Terms []string
	Took  time.Duration
}

// Index is an open, read-only sendbot index. It is safe for concurrent use.
type Index struct {
	bleve     bleve.Index
	info      Info
	areas     map[string]string // area key -> shown name
	areaTerms map[string][]string
	analyzer  analysis.Analyzer
	pairs     pairFilter // the pairs field's, to search it
	vocab     *vocabulary
	filler    map[string]bool
	catalogue []DocumentInfo // every document, in the order Documents lists them
	dir       string
	signs     signpostCache
	// parts are where each part of a search starts, after the first
	// (see partsFor); nil for one search.
	parts      []uint64
	areaParts  areaParts // the parts of a search in an area
	holdsFloor bool      // see heapFloor
	closeOnce  sync.Once
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
	ix := &Index{bleve: b, info: info, catalogue: catalogue, dir: dir, areas: map[string]string{}, filler: map[string]bool{}}
	docs, err := b.DocCount()
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	ix.parts = partsFor(docs, runtime.GOMAXPROCS(0))
	if ix.parts != nil {
		holdHeapFloor()
		ix.holdsFloor = true
	}
	ix.analyzer = b.Mapping().AnalyzerNamed(analyzer)
	ix.pairs = pairFilterOf(b.Mapping().AnalyzerNamed(pairsAnalyzer))
	for _, a := range info.Areas {
		ix.areas[corpus.AreaKey(a.Name)] = a.Name
	}
	ix.areaTerms = areaTermsFor(ix)
	ix.vocab = newVocabulary(ix.analyzer, g)
	for _, w := range fillerWords {
		for _, t := range tokenize(ix.analyzer, w) {
			ix.filler[t.term] = true
		}
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
func (ix *Index) Close() error {
	ix.closeOnce.Do(func() {
		if ix.holdsFloor {
			releaseHeapFloor()
		}
	})
	return ix.bleve.Close()
}

// Search finds the passages that best answer q.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	start := time.Now()
	text := strings.TrimSpace(q.Text)
	if utf8.RuneCountInString(text) > MaxQueryRunes {
		return Result{}, fmt.Errorf("%w: %d characters, at most %d", ErrTooLong, utf8.RuneCountInString(text), MaxQueryRunes)
	}
	k := q.K
	if k <= 0 {
		k = DefaultK
	}
	now := q.Now
	if now.IsZero() {
		now = time.Now()
	}
	var areaKey string
	if strings.TrimSpace(q.Area) != "" {
		areaKey = corpus.AreaKey(q.Area)
		if _, ok := ix.areas[areaKey]; !ok {
			return Result{}, fmt.Errorf("%w %q: this index has %s", ErrUnknownArea, q.Area, strings.Join(ix.Areas(), ", "))
		}
	}
	p := ix.plan(ctx, text)
	if len(p.concepts) == 0 && p.define == nil {
		return Result{}, ErrNoWords
	}
	if p.areaKey != "" {
		areaKey = p.areaKey
	}
	if corpus.IsNational(ix.areas[areaKey]) {
		areaKey = "" // asking about England is asking everywhere
	}

	res, err := ix.searchIn(ctx, p, areaKey, k, now)
	if err != nil {
		return Result{}, err
	}
	if !res.Answered && areaKey != "" {
		wide, err := ix.searchIn(ctx, p, "", k, now)
		if err != nil {
			return Result{}, err
		}
		if wide.Answered {
			for i := range wide.Hits {
				h := &wide.Hits[i]
				h.OtherArea = corpus.AreaKey(h.Area) != areaKey && !corpus.IsNational(h.Area)
				wide.OtherAreas = wide.OtherAreas || h.OtherArea
			}
			res = wide
		}
	}
	if p.define != nil {
		res.Hits = append([]Hit{definitionHit(p.define)}, res.Hits...)
		if len(res.Hits) > k {
			res.Hits = res.Hits[:k]
		}
		res.Answered = true
	}
	res.Area = ix.areas[areaKey]
	res.Terms = p.terms()
	res.Unknown = p.unknown
	res.Corrections = ix.shownCorrections(p, res.Hits)
	if !res.Answered {
		res.Signposts = ix.signposts(ctx, areaKey)
	}
	res.Took = time.Since(start)
	return res, nil
}

// candidates is how many passages bleve ranks before sendbot reranks them
// for dates, coverage and variety.
const candidates = 60

// searchIn runs the plan in one area ("" for all) and ranks the hits.
func (ix *Index) searchIn(ctx context.Context, p plan, areaKey string, k int, now time.Time) (Result, error) {
	var res Result
	if p.knownShare() == 0 {
		return res, nil
	}
	q := ix.query(p)
	if areaKey != "" {
		q.must = inArea(areaKey)
	}
	if err := ix.countUses(ctx, &q, p.uses); err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	parts, err := ix.partsIn(ctx, areaKey)
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	sr, err := ix.searchParts(ctx, candidateRequest(q), parts)
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	ranked := rank(ix.candidates(sr.Hits, p), now, areaKey != "")
	for _, c := range pick(ranked, k) {
		h := ix.hit(c)
		res.Hits = append(res.Hits, h)
	}
	// Answer only when most of the question is about things the documents
	// mention at all, and the best passage covers most of that.
	res.Answered = p.knownShare() > minKnown && len(res.Hits) > 0 && res.Hits[0].Coverage >= minCoverage
	return res, nil
}

// countUses sets q.uses: from known, and from the index for the rest.
func (ix *Index) countUses(ctx context.Context, q *bestQuery, known map[leaf]uint64) error {
	r, err := ix.reader()
	if err != nil {
		return err
	}
	defer r.Close()
	q.uses, err = leafUses(ctx, r, *q, known)
	return err
}

// inArea matches the passages of one area and the national ones.
func inArea(areaKey string) *clause {
	area := termClause(fieldAreaKey, areaKey, 1)
	national := termClause(fieldScope, scopeNational, 1)
	return &clause{
		q:      bleve.NewDisjunctionQuery(area.q, national.q),
		leaves: append(area.leaves, national.leaves...),
	}
}

// candidateRequest asks bleve for the candidates matching q: the best
// ones, with their stored fields and where their matched words are.
func candidateRequest(q query.Query) *bleve.SearchRequest {
	req := bleve.NewSearchRequestOptions(q, candidates, 0, false)
	req.Fields = storedFields
	req.IncludeLocations = true
	return req
}

// minKnown is the share of a question's concepts the documents must use
// more than, for the bot to answer at all: half the words of "cheap
// flights to spain" being known is not enough.
const minKnown = 0.5

// definitionHit shows a glossary meaning as the first answer to "What is X?".
func definitionHit(t *term) Hit {
	h := Hit{
		ID:        "glossary:" + t.Headword(),
		Title:     t.Source.Title,
		SourceURL: t.Source.URL,
		Publisher: "sendbot glossary",
		Kind:      KindGlossary,
		Section:   "What " + t.Headword() + " means",
		Text:      t.Headword() + ": " + t.Meaning,
		Coverage:  1,
	}
	if d, err := time.Parse(time.DateOnly, t.Source.Published); err == nil {
		h.Published = d.Format(time.DateOnly)
	}
	if len(t.Terms) > 1 {
		h.Text = t.Headword() + " (" + strings.Join(t.Terms[1:], ", ") + "): " + t.Meaning
	}
	return h
}

// shownCorrections gives each correction the word as the documents write
// it, taken from a shown passage that uses it, rather than the index term
// (the stem) it was planned with. Each passage is analysed once.
func (ix *Index) shownCorrections(p plan, hits []Hit) []Correction {
	out := append([]Correction(nil), p.corrections...)
	found := make([]bool, len(out))
	left := len(out)
	for _, h := range hits {
		if left == 0 {
			break
		}
		for _, t := range tokenize(ix.analyzer, h.Text) {
			for k, c := range p.corrections {
				if !found[k] && t.term == c.To {
					out[k].To = strings.ToLower(h.Text[t.start:t.end])
					found[k] = true
					left--
				}
			}
		}
	}
	return out
}

// candidate is one passage bleve found, with what sendbot ranks it by.
type candidate struct {
	dm       *search.DocumentMatch
	doc      string // the document it is from
	service  bool   // a service to contact, rather than a report or page
	coverage float64
	score    float64 // bleve's score, adjusted for coverage and date
	matches  matches
	// explains is set when the passage's heading asks what the question
	// asks ("What is mediation?").
	explains bool
}

func (ix *Index) candidates(dms search.DocumentMatchCollection, p plan) []candidate {
	total := 0.0
	for _, c := range p.concepts {
		if c.known && !c.optional {
			total += c.weight
		}
	}
	out := make([]candidate, 0, len(dms))
	for _, dm := range dms {
		str := func(f string) string { s, _ := dm.Fields[f].(string); return s }
		c := candidate{dm: dm, doc: str(fieldPath) + "|" + str(fieldTitle), service: str(fieldKind) == "service"}
		c.matches = ix.matchesOf(dm)
		covered := 0.0
		for _, con := range p.concepts {
			if con.known && !con.optional && con.matchedBy(c.matches.terms) {
				covered += con.weight
			}
		}
		if total > 0 {
			c.coverage = covered / total
		}
		c.explains = ix.explains(p, lastHeading(str(fieldSection)), str(fieldText))
		out = append(out, c)
	}
	return out
}

// matches are what of the question a passage matched, from its bleve
// match's locations.
type matches struct {
	// terms are the index terms it matched, in any field; a pair of
	// common words matched counts as its two words.
	terms map[string]bool
	// located are the words of its text that bleve located, for the
	// phrases.
	located []Span
	// textTerms and pairs were matched by bare clauses, which locate
	// nothing: wherever the text has them is a match (see spans).
	textTerms, pairs map[string]bool
}

// matchesOf reads what dm matched from its locations.
func (ix *Index) matchesOf(dm *search.DocumentMatch) matches {
	m := matches{terms: map[string]bool{}, textTerms: map[string]bool{}, pairs: map[string]bool{}}
	text, _ := dm.Fields[fieldText].(string)
	for field, byTerm := range dm.Locations {
		for t, locs := range byTerm {
			if field == fieldPairs {
				for _, w := range pairWords(t) {
					m.terms[w] = true
				}
			} else {
				m.terms[t] = true
			}
			if field != fieldText && field != fieldPairs {
				continue
			}
			for _, l := range locs {
				switch {
				case isBareMatch(l) && field == fieldPairs:
					m.pairs[t] = true
				case isBareMatch(l):
					m.textTerms[t] = true
				case field == fieldPairs:
					// A pair bleve's own search located (the tests
					// compare with it): its words are shown where it is.
					m.located = append(m.located, ix.wordSpans(text, int(l.Start), int(l.End))...)
				default:
					m.located = append(m.located, Span{Start: int(l.Start), End: int(l.End)})
				}
			}
		}
	}
	return m
}

// spans are the matched words of text, the passage m is of, in order:
// those bleve located, and every place the text has a word or a pair of
// words that a bare clause matched. A term query's locations are every
// place its field has the term, so these are the spans bleve would have
// located. The text is analysed only when a bare clause matched.
func (ix *Index) spans(m matches, text string) []Span {
	out := append([]Span(nil), m.located...)
	if len(m.textTerms) > 0 || len(m.pairs) > 0 {
		toks := ix.analyzer.Analyze([]byte(text))
		for _, t := range toks {
			if m.textTerms[string(t.Term)] {
				out = append(out, Span{Start: t.Start, End: t.End})
			}
		}
		if len(m.pairs) > 0 {
			for _, p := range ix.pairs.Filter(toks) {
				if m.pairs[string(p.Term)] {
					out = append(out, ix.wordSpans(text, p.Start, p.End)...)
				}
			}
		}
	}
	out = uniqueSpans(out)
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// wordSpans are the spans of the words of text[start:end].
func (ix *Index) wordSpans(text string, start, end int) []Span {
	if start < 0 || end > len(text) || start >= end {
		return nil
	}
	var out []Span
	for _, t := range tokenize(ix.analyzer, text[start:end]) {
		out = append(out, Span{Start: start + t.start, End: start + t.end})
	}
	return out
}

// uniqueSpans drops repeated spans: a word found both alone and in a pair.
func uniqueSpans(spans []Span) []Span {
	seen := make(map[Span]bool, len(spans))
	out := spans[:0]
	for _, s := range spans {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// lastHeading is the heading right above a passage, the last part of its
// section trail ("Mediation › What is mediation?").
func lastHeading(section string) string {
	if i := strings.LastIndex(section, "›"); i >= 0 {
		return section[i+len("›"):]
	}
	return section
}

// matchedBy reports whether a passage that matched these terms says the
// concept in any of its names.
func (c concept) matchedBy(matched map[string]bool) bool {
	for _, a := range c.alts {
		all := true
		for _, t := range a.terms {
			if !matched[t] {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func (ix *Index) hit(c candidate) Hit {
	dm := c.dm
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
		Score:     c.score,
		Coverage:  c.coverage,
	}
	if p, ok := dm.Fields[fieldPage].(float64); ok {
		h.Page = int(p)
	}
	h.Text, h.Matches = window(str(fieldText), ix.spans(c.matches, str(fieldText)), MaxShownRunes)
	h.Jargon = ix.vocab.jargon(ix.analyzer, h.Text)
	return h
}
