package index

import (
	"context"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/sendbot/sendbot/corpus"
)

// alt is one way of saying a concept: a single index term, or a phrase.
type alt struct {
	terms  []string
	phrase string // as written, for a phrase of more than one term
	boost  float64
}

// concept is one thing a question asks about, with every way of saying it.
type concept struct {
	asked     string // the words as typed
	alts      []alt
	term      *term  // the glossary entry it is, if any
	corrected string // what a misspelt word was taken to be
	weight    float64
	known     bool
	// optional concepts help rank but are not needed for an answer: the
	// name of the area the question asks about, which is searched by
	// filtering but still marks passages that are about the area.
	optional bool
}

// Correction is a misspelt word and the word sendbot searched for instead.
type Correction struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// plan is a question turned into what to search for.
type plan struct {
	concepts []concept
	// areaKey is the local area the question names ("…in Otherton"), if any.
	areaKey string
	// subject is the glossary entry a "What is X?" question asks about;
	// define is the same entry when the glossary gives its meaning.
	subject     *term
	define      *term
	definedBy   *regexp.Regexp // a sentence saying what subject is
	corrections []Correction
	unknown     []string // words no document uses
	// pairs are neighbouring words of the question, as written ("areas
	// for improvement"): a passage that has them side by side ranks
	// higher, without their being needed for an answer.
	pairs []string
	// uses are how many passages use each of its words in each searchable
	// field, as counted while weighing them; a search counts the rest
	// (see countUses).
	uses map[leaf]uint64
}

// idioms are question phrases whose key word is not what the answer says:
// "how long did it take" is answered by "three weeks", "how far" by a
// distance in miles. The key word's concept also takes these words, and
// the phrase's other words (take, took) are dropped. Where the key word
// itself would mislead ("can the council say no?" is not about what the
// council says), it becomes another word.
var idioms = []struct {
	phrase  string   // as the question writes it
	key     string   // the word of the phrase that becomes the concept
	drop    []string // words that say nothing once the phrase is read
	also    []string // words an answer uses
	becomes string   // the word the key word stands for, if not itself
}{
	{"how long", "long", []string{"take", "takes", "took", "taking"}, []string{"weeks", "months", "years", "days", "time"}, ""},
	{"how far", "far", nil, []string{"distance", "miles"}, ""},
	{"how much", "much", []string{"cost", "costs"}, []string{"cost", "costs", "pay", "price", "fee", "charge", "free"}, ""},
	{"how old", "old", nil, []string{"age", "aged"}, ""},
	{"what age", "age", nil, []string{"aged", "old", "years"}, ""},
	// "Can the council say no?": documents say refuse, refusal.
	{"say no", "say", nil, []string{"decline"}, "refuse"},
	{"says no", "says", nil, []string{"decline"}, "refuse"},
	{"said no", "said", nil, []string{"decline"}, "refuse"},
}

// fillerWords are words of a question that say nothing about its subject.
var fillerWords = []string{"please", "thanks", "thank", "hi", "hello", "tell", "explain", "mean", "means", "meaning",
	"stand", "stands", "anyone", "someone", "know", "can", "could", "would", "get", "find", "want", "like", "let", "us"}

// definitionQuestion matches "what is X", "what does X mean", "what does X
// stand for", "define X", "meaning of X" and "X meaning"; X is in one of
// the named groups x1…x4.
var definitionQuestion = regexp.MustCompile(`^(?:(?:what|whats|what's)\s+(?:is|are|does|do)\s+(?:an?\s+|the\s+)?(?P<x1>.+?)(?:\s+(?:mean|means|stand for|stands for))?|(?:define|definition of|meaning of|what is meant by)\s+(?:an?\s+|the\s+)?(?P<x2>.+?)|(?P<x3>.+?)\s+(?:meaning|definition)|(?:what|whats|what's)\s+(?:an?|the)\s+(?P<x4>.+?)|(?:what|whats|what's)\s+(?:counts|count|is counted|qualifies)\s+as\s+(?:an?\s+)?(?P<x5>.+?))$`)

// definitionSubject returns X of a "What is X?" question, or "".
func definitionSubject(text string) string {
	s := strings.ToLower(strings.TrimSpace(text))
	s = strings.TrimRight(s, "?!. ")
	s = strings.Join(strings.Fields(s), " ")
	m := definitionQuestion.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	for i := 1; i < len(m); i++ {
		if m[i] != "" {
			return m[i]
		}
	}
	return ""
}

// explains reports whether a passage answers the "What is X?" the plan
// asks: its heading asks the same ("What is mediation?"), or its text
// says what X is ("Neurodivergent conditions include autism, ADHD…").
func (ix *Index) explains(p plan, heading, text string) bool {
	if p.subject == nil {
		return false
	}
	if x := definitionSubject(heading); x != "" && ix.vocab.entry(ix.dropFiller(tokenize(ix.analyzer, x))) == p.subject {
		return true
	}
	return p.definedBy != nil && p.definedBy.MatchString(text)
}

// definitionPattern matches a sentence that says what one of a term's
// names is, means or includes, allowing two words between ("autism
// spectrum conditions include…"); "X is a…" defines, "X is published"
// does not.
func definitionPattern(t *term) *regexp.Regexp {
	var names []string
	for _, f := range t.forms {
		names = append(names, regexp.QuoteMeta(f.text))
	}
	return regexp.MustCompile(`(?i)\b(?:` + strings.Join(names, "|") + `)\b(?:\s+[\w()'’-]+){0,2}\s+(?:(?:is|are)\s+(?:a|an|the|when|where|how|what|someone|something|any|one of)|means|mean|include|includes|refers to|describes)\b`)
}

// plan turns a question into concepts: glossary terms with all their
// names, the area it names, and plain words, with misspelt words that no
// document uses taken to be the nearest word some documents do use.
func (ix *Index) plan(ctx context.Context, text string) plan {
	var p plan
	toks := ix.dropFiller(tokenize(ix.analyzer, text))
	var areaToks []token
	toks, areaToks, p.areaKey = ix.namedArea(toks)

	if x := definitionSubject(text); x != "" {
		xt := ix.dropFiller(tokenize(ix.analyzer, x))
		subject := ix.vocab.entry(xt)
		if subject == nil && len(xt) > 1 && (xt[0].term == "send" || xt[0].term == "sen") {
			subject = ix.vocab.entry(xt[1:])
		}
		if subject != nil {
			// "What is send mediation?" is about mediation: search for
			// the term alone, so passages that explain it come first,
			// after the glossary's meaning when it has one.
			p.subject = subject
			p.definedBy = definitionPattern(subject)
			if subject.Meaning != "" {
				p.define = subject
			}
			p.concepts = []concept{ix.glossaryConcept(x, subject, 0)}
			ix.weigh(ctx, &p)
			return p
		}
	}

	idiomAlts, rewritten := ix.readIdioms(text, &toks)
	for i := 0; i+1 < len(toks); i++ {
		if rewritten[toks[i].start] || rewritten[toks[i+1].start] {
			continue // the words as written are not what is meant
		}
		p.pairs = append(p.pairs, text[toks[i].start:toks[i+1].end])
	}
	matches := ix.vocab.find(toks, text, false)
	next := 0
	add := func(c concept) {
		if len(p.concepts) < maxQueryTerms {
			p.concepts = append(p.concepts, c)
		}
	}
	seen := map[string]bool{}
	plain := func(from, to int) {
		for _, t := range toks[from:to] {
			if seen[t.term] {
				continue
			}
			seen[t.term] = true
			c := concept{asked: text[t.start:t.end], alts: []alt{{terms: []string{t.term}, boost: 1}}}
			for _, a := range idiomAlts[t.term] {
				c.alts = append(c.alts, alt{terms: []string{a}, boost: synonymBoost})
			}
			add(c)
		}
	}
	var loose []token // words of multi-word terms, which help rank on their own
	for _, m := range matches {
		plain(next, m.start)
		next = m.end
		form := m.term.forms[m.form].terms
		inForm := map[string]bool{}
		for _, t := range form {
			inForm[t] = true
		}
		for _, t := range toks[m.start:m.end] {
			if !inForm[t.term] {
				// the extra word inside "school [free] transport"
				if !seen[t.term] {
					seen[t.term] = true
					add(concept{asked: text[t.start:t.end], alts: []alt{{terms: []string{t.term}, boost: 1}}})
				}
			} else if len(form) > 1 {
				loose = append(loose, t)
			}
		}
		key := "glossary:" + m.term.Headword()
		if seen[key] {
			continue
		}
		seen[key] = true
		add(ix.glossaryConcept(text[toks[m.start].start:toks[m.end-1].end], m.term, m.form))
	}
	plain(next, len(toks))
	for _, t := range loose {
		if !seen[t.term] {
			seen[t.term] = true
			add(concept{asked: text[t.start:t.end], alts: []alt{{terms: []string{t.term}, boost: looseWordBoost}}, optional: true})
		}
	}
	for _, t := range areaToks {
		p.concepts = append(p.concepts, concept{asked: text[t.start:t.end], alts: []alt{{terms: []string{t.term}, boost: areaNameBoost}}, optional: true})
	}
	ix.weigh(ctx, &p)
	return p
}

// readIdioms finds the idioms in a question, drops their empty words from
// toks, turns key words into the words they stand for, and returns the
// words each idiom's key word also stands for, and where (by start in
// text) the words it turned are.
func (ix *Index) readIdioms(text string, toks *[]token) (map[string][]string, map[int]bool) {
	lower := " " + strings.Join(strings.Fields(strings.ToLower(text)), " ") + " "
	out := map[string][]string{}
	drop := map[string]bool{}
	rewritten := map[int]bool{}
	for _, id := range idioms {
		if !strings.Contains(lower, " "+id.phrase+" ") {
			continue
		}
		key := ix.stem(id.key)
		if id.becomes != "" {
			to := ix.stem(id.becomes)
			for i, t := range *toks {
				if t.term == key {
					(*toks)[i].term = to
					rewritten[t.start] = true
				}
			}
			key = to
		}
		for _, w := range id.also {
			out[key] = append(out[key], ix.stem(w))
		}
		for _, w := range id.drop {
			drop[ix.stem(w)] = true
		}
	}
	if len(drop) > 0 {
		kept := (*toks)[:0:0]
		for _, t := range *toks {
			if !drop[t.term] {
				kept = append(kept, t)
			}
		}
		*toks = kept
	}
	return out, rewritten
}

// stem is a single word's index term, or "" for a stop word.
func (ix *Index) stem(w string) string {
	if toks := tokenize(ix.analyzer, w); len(toks) > 0 {
		return toks[0].term
	}
	return ""
}

// glossaryConcept is a concept with every name of a glossary entry; the
// name asked for counts a little more than its synonyms.
func (ix *Index) glossaryConcept(asked string, t *term, asForm int) concept {
	c := concept{asked: asked, term: t}
	seen := map[string]bool{}
	// The name asked for goes first: the concept's weight is its weight.
	order := append([]int{asForm}, indexesExcept(len(t.forms), asForm)...)
	for _, i := range order {
		f := t.forms[i]
		key := strings.Join(f.terms, " ")
		if seen[key] {
			continue // "disability" and "disabilities" are one phrase once stemmed
		}
		seen[key] = true
		a := alt{terms: f.terms, boost: synonymBoost}
		if i == asForm {
			a.boost = 1
		}
		if len(f.terms) > 1 {
			a.phrase = f.text
		}
		c.alts = append(c.alts, a)
	}
	return c
}

func indexesExcept(n, skip int) []int {
	var out []int
	for i := 0; i < n; i++ {
		if i != skip {
			out = append(out, i)
		}
	}
	return out
}

// synonymBoost is how much a glossary synonym counts next to the word
// asked; areaNameBoost is how much the name of the area asked about counts.
const (
	synonymBoost   = 0.8
	areaNameBoost  = 0.5
	looseWordBoost = 0.3
)

// dropFiller removes words that say nothing about the question's subject.
func (ix *Index) dropFiller(toks []token) []token {
	out := toks[:0:0]
	for _, t := range toks {
		if !ix.filler[t.term] {
			out = append(out, t)
		}
	}
	return out
}

// namedArea finds a local area the question names and takes its words out
// of the question: the area is searched by filtering, not by its name
// appearing in the passage.
func (ix *Index) namedArea(toks []token) (rest, name []token, key string) {
	keys := make([]string, 0, len(ix.areaTerms))
	for key := range ix.areaTerms {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for i := range toks {
		for _, key := range keys {
			names := ix.areaTerms[key]
			if i+len(names) > len(toks) {
				continue
			}
			match := true
			for j, n := range names {
				if toks[i+j].term != n {
					match = false
					break
				}
			}
			// A question that is only an area name still searches for it.
			if match && len(names) < len(toks) {
				rest := append(append([]token(nil), toks[:i]...), toks[i+len(names):]...)
				return rest, toks[i : i+len(names)], key
			}
		}
	}
	return toks, nil, ""
}

// weigh gives each concept its weight, the inverse document frequency of
// its rarest-known name (so that matching "umbrella" counts for more than
// matching "send"), and takes each unknown plain word to be the nearest
// word the documents use, when one is close enough.
func (ix *Index) weigh(ctx context.Context, p *plan) {
	reader, err := ix.reader()
	if err != nil {
		return
	}
	defer reader.Close()
	p.uses = map[leaf]uint64{}
	df := func(t string) float64 { return ix.docFreq(ctx, reader, t, p.uses) }
	for i := range p.concepts {
		c := &p.concepts[i]
		ix.weighConcept(c, df)
		if c.known || c.optional || c.term != nil || len(c.alts) != 1 || len(c.alts[0].terms) != 1 {
			continue
		}
		fixed, ok := ix.correct(ctx, reader, c.asked, c.alts[0].terms[0])
		if !ok {
			p.unknown = append(p.unknown, c.asked)
			continue
		}
		asked := c.asked
		if t := ix.vocab.entry([]token{{term: fixed}}); t != nil {
			*c = ix.glossaryConcept(asked, t, 0)
		} else {
			*c = concept{asked: asked, alts: []alt{{terms: []string{fixed}, boost: 1}}}
		}
		c.corrected = fixed
		// To is the index term; Search shows it as a quoted passage writes it.
		p.corrections = append(p.corrections, Correction{From: asked, To: fixed})
		ix.weighConcept(c, df)
	}
}

// weighConcept sets a concept's weight to the rarity of the first of its
// names the documents use, which is the name asked for when they use it:
// a synonym makes more passages match, not the question rarer.
func (ix *Index) weighConcept(c *concept, df func(string) float64) {
	n := float64(ix.info.Passages)
	c.weight, c.known = 0, false
	for _, a := range c.alts {
		w, known := 0.0, true
		for _, t := range a.terms {
			d := df(t)
			if d == 0 {
				known = false
				break
			}
			w = math.Max(w, bm25IDF(n, d))
		}
		if known {
			c.known, c.weight = true, w
			return
		}
	}
}

// reader opens a reader on the index's current segments.
func (ix *Index) reader() (bleveindex.IndexReader, error) {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

// docFreq is how many passages use t in whichever searchable field uses
// it most. It keeps each field's count in uses, when set.
func (ix *Index) docFreq(ctx context.Context, r bleveindex.IndexReader, t string, uses map[leaf]uint64) float64 {
	df := 0.0
	for _, field := range []string{fieldText, fieldSection, fieldTitle} {
		n, err := termUses(ctx, r, field, t)
		if err != nil {
			continue
		}
		df = math.Max(df, float64(n))
		if uses != nil {
			uses[leaf{field: field, term: t}] = n
		}
	}
	return df
}

// correct finds the index term nearest a word no document uses: within
// one edit for words of six or seven letters and two edits for longer
// ones, starting with the same letter (few typos are in the first
// letter), preferring the closest and then the most used. It tries the
// word as typed and its stem, so "paediatrition" finds "paediatrician".
func (ix *Index) correct(ctx context.Context, r bleveindex.IndexReader, asked, stem string) (string, bool) {
	fr, ok := r.(bleveindex.IndexReaderFuzzy)
	if !ok {
		return "", false
	}
	type candidate struct {
		term     string
		distance uint8
		count    float64
	}
	// How far a guess may be is set by the word as typed, so that the
	// stem of "assesment" ("asses") may still be one edit from "assess".
	n := utf8.RuneCountInString(asked)
	fuzziness := 0
	switch {
	case n >= 8:
		fuzziness = 2
	case n >= 6:
		fuzziness = 1
	}
	if fuzziness == 0 {
		return "", false
	}
	var best *candidate
	for _, w := range []string{strings.ToLower(asked), stem} {
		first, _ := utf8.DecodeRuneInString(w)
		dict, err := fr.FieldDictFuzzy(fieldText, w, fuzziness, string(first))
		if err != nil {
			continue
		}
		for {
			e, err := dict.Next()
			if err != nil || e == nil {
				break
			}
			// The fuzzy dictionary does not count uses; docFreq does.
			uses := ix.docFreq(ctx, r, e.Term, nil)
			if uses < minCorrectionUses {
				continue
			}
			c := candidate{term: e.Term, distance: e.EditDistance, count: uses}
			if best == nil || c.distance < best.distance || (c.distance == best.distance && c.count > best.count) {
				best = &c
			}
		}
		dict.Close()
	}
	if best == nil {
		return "", false
	}
	return best.term, true
}

// minCorrectionUses is how many passages must use a word for a misspelling
// to be taken for it.
const minCorrectionUses = 1

// searchFields are the fields a question is matched against, with how
// much a match in each counts: a word in a heading or title says more
// about what a passage is about than the same word in its text, but the
// text is where the answer is.
var searchFields = []struct {
	name  string
	boost float64
}{{fieldText, 1}, {fieldSection, 0.6}, {fieldTitle, 0.4}}

// query builds the query for a plan's concepts: any name of any concept,
// in any searchable field, as a bestQuery for the best candidates. The
// words are already analysed, so single words are matched as terms and
// phrases as analysed phrases; nothing the parent typed is read as query
// syntax.
func (ix *Index) query(p plan) bestQuery {
	var clauses []clause
	for _, c := range p.concepts {
		if !c.known {
			continue
		}
		for _, a := range c.alts {
			for _, f := range searchFields {
				if len(a.terms) == 1 {
					clauses = append(clauses, termClause(f.name, a.terms[0], f.boost*a.boost))
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
	for _, pair := range p.pairs {
		if pairs, ok := ix.pairsOf(pair); ok {
			clauses = append(clauses, pairsClause(pairs, pairBoost))
			continue
		}
		clauses = append(clauses, ix.phraseClause(fieldText, pair, pairBoost))
	}
	return bestQuery{clauses: clauses, k: candidates}
}

// phraseClause finds phrase in field, analysed as the index analyses it.
// bleve scores a phrase as the sum of its words' scores, each with the
// phrase's boost, so those words bound it.
func (ix *Index) phraseClause(field, phrase string, boost float64) clause {
	var c clause
	var words []wordAt
	for _, t := range ix.analyzer.Analyze([]byte(phrase)) {
		c.leaves = append(c.leaves, leaf{field, string(t.Term), boost})
		words = append(words, wordAt{string(t.Term), t.Position})
	}
	c.q = phraseQuery{field: field, phrase: phrase, words: words, boost: boost}
	return c
}

// pairsClause finds the passages that have all of pairs, each pair
// scoring as a word with this boost.
func pairsClause(pairs []string, boost float64) clause {
	if len(pairs) == 1 {
		return termClause(fieldPairs, pairs[0], boost)
	}
	c := clause{bare: true}
	qs := make([]query.Query, len(pairs))
	for i, t := range pairs {
		tc := termClause(fieldPairs, t, boost)
		qs[i] = tc.q
		c.leaves = append(c.leaves, tc.leaves...)
	}
	c.q = bleve.NewConjunctionQuery(qs...)
	return c
}

// pairBoost is how much two of the question's words side by side count,
// on top of each word's own score.
const pairBoost = 1.0

// terms lists every index term the plan searches for, for Result.Terms.
func (p plan) terms() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range p.concepts {
		for _, a := range c.alts {
			for _, t := range a.terms {
				if !seen[t] {
					seen[t] = true
					out = append(out, t)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// knownShare is the share of the question's concepts the documents use,
// counting a corrected misspelling as three quarters.
func (p plan) knownShare() float64 {
	k, n := 0.0, 0
	for _, c := range p.concepts {
		if c.optional {
			continue
		}
		n++
		switch {
		case c.known && c.corrected != "":
			k += 0.75 // a guess at what was meant is weaker evidence
		case c.known:
			k++
		}
	}
	if n == 0 {
		return 0
	}
	return k / float64(n)
}

// areaTermsFor analyses each local area's name, for namedArea.
func areaTermsFor(ix *Index) map[string][]string {
	out := map[string][]string{}
	for key, name := range ix.areas {
		if corpus.IsNational(name) {
			continue
		}
		var terms []string
		for _, t := range tokenize(ix.analyzer, name) {
			terms = append(terms, t.term)
		}
		if len(terms) > 0 {
			out[key] = terms
		}
	}
	return out
}
