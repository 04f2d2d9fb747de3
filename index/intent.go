package index

import (
	"context"
	"strings"
	"sync"

	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/sendbot/sendbot/index/internal/maxscore"
)

// Which kind of document a question wants, for the understand stage, is
// read from the documents themselves: a word that services use far more
// than reports do ("saturday", "club") makes a service likelier to
// answer, one that inspection news uses ("ofsted", "inspectors") makes
// such news likelier. For each kind, intentOf averages over the
// question's words and glossary phrases (weighted by rarity) the share of
// the passages using the word, or every word of the phrase, that are of
// that kind; rerank compares it with the kind's share of all passages.
// (Phrases were once left out: "SEND inspection", the words that say
// most of a kind, then said nothing.)

const (
	// intentSmoothing is how many passages of the corpus's own mix of
	// kinds each word's count is mixed with, so that a word a few
	// passages use says little.
	intentSmoothing = 5.0
	// maxIntentShare is the largest share of all passages a word may be
	// used by and still count, unless it is used by at most
	// minIntentLimit: walking a common word's postings in a large index
	// would cost time, and such a word says little of kind.
	maxIntentShare = 0.05
	minIntentLimit = 2000
)

// kindIndex is the kind of every passage, by number, and how many
// passages of each kind use the words questions have asked about.
type kindIndex struct {
	once  sync.Once
	err   error
	names []string // kind names; 0 is "" (no kind)
	of    []uint8  // passage number -> index into names
	prior []float64

	// counts caches, by word, how many passages of each kind use it: an
	// open index never changes, and parents' questions share their words.
	mu     sync.Mutex
	counts map[string][]float64
}

// maxCachedCounts bounds the cache of counts; a full cache starts again.
const maxCachedCounts = 1 << 14

// countsOf is how many passages of each kind use every one of terms in
// their text (a glossary phrase's words, or one word); uses are how many
// passages use each term. A term used by more than limit passages is
// left out, as too common to say; nil when every term is.
func (k *kindIndex) countsOf(ctx context.Context, r bleveindex.IndexReader, terms []string, uses []uint64, limit float64) ([]float64, error) {
	key := strings.Join(terms, " ")
	k.mu.Lock()
	c, ok := k.counts[key]
	k.mu.Unlock()
	if ok {
		return c, nil
	}
	var nums []uint64
	walked := false
	for i, t := range terms {
		if uses[i] == 0 || float64(uses[i]) > limit {
			continue
		}
		with, err := passagesWith(ctx, r, fieldText, t)
		if err != nil {
			return nil, err
		}
		if walked {
			nums = intersect(nums, with)
		} else {
			nums, walked = with, true
		}
	}
	if walked {
		c = make([]float64, len(k.names))
		for _, num := range nums {
			if num < uint64(len(k.of)) {
				c[k.of[num]]++
			} else {
				c[0]++
			}
		}
	}
	k.mu.Lock()
	if k.counts == nil || len(k.counts) >= maxCachedCounts {
		k.counts = map[string][]float64{}
	}
	k.counts[key] = c // nil: too common, or unused, to say
	k.mu.Unlock()
	return c, nil
}

// intersect is the numbers in both a and b, each in order.
func intersect(a, b []uint64) []uint64 {
	out := a[:0]
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// kindsOf reads each passage's kind the first time it is needed.
func (ix *Index) kindsOf(ctx context.Context, r bleveindex.IndexReader) (*kindIndex, error) {
	k := &ix.kinds
	k.once.Do(func() {
		seen := map[string]bool{"": true}
		k.names = []string{""}
		for _, d := range ix.catalogue {
			if !seen[d.Kind] && len(k.names) < 255 {
				seen[d.Kind] = true
				k.names = append(k.names, d.Kind)
			}
		}
		counts := make([]float64, len(k.names))
		for i, name := range k.names {
			if name == "" {
				continue
			}
			nums, err := passagesWith(ctx, r, fieldKind, name)
			if err != nil {
				k.err = err
				return
			}
			for _, n := range nums {
				for uint64(len(k.of)) <= n {
					k.of = append(k.of, 0)
				}
				k.of[n] = uint8(i)
			}
			counts[i] = float64(len(nums))
		}
		total := float64(max(ix.info.Passages, 1))
		known := 0.0
		for _, c := range counts {
			known += c
		}
		counts[0] = max(total-known, 0)
		k.prior = make([]float64, len(k.names))
		for i, c := range counts {
			k.prior[i] = (c + 1) / (total + float64(len(counts)))
		}
	})
	return k, k.err
}

// intentOf is, for each kind of document, how likely one of its passages
// is to be what the question's words are about (see above). It is nil
// when no word says. The question must have been weighed: its uses say
// how many passages use each word.
func (ix *Index) intentOf(ctx context.Context, r bleveindex.IndexReader, qu question) map[string]float64 {
	kinds, err := ix.kindsOf(ctx, r)
	if err != nil || len(kinds.names) < 2 {
		return nil
	}
	limit := max(maxIntentShare*float64(ix.info.Passages), minIntentLimit)
	mix := make([]float64, len(kinds.names))
	weights := 0.0
	for _, c := range qu.concepts {
		if !c.known || c.optional {
			continue
		}
		terms := c.alts[0].terms
		uses := make([]uint64, len(terms))
		for i, t := range terms {
			uses[i] = qu.uses[maxscore.Term{Field: fieldText, Word: t}]
		}
		counts, err := kinds.countsOf(ctx, r, terms, uses, limit)
		if err != nil || counts == nil {
			continue
		}
		used := 0.0
		for _, n := range counts {
			used += n
		}
		for i := range mix {
			mix[i] += c.weight * (counts[i] + intentSmoothing*kinds.prior[i]) / (used + intentSmoothing)
		}
		weights += c.weight
	}
	if weights == 0 {
		return nil
	}
	out := make(map[string]float64, len(mix))
	for i, name := range kinds.names {
		out[name] = mix[i] / weights / kinds.prior[i]
	}
	return out
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
