package index

import (
	"context"
	"net/url"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/sendbot/sendbot/corpus"
)

// Signpost is a place to ask instead, when the bot cannot answer: a
// document from the corpus, never a made-up service.
type Signpost struct {
	// What it is, as parents know it: "Local Offer" or "Independent SEND
	// advice (SENDIASS)".
	What string
	Hit  Hit
}

// signpostKinds are what the bot points to when it declines, each with
// the phrases a document about it uses. The glossary adds its synonyms.
var signpostKinds = []struct {
	what    string
	phrases []string
}{
	{"Local Offer", []string{"local offer"}},
	{"Independent SEND advice (SENDIASS)", []string{"SENDIASS", "IASS", "information, advice and support service", "independent advice and support"}},
}

// signpostCache keeps each area's signposts once found: an open Index
// never changes, and they are the same for every question the bot
// declines in that area.
type signpostCache struct {
	mu     sync.Mutex
	byArea map[string][]Signpost
}

// nationalAdviceCover is how much of a question's specific words a
// national passage must say to be signposted as national advice on it
// (specificCover).
const nationalAdviceCover = 0.5

// maxNationalAdvice is how many national documents are signposted as
// advice on a question.
const maxNationalAdvice = 2

// signposts are where to ask instead of the bot, for a question it
// declines: the area's Local Offer and advice service (the national ones
// for a question asked everywhere or about a place the documents do not
// cover), and, for a question about such a place, the national documents
// that best answer it in general. A law or regulation is not a place to
// ask, and is never signposted.
func (ix *Index) signposts(ctx context.Context, qu question, ranked []candidate) []Signpost {
	// The area's own, or, for a question about somewhere the documents do
	// not cover, those of the area it was asked in, else the national ones.
	areaKey := qu.areaKey
	if areaKey == noLocalArea {
		areaKey = qu.askedKey
	}
	out := ix.areaSignposts(ctx, areaKey)
	// National advice on the question, for a place in England the
	// documents do not cover: England's law and guidance do not hold in
	// Wales, Scotland or abroad.
	if qu.uncovered == "" || !InEngland(qu.country) {
		return out
	}
	seen := map[string]bool{}
	for _, s := range out {
		seen[docKey(s.Hit.Path, s.Hit.Title)] = true
	}
	added := 0
	for _, c := range ranked {
		if added == maxNationalAdvice {
			break
		}
		doc := docKey(c.str(fieldPath), c.str(fieldTitle))
		if !corpus.IsNational(c.str(fieldArea)) || isLaw(c.str(fieldSourceURL)) || specificCover(qu, c) < nationalAdviceCover || seen[doc] {
			continue
		}
		seen[doc] = true
		added++
		out = append(out, Signpost{What: "National advice on this", Hit: source(c)})
	}
	return out
}

// specificCover is the share of the weight of a question's specific
// words (glossary terms, and words beyond everyday English) that a
// candidate says; 0 when the question has none. A page is advice on a
// question when it says what is specific to it: "will it rain in bristol
// this weekend" has only everyday words and the place, and a page about
// CAMHS that says "weekend" is no advice on it.
func specificCover(qu question, c candidate) float64 {
	total, said := 0.0, 0.0
	for k, con := range qu.concepts {
		if !con.known || con.optional || con.everyday() {
			continue
		}
		total += con.weight
		if k < len(c.says) && c.says[k] {
			said += con.weight
		}
	}
	if total == 0 {
		return 0
	}
	return said / total
}

// docKey names a passage's document by its path and title: a feed's
// entries share a file but not a title.
func docKey(path, title string) string { return path + "|" + title }

// isLaw reports whether a document is legislation rather than advice.
func isLaw(sourceURL string) bool {
	u, err := url.Parse(sourceURL)
	return err == nil && (u.Hostname() == "legislation.gov.uk" || strings.HasSuffix(u.Hostname(), ".legislation.gov.uk"))
}

// areaSignposts finds, for an area ("" for national documents), the
// document that is its Local Offer and the one about its independent
// advice service, preferring documents whose title says so. Each area's
// are looked up once per open index.
func (ix *Index) areaSignposts(ctx context.Context, areaKey string) []Signpost {
	ix.signs.mu.Lock()
	out, ok := ix.signs.byArea[areaKey]
	ix.signs.mu.Unlock()
	if !ok {
		out = ix.findSignposts(ctx, areaKey)
		if ctx.Err() != nil {
			return out // perhaps incomplete: not kept
		}
		ix.signs.mu.Lock()
		if ix.signs.byArea == nil {
			ix.signs.byArea = map[string][]Signpost{}
		}
		ix.signs.byArea[areaKey] = out
		ix.signs.mu.Unlock()
	}
	return append([]Signpost(nil), out...)
}

func (ix *Index) findSignposts(ctx context.Context, areaKey string) []Signpost {
	var out []Signpost
	for _, kind := range signpostKinds {
		phrases := kind.phrases
		for _, p := range kind.phrases {
			if t := ix.vocab.entry(tokenize(ix.analyzer, p)); t != nil {
				phrases = append(phrases, t.Terms...)
			}
		}
		// A page is about the service when its title or a heading names it;
		// a directory's entry, when its description does. A page that only
		// mentions it ("SENDIASS guidance gives the walking distances") is
		// not where to ask.
		var parts []query.Query
		service := bleve.NewTermQuery(KindService)
		service.SetField(fieldKind)
		for _, p := range phrases {
			for _, f := range []struct {
				name  string
				boost float64
			}{{fieldTitle, 3}, {fieldSection, 1.5}, {fieldText, 0.5}} {
				q := bleve.NewMatchPhraseQuery(p)
				q.SetField(f.name)
				q.Analyzer = analyzer
				q.SetBoost(f.boost)
				if f.name == fieldText {
					parts = append(parts, bleve.NewConjunctionQuery(q, service))
					continue
				}
				parts = append(parts, q)
			}
		}
		// National help: the national documents', and the fallback ones',
		// which answer nothing else when a question is declined.
		national, fallback := bleve.NewTermQuery(scopeNational), bleve.NewTermQuery(scopeFallback)
		national.SetField(fieldScope)
		fallback.SetField(fieldScope)
		var where query.Query = bleve.NewDisjunctionQuery(national, fallback)
		if areaKey != "" {
			area := bleve.NewTermQuery(areaKey)
			area.SetField(fieldAreaKey)
			where = area
		}
		req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(bleve.NewDisjunctionQuery(parts...), where), 5, 0, false)
		req.Fields = storedFields
		res, err := ix.bleve.SearchInContext(ctx, req)
		if err != nil {
			continue
		}
		for _, dm := range res.Hits {
			c := candidate{dm: dm}
			if isLaw(c.str(fieldSourceURL)) {
				continue
			}
			out = append(out, Signpost{What: kind.what, Hit: source(c)})
			break
		}
	}
	return out
}
