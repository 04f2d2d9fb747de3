package index

import (
	"fmt"
	"sync"
	"time"
	"unsafe"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/sendbot/sendbot/corpus"
)

// A build makes each passage's bleve document itself instead of handing
// bleve a map of its fields to map. It makes the same document, field
// for field (TestDocumentsAreTheMappingsDocuments wants the same fields,
// and a segment of them to hold the same), with less work:
//
//   - bleve's mapping finds each field's mapping by reflection, for every
//     passage; here the fields are known.
//   - bleve counts a field's words into a map of one allocation per
//     distinct word, and one more for each word used twice; here a
//     field's counts take four (tokenFrequencies): the terms, their
//     places, the lists of places and the map.
//   - The text and pairs fields read the same words: they are analysed
//     once per passage, into memory that a later passage reuses once
//     both have counted them.
//   - The fields that are the same in every passage of a document (its
//     title, area, kind, path…) are made and analysed once for the
//     document, and shared by its passages' documents, which only read
//     them.

// documentMaker makes passages' documents for one index's mapping.
// Fields that are only stored are never analysed, and have no analyzer.
type documentMaker struct {
	words    *enWords          // sendbot_en
	keywords analysis.Analyzer // the mapping's keyword analyzer
	pairs    pairFilter
}

func newDocumentMaker(m mapping.IndexMapping) (documentMaker, error) {
	words, ok := m.AnalyzerNamed(analyzer).(*enWords)
	if !ok {
		return documentMaker{}, fmt.Errorf("the index's %s analyzer is a %T, not sendbot's", analyzer, m.AnalyzerNamed(analyzer))
	}
	return documentMaker{
		words:    words,
		keywords: m.AnalyzerNamed(keyword.Name),
		pairs:    pairFilterOf(m.AnalyzerNamed(pairsAnalyzer)),
	}, nil
}

// Field options, as the mapping's field mappings give them.
const (
	searchableOptions = bleveindex.IndexField | bleveindex.StoreField | bleveindex.IncludeTermVectors
	pairsOptions      = bleveindex.IndexField | bleveindex.IncludeTermVectors
	storedOptions     = bleveindex.StoreField
)

// document is passage p of d as bleve's mapping makes it of
// passageFields(d, p), with f, the fields d's passages share
// (documentFields of d).
func (m documentMaker) document(d corpus.Document, f *documentFields, p corpus.Passage) *document.Document {
	doc := document.NewDocument(passageID(d, p))
	// The text and pairs fields read the same words of the same bytes,
	// which neither changes.
	words, text := &passageWords{analyzer: m.words, readers: 2}, []byte(p.Text)
	doc.AddField(&passageField{name: fieldText, options: searchableOptions, value: text, words: words})
	doc.AddField(&passageField{name: fieldPairs, options: pairsOptions, value: text, words: words, pairs: &m.pairs})
	doc.AddField(f.title)
	doc.AddField(&passageField{name: fieldSection, options: searchableOptions, value: []byte(p.Section), words: &passageWords{analyzer: m.words, readers: 1}})
	doc.AddField(f.area)
	doc.AddField(f.areaKey)
	doc.AddField(f.kind)
	doc.AddField(f.published)
	doc.AddField(f.publisher)
	doc.AddField(f.sourceURL)
	doc.AddField(f.path)
	doc.AddField(document.NewNumericFieldWithIndexingOptions(fieldPage, nil, float64(p.Page), storedOptions))
	doc.AddField(f.scope)
	return doc
}

// documentFields are the fields a document's passages share. Those bleve
// would analyse are analysed when made (sharedField); the others are
// only stored, and bleve never changes a stored field.
type documentFields struct {
	title, area, areaKey, kind, published, publisher, sourceURL, path, scope document.Field
}

// documentFields are d's fields that all its passages share. (Several
// documents can have one path: each service of a directory file.)
func (m documentMaker) documentFields(d corpus.Document) *documentFields {
	published := ""
	if !d.Published.IsZero() {
		published = d.Published.Format(time.DateOnly)
	}
	title := &passageField{name: fieldTitle, options: searchableOptions, value: []byte(d.Title), words: &passageWords{analyzer: m.words, readers: 1}}
	title.Analyze()
	keyword := func(name, value string, options bleveindex.FieldIndexingOptions) document.Field {
		f := document.NewTextFieldCustom(name, nil, []byte(value), options, m.keywords)
		f.Analyze()
		return sharedField{f}
	}
	stored := func(name, value string) document.Field {
		return document.NewTextFieldCustom(name, nil, []byte(value), storedOptions, nil)
	}
	return &documentFields{
		title:     sharedField{title},
		area:      stored(fieldArea, d.Area),
		areaKey:   keyword(fieldAreaKey, corpus.AreaKey(d.Area), bleveindex.IndexField),
		kind:      keyword(fieldKind, d.Kind, bleveindex.IndexField|bleveindex.StoreField),
		published: stored(fieldPublished, published),
		publisher: stored(fieldPublisher, d.Publisher),
		sourceURL: stored(fieldSourceURL, d.SourceURL),
		path:      keyword(fieldPath, d.Path, bleveindex.IndexField|bleveindex.StoreField),
		scope:     keyword(fieldScope, scope(d), bleveindex.IndexField),
	}
}

// sharedField is an analysed field shared by the documents of a
// document's passages: analysed once, when made, so that Analyze, which
// bleve calls for each document on goroutines of its own, changes nothing.
type sharedField struct {
	document.Field
}

func (sharedField) Analyze() {}

// passageWords are a text's words, analysed once for the fields that
// read them, in memory that the next text reuses once they all have.
type passageWords struct {
	analyzer *enWords
	mu       sync.Mutex
	readers  int // fields still to read the words
	buf      *tokenBuf
	tokens   analysis.TokenStream
}

// read calls f with the words of text, the same text for every reader.
// f must not keep them.
func (w *passageWords) read(text []byte, f func(analysis.TokenStream)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf == nil && w.readers > 0 {
		w.buf = tokenBufs.Get().(*tokenBuf)
		w.tokens = w.analyzer.analyze(text, w.buf)
	}
	f(w.tokens)
	if w.readers--; w.readers == 0 {
		tokenBufs.Put(w.buf)
		w.buf, w.tokens = nil, nil
	}
}

// passageField is bleve's document.TextField for a field that sendbot
// analyses and keeps the places of words in, with the words counted in a
// few allocations.
type passageField struct {
	name    string
	options bleveindex.FieldIndexingOptions
	value   []byte
	words   *passageWords
	pairs   *pairFilter // if the field holds the pairs of the words

	length int
	freqs  bleveindex.TokenFrequencies // from Analyze
	size   int                         // of freqs, as TokenFrequencies.Size says
}

func (f *passageField) Name() string                             { return f.name }
func (f *passageField) ArrayPositions() []uint64                 { return nil }
func (f *passageField) Options() bleveindex.FieldIndexingOptions { return f.options }
func (f *passageField) Value() []byte                            { return f.value }
func (f *passageField) NumPlainTextBytes() uint64                { return uint64(len(f.value)) }
func (f *passageField) EncodedFieldType() byte                   { return 't' }
func (f *passageField) AnalyzedLength() int                      { return f.length }

func (f *passageField) AnalyzedTokenFrequencies() bleveindex.TokenFrequencies { return f.freqs }

// Size is what document.TextField says for the same field.
func (f *passageField) Size() int {
	return textFieldSize + len(f.name) + len(f.value) + f.size
}

// The sizes that Size and tokenFrequencies add up, as bleve counts them.
var (
	textFieldSize = (&document.TextField{}).Size()
	freqsSize     = bleveindex.TokenFrequencies{}.Size()
	termSize      = bleveindex.TokenFrequencies{"": &bleveindex.TokenFreq{}}.Size() - freqsSize // a term of no bytes
	placeSize     = (&bleveindex.TokenLocation{}).Size()
)

// Analyze counts the field's words as analysis.TokenFrequency does, with
// each word's places in the order of the text.
func (f *passageField) Analyze() {
	f.words.read(f.value, func(tokens analysis.TokenStream) {
		if f.pairs != nil {
			tokens = f.pairs.Filter(tokens)
		}
		f.length = len(tokens)
		f.freqs, f.size = tokenFrequencies(tokens)
	})
	f.words = nil
}

// tokenFrequencies is analysis.TokenFrequency for a field with term
// vectors and no array positions: each distinct term with its count and
// places. The terms, the places, the lists of places and the map are one
// allocation each, and a term's key in the map is its own bytes, which
// nothing changes once analysed (enWords shares a word's term between
// its tokens; a pair's is made for it). size is what
// TokenFrequencies.Size says of the map.
func tokenFrequencies(tokens analysis.TokenStream) (freqs bleveindex.TokenFrequencies, size int) {
	s := termScratches.Get().(*termScratch)
	defer termScratches.Put(s)
	size = freqsSize + len(tokens)*placeSize
	of, first := s.of[:0], s.first[:0] // each token's term; each term's first token
	for j, t := range tokens {
		// The key is the token's own bytes, which nothing changes while
		// they are counted; the map is cleared before it is put back.
		key := unsafe.String(unsafe.SliceData(t.Term), len(t.Term))
		i, ok := s.index[key]
		if !ok {
			i = int32(len(first))
			first = append(first, int32(j))
			s.index[key] = i
			size += termSize + 2*len(t.Term) // the key and the term
		}
		of = append(of, i)
	}
	clear(s.index)
	s.of, s.first = of, first
	terms := make([]bleveindex.TokenFreq, len(first)) // never grown: the places point into it
	for i, j := range first {
		terms[i].Term = tokens[j].Term
	}
	for _, i := range of {
		terms[i].SetFrequency(terms[i].Frequency() + 1)
	}
	places := make([]bleveindex.TokenLocation, len(tokens))
	lists := make([]*bleveindex.TokenLocation, len(tokens))
	for i := range terms {
		n := terms[i].Frequency()
		terms[i].Locations, lists = lists[:0:n], lists[n:]
	}
	for i, t := range tokens {
		places[i] = bleveindex.TokenLocation{Start: t.Start, End: t.End, Position: t.Position}
		tf := &terms[of[i]]
		tf.Locations = append(tf.Locations, &places[i])
	}
	freqs = make(bleveindex.TokenFrequencies, len(terms))
	for i := range terms {
		t := terms[i].Term
		freqs[unsafe.String(unsafe.SliceData(t), len(t))] = &terms[i]
	}
	return freqs, size
}

// termScratch is what tokenFrequencies needs only while it counts: each
// analysing goroutine takes one from termScratches.
type termScratch struct {
	index map[string]int32 // a term -> its place in terms
	of    []int32
	first []int32
}

var termScratches = sync.Pool{New: func() any { return &termScratch{index: map[string]int32{}} }}
