package index

import (
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sendbot/sendbot/corpus"
)

// setGCPercent sets the collector's target for a test, and puts it back
// after.
func setGCPercent(t *testing.T, p int) {
	t.Helper()
	before := debug.SetGCPercent(p)
	t.Cleanup(func() { debug.SetGCPercent(before) })
}

func wantGCPercent(t *testing.T, when string, want int) {
	t.Helper()
	if got := gcPercent(); got != want {
		t.Errorf("%s: the collector's target is %d, want %d", when, got, want)
	}
}

// TestWritesCollectLessWhileTheHeapIsSmall starts two writes, one inside
// the other, and wants the target raised until both have ended, even when
// one says so twice.
func TestWritesCollectLessWhileTheHeapIsSmall(t *testing.T) {
	t.Setenv("GOGC", "")
	setGCPercent(t, 100)
	done1 := collectLessWhileWriting()
	wantGCPercent(t, "writing", writeGCMost)
	done2 := collectLessWhileWriting()
	done1()
	done1()
	wantGCPercent(t, "one write ended, twice", writeGCMost)
	done2()
	wantGCPercent(t, "both writes ended", 100)
}

// TestWritesCollectAsUsualWhenTheHeapIsLarge keeps more than
// writeHeadroom live, then half as much, then frees it, and wants the
// target at 100, then near 200, then at writeGCMost.
func TestWritesCollectAsUsualWhenTheHeapIsLarge(t *testing.T) {
	t.Setenv("GOGC", "")
	setGCPercent(t, 100)
	large := make([]byte, writeHeadroom+(16<<20))
	runtime.GC()
	done := collectLessWhileWriting()
	defer done()
	wantGCPercent(t, "writing with a large heap", 100)
	runtime.KeepAlive(large)
	large = nil
	half := make([]byte, writeHeadroom/2)
	runtime.GC()
	adjustWriteGC()
	if got := gcPercent(); got < 180 || got > 200 {
		t.Errorf("writing with half the headroom live: the collector's target is %d, want 180-200", got)
	}
	runtime.KeepAlive(half)
	half = nil
	runtime.GC()
	adjustWriteGC()
	wantGCPercent(t, "writing once the heap is small again", writeGCMost)
}

// TestWriteGCPercentKeepsTheHeadroom checks the target for heaps of
// several sizes: the heap may grow by writeHeadroom, or by as much as
// is live when that is more, and never less than before.
func TestWriteGCPercentKeepsTheHeadroom(t *testing.T) {
	for _, c := range []struct {
		live   uint64
		before int
		want   int
	}{
		{0, 100, writeGCMost},
		{writeHeadroom / 4, 100, writeGCMost},
		{writeHeadroom / 2, 100, 200},
		{writeHeadroom, 100, 100},
		{4 * writeHeadroom, 100, 100},
		{writeHeadroom / 4, 400, 400},
	} {
		if got := writeGCPercentFor(c.live, c.before); got != c.want {
			t.Errorf("%d MiB live, %d before: %d, want %d", c.live>>20, c.before, got, c.want)
		}
	}
}

// TestWritesLeaveATargetTheyDidNotSet wants GOGC, a higher target and
// collection turned off to be left as they are.
func TestWritesLeaveATargetTheyDidNotSet(t *testing.T) {
	for _, c := range []struct {
		name string
		gogc string
		set  int
	}{
		{"GOGC set", "150", 150},
		{"a higher target", "", 400},
		{"collection off", "", -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("GOGC", c.gogc)
			setGCPercent(t, c.set)
			done := collectLessWhileWriting()
			wantGCPercent(t, "writing", c.set)
			done()
			wantGCPercent(t, "after writing", c.set)
		})
	}
}

// TestBuildCollectsLessWhileItWrites watches the collector's target
// while builds run, and wants it raised during a build of
// writeGCMinPassages passages and put back after, and left alone by a
// smaller build.
func TestBuildCollectsLessWhileItWrites(t *testing.T) {
	t.Setenv("GOGC", "")
	setGCPercent(t, 100)
	for _, c := range []struct {
		passages int
		want     int64
	}{
		{writeGCMinPassages, writeGCMost},
		{writeGCMinPassages - 100, 100},
	} {
		var docs []corpus.Document
		for i := range c.passages / 100 {
			d := corpus.Document{Path: fmt.Sprintf("testshire/doc-%03d.md", i), Title: "Leaflet", Area: "Testshire"}
			for j := range 100 {
				d.Passages = append(d.Passages, corpus.Passage{ID: fmt.Sprintf("p%d", j), Text: fmt.Sprintf("Passage %d of leaflet %d.", j, i)})
			}
			docs = append(docs, d)
		}
		var most atomic.Int64
		stop := make(chan struct{})
		watched := make(chan struct{})
		go func() {
			defer close(watched)
			for {
				if p := int64(gcPercent()); p > most.Load() {
					most.Store(p)
				}
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Microsecond):
				}
			}
		}()
		err := Build(t.Context(), filepath.Join(t.TempDir(), "index"), docs, corpus.Glossary{}, Source{})
		close(stop)
		<-watched
		if err != nil {
			t.Fatal(err)
		}
		if got := most.Load(); got != c.want {
			t.Errorf("%d passages: the collector's target was at most %d during the build, want %d", c.passages, got, c.want)
		}
		wantGCPercent(t, "after the build", 100)
	}
}
