package maxscore

import (
	"context"
	"math"
	"reflect"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	"github.com/blevesearch/bleve/v2/size"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// Phrase finds a phrase's words in a row, as bleve's match-phrase query
// does, with the same scores and the same matched words, but checks each
// passage the words are all in without building a map of all their
// locations. That map was a third of a phrase's cost, and a question's
// phrases (glossary names in three fields, pairs of its words) were a
// third of its search. Measured over the bench's 30 questions at 100,000
// passages, 400 rounds, two runs each: p50 5.1–5.4 ms and p99 14.5–16.4
// ms with bleve's phrase searcher, 4.8–5.0 and 13.1–13.2 ms with this one.
// Measured again for issue 25, retrieval alone at 100,000 passages inside
// a Query: p99 18.5–18.7 ms with bleve's phrase query, 14.4–14.8 ms with
// this one.
type Phrase struct {
	Field, Text string
	// Analyzer is the name of the analyzer Words are Text's words by.
	Analyzer string
	// Words are Text's words as Analyzer analyses it, with their
	// positions: a stop word leaves a gap.
	Words []Word
	Boost float64
}

// Word is an analysed word and its position.
type Word struct {
	Term string
	Pos  int
}

// PhraseClause is a Phrase's clause, bounded by its words: bleve scores
// a phrase as the sum of its words' scores, each with the phrase's boost.
func PhraseClause(p Phrase) Clause {
	c := Clause{Query: p}
	for _, w := range p.Words {
		c.Bounds = append(c.Bounds, Bound{Term{p.Field, w.Term}, p.Boost})
	}
	return c
}

// Bleve is bleve's own query for the phrase.
func (q Phrase) Bleve() query.Query {
	pq := bleve.NewMatchPhraseQuery(q.Text)
	pq.SetField(q.Field)
	pq.Analyzer = q.Analyzer
	pq.SetBoost(q.Boost)
	return pq
}

func (q Phrase) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	// Two words at one position, or out of order, are not a phrase this
	// searcher knows: bleve's own searcher takes it.
	for i := 1; i < len(q.Words); i++ {
		if q.Words[i].Pos <= q.Words[i-1].Pos {
			return q.Bleve().Searcher(ctx, r, m, o)
		}
	}
	if len(q.Words) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	o.IncludeTermVectors = true
	words := make([]search.Searcher, 0, len(q.Words))
	closeAll := func() {
		for _, s := range words {
			s.Close()
		}
	}
	for _, w := range q.Words {
		s, err := searcher.NewTermSearcher(ctx, r, w.Term, q.Field, q.Boost, o)
		if err != nil {
			closeAll()
			return nil, err
		}
		words = append(words, s)
	}
	all, err := searcher.NewConjunctionSearcher(ctx, r, words, o)
	if err != nil {
		closeAll()
		return nil, err
	}
	// As bleve's phrase searcher sets it; a disjunction over it sets its own.
	all.SetQueryNorm(1 / math.Sqrt(all.Weight()))
	return &phraseSearcher{q: q, all: all, at: make([][]int, len(q.Words)), walk: make([]int, len(q.Words))}, nil
}

// phraseSearcher returns the passages of its conjunction (all of the
// phrase's words) that have them in a row, each with the locations of
// every occurrence of the phrase, as bleve's phrase searcher does.
type phraseSearcher struct {
	q       Phrase
	all     search.Searcher
	started bool
	next    *search.DocumentMatch // the conjunction's next passage, not yet checked
	// at[i] indexes the locations of word i in a passage's locations.
	at    [][]int
	walk  []int // how far along at[i] the check has got
	found []search.FieldTermLocation
}

func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.started {
		s.started = true
		var err error
		if s.next, err = s.all.Next(ctx); err != nil {
			return nil, err
		}
	}
	for s.next != nil {
		dm := s.next
		var err error
		if s.next, err = s.all.Next(ctx); err != nil {
			return nil, err
		}
		if s.inRow(dm) {
			return dm, nil
		}
		ctx.DocumentMatchPool.Put(dm)
	}
	return nil, nil
}

func (s *phraseSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	if s.started {
		if s.next == nil {
			return nil, nil // the conjunction has ended
		}
		if s.next.IndexInternalID.Compare(id) >= 0 {
			return s.Next(ctx)
		}
		ctx.DocumentMatchPool.Put(s.next)
	}
	s.started = true
	var err error
	if s.next, err = s.all.Advance(ctx, id); err != nil {
		return nil, err
	}
	return s.Next(ctx)
}

// inRow keeps in dm's locations those of the phrase's occurrences, in
// the order bleve's phrase searcher gives them, and says whether there
// are any.
func (s *phraseSearcher) inRow(dm *search.DocumentMatch) bool {
	ftls := dm.FieldTermLocations
	for i := range s.at {
		s.at[i] = s.at[i][:0]
	}
	for j := range ftls {
		if ftls[j].Field != s.q.Field || len(ftls[j].Location.ArrayPositions) > 0 {
			continue
		}
		for i, w := range s.q.Words {
			if ftls[j].Term == w.Term {
				s.at[i] = append(s.at[i], j)
			}
		}
	}
	// Each word's locations by position, once each (a word twice in the
	// phrase has two searchers, and so each location twice).
	for i := range s.at {
		slices.SortStableFunc(s.at[i], func(a, b int) int { return cmpPos(ftls[a].Location.Pos, ftls[b].Location.Pos) })
		s.at[i] = slices.CompactFunc(s.at[i], func(a, b int) bool { return ftls[a].Location.Pos == ftls[b].Location.Pos })
	}
	s.found = s.found[:0]
	next := s.walk
	clear(next)
first:
	for _, j := range s.at[0] {
		start := ftls[j].Location.Pos
		for i := 1; i < len(s.at); i++ {
			want := start + uint64(s.q.Words[i].Pos-s.q.Words[0].Pos)
			for next[i] < len(s.at[i]) && ftls[s.at[i][next[i]]].Location.Pos < want {
				next[i]++
			}
			if next[i] == len(s.at[i]) || ftls[s.at[i][next[i]]].Location.Pos != want {
				continue first
			}
		}
		s.found = append(s.found, phraseLocation(s.q.Field, s.q.Words[0].Term, ftls[j]))
		for i := 1; i < len(s.at); i++ {
			s.found = append(s.found, phraseLocation(s.q.Field, s.q.Words[i].Term, ftls[s.at[i][next[i]]]))
		}
	}
	dm.FieldTermLocations = append(ftls[:0], s.found...)
	dm.Locations = nil
	return len(s.found) > 0
}

func phraseLocation(field, term string, l search.FieldTermLocation) search.FieldTermLocation {
	return search.FieldTermLocation{Field: field, Term: term, Location: search.Location{Pos: l.Location.Pos, Start: l.Location.Start, End: l.Location.End}}
}

func cmpPos(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *phraseSearcher) Weight() float64            { return s.all.Weight() }
func (s *phraseSearcher) SetQueryNorm(n float64)     { s.all.SetQueryNorm(n) }
func (s *phraseSearcher) Count() uint64              { return s.all.Count() }
func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) DocumentMatchPoolSize() int { return s.all.DocumentMatchPoolSize() + 1 }
func (s *phraseSearcher) Close() error               { return s.all.Close() }

func (s *phraseSearcher) Size() int {
	return int(reflect.TypeOf(*s).Size()) + s.all.Size() + size.SizeOfSlice*len(s.at)
}
