package index

import (
	"context"
	"slices"
	"sort"
	"strings"

	bleveindex "github.com/blevesearch/bleve_index_api"
)

// Variants, for the understand stage. The Porter stemmer keeps apart
// words that a parent and a document use for the same thing: "complain"
// and "complaint", "exclusion" and "exclusions" it joins, but not
// derivations with another ending. A long word of the question is also
// searched as each of the index's own words that share its stem but for
// its last letters, as other names of the same concept, counting less than
// the word asked. Short stems are left alone: cut by the same letters
// they would match too many unrelated words. Both lengths were chosen on
// the evaluation questions (docs/ranking.md): cutting two letters instead
// of three cost recall.

const (
	// variantMinStem is the shortest stem, in letters, whose variants
	// are searched.
	variantMinStem = 7
	// variantCut is how many letters of the stem's end a variant may
	// differ in.
	variantCut = 3
	// variantBoost is how much a variant counts next to the word asked,
	// as much as a glossary synonym.
	variantBoost = synonymBoost
)

// variantsOf are the words of sorted (an index's terms, in order) that
// share stem but for its last variantCut letters, other than stem
// itself; none for a stem shorter than variantMinStem letters or that is
// not a word.
func variantsOf(stem string, sorted []string) []string {
	if len(stem) < variantMinStem || !isWord(stem) { // a word is ASCII letters
		return nil
	}
	prefix := stem[:len(stem)-variantCut]
	var out []string
	for i := sort.SearchStrings(sorted, prefix); i < len(sorted) && strings.HasPrefix(sorted[i], prefix); i++ {
		if sorted[i] != stem {
			out = append(out, sorted[i])
		}
	}
	return out
}

// addVariants gives each single word of the question (not a glossary
// term, nor the name of a place) the index's variants of its stem as
// other names, and weighs it again: a word no document uses whose
// variants they do use is known by them.
func (ix *Index) addVariants(ctx context.Context, r bleveindex.IndexReader, qu *question) {
	sorted := ix.textTerms(r).sorted
	df := func(t string) float64 { return ix.docFreq(ctx, r, t, qu.uses) }
	for i := range qu.concepts {
		c := &qu.concepts[i]
		if c.term != nil || c.optional || len(c.alts) != 1 || len(c.alts[0].terms) != 1 {
			continue
		}
		vs := variantsOf(c.alts[0].terms[0], sorted)
		if len(vs) == 0 {
			continue
		}
		for _, v := range vs {
			c.alts = append(c.alts, alt{terms: []string{v}, boost: variantBoost})
		}
		ix.weighConcept(c, df)
		if c.known {
			qu.unknown = slices.DeleteFunc(qu.unknown, func(w string) bool { return w == c.asked })
		}
	}
}
