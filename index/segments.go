package index

import (
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// segmentFirsts are the numbers of each segment's first passage: bleve
// numbers passages across segments in order, so a segment's first is the
// count of all passages, deleted or not, in those before it.
func segmentFirsts(segs []*scorch.SegmentSnapshot) []uint64 {
	firsts := make([]uint64, len(segs))
	for i := 1; i < len(segs); i++ {
		firsts[i] = firsts[i-1] + segs[i-1].Segment().Count()
	}
	return firsts
}

// segmentOf is the segment that holds passage num, given each segment's
// first (segmentFirsts), or -1 for none.
func segmentOf(firsts []uint64, num uint64) int {
	return sort.Search(len(firsts), func(i int) bool { return firsts[i] > num }) - 1
}
