package index

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index/internal/maxscore"
	"github.com/sendbot/sendbot/internal/english"
)

// Stage 1 of 5: understand the question.
//
// A parent's words become concepts to search for. Chat spellings of
// contractions are written out ("im" is "I'm", "havent" is "haven't"), a
// place the question names is found in the list of local authorities,
// glossary terms are found with all their names, and a word that is
// neither in the documents nor an English word is taken to be the
// nearest word that is, weighted by how much the documents use it. A
// word the documents never use (a chat word, an everyday word) is kept
// out of the search but never makes the bot decline on its own: what the
// question asks is weighed by the later stages. The clauses around the
// ones that ask are read in asides.go, a "What is X?" in definitions.go.

// alt is one way of saying a concept: a single index term, or a phrase.
type alt struct {
	terms  []string
	phrase string // as written, for a phrase of more than one term
	boost  float64
	// acronym is set for a glossary name in capitals ("OT", "LA"): in a
	// passage it counts only when written in capitals.
	acronym bool
	// loose is set for the words of a glossary name as the question wrote
	// them, found anywhere in a passage rather than side by side: a
	// passage about "free travel to school" says something of "school
	// transport" even without the phrase.
	loose bool
}

// concept is one thing a question asks about, with every way of saying it.
type concept struct {
	asked     string // the words as typed
	alts      []alt
	term      *term  // the glossary entry it is, if any
	corrected string // what a misspelt word was taken to be
	weight    float64
	known     bool
	// english is set when the word as asked is an English word: never
	// corrected, and, when no document uses it, only a chat or
	// everyday word the documents have nothing to say about.
	english bool
	// optional concepts help rank but are not needed for an answer: the
	// name of the place asked about, which is searched by filtering, and
	// who the question is asked for ("my son").
	optional bool
	// aside is set for a word of a clause around the ones that ask
	// ("hi all, …", "…? thanks in advance", "my son is 9. …").
	aside bool
}

// Correction is a misspelt word and the word sendbot searched for instead.
type Correction struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// question is a parent's question as the later stages read it.
type question struct {
	text     string // as typed, contractions written out
	concepts []concept
	// areaKey is the area to answer from (with the national documents):
	// the one the question names, else the one it was asked in; "" for
	// every area. askedKey is the area of the index it was asked in, if
	// any, whatever place it names.
	areaKey  string
	askedKey string
	// uncovered is the place the question is about when the index has no
	// documents there ("Leeds", "Cardiff"); named is set when the
	// question's text names it, rather than its being the area asked in.
	uncovered     string
	uncoveredArea string // the council area it is in
	country       string // the uncovered place's country
	named         bool
	// subject is the glossary entry a "What is X?" question asks about;
	// define is the same entry when the glossary gives its meaning;
	// definedBy matches a sentence saying what X is (glossary or not).
	subject   *term
	define    *term
	definedBy *regexp.Regexp
	// asks are the index terms of X in any "What is X?" question,
	// whether or not X is in the glossary.
	asks        []string
	corrections []Correction
	// unknown are words neither the documents nor the dictionary know,
	// that no correction fits: names, or slips too far from any word.
	unknown []string
	// uses are how many passages use each term in each searchable field,
	// as counted while weighing; the search counts the rest.
	uses map[maxscore.Term]uint64
	// intent is, for each kind of document, how likely the question is
	// to be answered by one, from which kinds use its words (see intentOf).
	intent map[string]float64
	// wants matches what the answer to the question's kind of question
	// looks like: an amount of time, money or distance for "how long",
	// "how much" or "when"; a phone number or address for "what number".
	wants *regexp.Regexp
}

// Components of the stages that can be left out, to measure what each is
// worth (sendbot eval --ablation). A search in use leaves none out.
const (
	// Contractions writes out chat spellings of contractions: "im", "dont".
	Contractions = "contractions"
	// Spelling corrects words that are neither the documents' nor English.
	Spelling = "spelling"
	// Glossary searches every name of a glossary term the question uses.
	Glossary = "glossary"
	// Places finds the place a question names, and answers from there.
	Places = "places"
	// Definitions answers "What is X?" with the glossary's meaning first.
	Definitions = "definitions"
	// Excerpt shows the sentences around the best match, whole, rather
	// than the words around the densest matches.
	Excerpt = "excerpt"
	// AskedFor reads who a question is asked for ("for my son") as whom
	// it is for, not what it asks about.
	AskedFor = "asked-for"
	// Asides decides whether to answer on the clauses that ask alone, not
	// on a greeting, thanks or context around them ("hi all, …").
	Asides = "asides"
	// NearCopies moves a passage that mostly repeats a better one out of
	// the first five.
	NearCopies = "near-copies"
	// LeftOut answers a question it would decline without everyday words
	// at its end or start ("… thanks in advance", "sorry … but …").
	LeftOut = "left-out"
)

// Components lists what can be left out.
var Components = []string{Contractions, Spelling, Glossary, Places, Definitions, AskedFor, Asides, Excerpt, NearCopies, LeftOut}

// without is a set of components left out.
type without map[string]bool

// understand reads q as the later stages need it, taking every count
// from r. It returns ErrUnknownArea when q.Area is neither an area of the
// index nor a UK place.
func (ix *Index) understand(ctx context.Context, r bleveindex.IndexReader, q Query, off without) (question, error) {
	qu := question{text: strings.TrimSpace(q.Text)}
	if !off[Contractions] {
		qu.text = writeOutContractions(qu.text, english.Dictionary())
	}
	if err := ix.askedIn(&qu, q.Area); err != nil {
		return qu, err
	}
	qu.uses = map[maxscore.Term]uint64{}

	text := qu.text
	var placeSpans [][2]int
	if !off[Places] {
		placeSpans = ix.namedPlace(ctx, r, &qu)
	}
	x := ""
	if !off[Definitions] {
		x = definitionSubject(text)
	}
	if x == "" || !ix.asksDefinition(&qu, x) {
		ix.conceptsOf(&qu, placeSpans, off)
		qu.wants = answerType(text)
		if x != "" {
			qu.definedBy = phrasePattern([]string{x})
		}
	}
	if x != "" {
		qu.asks = terms(tokenize(ix.analyzer, x))
	}
	ix.weigh(ctx, r, &qu, off)
	qu.intent = ix.intentOf(ctx, r, qu)
	return qu, nil
}

// conceptsOf finds the question's concepts: glossary terms with all their
// names, its other words, and the names of the place it names (in
// placeSpans), which help rank but are not needed for an answer.
func (ix *Index) conceptsOf(qu *question, placeSpans [][2]int, off without) {
	text := qu.text
	toks := tokenize(ix.analyzer, text)
	var forSpans, asideSpans [][2]int
	if !off[AskedFor] {
		forSpans = askedFor(text, toks)
	}
	if !off[Asides] {
		asideSpans = asides(text)
	}
	toks, placeToks := splitSpans(toks, placeSpans)

	var matches []termMatch
	if !off[Glossary] {
		matches = ix.vocab.find(toks, text, false)
	}
	seen := map[string]bool{}
	add := func(c concept) {
		if len(qu.concepts) < maxQueryTerms {
			qu.concepts = append(qu.concepts, c)
		}
	}
	plain := func(ts []token) {
		for _, t := range ts {
			if seen[t.term] {
				continue
			}
			seen[t.term] = true
			add(concept{asked: text[t.start:t.end], alts: []alt{{terms: []string{t.term}, boost: 1}}, optional: within(t, forSpans), aside: within(t, asideSpans)})
		}
	}
	next := 0
	for _, m := range matches {
		plain(toks[next:m.start])
		next = m.end
		form := m.term.forms[m.form].terms
		inForm := map[string]bool{}
		for _, t := range form {
			inForm[t] = true
		}
		var extra []token // the word inside "school [free] transport"
		for _, t := range toks[m.start:m.end] {
			if !inForm[t.term] {
				extra = append(extra, t)
			}
		}
		plain(extra)
		key := "glossary:" + m.term.Headword()
		if seen[key] {
			continue
		}
		seen[key] = true
		c := ix.glossaryConcept(text[toks[m.start].start:toks[m.end-1].end], m.term, m.form)
		c.aside = within(token{start: toks[m.start].start, end: toks[m.end-1].end}, asideSpans)
		if len(form) > 1 {
			c.alts = append(c.alts, alt{terms: form, boost: looseBoost, loose: true})
		}
		add(c)
	}
	plain(toks[next:])
	for _, t := range placeToks {
		if !seen[t.term] {
			seen[t.term] = true
			qu.concepts = append(qu.concepts, concept{asked: text[t.start:t.end], alts: []alt{{terms: []string{t.term}, boost: 1}}, optional: true})
		}
	}
}

// Answer types: what the answer to a kind of question looks like. "How
// long…?" is answered by an amount of time, "how much…?" by money, "how
// far…?" by a distance, "when…?" by a date, "what number…?" by a phone
// number or an address. These are English question words, not any question's
// subject; whether a passage has what its question wants is a feature
// rerank learns the worth of (answer_type).
var (
	asksAmount  = regexp.MustCompile(`(?i)\b(?:how\s+(?:long|many|much|old|far|soon|often|quickly)|what\s+age)\b`)
	asksWhen    = regexp.MustCompile(`(?i)\b(?:when|what\s+(?:date|day|time|year|month))\b`)
	date        = regexp.MustCompile(`(?i)\b(?:(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:january|february|march|april|may|june|july|august|september|october|november|december)\s+(?:19|20)\d{2}|(?:19|20)\d{2})\b`)
	asksContact = regexp.MustCompile(`(?i)\b(?:phone|telephone|number|call|ring|contact|email|e-mail|address)\b`)
	amount      = regexp.MustCompile(`(?i)(?:£\s?\d|\b\d+(?:[.,]\d+)?\s*(?:%|per\s?cent|p\b)|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|sixteen|eighteen|twenty|thirty|forty|fifty)\s*(?:-|to)?\s*(?:\d+\s*)?(?:working\s+)?(?:weeks?|days?|months?|years?|miles?|hours?|minutes?)\b)`)
	contact     = regexp.MustCompile(`(?i)(?:\b0\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b|\b[\w.+-]+@[\w-]+\.[\w.]+|\b(?:tel|telephone|phone)\s*:)`)
)

// answerType is what an answer to text looks like, or nil when its kind
// of question says nothing of that.
func answerType(text string) *regexp.Regexp {
	switch {
	case asksContact.MatchString(text):
		return contact
	case asksAmount.MatchString(text):
		return amount
	case asksWhen.MatchString(text):
		return date
	}
	return nil
}

// askedIn sets the area a question is asked in (a server's or channel's
// default): an area of the index, or a UK place the index has no
// documents for, whose questions are answered from the national
// documents alone.
func (ix *Index) askedIn(qu *question, area string) error {
	area = strings.TrimSpace(area)
	if area == "" {
		return nil
	}
	key := corpus.AreaKey(area)
	if _, ok := ix.areas[key]; ok {
		if !corpus.IsNational(ix.areas[key]) { // asking about England is asking everywhere
			qu.areaKey, qu.askedKey = key, key
		}
		return nil
	}
	p, ok := ix.places.known(area)
	if !ok {
		return unknownArea(ix, area)
	}
	if _, ok := ix.areas[corpus.AreaKey(p.authority)]; ok {
		qu.areaKey = corpus.AreaKey(p.authority) // "Scunthorpe" is asked in North Lincolnshire
		qu.askedKey = qu.areaKey
		return nil
	}
	qu.uncovered, qu.uncoveredArea, qu.country = p.name, p.authority, p.country
	qu.areaKey = noLocalArea
	return nil
}

// unknownArea is the error for an area that is neither the index's nor a
// UK place.
func unknownArea(ix *Index, area string) error {
	return fmt.Errorf("%w %q: this index has %s", ErrUnknownArea, area, strings.Join(ix.Areas(), ", "))
}

// noLocalArea is the areaKey of a question asked in a place the index has
// no documents for: only national documents answer it.
const noLocalArea = "\x00national"

// namedPlace finds the place the question names, sets the area to answer
// from, and returns where in the text the place's names are. A place the
// index has documents for answers from its area; a place whose name the
// documents of one area use often (a neighbouring district a directory
// serves) answers from that area; any other place means the question is
// about somewhere the documents do not cover.
func (ix *Index) namedPlace(ctx context.Context, r bleveindex.IndexReader, qu *question) [][2]int {
	var spans [][2]int
	var covered string
	used := func(word string) bool {
		t := ix.stem(word)
		return t == "" || ix.docFreq(ctx, r, t, qu.uses) > 0
	}
	for _, m := range ix.places.find(qu.text, used) {
		spans = append(spans, [2]int{m.start, m.end})
		key := corpus.AreaKey(m.place.authority)
		if _, ok := ix.areas[key]; ok && m.place.inEngland() {
			if covered == "" {
				covered = key
			}
			continue
		}
		if key := ix.mentionedBy(ctx, qu.text[m.start:m.end]); key != "" {
			if covered == "" {
				covered = key
			}
			continue
		}
		if qu.uncovered == "" || !qu.named {
			qu.uncovered, qu.uncoveredArea, qu.country, qu.named = m.place.name, m.place.authority, m.place.country, true
		}
	}
	switch {
	case qu.named:
		qu.areaKey = noLocalArea
	case covered != "":
		qu.areaKey, qu.uncovered, qu.uncoveredArea, qu.country = covered, "", "", ""
	}
	return spans
}

// splitSpans separates the tokens inside spans from the rest.
func splitSpans(toks []token, spans [][2]int) (rest, inside []token) {
	for _, t := range toks {
		if within(t, spans) {
			inside = append(inside, t)
		} else {
			rest = append(rest, t)
		}
	}
	return rest, inside
}

// contractionEnds are the endings of English contractions, as a chat
// message writes them without the apostrophe: "dont", "im", "theyll".
var contractionEnds = []struct{ bare, written string }{
	{"nt", "n't"}, {"s", "'s"}, {"m", "'m"}, {"re", "'re"}, {"ve", "'ve"}, {"ll", "'ll"}, {"d", "'d"},
}

// writeOutContractions puts the apostrophe back into chat spellings of
// contractions, so that "im" and "havent" are read as "I'm" and
// "haven't" (words that ask nothing) rather than taken for other words.
// A word is changed only when it is not an English word as typed and is
// one with the apostrophe: "cant" and "wont" are words, and stay.
func writeOutContractions(text string, dict *english.Words) string {
	text = strings.NewReplacer("’", "'", "‘", "'").Replace(text)
	var b strings.Builder
	last := 0
	for _, w := range questionWords(text) {
		raw := text[w.start:w.end]
		if strings.ContainsRune(raw, '\'') || dict.Has(raw) {
			continue
		}
		lower := strings.ToLower(raw)
		for _, c := range contractionEnds {
			stem, ok := strings.CutSuffix(lower, c.bare)
			if !ok || stem == "" {
				continue
			}
			if dict.Has(stem + c.written) {
				b.WriteString(text[last:w.start])
				b.WriteString(raw[:len(stem)] + c.written)
				last = w.end
				break
			}
		}
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// possessives are the words that say whose someone is: "my son".
var possessives = []string{"my", "our", "his", "her", "their", "your"}

// askedFor finds who a question is asked for: an everyday noun for a
// person that a possessive introduces, within four words and before any
// stop word (a word none of toks, the question's analysed words, starts
// at): "my son", "our disabled daughter", "my 16 yr old son", but not
// "take her to a doctor". A parent says who the question
// is for, not what it is about; as a word the documents seldom use, its
// rarity would otherwise outweigh what is asked, and pull towards any
// page that mentions a son. It is kept as an optional concept: it helps
// rank, but is not needed for an answer. "My son's school" keeps school;
// "his EHCP" names no person.
func askedFor(text string, toks []token) [][2]int {
	kept := make(map[int]bool, len(toks))
	for _, t := range toks {
		kept[t.start] = true
	}
	var out [][2]int
	words := questionWords(text)
	for i, w := range words {
		if !slices.Contains(possessives, w.word) {
			continue
		}
		for j := i + 1; j < len(words) && j <= i+4 && kept[words[j].start]; j++ {
			if english.Person(words[j].word) {
				out = append(out, [2]int{words[j].start, words[j].end})
				break
			}
		}
	}
	return out
}

// within reports whether t lies in one of spans.
func within(t token, spans [][2]int) bool {
	for _, s := range spans {
		if t.start >= s[0] && t.end <= s[1] {
			return true
		}
	}
	return false
}

// glossaryConcept is a concept with every name of a glossary entry; the
// name asked for counts a little more than its synonyms.
func (ix *Index) glossaryConcept(asked string, t *term, asForm int) concept {
	c := concept{asked: asked, term: t}
	seen := map[string]bool{}
	order := append([]int{asForm}, indexesExcept(len(t.forms), asForm)...)
	for _, i := range order {
		f := t.forms[i]
		key := strings.Join(f.terms, " ")
		if seen[key] {
			continue // "disability" and "disabilities" are one phrase once stemmed
		}
		seen[key] = true
		a := alt{terms: f.terms, boost: synonymBoost, acronym: f.acronym}
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
// asked; looseBoost how much the words of a glossary name asked count when
// they are not side by side.
const (
	synonymBoost = 0.8
	looseBoost   = 0.3
)

// weigh gives each concept its weight, the inverse document frequency of
// its rarest-known name (so that matching "umbrella" counts for more than
// matching "send"), marks the words that are English, and takes each
// word that is neither the documents' nor English to be the nearest word
// that is, when one is close enough.
func (ix *Index) weigh(ctx context.Context, reader bleveindex.IndexReader, qu *question, off without) {
	df := func(t string) float64 { return ix.docFreq(ctx, reader, t, qu.uses) }
	dict := english.Dictionary()
	for i := range qu.concepts {
		c := &qu.concepts[i]
		ix.weighConcept(c, df)
		if c.term != nil || len(c.alts) != 1 || len(c.alts[0].terms) != 1 {
			continue
		}
		c.english = dict.Has(c.asked)
		if c.optional || c.english {
			continue
		}
		var fixed, fixedTerm string
		ok := false
		if !off[Spelling] {
			fixed, fixedTerm, ok = ix.correct(ctx, reader, c.asked, neighbourWords(qu.concepts, i), qu.uses)
		}
		if !ok {
			if !c.known {
				qu.unknown = append(qu.unknown, c.asked)
			}
			continue
		}
		asked := c.asked
		if t := ix.vocab.entry([]token{{term: fixedTerm}}); t != nil && !off[Glossary] {
			*c = ix.glossaryConcept(asked, t, 0)
		} else {
			*c = concept{asked: asked, alts: []alt{{terms: []string{fixedTerm}, boost: 1}}}
		}
		c.corrected = fixedTerm
		qu.corrections = append(qu.corrections, Correction{From: asked, To: fixed})
		ix.weighConcept(c, df)
	}
}

// neighbourWords are the words asked just before and after concept i,
// when each is a single word.
func neighbourWords(cs []concept, i int) []string {
	var out []string
	for _, j := range []int{i - 1, i + 1} {
		if j >= 0 && j < len(cs) && !strings.ContainsAny(cs[j].asked, " -") {
			out = append(out, cs[j].asked)
		}
	}
	return out
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
			w = math.Max(w, maxscore.IDF(n, d))
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
func (ix *Index) docFreq(ctx context.Context, r bleveindex.IndexReader, t string, uses map[maxscore.Term]uint64) float64 {
	df := 0.0
	for _, field := range []string{fieldText, fieldSection, fieldTitle} {
		n, ok := uses[maxscore.Term{Field: field, Word: t}]
		if !ok {
			var err error
			if n, err = maxscore.Count(ctx, r, maxscore.Term{Field: field, Word: t}); err != nil {
				continue
			}
			if uses != nil {
				uses[maxscore.Term{Field: field, Word: t}] = n
			}
		}
		df = math.Max(df, float64(n))
	}
	return df
}

// stem is a single word's index term, or "" for a stop word.
func (ix *Index) stem(w string) string {
	if toks := tokenize(ix.analyzer, w); len(toks) > 0 {
		return toks[0].term
	}
	return ""
}

// terms lists every index term the question searches for, for Result.Terms.
func (qu question) terms() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range qu.concepts {
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

// aboutUncovered reports whether the question names a place the documents
// do not cover: it is declined whatever the model.
func (qu question) aboutUncovered() bool { return qu.named && qu.uncovered != "" }

// everyday reports whether the concept is an everyday English word
// ("weekend", "times", "home") rather than a word of SEND (a glossary
// term, or a word beyond everyday English such as "camhs").
func (c concept) everyday() bool { return c.term == nil && english.Everyday(c.asked) }

// knownWeight is the summed weight of the concepts a passage must cover,
// as each counts.
func (qu question) knownWeight() float64 {
	total := 0.0
	for _, c := range qu.concepts {
		if c.known && !c.optional {
			total += c.counts()
		}
	}
	return total
}
