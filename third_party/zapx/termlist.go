package zap

// This file is sendbot's (see SENDBOT.md): a field may give its terms as
// a list instead of a map, and a new segment reads the list.

import (
	index "github.com/blevesearch/bleve_index_api"
)

// TermList is a field that gives its analysed terms as a list: each
// distinct term once, with its count and places, as the values of its
// AnalyzedTokenFrequencies. A new segment reads the list instead of the
// map (realloc), so such a field need not make the map: a build makes one
// of every field of every passage, only for zap to walk it once.
type TermList interface {
	AnalyzedTerms() []index.TokenFreq
}
