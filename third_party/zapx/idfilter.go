package zap

// This file is sendbot's (see SENDBOT.md): a Bloom filter of a segment's
// _id terms, so that DocNumbers looks up in the dictionary only the IDs
// the segment may hold.

import (
	"hash/maphash"
	"math/bits"
	"sync"

	"github.com/blevesearch/vellum"
)

// idFilterMinIDs is how many IDs a DocNumbers call must ask about for the
// filter to be made and used: a few lookups are quicker than reading
// every ID of the segment once to make it.
const idFilterMinIDs = 64

// idFilter answers whether a segment may hold an ID: never wrongly "no",
// and wrongly "yes" for about 1 in 700 IDs it does not hold.
type idFilter struct {
	seed maphash.Seed
	bits []uint64
	mask uint64 // the number of bits, a power of two, less one
}

// idFilterBitsPerID and idFilterProbes give the rate of wrong "yes":
// (1 - e^(-5/16))^5, about 0.14%.
const (
	idFilterBitsPerID = 16
	idFilterProbes    = 5
)

func newIDFilter(n int) *idFilter {
	m := uint64(1) << bits.Len64(uint64(max(n, 1)*idFilterBitsPerID-1))
	return &idFilter{seed: maphash.MakeSeed(), bits: make([]uint64, (m+63)/64), mask: m - 1}
}

func (f *idFilter) add(id []byte) {
	h := maphash.Bytes(f.seed, id)
	for i := uint64(0); i < idFilterProbes; i++ {
		b := (h + i*(h>>32|1)) & f.mask
		f.bits[b/64] |= 1 << (b % 64)
	}
}

func (f *idFilter) mayHold(id string) bool {
	h := maphash.String(f.seed, id)
	for i := uint64(0); i < idFilterProbes; i++ {
		b := (h + i*(h>>32|1)) & f.mask
		if f.bits[b/64]&(1<<(b%64)) == 0 {
			return false
		}
	}
	return true
}

// lazyIDFilter is a segment's idFilter, made the first time it is asked for.
type lazyIDFilter struct {
	once   sync.Once
	filter *idFilter // nil if it could not be made
}

// idFilter is the filter of sb's IDs in idDict, or nil if there is none.
func (sb *SegmentBase) idFilter(idDict *Dictionary) *idFilter {
	sb.ids.once.Do(func() {
		if idDict.fst == nil {
			return
		}
		f := newIDFilter(idDict.fst.Len())
		itr, err := idDict.fst.Iterator(nil, nil)
		for err == nil {
			id, _ := itr.Current()
			f.add(id)
			err = itr.Next()
		}
		if err != vellum.ErrIteratorDone {
			return
		}
		sb.ids.filter = f
	})
	return sb.ids.filter
}
