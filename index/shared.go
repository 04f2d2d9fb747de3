package index

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// sharedAnalyzerType is an analyzer that analyses as sendbot_en does, and
// shares its work between the text and pairs fields: both read the same
// passage text, and whichever bleve analyses first leaves its words for
// the other. Config: "pairs", the name of a pairs filter to apply after.
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
	toks := analyzed.take(input)
	if toks == nil {
		toks = a.inner.Analyze(input)
		analyzed.leave(input, toks)
	}
	if a.pairs != nil {
		return a.pairs.Filter(toks)
	}
	return toks
}

// analyzed holds texts' words, analysed for one field, until another
// field of the same text takes them.
var analyzed = &sharedWords{seed: maphash.MakeSeed(), m: map[uint64]sharedEntry{}}

type sharedWords struct {
	seed maphash.Seed
	mu   sync.Mutex
	m    map[uint64]sharedEntry
}

type sharedEntry struct {
	text []byte
	toks analysis.TokenStream
}

// maxShared bounds what is left that no other field takes: a text only
// one field has (a question, a duplicate passage).
const maxShared = 4096

// take returns and forgets the words left for text, or nil.
func (s *sharedWords) take(text []byte) analysis.TokenStream {
	h := maphash.Bytes(s.seed, text)
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[h]
	if !ok || !bytes.Equal(e.text, text) {
		return nil
	}
	delete(s.m, h)
	return e.toks
}

// leave keeps text's words for another field. Neither changes them.
func (s *sharedWords) leave(text []byte, toks analysis.TokenStream) {
	h := maphash.Bytes(s.seed, text)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= maxShared {
		clear(s.m)
	}
	s.m[h] = sharedEntry{text: text, toks: toks}
}
