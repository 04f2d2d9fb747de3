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
// passageFields(d, p).
func (m documentMaker) document(d corpus.Document, p corpus.Passage) *document.Document {
	doc := document.NewDocument(passageID(d, p))
	published := ""
	if !d.Published.IsZero() {
		published = d.Published.Format(time.DateOnly)
	}
	words := &passageWords{analyzer: m.words, readers: 2}
	doc.AddField(&passageField{name: fieldText, options: searchableOptions, value: []byte(p.Text), words: words})
	doc.AddField(&passageField{name: fieldPairs, options: pairsOptions, value: []byte(p.Text), words: words, pairs: &m.pairs})
	doc.AddField(&passageField{name: fieldTitle, options: searchableOptions, value: []byte(d.Title), words: &passageWords{analyzer: m.words, readers: 1}})
	doc.AddField(&passageField{name: fieldSection, options: searchableOptions, value: []byte(p.Section), words: &passageWords{analyzer: m.words, readers: 1}})
	doc.AddField(document.NewTextFieldCustom(fieldArea, nil, []byte(d.Area), storedOptions, nil))
	doc.AddField(document.NewTextFieldCustom(fieldAreaKey, nil, []byte(corpus.AreaKey(d.Area)), bleveindex.IndexField, m.keywords))
	doc.AddField(document.NewTextFieldCustom(fieldKind, nil, []byte(d.Kind), bleveindex.IndexField|bleveindex.StoreField, m.keywords))
	doc.AddField(document.NewTextFieldCustom(fieldPublished, nil, []byte(published), storedOptions, nil))
	doc.AddField(document.NewTextFieldCustom(fieldPublisher, nil, []byte(d.Publisher), storedOptions, nil))
	doc.AddField(document.NewTextFieldCustom(fieldSourceURL, nil, []byte(d.SourceURL), storedOptions, nil))
	doc.AddField(document.NewTextFieldCustom(fieldPath, nil, []byte(d.Path), bleveindex.IndexField|bleveindex.StoreField, m.keywords))
	doc.AddField(document.NewNumericFieldWithIndexingOptions(fieldPage, nil, float64(p.Page), storedOptions))
	doc.AddField(document.NewTextFieldCustom(fieldScope, nil, []byte(scope(d.Area)), bleveindex.IndexField, m.keywords))
	return doc
}

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
	terms := make([]bleveindex.TokenFreq, 0, len(tokens)) // never grown: the places point into it
	size = freqsSize + len(tokens)*placeSize
	of := s.of[:0] // each token's term
	for _, t := range tokens {
		// The key is the token's own bytes, which nothing changes while
		// they are counted; the map is cleared before it is put back.
		key := unsafe.String(unsafe.SliceData(t.Term), len(t.Term))
		i, ok := s.index[key]
		if !ok {
			i = int32(len(terms))
			terms = append(terms, bleveindex.TokenFreq{Term: t.Term})
			s.index[key] = i
			size += termSize + 2*len(t.Term) // the key and the term
		}
		terms[i].SetFrequency(terms[i].Frequency() + 1)
		of = append(of, i)
	}
	clear(s.index)
	s.of = of
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
}

var termScratches = sync.Pool{New: func() any { return &termScratch{index: map[string]int32{}} }}
