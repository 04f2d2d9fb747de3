package index

import (
	"bytes"
	"sort"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/sendbot/sendbot/corpus"
)

// The pairs field holds every two neighbouring words of a passage's text
// as one term ("mental health") when both are common words, so that a phrase of
// common words (a question's neighbouring words, a glossary name) is found
// by looking up a few rare terms instead of by reading the positions of
// words that most passages use: that was most of the time of a search.
// A phrase with a word that is not common is still searched as a phrase,
// which is quick, as the rare word's few passages lead.
//
// The words are index terms (stems, stop words left out); a stop word
// between them is kept as a gap, so "advice and support" is the term
// "advic _ support" and only a passage that says it with one word between
// has it, as a phrase query would require.
const (
	// The pairs have a field of their own, so that the text field's
	// lengths, which its words' scores depend on, do not count them.
	fieldPairs    = "pairs"
	pairsAnalyzer = "sendbot_pairs"
	pairsFilter   = "sendbot_pairs"
	// maxPairGap is the most positions apart two neighbouring terms may be
	// to make a pair: two stop words between them.
	maxPairGap = 3
	// commonShare is the share of passages a word must be in to be common;
	// commonSample is how many passages, evenly spread, Build counts
	// words in to find them.
	commonShare  = 0.05
	commonSample = 10000
)

func init() {
	registry.RegisterTokenFilter(pairsFilter, func(config map[string]any, _ *registry.Cache) (analysis.TokenFilter, error) {
		f := pairFilter{common: map[string]bool{}}
		words, _ := config["words"].([]any)
		for _, w := range words {
			if s, ok := w.(string); ok {
				f.common[s] = true
			}
		}
		return f, nil
	})
}

// pairFilter turns a stream of index terms into the pairs of common
// words, each at the position of its first word.
type pairFilter struct {
	common map[string]bool
}

func (f pairFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for i := 0; i+1 < len(in); i++ {
		a, b := in[i], in[i+1]
		term, ok := f.pair(a.Term, b.Term, b.Position-a.Position)
		if !ok {
			continue
		}
		out = append(out, &analysis.Token{
			Term:     term,
			Start:    a.Start,
			End:      b.End,
			Position: a.Position,
			Type:     analysis.Shingle,
		})
	}
	return out
}

// pair is the pair term for a followed, gap positions on, by b,
// if the field has one.
func (f pairFilter) pair(a, b []byte, gap int) ([]byte, bool) {
	if gap < 1 || gap > maxPairGap || !f.common[string(a)] || !f.common[string(b)] {
		return nil, false
	}
	t := make([]byte, 0, len(a)+len(b)+1+2*(gap-1))
	t = append(t, a...)
	for range gap - 1 {
		t = append(t, " _"...)
	}
	t = append(t, ' ')
	return append(t, b...), true
}

// pairWords are the index terms a pair is made of.
func pairWords(pair string) []string {
	var out []string
	for _, w := range bytes.Fields([]byte(pair)) {
		if string(w) != "_" {
			out = append(out, string(w))
		}
	}
	return out
}

// pairsOf returns the pair terms that say phrase, in order, or false when
// the index has none for it (a word of it is not common): then it must be
// searched as a phrase. A phrase of one word has no pairs.
func (ix *Index) pairsOf(phrase string) ([]string, bool) {
	if ix.pairs.common == nil {
		return nil, false
	}
	toks := ix.analyzer.Analyze([]byte(phrase))
	if len(toks) < 2 {
		return nil, false
	}
	out := make([]string, 0, len(toks)-1)
	for i := 0; i+1 < len(toks); i++ {
		t, ok := ix.pairs.pair(toks[i].Term, toks[i+1].Term, toks[i+1].Position-toks[i].Position)
		if !ok {
			return nil, false
		}
		out = append(out, string(t))
	}
	return out, true
}

// pairFilterOf finds the pairs filter of the pairs field's analyzer.
func pairFilterOf(a analysis.Analyzer) pairFilter {
	if s, ok := a.(*sharedAnalyzer); ok && s.pairs != nil {
		return *s.pairs
	}
	return pairFilter{}
}

// commonWords are the index terms of the passages' text that at least
// commonShare of them use, counted in up to commonSample passages spread
// evenly over docs; the same docs always give the same words.
func commonWords(a analysis.Analyzer, docs []corpus.Document) []string {
	step := max(1, passagesIn(docs)/commonSample)
	df := map[string]int{}
	sampled, i := 0, 0
	seen := map[string]bool{}
	for _, d := range docs {
		for _, p := range d.Passages {
			i++
			if i%step != 0 {
				continue
			}
			sampled++
			clear(seen)
			for _, t := range a.Analyze([]byte(p.Text)) {
				if !seen[string(t.Term)] {
					seen[string(t.Term)] = true
					df[string(t.Term)]++
				}
			}
		}
	}
	var out []string
	for w, c := range df {
		if float64(c) >= commonShare*float64(sampled) {
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}
