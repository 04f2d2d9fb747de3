package maxscore

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// Query matches what any of its clauses match, and, when Must is set,
// only passages Must matches too, with the scores of bleve's disjunction
// of the clauses (in a conjunction with Must). Its searcher returns every
// passage that can be among the best K; the rest it may skip.
type Query struct {
	Clauses []Clause
	Must    *Clause
	K       int
	// Counts are how many passages use each bound's term, when known
	// before the search (see Counts); the searcher counts the rest. A
	// word is often a bound of several clauses, and the caller has
	// often counted it already: counted once, it is not counted again by
	// every clause.
	Counts map[Term]uint64
}

// Clause is one query of a Query, with the terms that bound its score.
type Clause struct {
	Query query.Query
	// Bounds are the terms whose scores the clause's score is at most the
	// sum of: one for a term query, each term of a conjunction of terms,
	// each word of a phrase. Nil means no known bound: the clause is
	// always walked.
	Bounds []Bound
	// Bare is set when a passage the clause matches has every one of its
	// bounds and nothing else of it is needed: a term query, or a
	// conjunction of them. Its searcher then reads no locations (see
	// bareMatch).
	Bare bool
}

// Term is a word in a field, as the index holds it.
type Term struct {
	Field, Word string
}

// Bound is a term query's term and boost.
type Bound struct {
	Term
	Boost float64
}

// TermClause is a term query in field, bounded by its term.
func TermClause(field, word string, boost float64) Clause {
	tq := bleve.NewTermQuery(word)
	tq.SetField(field)
	tq.SetBoost(boost)
	return Clause{Query: tq, Bounds: []Bound{{Term{field, word}, boost}}, Bare: true}
}

// ConjunctionClause matches the passages all of cs match, each a bare
// clause, bounded by all their terms.
func ConjunctionClause(cs ...Clause) Clause {
	c := Clause{Bare: true}
	qs := make([]query.Query, len(cs))
	for i, tc := range cs {
		qs[i] = tc.Query
		c.Bounds = append(c.Bounds, tc.Bounds...)
		c.Bare = c.Bare && tc.Bare
	}
	c.Query = bleve.NewConjunctionQuery(qs...)
	return c
}

// DisjunctionClause matches the passages any of cs match, bounded by all
// their terms, as a Must that passages of either of two areas meet.
func DisjunctionClause(cs ...Clause) Clause {
	var c Clause
	qs := make([]query.Query, len(cs))
	for i, dc := range cs {
		qs[i] = dc.Query
		c.Bounds = append(c.Bounds, dc.Bounds...)
	}
	c.Query = bleve.NewDisjunctionQuery(qs...)
	return c
}

// A bare clause is searched without the locations of its terms, when a
// search asks for locations: reading them was a sixth of a search, for
// the postings of common words that every question has. Where a bare
// clause matches, the passage's match gets one bareMatch location for
// each of its terms instead, so that it still says which words matched in
// which field, as bleve's would. Phrases keep their locations: which of a
// word's places make the phrase is known only from them.

// bareMatch is the location a bare clause gives each of its terms. Word
// positions start at 1, so no location bleve reads has position 0.
var bareMatch = search.Location{}

// Plain is bleve's own query that q finds the best of: a disjunction of
// the clauses, in a conjunction with Must when it is set, each Phrase as
// bleve's match-phrase query.
func (q Query) Plain() query.Query {
	qs := make([]query.Query, len(q.Clauses))
	for i, c := range q.Clauses {
		qs[i] = c.Query
		if p, ok := c.Query.(Phrase); ok {
			qs[i] = p.Bleve()
		}
	}
	var plain query.Query = bleve.NewDisjunctionQuery(qs...)
	if q.Must != nil {
		plain = bleve.NewConjunctionQuery(plain, q.Must.Query)
	}
	return plain
}

// all are q's clauses and Must, when set.
func (q Query) all() []Clause {
	if q.Must != nil {
		return append(slices.Clip(q.Clauses), *q.Must)
	}
	return q.Clauses
}

// ceilingMargin keeps a ceiling above a score whose floating-point sums
// round differently.
const ceilingMargin = 1 + 1e-9

// Searcher builds the clauses' searchers and sets their query norm as
// bleve's disjunction (or conjunction, with Must) would. Ceilings are
// known only for BM25 (tf-idf's grow with a word's count): a search that
// does not score by BM25 gets bleve's own searcher of Plain.
func (q Query) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	if !scoresBM25(ctx) {
		return q.Plain().Searcher(ctx, r, m, o)
	}
	s := &bestSearcher{k: q.K, n: float64(len(q.Clauses))}
	docs, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	tf := map[string]float64{}
	build := func(c Clause, order int) (*bestClause, error) {
		co := o
		if c.Bare && o.IncludeTermVectors {
			co.IncludeTermVectors = false
		}
		cs, err := c.Query.Searcher(ctx, r, m, co)
		if err != nil {
			return nil, err
		}
		bc := &bestClause{s: cs, order: order, base: math.Inf(1)}
		if c.Bare && o.IncludeTermVectors {
			bc.bareTerms = c.Bounds
		}
		if c.Bounds != nil {
			bc.base = 0
			for _, l := range c.Bounds {
				n, ok := q.Counts[l.Term]
				if !ok {
					if n, err = Count(ctx, r, l.Term); err != nil {
						cs.Close()
						return nil, err
					}
				}
				idf := IDF(float64(docs), float64(n))
				if _, ok := tf[l.Field]; !ok {
					tf[l.Field] = tfCeiling(r, docs, l.Field)
				}
				// bleve scores a term queryWeight × idf × the tf part,
				// with queryWeight = boost × idf × the query norm.
				bc.base += l.Boost * idf * idf * tf[l.Field]
			}
			bc.base *= ceilingMargin
		}
		return bc, nil
	}
	for i, c := range q.Clauses {
		bc, err := build(c, i)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.clauses = append(s.clauses, bc)
	}
	if q.Must != nil {
		if s.must, err = build(*q.Must, len(q.Clauses)); err != nil {
			s.Close()
			return nil, err
		}
	}
	s.SetQueryNorm(1 / math.Sqrt(s.Weight()))
	return s, nil
}

// scoresBM25 reports whether the search in ctx scores by BM25.
func scoresBM25(ctx context.Context) bool {
	model, ok := ctx.Value(search.GetScoringModelCallbackKey).(search.GetScoringModelCallbackFn)
	return ok && model() == bleveindex.BM25Scoring
}

// tfCeiling is the most the term-frequency part of bleve's BM25 score,
// tf×k1 / (tf + k1×(1−b+b×len/avg)), can be for any term in field, or
// +Inf when bleve does not score the field by BM25.
//
// tf is the square root of the term's count in the passage's field, which
// is at most the field's length len, so the part is at most
// √len×k1 / (√len + k1×(1−b+b×len/avg)), which is largest at
// √len = √(avg×(1−b)/b), or at len = 1 when that is less. avg is what
// bleve takes for the field's average length: its distinct terms over
// the passages, rounded up.
func tfCeiling(r bleveindex.IndexReader, docs uint64, field string) float64 {
	k1, b := search.BM25_k1, search.BM25_b
	br, ok := r.(bleveindex.BM25Reader)
	if !ok || docs == 0 {
		return math.Inf(1)
	}
	distinct, err := br.FieldCardinality(field)
	if err != nil {
		return math.Inf(1)
	}
	avg := math.Ceil(float64(distinct) / float64(docs))
	if avg == 0 {
		return math.Inf(1) // bleve falls back to tf-idf
	}
	s := math.Max(1, math.Sqrt(avg*(1-b)/b))
	return s * k1 / (s + k1*(1-b+b*s*s/avg))
}

// Count is how many passages use t: the count bleve's BM25 takes its
// inverse document frequency from.
func Count(ctx context.Context, r bleveindex.IndexReader, t Term) (uint64, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(t.Word), t.Field, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	return tfr.Count(), nil
}

// Counts counts, once each, the passages that use the terms of q's
// bounds, for q.Counts: those known already are taken from known. r must
// read the index q is searched in, and known must have been counted in
// it.
func Counts(ctx context.Context, r bleveindex.IndexReader, q Query, known map[Term]uint64) (map[Term]uint64, error) {
	counts := map[Term]uint64{}
	for _, c := range q.all() {
		for _, l := range c.Bounds {
			if _, ok := counts[l.Term]; ok {
				continue
			}
			if n, ok := known[l.Term]; ok {
				counts[l.Term] = n
				continue
			}
			n, err := Count(ctx, r, l.Term)
			if err != nil {
				return nil, err
			}
			counts[l.Term] = n
		}
	}
	return counts, nil
}

// IDF is bleve's BM25 inverse document frequency of a word df of docs
// passages use.
func IDF(docs, df float64) float64 {
	return math.Log(1 + (docs-df+0.5)/(df+0.5))
}

// bestClause is a clause's searcher and where it is.
type bestClause struct {
	s     search.Searcher
	order int     // the clause's place in the query
	pos   int     // its place in bestSearcher.clauses, once started
	base  float64 // the ceiling before the query norm; +Inf for none
	bound float64 // the most the clause adds to a passage's score
	// bareTerms are the terms a match of a bare clause is given a
	// bareMatch location of, when the search wants locations.
	bareTerms []Bound
	// on is set while the clause is on a match, curr: passage id,
	// scoring score, until the match is handed back to the pool.
	on    bool
	id    uint64
	score float64
	curr  *search.DocumentMatch
	to    bleveindex.IndexInternalID // move's, reused
	done  bool                       // the searcher has no more matches
}

// move puts the clause on its next match (next) or its first at or after
// id (advance), handing its current match back to the pool.
func (c *bestClause) move(ctx *search.SearchContext, to *uint64) error {
	if c.done {
		return nil
	}
	release(ctx, c)
	var dm *search.DocumentMatch
	var err error
	if to == nil {
		dm, err = c.s.Next(ctx)
	} else {
		// bleve's searchers read the ID they are advanced to and keep
		// none of it, so one buffer does for every advance.
		c.to = bleveindex.NewIndexInternalID(c.to, *to)
		dm, err = c.s.Advance(ctx, c.to)
	}
	if err != nil {
		return err
	}
	if dm == nil {
		c.done = true
		return nil
	}
	c.curr, c.on, c.id, c.score = dm, true, dm.IndexInternalID.Value(), dm.Score
	return nil
}

// at puts the clause on passage d if it matches it, and reports whether
// it does. A clause already past d is left where it is.
func (c *bestClause) at(ctx *search.SearchContext, d uint64) (bool, error) {
	if c.done {
		return false, nil
	}
	if !c.on || c.id < d {
		if err := c.move(ctx, &d); err != nil {
			return false, err
		}
	}
	return c.on && c.id == d, nil
}

// bestSearcher is Query's searcher.
type bestSearcher struct {
	clauses []*bestClause // lowest ceiling first, once started
	must    *bestClause
	n       float64 // how many clauses, for the share matched
	k       int
	// ceilings[i] is the sum of the ceilings of clauses[:i].
	ceilings []float64
	// clauses[walked:] are walked; the rest are looked up.
	walked int
	// queue holds the walked clauses that have a current match, lowest
	// passage first.
	queue []*bestClause
	// best holds the k best scores returned, lowest first; floor is the
	// lowest once there are k, which a passage must reach to be returned.
	best    []float64
	floor   float64
	started bool
	// walkedHere are the walked clauses that match the passage in hand;
	// matched are those and the looked-up clauses that match it.
	walkedHere, matched []*bestClause
	others              []*search.DocumentMatch // score's, kept to reuse
}

// start sorts the clauses by ceiling and puts every clause on its first
// match (at or after from, when set).
func (s *bestSearcher) start(ctx *search.SearchContext, from *uint64) error {
	s.started = true
	slices.SortStableFunc(s.clauses, func(a, b *bestClause) int { return cmp.Compare(a.bound, b.bound) })
	s.ceilings = make([]float64, len(s.clauses)+1)
	for i, c := range s.clauses {
		c.pos = i
		s.ceilings[i+1] = s.ceilings[i] + c.bound
	}
	for _, c := range s.clauses {
		if err := c.move(ctx, from); err != nil {
			return err
		}
		if c.on {
			s.push(c)
		}
	}
	return nil
}

// ceiling is the most a passage can score when its matched clauses add up
// to sum, count of them, and it may match the clauses[:lookup] too.
func (s *bestSearcher) ceiling(sum float64, count, lookup int, must float64) float64 {
	return (sum+s.ceilings[lookup])*float64(count+lookup)/s.n + must
}

func (s *bestSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.started {
		if err := s.start(ctx, nil); err != nil {
			return nil, err
		}
	}
	for len(s.queue) > 0 {
		d := s.queue[0].id
		mustScore := 0.0
		if s.must != nil {
			// Only passages must matches count: the walked clauses
			// jump to the next of them, as bleve's conjunction does.
			if _, err := s.must.at(ctx, d); err != nil || s.must.done {
				return nil, err
			}
			if s.must.id > d {
				if err := s.skipTo(ctx, s.must.id); err != nil {
					return nil, err
				}
				continue
			}
			mustScore = s.must.score
		}
		s.walkedHere = s.walkedHere[:0]
		sum := 0.0
		for len(s.queue) > 0 && s.queue[0].id == d {
			c := s.pop()
			s.walkedHere = append(s.walkedHere, c)
			sum += c.score
		}
		s.matched = append(s.matched[:0], s.walkedHere...)
		keep, err := s.lookUp(ctx, d, sum, mustScore)
		if err != nil {
			return nil, err
		}
		var rv *search.DocumentMatch
		if keep {
			rv = s.score(ctx, mustScore)
		}
		// The walked clauses that matched move on; the looked-up ones
		// move when next looked up.
		for _, c := range s.walkedHere {
			if err := c.move(ctx, nil); err != nil {
				return nil, err
			}
			if c.on && c.pos >= s.walked {
				s.push(c)
			}
		}
		if rv != nil {
			s.returned(rv.Score)
			return rv, nil
		}
	}
	return nil, nil
}

// lookUp decides whether passage d, matched by s.matched so far with
// scores adding to sum, and by must with mustScore, can be among the best:
// the looked-up clauses, highest ceiling first, are added while it still
// can.
func (s *bestSearcher) lookUp(ctx *search.SearchContext, d uint64, sum, mustScore float64) (bool, error) {
	for i := s.walked; i > 0; i-- {
		if s.ceiling(sum, len(s.matched), i, mustScore) < s.floor {
			return false, nil
		}
		c := s.clauses[i-1]
		ok, err := c.at(ctx, d)
		if err != nil {
			return false, err
		}
		if ok {
			s.matched = append(s.matched, c)
			sum += c.score
		}
	}
	return true, nil
}

// skipTo moves the walked clauses on to passage to or after.
func (s *bestSearcher) skipTo(ctx *search.SearchContext, to uint64) error {
	for len(s.queue) > 0 && s.queue[0].id < to {
		c := s.pop()
		if err := c.move(ctx, &to); err != nil {
			return err
		}
		if c.on {
			s.push(c)
		}
	}
	return nil
}

// score scores the passage s.matched (and must) match as bleve would, and
// returns the first clause's match as the passage's, with every matched
// clause's locations. The other matches go back to the pool, and no
// clause holds a match any more.
func (s *bestSearcher) score(ctx *search.SearchContext, mustScore float64) *search.DocumentMatch {
	m := s.matched
	slices.SortFunc(m, func(a, b *bestClause) int { return a.order - b.order })
	sum := 0.0
	for _, c := range m {
		sum += c.score
	}
	rv := m[0].curr
	m[0].curr, m[0].on = nil, false // its match is rv
	rv.Score = sum * (float64(len(m)) / s.n)
	s.others = s.others[:0]
	for _, c := range m[1:] {
		if c.curr != nil {
			s.others = append(s.others, c.curr)
		}
	}
	if s.must != nil {
		rv.Score += mustScore
		if s.must.curr != nil {
			s.others = append(s.others, s.must.curr)
		}
	}
	rv.FieldTermLocations = search.MergeFieldTermLocations(rv.FieldTermLocations, s.others)
	for _, c := range m {
		for _, l := range c.bareTerms {
			rv.FieldTermLocations = append(rv.FieldTermLocations, search.FieldTermLocation{Field: l.Field, Term: l.Word, Location: bareMatch})
		}
	}
	for _, c := range m[1:] {
		release(ctx, c)
	}
	if s.must != nil {
		release(ctx, s.must)
	}
	return rv
}

// release hands a clause's match back to the pool. The clause stays on its
// passage: its next move goes on from there.
func release(ctx *search.SearchContext, c *bestClause) {
	if c.curr != nil {
		ctx.DocumentMatchPool.Put(c.curr)
		c.curr, c.on = nil, false
	}
}

// returned counts a passage's score among the best k, and walks fewer
// clauses when the k-th best score rises.
func (s *bestSearcher) returned(score float64) {
	if s.k <= 0 {
		return
	}
	if len(s.best) < s.k {
		s.best = append(s.best, score)
		if len(s.best) < s.k {
			return
		}
		slices.Sort(s.best)
	} else if score > s.best[0] {
		i, _ := slices.BinarySearch(s.best[1:], score)
		copy(s.best, s.best[1:i+1])
		s.best[i] = score
	} else {
		return
	}
	s.floor = s.best[0]
	walked := s.walked
	mustCeiling := 0.0
	if s.must != nil {
		mustCeiling = s.must.bound
	}
	for walked < len(s.clauses) && s.ceiling(0, 0, walked+1, mustCeiling) < s.floor {
		walked++
	}
	if walked != s.walked {
		s.walked = walked
		s.queue = s.queue[:0]
		for _, c := range s.clauses[walked:] {
			if c.on {
				s.push(c)
			}
		}
	}
}

func (s *bestSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	to := id.Value()
	if !s.started {
		if err := s.start(ctx, &to); err != nil {
			return nil, err
		}
		return s.Next(ctx)
	}
	if err := s.skipTo(ctx, to); err != nil {
		return nil, err
	}
	return s.Next(ctx)
}

func (s *bestSearcher) Weight() float64 {
	w := 0.0
	for _, c := range s.clauses {
		w += c.s.Weight()
	}
	if s.must != nil {
		w += s.must.s.Weight()
	}
	return w
}

func (s *bestSearcher) SetQueryNorm(qnorm float64) {
	for _, c := range s.all() {
		c.s.SetQueryNorm(qnorm)
		c.bound = c.base * qnorm
	}
}

func (s *bestSearcher) all() []*bestClause {
	if s.must != nil {
		return append(slices.Clip(s.clauses), s.must)
	}
	return s.clauses
}

func (s *bestSearcher) Size() int {
	n := 0
	for _, c := range s.all() {
		n += c.s.Size()
	}
	return n
}

func (s *bestSearcher) Count() uint64 {
	var n uint64
	for _, c := range s.clauses {
		n += c.s.Count()
	}
	return n
}

func (s *bestSearcher) Min() int { return 0 }

func (s *bestSearcher) DocumentMatchPoolSize() int {
	n := 1
	for _, c := range s.all() {
		n += 1 + c.s.DocumentMatchPoolSize()
	}
	return n
}

func (s *bestSearcher) Close() error {
	var first error
	for _, c := range s.all() {
		if err := c.s.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// The queue is a binary heap of clauses by current passage.

func (s *bestSearcher) push(c *bestClause) {
	s.queue = append(s.queue, c)
	i := len(s.queue) - 1
	for i > 0 {
		p := (i - 1) / 2
		if s.queue[p].id <= s.queue[i].id {
			break
		}
		s.queue[p], s.queue[i] = s.queue[i], s.queue[p]
		i = p
	}
}

func (s *bestSearcher) pop() *bestClause {
	q := s.queue
	top := q[0]
	last := len(q) - 1
	q[0] = q[last]
	q = q[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(q) && q[l].id < q[m].id {
			m = l
		}
		if r < len(q) && q[r].id < q[m].id {
			m = r
		}
		if m == i {
			break
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
	s.queue = q
	return top
}
