package index

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/sendbot/sendbot/index/internal/maxscore"
)

// Stage 2 of 5: retrieve a wide set of candidates.
//
// bleve finds the passages that use any name of any concept in any
// searchable field, in the area asked about and the national documents,
// scored by BM25; the best `candidates` of them go on to rerank, which
// reads each one whole. Recall is what matters here: on the evaluation
// questions the passage that answers is among the first 50 far more
// often than among the first 3.

// candidates is how many passages bleve ranks for rerank to reorder;
// maxTied is how many it fetches at most to order passages tied at the
// last place (see retrieve).
const (
	candidates = 50
	maxTied    = 8 * candidates
)

// maxQueryTerms caps the concepts a question searches for.
const maxQueryTerms = 32

// searchFields are the fields a question is matched against, with how
// much a match in each counts to bleve.
var searchFields = []struct {
	name  string
	boost float64
}{{fieldText, 1}, {fieldSection, 0.6}, {fieldTitle, 0.4}}

// candidate is one passage bleve found, with what rerank reads of it.
type candidate struct {
	dm        *search.DocumentMatch
	retrieval float64 // bleve's score
	order     int     // its place in retrieve's order: bleve's score, then ID
	features  []float64
	score     float64 // the model's
	// matches are where the question's concepts are in its text, and
	// inHeading which of them its title or section says, for show; found
	// when its features are.
	matches   []conceptMatch
	inHeading []bool
	// says is which of the question's concepts it says, and asking its
	// features as an answer to what is asked (question.asking), when
	// the question has asides it does not all say.
	says   []bool
	asking []float64
}

// str is one of the candidate's stored fields.
func (c *candidate) str(field string) string {
	s, _ := c.dm.Fields[field].(string)
	return s
}

// retrieve finds the candidates for a question in its area ("" for all,
// noLocalArea for the national documents alone), counting with r, the
// reader the question was understood with; the fallback documents too
// when withFallback is set, else never. With exact set, passages tied at
// the last place are chosen by their IDs (see below).
func (ix *Index) retrieve(ctx context.Context, r bleveindex.IndexReader, qu question, withFallback, exact bool) ([]candidate, error) {
	q := ix.query(qu, withFallback)
	if len(q.Clauses) == 0 {
		return nil, nil
	}
	var err error
	if q.Counts, err = maxscore.Counts(ctx, r, q, qu.uses); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	// Passages that score the same are in bleve's order of their numbers,
	// which a build does not keep from one build to the next. So that
	// eval's figures repeat exactly from one build of a corpus to another,
	// it has those tied at the last place all fetched, when they are not
	// too many, and taken in the order of their IDs. A search in use takes
	// bleve's fifty: fetching the tied was a third of a search's time at
	// 100,000 passages, for passages at the fiftieth place.
	var hits search.DocumentMatchCollection
	size := candidates
	if exact {
		size++
	}
	for ; ; size *= 2 {
		q.K = size
		sr, err := ix.bleve.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, size, 0, false))
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		hits = sr.Hits
		if !exact || len(hits) <= candidates || hits[len(hits)-1].Score < hits[candidates-1].Score || size >= maxTied {
			break
		}
	}
	slices.SortStableFunc(hits, func(a, b *search.DocumentMatch) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	hits = hits[:min(candidates, len(hits))]
	if err := loadFields(r, hits); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := make([]candidate, 0, len(hits))
	for i, dm := range hits {
		out = append(out, candidate{dm: dm, retrieval: dm.Score, order: i})
	}
	return out, nil
}

// loadFields sets each hit's Fields to its passage's storedFields (every
// field the index stores but the ID), read once the candidates are known with
// bleve's IndexReader.Document. bleve's LoadAndHighlightFields does the
// same for a search request's fields, but goes over the passage's fields
// once for each field asked for, and grows each hit's map field by field:
// measured side by side over the bench questions at 100,000 passages, a
// search allocated 644 KB with it and 568 KB with this (p99 17.9 and 17.3
// ms), and allocation is what sets how often the collector runs.
func loadFields(r bleveindex.IndexReader, hits search.DocumentMatchCollection) error {
	for _, h := range hits {
		doc, err := r.Document(h.ID)
		if err != nil {
			return fmt.Errorf("%s: %w", h.ID, err)
		}
		if doc == nil {
			return fmt.Errorf("%s: %w", h.ID, bleve.ErrorIndexReadInconsistency)
		}
		h.Fields = make(map[string]any, len(storedFields))
		doc.VisitFields(func(f bleveindex.Field) {
			if !slices.Contains(storedFields, f.Name()) {
				return
			}
			switch v := f.(type) {
			case bleveindex.TextField:
				h.Fields[f.Name()] = v.Text()
			case bleveindex.NumericField:
				if n, err := v.Number(); err == nil {
					h.Fields[f.Name()] = n
				}
			}
		})
	}
	return nil
}

// query builds the query for a question's concepts: any name of any
// known concept, in any searchable field, in the question's area and the
// national documents. The words are already analysed, so single words
// are matched as terms and phrases as analysed phrases; nothing the
// parent typed is read as query syntax.
func (ix *Index) query(qu question, withFallback bool) maxscore.Query {
	var clauses []maxscore.Clause
	for _, c := range qu.concepts {
		if !c.known {
			continue
		}
		for _, a := range c.alts {
			for _, f := range searchFields {
				if a.loose {
					for _, t := range a.terms {
						clauses = append(clauses, maxscore.TermClause(f.name, t, f.boost*a.boost))
					}
					continue
				}
				if len(a.terms) == 1 {
					clauses = append(clauses, maxscore.TermClause(f.name, a.terms[0], f.boost*a.boost))
					continue
				}
				// A phrase scores as the sum of its words (or of its
				// pairs); divided by their number, "education, health
				// and care plan" counts as one concept, as its acronym
				// does.
				if f.name == fieldText {
					if pairs, ok := ix.pairsOf(a.phrase); ok {
						clauses = append(clauses, pairsClause(pairs, f.boost*a.boost/float64(len(pairs))))
						continue
					}
				}
				clauses = append(clauses, ix.phraseClause(f.name, a.phrase, f.boost*a.boost/float64(len(a.terms))))
			}
		}
	}
	q := maxscore.Query{Clauses: clauses, K: candidates}
	national := maxscore.TermClause(fieldScope, scopeNational, 1)
	if withFallback {
		national = maxscore.DisjunctionClause(national, maxscore.TermClause(fieldScope, scopeFallback, 1))
	}
	switch qu.areaKey {
	case "":
		if ix.fallback && !withFallback {
			// Every passage but the fallback ones, adding nothing to
			// their scores.
			c := maxscore.DisjunctionClause(maxscore.TermClause(fieldScope, scopeNational, 0), maxscore.TermClause(fieldScope, scopeLocal, 0))
			q.Must = &c
		}
	case noLocalArea:
		q.Must = &national
	default:
		c := maxscore.DisjunctionClause(maxscore.TermClause(fieldAreaKey, qu.areaKey, 1), national)
		q.Must = &c
	}
	return q
}

// phraseClause finds phrase in field, analysed as the index analyses it.
func (ix *Index) phraseClause(field, phrase string, boost float64) maxscore.Clause {
	p := maxscore.Phrase{Field: field, Text: phrase, Analyzer: analyzer, Boost: boost}
	for _, t := range ix.analyzer.Analyze([]byte(phrase)) {
		p.Words = append(p.Words, maxscore.Word{Term: string(t.Term), Pos: t.Position})
	}
	return maxscore.PhraseClause(p)
}

// pairsClause finds the passages that have all of pairs, each pair
// scoring as a word with this boost.
func pairsClause(pairs []string, boost float64) maxscore.Clause {
	cs := make([]maxscore.Clause, len(pairs))
	for i, t := range pairs {
		cs[i] = maxscore.TermClause(fieldPairs, t, boost)
	}
	if len(cs) == 1 {
		return cs[0]
	}
	return maxscore.ConjunctionClause(cs...)
}
