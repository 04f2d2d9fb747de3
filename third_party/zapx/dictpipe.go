package zap

// This file is sendbot's (see SENDBOT.md): a merge builds each field's
// dictionary on a goroutine of its own, beside the merging of the
// postings, instead of between them.

import (
	"github.com/blevesearch/vellum"
)

// termsPerSend is how many terms go to the dictionary's goroutine at once.
const termsPerSend = 1024

// dictInserter inserts terms into a vellum builder on a goroutine of its
// own, in the order they are given.
type dictInserter struct {
	b       *vellum.Builder
	pending termBatch
	send    chan termBatch
	free    chan termBatch // batches the goroutine has finished with
	done    chan error
	stopped bool
}

// termBatch is terms and their values, the terms end to end.
type termBatch struct {
	keys []byte
	ends []int
	vals []uint64
}

// insertInto starts inserting into b. Each insertInto needs a wait.
func insertInto(b *vellum.Builder) *dictInserter {
	d := &dictInserter{
		b:    b,
		send: make(chan termBatch, 4),
		free: make(chan termBatch, 6),
		done: make(chan error, 1),
	}
	go func() {
		var err error
		for tb := range d.send {
			start := 0
			for i, end := range tb.ends {
				if err != nil {
					break
				}
				err = b.Insert(tb.keys[start:end], tb.vals[i])
				start = end
			}
			tb.keys, tb.ends, tb.vals = tb.keys[:0], tb.ends[:0], tb.vals[:0]
			select {
			case d.free <- tb:
			default:
			}
		}
		d.done <- err
	}()
	return d
}

// insert queues key, which the caller may then reuse, with val.
func (d *dictInserter) insert(key []byte, val uint64) {
	d.pending.keys = append(d.pending.keys, key...)
	d.pending.ends = append(d.pending.ends, len(d.pending.keys))
	d.pending.vals = append(d.pending.vals, val)
	if len(d.pending.ends) < termsPerSend {
		return
	}
	d.send <- d.pending
	select {
	case d.pending = <-d.free:
	default:
		d.pending = termBatch{}
	}
}

// wait returns once every term queued is in the builder, with the first
// error inserting them. It may be called again, and then does nothing.
func (d *dictInserter) wait() error {
	if d.stopped {
		return nil
	}
	d.stopped = true
	if len(d.pending.ends) > 0 {
		d.send <- d.pending
	}
	close(d.send)
	return <-d.done
}
