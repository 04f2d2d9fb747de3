package index

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Writing passages to an index allocates several times the index's size,
// nearly all of it garbage within a batch. With Go's default target
// (GOGC 100: collect once the heap has grown by as much as is live), a
// build of 100,000 passages spent 21-23 s of CPU, 3 s of it more than
// with a target of 200, which collects half as often.
//
// The heap grows by twice as much between collections at 200, so it is
// used only while the live heap is small: below writeGCLive. Above it,
// as in a build of a million passages, whose documents alone are a
// gigabyte, collections are rare already, and a higher target bought
// nothing there but memory. Smaller batches (batchSizeFor) pay for the
// rest: at 100,000 passages the build's peak memory is what it was at
// 100 with batches twice the size.
const (
	writeGCPercent = 200
	writeGCLive    = 512 << 20
)

// writeGC is the collector's target while writes run.
var writeGC struct {
	sync.Mutex
	writes int // writes under way
	before int // the target before the first of them
	set    bool
}

// collectLessWhileWriting starts a write: until the returned func is
// called, adjustWriteGC may raise the collector's target. It changes
// nothing when GOGC is set, or when the target was already higher or
// off.
func collectLessWhileWriting() (done func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	writeGC.Lock()
	defer writeGC.Unlock()
	if writeGC.writes == 0 {
		writeGC.before = gcPercent()
		writeGC.set = writeGC.before >= 0 && writeGC.before < writeGCPercent
	}
	writeGC.writes++
	adjustWriteGCLocked()
	return sync.OnceFunc(func() {
		writeGC.Lock()
		defer writeGC.Unlock()
		writeGC.writes--
		if writeGC.writes == 0 && writeGC.set {
			debug.SetGCPercent(writeGC.before)
		}
	})
}

// adjustWriteGC sets the collector's target for the heap live now, while
// a write is under way.
func adjustWriteGC() {
	writeGC.Lock()
	defer writeGC.Unlock()
	adjustWriteGCLocked()
}

func adjustWriteGCLocked() {
	if writeGC.writes == 0 || !writeGC.set {
		return
	}
	if liveHeap() < writeGCLive {
		debug.SetGCPercent(writeGCPercent)
	} else {
		debug.SetGCPercent(writeGC.before)
	}
}

// liveHeap is the heap that was live at the end of the last collection.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// gcPercent is the collector's target: GOGC, or as last set.
func gcPercent() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 100
	}
	return int(s[0].Value.Uint64())
}
