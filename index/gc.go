package index

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Writing passages to an index allocates several times the index's size,
// nearly all of it garbage within a batch. Go's default target (GOGC
// 100) collects once the heap has grown by as much as is live, and at
// 100,000 passages, where little is live, a build collected so often
// that it spent 3-4 s of CPU more than with a target of 300.
//
// So while it writes, a build lets the heap grow by up to writeHeadroom
// between collections, and by as much as is live if that is more (the
// default): the target is 100 x writeHeadroom / live, between 100 and
// writeGCMost. At 100,000 passages (about 250 MiB live) that is 300; at a
// million (over a gigabyte of documents alone) it is 100, where
// collections are rare already and a higher target bought nothing but
// memory. Smaller batches (batchSizeFor) keep less live at once.
//
// A write of fewer than writeGCMinPassages passages, such as a parent
// group's corpus reindexed while serve answers, takes a second or two
// and keeps the default, and with it serve's peak memory: with the
// higher target, serve's peak RSS while reindexing ../shared/corpus under
// load rose from 189 to 223 MiB.
const (
	writeHeadroom      = 768 << 20
	writeGCMost        = 300
	writeGCMinPassages = 10000
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
		writeGC.set = writeGC.before >= 0 && writeGC.before < writeGCMost
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
	debug.SetGCPercent(writeGCPercentFor(liveHeap(), writeGC.before))
}

// writeGCPercentFor is the target while writing with live bytes live,
// never below the target before.
func writeGCPercentFor(live uint64, before int) int {
	p := writeGCMost
	if live > 0 {
		p = int(min(uint64(writeGCMost), 100*writeHeadroom/live))
	}
	return max(p, before)
}

// liveHeap is the heap that was live at the end of the last collection.
func liveHeap() uint64 { return runtimeMetric("/gc/heap/live:bytes", 0) }

// gcPercent is the collector's target: GOGC, or as last set.
func gcPercent() int { return int(runtimeMetric("/gc/gogc:percent", 100)) }

// runtimeMetric reads one of Go's runtime metrics, or gives otherwise
// when this Go has no such metric.
func runtimeMetric(name string, otherwise uint64) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return otherwise
	}
	return s[0].Value.Uint64()
}
