package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	regexpfilter "github.com/blevesearch/bleve/v2/analysis/char/regexp"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// MappingVersion changes whenever the mapping or the stored fields change.
// Opening an index built with another version returns ErrOldMapping, and
// callers rebuild it.
const MappingVersion = 10

// Field names in the index.
const (
	fieldText      = "text"
	fieldTitle     = "title"
	fieldSection   = "section"
	fieldArea      = "area"     // as shown: "North Lincolnshire"
	fieldAreaKey   = "area_key" // for filtering: "north lincolnshire"
	fieldKind      = "kind"
	fieldPublished = "published" // "2006-01-02", or "" when unknown
	fieldPublisher = "publisher"
	fieldSourceURL = "source_url"
	fieldPath      = "path"
	fieldPage      = "page"
	// fieldScope is "national" for documents that apply in every area
	// (corpus.IsNational), "fallback" for national documents that answer
	// only when the others do not (corpus.Document.Fallback), else "local".
	fieldScope = "scope"
)

const (
	scopeNational = "national"
	scopeFallback = "fallback"
	scopeLocal    = "local"
)

// storedFields are returned with every hit, so a hit is shown without
// rereading any file.
var storedFields = []string{fieldText, fieldTitle, fieldSection, fieldArea, fieldKind, fieldPublished, fieldPublisher, fieldSourceURL, fieldPath, fieldPage}

// analyzer is the analysis used for the passage text and for queries:
// bleve's English analyzer (possessives, lower case, stop words, Porter
// stems) after splitting words joined by a dot, so that "Kooth.com" and
// "www.example.org" are found by their words. It is made by enWords
// (words.go), which gives what bleve's own parts would, faster.
const analyzer = "sendbot_en"

// textIndexAnalyzer is sendbot_en for the text field, as it builds the
// index; queries use sendbot_en.
const textIndexAnalyzer = "sendbot_text"

// The parts of sendbot_en.
const (
	enPossessive = en.PossessiveName
	enLowercase  = lowercase.Name
	enStop       = en.StopName
	enPorter     = porter.Name
)

// dotsBetweenLetters is the char filter that turns "kooth.com" into
// "kooth com"; a dot and a space are one byte each, so offsets hold.
const dotsBetweenLetters = "sendbot_dots"

// addAnalyzer adds the analyzers; common are the words the pairs field
// makes pairs of.
func addAnalyzer(im *mapping.IndexMappingImpl, common []string) error {
	if err := im.AddCustomCharFilter(dotsBetweenLetters, map[string]any{
		"type":    regexpfilter.Name,
		"regexp":  `\.(\p{L})`,
		"replace": " ${1}",
	}); err != nil {
		return err
	}
	if err := im.AddCustomAnalyzer(analyzer, map[string]any{"type": enAnalyzerType}); err != nil {
		return err
	}
	if err := im.AddCustomTokenFilter(pairsFilter, map[string]any{"type": pairsFilter, "words": anys(common)}); err != nil {
		return err
	}
	// The text and pairs fields' analyzers (a build analyses a passage's
	// text once for both: document.go).
	if err := im.AddCustomAnalyzer(textIndexAnalyzer, map[string]any{"type": sharedAnalyzerType}); err != nil {
		return err
	}
	return im.AddCustomAnalyzer(pairsAnalyzer, map[string]any{"type": sharedAnalyzerType, "pairs": pairsFilter})
}

// anys is ss as the []any that bleve's analysis config lists.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// textAnalyzer is the analyzer of the text field, made without an index.
func textAnalyzer() analysis.Analyzer { return newMapping(nil).AnalyzerNamed(analyzer) }

// newMapping is the mapping of an index whose pairs field pairs the
// common words.
func newMapping(common []string) mapping.IndexMapping {
	searchable := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = true
		f.IncludeTermVectors = true // locations, for the window and the bold words
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	exact := func(store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	storedOnly := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	page := bleve.NewNumericFieldMapping()
	page.Index = false
	page.IncludeInAll = false
	page.DocValues = false

	doc := bleve.NewDocumentStaticMapping()
	text := searchable()
	text.Analyzer = textIndexAnalyzer
	doc.AddFieldMappingsAt(fieldText, text)
	// The pairs are found and scored; their locations say which words of
	// a glossary name a passage has, and where.
	pairs := searchable()
	pairs.Analyzer = pairsAnalyzer
	pairs.Store = false
	doc.AddFieldMappingsAt(fieldPairs, pairs)
	doc.AddFieldMappingsAt(fieldTitle, searchable())
	doc.AddFieldMappingsAt(fieldSection, searchable())
	doc.AddFieldMappingsAt(fieldArea, storedOnly())
	doc.AddFieldMappingsAt(fieldAreaKey, exact(false))
	doc.AddFieldMappingsAt(fieldKind, exact(true))
	doc.AddFieldMappingsAt(fieldPublished, storedOnly())
	doc.AddFieldMappingsAt(fieldPublisher, storedOnly())
	doc.AddFieldMappingsAt(fieldSourceURL, storedOnly())
	doc.AddFieldMappingsAt(fieldPath, exact(true))
	doc.AddFieldMappingsAt(fieldPage, page)
	doc.AddFieldMappingsAt(fieldScope, exact(false))
	// Every search names its fields: no "_all" field, which bleve would
	// otherwise build for every passage.
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	im := bleve.NewIndexMapping()
	if err := addAnalyzer(im, common); err != nil {
		panic("index: analyzer: " + err.Error()) // fixed configuration; a test builds it
	}
	im.DefaultMapping = doc
	im.DefaultAnalyzer = analyzer
	im.ScoringModel = bleveindex.BM25Scoring
	im.StoreDynamic = false
	im.IndexDynamic = false
	return im
}
