// Package searchtest compares what two ways of searching find, for the
// tests of package index and of its query engine. Only tests import it.
package searchtest

import (
	"math"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
)

// SameHits wants got's hits to be want's: the same passages in the same
// order, with the same scores. Scores may differ in the last bit (bleve
// sums a passage's words in the order its search met them), so unless
// strict, hits whose scores are that close may swap places, and one tied
// with the last may be left out for another.
func SameHits(t testing.TB, label string, want, got *bleve.SearchResult, strict bool) {
	t.Helper()
	if len(got.Hits) != len(want.Hits) {
		t.Errorf("%s: %d hits, want %d", label, len(got.Hits), len(want.Hits))
		return
	}
	if len(want.Hits) == 0 {
		return
	}
	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*a }
	byID := map[string]*search.DocumentMatch{}
	for _, h := range got.Hits {
		byID[h.ID] = h
	}
	last := want.Hits[len(want.Hits)-1].Score
	for i, h := range want.Hits {
		if !close(h.Score, got.Hits[i].Score) {
			t.Errorf("%s #%d: score %v, want %v", label, i, got.Hits[i].Score, h.Score)
		}
		g := byID[h.ID]
		switch {
		case strict && h.ID != got.Hits[i].ID:
			t.Errorf("%s #%d: %s, want %s", label, i, got.Hits[i].ID, h.ID)
		case g == nil && !close(h.Score, last):
			t.Errorf("%s #%d: %s (score %v) is not found", label, i, h.ID, h.Score)
		case g != nil && h.ID != got.Hits[i].ID && !close(h.Score, g.Score):
			t.Errorf("%s #%d: %s scores %v, want %v", label, i, h.ID, g.Score, h.Score)
		}
	}
}
