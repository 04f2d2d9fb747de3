package index

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/sendbot/sendbot/corpus"
)

// Stage 3 of 5: rerank the candidates.
//
// Each candidate is read whole and described by a few features: how well
// its text matches the question (BM25), how much of the question's weight
// its text and headings cover, whether its kind of document is what the
// question's words suggest, whether it is local to the area asked about,
// whether it says what a "What is X?" asks, whether it has what the
// question's kind wants (a time for "how long", a date for "when"), and
// bleve's own score. Its score is the features weighted by the model
// (model.json), learned on evaluation questions by `sendbot eval --fit`;
// none is set by hand. Features that did not pay across folds were
// removed (docs/ranking.md).

// Features of a candidate passage, in the order of Features.
const (
	featBM25 = iota
	featCover
	featIntent
	featLocal
	featExplains
	featRetrieval
	featAnswerType
	numFeatures
)

// Features names each feature of a candidate, as the model file does.
var Features = [numFeatures]string{
	featBM25:       "bm25_text",
	featCover:      "cover",
	featIntent:     "kind_intent",
	featLocal:      "local",
	featExplains:   "explains",
	featRetrieval:  "retrieval",
	featAnswerType: "answer_type",
}

const (
	// bm25K1 and bm25B are BM25's usual constants.
	bm25K1 = 1.2
	bm25B  = 0.75
)

// conceptMatch is where a passage's text says one of the question's
// concepts: a byte range, and the concept's place in the question.
type conceptMatch struct {
	concept    int
	start, end int
	pos        int // the word's place among the text's words
}

// fieldWords is how long a field is, in analysed words, and how often it
// says each concept.
type fieldWords struct {
	length int
	tf     []float64 // by concept, weighted by the names' boosts
}

// describe sets every candidate's features and text matches. The text,
// section and title are all read: a concept in any of them covers the
// question, and show counts one the heading says for less. When the
// question has asides the candidate does not all say, it is described as
// an answer to what is asked too (question.asking), for decide.
func (ix *Index) describe(qu question, cs []candidate) {
	if len(cs) == 0 {
		return
	}
	topRetrieval := cs[0].retrieval
	names := namesOf(qu)
	texts := make([]fieldWords, len(cs))
	avg := 0.0
	for i := range cs {
		texts[i], cs[i].matches = ix.findConcepts(qu, names, cs[i].str(fieldText), true)
		avg += float64(texts[i].length)
	}
	avg = max(avg/float64(len(cs)), 1)
	for i := range cs {
		c := &cs[i]
		section, _ := ix.findConcepts(qu, names, c.str(fieldSection), false)
		title, _ := ix.findConcepts(qu, names, c.str(fieldTitle), false)
		c.inHeading = make([]bool, len(qu.concepts))
		c.says = make([]bool, len(qu.concepts))
		for k, con := range qu.concepts {
			c.says[k] = con.known && (texts[i].tf[k] > 0 || section.tf[k] > 0 || title.tf[k] > 0)
			c.inHeading[k] = con.known && !con.optional && (section.tf[k] > 0 || title.tf[k] > 0)
		}
		m := readWords{text: texts[i], inHeading: c.inHeading, avg: avg}
		c.features = ix.features(qu, m, c, topRetrieval)
		if asking, ok := qu.asking(c.says); ok {
			// Only what the question's words weigh differs.
			c.asking = slices.Clone(c.features)
			wordFeatures(asking, m, c.asking)
		}
	}
}

// readWords are what describe reads of a passage's words: its text's,
// and which concepts its headings say.
type readWords struct {
	text      fieldWords
	inHeading []bool
	avg       float64 // the candidates' text length, on average
}

// features are a candidate's features as an answer to qu.
func (ix *Index) features(qu question, w readWords, c *candidate, topRetrieval float64) []float64 {
	feat := make([]float64, numFeatures)
	wordFeatures(qu, w, feat)
	if qu.intent != nil {
		feat[featIntent] = math.Log(max(qu.intent[c.str(fieldKind)], 1e-3))
	}
	if qu.areaKey != "" && qu.areaKey != noLocalArea && !corpus.IsNational(c.str(fieldArea)) {
		feat[featLocal] = 1
	}
	if ix.explains(qu, lastHeading(c.str(fieldSection)), c.str(fieldText)) {
		feat[featExplains] = 1
	}
	if topRetrieval > 0 {
		feat[featRetrieval] = c.retrieval / topRetrieval
	}
	if qu.wants != nil && qu.wants.MatchString(c.str(fieldText)) {
		feat[featAnswerType] = 1
	}
	return feat
}

// wordFeatures sets the features that weigh the question's words,
// bm25_text and cover, in feat.
func wordFeatures(qu question, w readWords, feat []float64) {
	feat[featBM25], feat[featCover] = 0, 0
	total := qu.knownWeight()
	if total == 0 {
		return
	}
	covered := 0.0
	for k, con := range qu.concepts {
		if !con.known || con.optional {
			continue
		}
		cw := con.counts()
		feat[featBM25] += cw * bm25TF(w.text.tf[k], float64(w.text.length), w.avg)
		if w.text.tf[k] > 0 || w.inHeading[k] {
			covered += cw
		}
	}
	feat[featBM25] /= total
	feat[featCover] = covered / total
}

// bm25TF is BM25's term-frequency part for tf uses in a field of length n.
func bm25TF(tf, n, avg float64) float64 {
	if tf == 0 {
		return 0
	}
	return tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*n/avg))
}

// name is one name of one of the question's concepts.
type name struct {
	concept int
	alt     alt
	// word is, for a loose name, which of its words this is.
	word int
}

// namesOf lists every name of the question's known concepts by its first
// word (each word, for a loose name), for findConcepts.
func namesOf(qu question) map[string][]name {
	out := map[string][]name{}
	for k, con := range qu.concepts {
		if !con.known {
			continue
		}
		for _, a := range con.alts {
			if a.loose {
				for w, t := range a.terms {
					out[t] = append(out[t], name{concept: k, alt: a, word: w})
				}
				continue
			}
			out[a.terms[0]] = append(out[a.terms[0]], name{concept: k, alt: a})
		}
	}
	return out
}

// findConcepts analyses a field's text and finds every name of every
// concept in it (where, when located is set). A glossary name in capitals
// ("OT") counts only where the text writes it in capitals. It reads the
// analysed words in place, without a string for each: rerank reads fifty
// passages' three fields for every question.
func (ix *Index) findConcepts(qu question, names map[string][]name, text string, located bool) (fieldWords, []conceptMatch) {
	fw := fieldWords{tf: make([]float64, len(qu.concepts))}
	if text == "" {
		return fw, nil
	}
	buf := tokenBufs.Get().(*tokenBuf)
	defer tokenBufs.Put(buf)
	var toks analysis.TokenStream
	if a, ok := ix.analyzer.(*enWords); ok {
		toks = a.analyze([]byte(text), buf)
	} else {
		toks = ix.analyzer.Analyze([]byte(text))
	}
	fw.length = len(toks)
	var matches []conceptMatch
	// loose counts each word of each loose name, by concept and word.
	var loose map[[2]int]int
	var looseBoost map[int]float64
	var looseAt map[int][]conceptMatch
	for i, tok := range toks {
		for _, n := range names[string(tok.Term)] {
			a := n.alt
			if a.loose {
				if loose == nil {
					loose, looseBoost, looseAt = map[[2]int]int{}, map[int]float64{}, map[int][]conceptMatch{}
				}
				loose[[2]int{n.concept, n.word}]++
				looseBoost[n.concept] = a.boost
				if located {
					looseAt[n.concept] = append(looseAt[n.concept], conceptMatch{concept: n.concept, start: tok.Start, end: tok.End, pos: i})
				}
				continue
			}
			end, ok := saysAt(text, toks, i, a)
			if !ok {
				continue
			}
			fw.tf[n.concept] += a.boost
			if located {
				matches = append(matches, conceptMatch{concept: n.concept, start: tok.Start, end: end, pos: i})
			}
		}
	}
	// A loose name is said as often as its rarest word.
	for k := range qu.concepts {
		boost, ok := looseBoost[k]
		if !ok {
			continue
		}
		count := math.Inf(1)
		for _, a := range qu.concepts[k].alts {
			if a.loose {
				for w := range a.terms {
					count = math.Min(count, float64(loose[[2]int{k, w}]))
				}
			}
		}
		if count > 0 {
			fw.tf[k] += boost * count
			matches = append(matches, looseAt[k]...)
		}
	}
	slices.SortFunc(matches, func(a, b conceptMatch) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end), cmp.Compare(a.concept, b.concept))
	})
	return fw, matches
}

// saysAt reports whether the text says name a at its i-th token: all its
// words in order, not broken by punctuation, and an acronym in capitals.
// end is where it ends in text.
func saysAt(text string, toks analysis.TokenStream, i int, a alt) (end int, ok bool) {
	if i+len(a.terms) > len(toks) {
		return 0, false
	}
	for j, t := range a.terms[1:] {
		if string(toks[i+1+j].Term) != t {
			return 0, false
		}
	}
	last := toks[i+len(a.terms)-1]
	if a.acronym && !isCapitals(text[toks[i].Start:last.End]) {
		return 0, false
	}
	if len(a.terms) > 1 && brokenBetween(text, toks[i:i+len(a.terms)]) {
		return 0, false
	}
	return last.End, true
}

// brokenBetween reports whether punctuation that ends a phrase (a
// bracket, a full stop, a colon) sits between two of the tokens in text.
func brokenBetween(text string, toks analysis.TokenStream) bool {
	for i := 1; i < len(toks); i++ {
		if strings.ContainsAny(text[toks[i-1].End:toks[i].Start], "()[]{}.;:!?|\n") {
			return true
		}
	}
	return false
}

// isCapitals reports whether s has no lower-case letter.
func isCapitals(s string) bool {
	return !strings.ContainsFunc(s, unicode.IsLower)
}

// explains reports whether a passage answers the "What is X?" the
// question asks: its heading asks the same ("What is mediation?"), or its
// text says what X is ("Neurodivergent conditions include autism…").
func (ix *Index) explains(qu question, heading, text string) bool {
	if qu.asks == nil {
		return false
	}
	if x := definitionSubject(heading); x != "" {
		ht := tokenize(ix.analyzer, x)
		if slices.Equal(terms(ht), qu.asks) || (qu.subject != nil && ix.vocab.entry(ht) == qu.subject) {
			return true
		}
	}
	return qu.definedBy != nil && qu.definedBy.MatchString(text)
}

// lastHeading is the heading right above a passage, the last part of its
// section trail ("Mediation › What is mediation?").
func lastHeading(section string) string {
	if i := strings.LastIndex(section, "›"); i >= 0 {
		return section[i+len("›"):]
	}
	return section
}

// rerank scores the candidates with the model's weights and orders them,
// best first; ties keep retrieve's order.
func (m *Model) rerank(cs []candidate) {
	for i := range cs {
		cs[i].score = m.score(cs[i].features)
	}
	slices.SortStableFunc(cs, func(a, b candidate) int { return cmp.Compare(b.score, a.score) })
}
