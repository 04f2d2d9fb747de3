package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// sharedAnalyzerType is the analyzer the mapping names for the text and
// pairs fields: sendbot_en, then, for the pairs field, a pairs filter
// (config "pairs": its name). A build makes those fields itself and
// analyses a passage's text once for both (document.go); this analyzer
// gives the same words wherever bleve analyses the fields through the
// mapping, as tests do to compare with the build.
const sharedAnalyzerType = "sendbot_shared"

func init() {
	registry.RegisterAnalyzer(sharedAnalyzerType, func(config map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
		inner, err := newEnWords(cache)
		if err != nil {
			return nil, err
		}
		a := &sharedAnalyzer{inner: inner}
		if name, _ := config["pairs"].(string); name != "" {
			f, err := cache.TokenFilterNamed(name)
			if err != nil {
				return nil, err
			}
			p, ok := f.(pairFilter)
			if !ok {
				return nil, fmt.Errorf("%s is not a pairs filter", name)
			}
			a.pairs = &p
		}
		return a, nil
	})
}

type sharedAnalyzer struct {
	inner analysis.Analyzer
	pairs *pairFilter
}

func (a *sharedAnalyzer) Analyze(input []byte) analysis.TokenStream {
	toks := a.inner.Analyze(input)
	if a.pairs != nil {
		return a.pairs.Filter(toks)
	}
	return toks
}
