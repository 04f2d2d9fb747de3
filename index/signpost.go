package index

import (
	"context"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
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

// signposts finds, for an area ("" for national documents), the document
// that is its Local Offer and the one about its independent advice
// service, preferring documents whose title says so. Each area's are
// looked up once per open index.
func (ix *Index) signposts(ctx context.Context, areaKey string) []Signpost {
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
		var parts []query.Query
		for _, p := range phrases {
			for _, f := range []struct {
				name  string
				boost float64
			}{{fieldTitle, 3}, {fieldSection, 1.5}, {fieldText, 0.5}} {
				q := bleve.NewMatchPhraseQuery(p)
				q.SetField(f.name)
				q.Analyzer = analyzer
				q.SetBoost(f.boost)
				parts = append(parts, q)
			}
		}
		scope := bleve.NewTermQuery(scopeNational)
		scope.SetField(fieldScope)
		var where query.Query = scope
		if areaKey != "" {
			area := bleve.NewTermQuery(areaKey)
			area.SetField(fieldAreaKey)
			where = area
		}
		req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(bleve.NewDisjunctionQuery(parts...), where), 1, 0, false)
		req.Fields = storedFields
		res, err := ix.bleve.SearchInContext(ctx, req)
		if err != nil || len(res.Hits) == 0 {
			continue
		}
		h := ix.hit(candidate{dm: res.Hits[0]})
		h.Text, h.Matches, h.Jargon = "", nil, nil
		out = append(out, Signpost{What: kind.what, Hit: h})
	}
	return out
}
