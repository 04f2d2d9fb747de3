package index

import (
	"context"
	"math"
	"unsafe"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	zap "github.com/blevesearch/zapx/v17"
)

// A bare term clause (see bestQuery) is walked more than anything else in
// a search: it is every word of the question in every searchable field.
// Through bleve's term searcher, each posting became a term-field
// document, then a document match from the pool, scored through the
// posting's norm (a square root and a division to get back the field
// length the segment stores), and went back to the pool when the clause
// moved on: more time than reading the posting itself.
//
// termSearcher reads the same postings straight from the segments and
// scores each with bleve's BM25 formula from the stored field length, so
// a bestClause can walk it without any document match; one is made only
// for a passage the search returns. Its scores are bleve's to the bit:
// the same operations on the same numbers, in the same order.

// termSearcher finds a term in a field, without locations, and scores it
// as bleve's BM25 term searcher does.
type termSearcher struct {
	segs   []termSegment
	firsts []uint64 // each segment's first passage number (segmentFirsts)
	seg    int      // the segment being read
	count  uint64   // passages with the term
	// idf, avg, boost and weight are bleve's TermQueryScorer's: the
	// inverse document frequency, the field's average length, the
	// query's boost, and its weight once the query norm is set.
	idf, avg, boost, weight float64
	// id and score are the current match's, when on is set; once the
	// postings have ended, id is the last one's, when seen is set.
	id       uint64
	score    float64
	on, seen bool
}

// termSegment is one segment's postings of the term.
type termSegment struct {
	list     segment.PostingsList
	postings segment.PostingsIterator
}

// lengthPosting is a posting that gives its field's length, as zap's
// (NormUint64 is the length Norm is computed from).
type lengthPosting interface {
	NormUint64() uint64
}

// newTermSearcher returns the searcher of term in field, or nil when bleve's
// own must search it: when r is not a scorch snapshot of sendbot's zap
// segments (whose postings give their field lengths), the search does not
// score by BM25 or wants locations, explanations or no scores, or bleve
// has synonyms or shared statistics for it.
func newTermSearcher(ctx context.Context, r bleveindex.IndexReader, dicts map[string][]segment.TermDictionary,
	field, term string, boost float64, o search.SearcherOptions) (*termSearcher, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok || o.IncludeTermVectors || o.Explain || o.Score == "none" || !scoresBM25(ctx) {
		return nil, nil
	}
	if fts, ok := ctx.Value(search.FieldTermSynonymMapKey).(search.FieldTermSynonymMap); ok && len(fts[field]) > 0 {
		return nil, nil
	}
	if ctx.Value(search.BM25StatsKey) != nil {
		return nil, nil
	}
	docs, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	cardinality, err := snap.FieldCardinality(field)
	if err != nil {
		return nil, err
	}
	if docs == 0 || cardinality == 0 {
		return nil, nil // bleve falls back to tf-idf
	}
	segs := snap.Segments()
	for _, ss := range segs {
		switch ss.Segment().(type) {
		case *zap.Segment, *zap.SegmentBase:
		default:
			return nil, nil
		}
	}
	ds, ok := dicts[field]
	if !ok {
		ds = make([]segment.TermDictionary, len(segs))
		for i, ss := range segs {
			d, err := ss.Segment().Dictionary(field)
			if err != nil {
				return nil, err
			}
			ds[i] = d
		}
		dicts[field] = ds
	}
	s := &termSearcher{boost: boost, weight: 1, segs: make([]termSegment, len(segs)), firsts: segmentFirsts(segs)}
	for i, ss := range segs {
		pl, err := ds[i].PostingsList([]byte(term), ss.Deleted(), nil)
		if err != nil {
			return nil, err
		}
		s.count += pl.Count()
		s.segs[i] = termSegment{list: pl, postings: pl.Iterator(true, true, false, nil)}
	}
	if err := search.RecordTermSearcher(ctx); err != nil {
		return nil, err
	}
	s.avg = math.Ceil(float64(cardinality) / float64(docs))
	s.idf = math.Log(1 + (float64(docs)-float64(s.count)+0.5)/(float64(s.count)+0.5))
	return s, nil
}

// scoresBM25 reports whether the search in ctx scores by BM25.
func scoresBM25(ctx context.Context) bool {
	model, ok := ctx.Value(search.GetScoringModelCallbackKey).(search.GetScoringModelCallbackFn)
	return ok && model() == bleveindex.BM25Scoring
}

// move puts the searcher on its next posting, or its first at or after
// passage to, and reports whether there is one.
func (s *termSearcher) move(to *uint64) (bool, error) {
	if to != nil && s.on && s.id >= *to {
		return true, nil
	}
	if to != nil {
		// Jump to the segment that holds passage to. It is never an
		// earlier one than the current match's, and after the postings
		// have ended, bleve's term field reader jumps back to it too.
		s.seg = max(segmentOf(s.firsts, *to), 0)
	}
	for ; s.seg < len(s.segs); s.seg++ {
		postings, first := s.segs[s.seg].postings, s.firsts[s.seg]
		var p segment.Posting
		var err error
		if to != nil && *to > first {
			p, err = postings.Advance(*to - first)
		} else {
			p, err = postings.Next()
		}
		if err != nil {
			return false, err
		}
		if p != nil {
			s.id = first + p.Number()
			s.score = s.scoreOf(p.Frequency(), p.(lengthPosting).NormUint64())
			s.on, s.seen = true, true
			return true, nil
		}
	}
	s.on = false
	return false, nil
}

// scoreOf is bleve's BM25 score of a posting of freq uses in a field of
// length words (TermQueryScorer.Score and docScore).
func (s *termSearcher) scoreOf(freq, length uint64) float64 {
	var tf float64
	if freq < scorer.MaxSqrtCache {
		tf = scorer.SqrtCache[int(freq)]
	} else {
		tf = math.Sqrt(float64(freq))
	}
	norm := fieldNorm(length)
	fieldLength := 1 / (norm * norm)
	score := s.idf * (tf * search.BM25_k1) /
		(tf + search.BM25_k1*(1-search.BM25_b+(search.BM25_b*fieldLength/s.avg)))
	if s.weight != 1.0 {
		score = score * s.weight
	}
	return score
}

// fieldNorm is the norm zap gives a field of length words
// (Posting.Norm), looked up for the lengths passages have.
func fieldNorm(length uint64) float64 {
	if length < uint64(len(fieldNorms)) {
		return fieldNorms[length]
	}
	return float64(float32(1.0 / math.Sqrt(float64(length))))
}

// fieldNorms are fieldNorm's, for fields of up to 4,095 words.
var fieldNorms = func() []float64 {
	norms := make([]float64, 4096)
	for n := range norms {
		norms[n] = float64(float32(1.0 / math.Sqrt(float64(n))))
	}
	return norms
}()

// match is the current posting as a document match from ctx's pool.
func (s *termSearcher) match(ctx *search.SearchContext) *search.DocumentMatch {
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = bleveindex.NewIndexInternalID(dm.IndexInternalID, s.id)
	dm.Score = s.score
	return dm
}

func (s *termSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if ok, err := s.move(nil); !ok || err != nil {
		return nil, err
	}
	return s.match(ctx), nil
}

func (s *termSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	to := id.Value()
	if s.seen && s.id >= to {
		s.restart() // as bleve's does, to find the first at or after to
	}
	if ok, err := s.move(&to); !ok || err != nil {
		return nil, err
	}
	return s.match(ctx), nil
}

// restart puts the searcher back before its first posting.
func (s *termSearcher) restart() {
	for i := range s.segs {
		s.segs[i].postings = s.segs[i].list.Iterator(true, true, false, nil)
	}
	s.seg, s.on, s.seen = 0, false, false
}

func (s *termSearcher) Weight() float64 {
	w := s.boost * s.idf
	return w * w
}

func (s *termSearcher) SetQueryNorm(qnorm float64) {
	s.weight = s.boost * s.idf * qnorm
}

func (s *termSearcher) Count() uint64 { return s.count }

func (s *termSearcher) Min() int { return 0 }

func (s *termSearcher) DocumentMatchPoolSize() int { return 1 }

func (s *termSearcher) Size() int {
	n := int(unsafe.Sizeof(*s))
	for _, seg := range s.segs {
		n += seg.list.Size() + seg.postings.Size()
	}
	return n
}

func (s *termSearcher) Close() error { return nil }
