package index

import (
	"context"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// A search of a large index runs in parts, one per core, each over its own
// range of passages, and the parts' best passages are merged. bleve runs
// a search on one core; most of its time is spent walking the postings of
// words many passages use, and each part walks a share of them.
//
// Every part scores with the whole index's statistics, so a passage scores
// as it would in one search (bar the last bit of a sum: bleve adds up a
// passage's matching words in the order its search met them). Ties go to
// the earlier part, as one search gives them to the earlier passage.
const (
	// minPartPassages is the fewest passages a part has. Each part pays
	// for its own searchers and its own best hits' fields and locations;
	// parts are measured at 100,000 passages and more, not below.
	minPartPassages = 50_000
	// maxParts caps the parts of one search.
	maxParts = 4
)

// partsFor splits passages 0…docs-1 into parts for procs cores. It returns
// the first passage of each part after the first; nil means one search.
func partsFor(docs uint64, procs int) []uint64 {
	n := min(uint64(procs), maxParts, docs/minPartPassages)
	if n < 2 {
		return nil
	}
	starts := make([]uint64, 0, n-1)
	for i := uint64(1); i < n; i++ {
		starts = append(starts, docs*i/n)
	}
	return starts
}

// searchBleve runs req on the index, in the index's parts when it is
// large enough (see partsFor), and loads the stored fields of the hits
// it returns (see loadStored).
func (ix *Index) searchBleve(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	return ix.searchParts(ctx, req, ix.parts)
}

// searchParts is searchBleve in the parts that start at starts (after the
// first); nil means one search.
func (ix *Index) searchParts(ctx context.Context, req *bleve.SearchRequest, starts []uint64) (*bleve.SearchResult, error) {
	noFields := *req
	noFields.Fields = nil // loaded below, for the best only
	var res *bleve.SearchResult
	if len(starts) == 0 {
		r, err := ix.bleve.SearchInContext(ctx, &noFields)
		if err != nil {
			return nil, err
		}
		res = r
	} else {
		n := len(starts) + 1
		results := make([]*bleve.SearchResult, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			r := docRange{q: req.Query}
			if i > 0 {
				r.lo = starts[i-1]
			}
			if i < n-1 {
				r.hi = starts[i]
			}
			part := noFields
			part.Query = r
			wg.Go(func() { results[i], errs[i] = ix.bleve.SearchInContext(ctx, &part) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
		res = mergeParts(results, req.Size)
	}
	if len(req.Fields) > 0 {
		r, err := ix.reader()
		if err != nil {
			return nil, err
		}
		defer r.Close()
		if err := loadStored(r, res.Hits, req); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// A search in one area only walks the passages of that area and the
// national ones (see bestSearcher's must), and an area's passages are
// mostly in one run: split evenly by number, one part had nearly all of
// them to walk and the other nearly none, and the search took as long as
// on one core. So a search in an area is split where the area's and the
// national passages are shared evenly between the parts.

// areaParts are where the parts of a search in an area start, by area key,
// worked out on the first search in each area.
type areaParts struct {
	sync.Mutex
	base   []uint64            // the index's parts they were worked out for
	starts map[string][]uint64 // by area key
}

// partsIn are the parts of a search in the area with key areaKey ("" for
// all): as many as the index's parts, each with as many of the passages
// the area's searches walk (see inArea).
func (ix *Index) partsIn(ctx context.Context, areaKey string) ([]uint64, error) {
	if areaKey == "" || len(ix.parts) == 0 {
		return ix.parts, nil
	}
	ap := &ix.areaParts
	ap.Lock()
	defer ap.Unlock()
	if !slices.Equal(ap.base, ix.parts) {
		ap.base, ap.starts = slices.Clone(ix.parts), map[string][]uint64{}
	}
	if starts, ok := ap.starts[areaKey]; ok {
		return starts, nil
	}
	r, err := ix.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var walked []uint64 // the passages of the area and the national ones, in order
	for _, l := range inArea(areaKey).leaves {
		nums, err := passagesWith(ctx, r, l.field, l.term)
		if err != nil {
			return nil, err
		}
		walked = append(walked, nums...)
	}
	slices.Sort(walked)
	walked = slices.Compact(walked)
	n := len(ix.parts) + 1
	if len(walked) < n {
		ap.starts[areaKey] = ix.parts
		return ix.parts, nil
	}
	starts := make([]uint64, n-1)
	for i := 1; i < n; i++ {
		starts[i-1] = walked[len(walked)*i/n]
	}
	ap.starts[areaKey] = starts
	return starts, nil
}

// passagesWith are the numbers of the passages that have term in field,
// in order.
func passagesWith(ctx context.Context, r bleveindex.IndexReader, field, term string) ([]uint64, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return nil, err
	}
	defer tfr.Close()
	nums := make([]uint64, 0, tfr.Count())
	for {
		tfd, err := tfr.Next(nil)
		if err != nil {
			return nil, err
		}
		if tfd == nil {
			return nums, nil
		}
		nums = append(nums, tfd.ID.Value())
	}
}

// mergeParts merges the parts' hits, each best first, into the best size:
// by score, and on a tie the earlier part's first.
func mergeParts(results []*bleve.SearchResult, size int) *bleve.SearchResult {
	out := *results[0]
	out.Hits = make(search.DocumentMatchCollection, 0, size)
	heads := make([]search.DocumentMatchCollection, len(results))
	for i, r := range results {
		heads[i] = r.Hits
		if i > 0 {
			out.Total += r.Total
			out.MaxScore = max(out.MaxScore, r.MaxScore)
		}
	}
	for len(out.Hits) < size {
		best := -1
		for i, h := range heads {
			if len(h) > 0 && (best < 0 || h[0].Score > heads[best][0].Score) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		out.Hits = append(out.Hits, heads[best][0])
		heads[best] = heads[best][1:]
	}
	return &out
}

// docRange matches what q matches among the passages numbered from lo up
// to, not including, hi (0: to the end), with q's scores. The numbers are
// bleve's internal ones; in an index of one segment they run from 0 in
// the order the passages went in.
type docRange struct {
	q      query.Query
	lo, hi uint64
}

// Searcher is q's searcher, started at lo and stopped at hi.
func (r docRange) Searcher(ctx context.Context, i bleveindex.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	s, err := r.q.Searcher(ctx, i, m, o)
	if err != nil {
		return nil, err
	}
	rs := &rangeSearcher{Searcher: s, lo: bleveindex.NewIndexInternalID(nil, r.lo)}
	if r.hi > 0 {
		rs.hi = bleveindex.NewIndexInternalID(nil, r.hi)
	}
	return rs, nil
}

// rangeSearcher is a searcher limited to the passages from lo up to hi
// (nil: to the end).
type rangeSearcher struct {
	search.Searcher
	lo, hi  bleveindex.IndexInternalID
	started bool // the first call jumps to lo
	done    bool // a match at or past hi was seen
}

func (s *rangeSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.started && s.lo.Value() > 0 {
		return s.Advance(ctx, s.lo)
	}
	s.started = true
	if s.done {
		return nil, nil
	}
	dm, err := s.Searcher.Next(ctx)
	return s.within(ctx, dm, err)
}

func (s *rangeSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	s.started = true
	if s.done {
		return nil, nil
	}
	if id.Compare(s.lo) < 0 {
		id = s.lo
	}
	dm, err := s.Searcher.Advance(ctx, id)
	return s.within(ctx, dm, err)
}

// within passes on a match before hi, and ends the range at any other.
func (s *rangeSearcher) within(ctx *search.SearchContext, dm *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	if err != nil || dm == nil {
		return dm, err
	}
	if s.hi != nil && dm.IndexInternalID.Compare(s.hi) >= 0 {
		s.done = true
		ctx.DocumentMatchPool.Put(dm)
		return nil, nil
	}
	return dm, nil
}
