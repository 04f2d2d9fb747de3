package zap

// This file is sendbot's (see SENDBOT.md): a merge encodes the postings
// of a field's terms on several goroutines at once, and writes them to
// the file in order, instead of encoding and writing one term after
// another on one goroutine.
//
// Merging a term's postings (reading them from each segment, renumbering
// the passages, encoding frequencies, norms and locations, and the bitmap
// of passages) does not depend on where in the file they go: only the two
// offsets written before the bitmap do. So workers encode whole terms
// into memory, and the merge's goroutine writes them, in the order of the
// terms, with their offsets, and hands each term and where its postings
// are to the dictionary. The bytes written are the same as upstream's.

import (
	"bytes"
	"encoding/binary"
	"runtime"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	seg "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"
)

// termsPerChunk is how many terms a worker encodes at once.
const termsPerChunk = 256

// maxTermWorkers is the most goroutines that encode terms at once.
const maxTermWorkers = 4

// termsMerge is what encoding a field's terms needs of the merge: the
// field's dictionary in each segment that has it, the passages dropped
// from each, and where each segment's passages go in the new segment.
type termsMerge struct {
	dicts          []*Dictionary
	drops          []*roaring.Bitmap
	newDocNums     [][]uint64
	fieldsMap      map[string]uint16
	byCopying      bool // fieldsSame && copyFlag, as upstream decides
	chunkMode      uint32
	newSegDocCount uint64
}

// termChunk is a run of terms in enumeration order and, once a worker has
// encoded it (done is closed), their postings.
type termChunk struct {
	keys    []byte   // the terms, end to end
	ends    []int    // where each term ends in keys
	segEnds []int    // where each term's segments end in segs and offs
	segs    []int    // the segments (indexes into termsMerge.dicts) that have the term
	offs    []uint64 // where the term's postings are in each of them

	out  bytes.Buffer // the encoded postings of every term, end to end
	res  []mergedTerm // each term's share of out
	err  error
	done chan struct{}
}

// mergedTerm is one term's encoded postings: either its 1-hit value
// (val), or tf bytes of frequencies and norms, loc bytes of locations and
// bm bytes of bitmap (with its length before it), end to end in its
// chunk's out. A term whose passages were all dropped has neither: it is
// the zero mergedTerm.
type mergedTerm struct {
	val         uint64
	tf, loc, bm int
}

func (c *termChunk) reset() {
	c.keys, c.ends, c.segEnds, c.segs, c.offs = c.keys[:0], c.ends[:0], c.segEnds[:0], c.segs[:0], c.offs[:0]
	c.out.Reset()
	c.res, c.err = c.res[:0], nil
	c.done = make(chan struct{})
}

// mergeTerms merges the postings of every term the enumerator gives,
// writes them to w and inserts each term into dict, in the terms' order.
func (m *termsMerge) mergeTerms(e *enumerator, w *FileWriter, dict *dictInserter, closeCh chan struct{}) error {
	workers := min(runtime.GOMAXPROCS(0), maxTermWorkers)
	work := make(chan *termChunk, workers)
	order := make(chan *termChunk, 2*workers)
	free := make(chan *termChunk, 3*workers+1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			enc := m.newTermEncoder()
			for c := range work {
				enc.encodeChunk(c)
			}
		}()
	}
	var produceErr error
	go func() {
		defer close(order)
		defer close(work)
		produceErr = m.produce(e, work, order, free, stop, closeCh)
	}()

	err := m.write(order, free, w, dict, closeCh)
	if err != nil {
		close(stop)
		for range order { // let the producer finish
		}
	}
	wg.Wait()
	if err != nil {
		return err
	}
	return produceErr
}

// produce walks the enumerator, one term at a time, and sends its terms
// in chunks to be encoded (work) and, in the same order, written (order).
func (m *termsMerge) produce(e *enumerator, work, order chan<- *termChunk, free chan *termChunk, stop, closeCh chan struct{}) error {
	var c *termChunk
	send := func() bool {
		select {
		case order <- c:
		case <-stop:
			return false
		}
		work <- c // workers never wait on the writer, so this cannot block for long
		c = nil
		return true
	}
	for {
		term, _, _ := e.Current()
		if isClosed(closeCh) {
			return seg.ErrClosed
		}
		if c == nil {
			select {
			case c = <-free:
			default:
				c = &termChunk{}
			}
			c.reset()
		}
		c.keys = append(c.keys, term...)
		c.ends = append(c.ends, len(c.keys))
		for _, i := range e.lowIdxs {
			c.segs = append(c.segs, i)
			c.offs = append(c.offs, e.currVs[i])
		}
		c.segEnds = append(c.segEnds, len(c.segs))
		// Move past every segment's entry of this term, as upstream's
		// loop does one Next at a time.
		e.lowCurr = len(e.lowIdxs) - 1
		err := e.Next()
		if len(c.ends) == termsPerChunk || err != nil {
			if !send() {
				return nil
			}
		}
		if err == vellum.ErrIteratorDone {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// write writes the chunks in order as their workers finish them, and
// gives their terms to dict.
func (m *termsMerge) write(order <-chan *termChunk, free chan<- *termChunk, w *FileWriter, dict *dictInserter, closeCh chan struct{}) error {
	var varint [binary.MaxVarintLen64]byte
	for c := range order {
		<-c.done
		if c.err != nil {
			return c.err
		}
		if isClosed(closeCh) {
			return seg.ErrClosed
		}
		out := c.out.Bytes()
		start, at := 0, 0
		for i, end := range c.ends {
			term := c.keys[start:end]
			start = end
			r := c.res[i]
			if r.val != 0 {
				dict.insert(term, r.val)
				continue
			}
			if r.bm == 0 { // no postings
				continue
			}
			tfOffset, locOffset := uint64(termNotEncoded), uint64(termNotEncoded)
			if r.tf > 0 {
				tfOffset = uint64(w.Count())
				if _, err := w.Write(out[at : at+r.tf]); err != nil {
					return err
				}
				at += r.tf
			}
			if r.loc > 0 {
				locOffset = uint64(w.Count())
				if _, err := w.Write(out[at : at+r.loc]); err != nil {
					return err
				}
				at += r.loc
			}
			postingsOffset := uint64(w.Count())
			n := binary.PutUvarint(varint[:], tfOffset)
			n += binary.PutUvarint(varint[n:], locOffset)
			if _, err := w.Write(varint[:n]); err != nil {
				return err
			}
			if _, err := w.Write(out[at : at+r.bm]); err != nil {
				return err
			}
			at += r.bm
			dict.insert(term, postingsOffset)
		}
		select {
		case free <- c:
		default:
		}
	}
	return nil
}

// termEncoder is one worker's reusable state.
type termEncoder struct {
	m                 *termsMerge
	tf, loc           *chunkedIntCoder
	bitmap            *roaring.Bitmap
	counted, postings *PostingsList
	postItr           *PostingsIterator
	bufLoc            []uint64
	varint            []byte
}

func (m *termsMerge) newTermEncoder() *termEncoder {
	return &termEncoder{
		m:      m,
		tf:     newChunkedIntCoder(1024, m.newSegDocCount-1),
		loc:    newChunkedIntCoder(1024, m.newSegDocCount-1),
		bitmap: roaring.NewBitmap(),
		varint: make([]byte, binary.MaxVarintLen64),
	}
}

func (enc *termEncoder) encodeChunk(c *termChunk) {
	defer close(c.done)
	start := 0
	for i := range c.ends {
		r, err := enc.encode(c.segs[start:c.segEnds[i]], c.offs[start:c.segEnds[i]], &c.out)
		if err != nil {
			c.err = err
			return
		}
		c.res = append(c.res, r)
		start = c.segEnds[i]
	}
}

// encode merges one term's postings, as upstream's loop over the
// enumerator and its finishTerm and writePostings do, onto out.
func (enc *termEncoder) encode(segs []int, offs []uint64, out *bytes.Buffer) (r mergedTerm, err error) {
	defer func() {
		enc.bitmap.Clear()
		enc.tf.Reset()
		enc.loc.Reset()
	}()
	m := enc.m
	var newCard uint64
	for k, i := range segs {
		enc.counted, err = m.dicts[i].postingsListFromOffset(offs[k], m.drops[i], enc.counted)
		if err != nil {
			return mergedTerm{}, err
		}
		newCard += enc.counted.Count()
	}
	chunkSize, err := getChunkSize(m.chunkMode, newCard, m.newSegDocCount)
	if err != nil {
		return mergedTerm{}, err
	}
	enc.tf.SetChunkSize(chunkSize, m.newSegDocCount-1)
	enc.loc.SetChunkSize(chunkSize, m.newSegDocCount-1)

	var lastDocNum, lastFreq, lastNorm uint64
	for k, i := range segs {
		enc.postings, err = m.dicts[i].postingsListFromOffset(offs[k], m.drops[i], enc.postings)
		if err != nil {
			return mergedTerm{}, err
		}
		enc.postItr = enc.postings.iterator(true, true, true, enc.postItr)
		if m.byCopying {
			lastDocNum, lastFreq, lastNorm, err = mergeTermFreqNormLocsByCopying(
				nil, enc.postItr, m.newDocNums[i], enc.bitmap, enc.tf, enc.loc)
		} else {
			lastDocNum, lastFreq, lastNorm, enc.bufLoc, err = mergeTermFreqNormLocs(
				m.fieldsMap, nil, enc.postItr, m.newDocNums[i], enc.bitmap, enc.tf, enc.loc, enc.bufLoc)
		}
		if err != nil {
			return mergedTerm{}, err
		}
	}
	enc.tf.Close()
	enc.loc.Close()

	card := enc.bitmap.GetCardinality()
	if card == 0 {
		return mergedTerm{}, nil
	}
	// upstream's use1HitEncoding
	if card == 1 && enc.loc.FinalSize() <= 0 {
		docNum := uint64(enc.bitmap.Minimum())
		if under32Bits(docNum) && docNum == lastDocNum && lastFreq == 1 {
			return mergedTerm{val: FSTValEncode1Hit(docNum, lastNorm)}, nil
		}
	}
	if enc.tf.FinalSize() > 0 {
		if r.tf, err = enc.tf.Write(out); err != nil {
			return mergedTerm{}, err
		}
	}
	if enc.loc.FinalSize() > 0 {
		if r.loc, err = enc.loc.Write(out); err != nil {
			return mergedTerm{}, err
		}
	}
	if r.bm, err = writeRoaringWithLen(enc.bitmap, out, enc.varint); err != nil {
		return mergedTerm{}, err
	}
	return r, nil
}
