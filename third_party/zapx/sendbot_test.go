package zap

// These tests are sendbot's (see SENDBOT.md).

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
	seg "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"
)

// TestDictInserterBuildsWhatInsertingBuilds wants a dictionary built on
// the inserter's goroutine to be the bytes of one built by inserting each
// term in turn, for no terms, fewer than one send, and many sends with
// the key buffer reused between terms.
func TestDictInserterBuildsWhatInsertingBuilds(t *testing.T) {
	for _, n := range []int{0, 1, termsPerSend - 1, termsPerSend, 5*termsPerSend + 17} {
		var direct, piped bytes.Buffer
		b1, err := vellum.New(&direct, nil)
		if err != nil {
			t.Fatal(err)
		}
		b2, err := vellum.New(&piped, nil)
		if err != nil {
			t.Fatal(err)
		}
		d := insertInto(b2)
		key := make([]byte, 0, 32)
		for i := range n {
			key = fmt.Appendf(key[:0], "term%07d", i*3)
			if err := b1.Insert(key, uint64(i*i+1)); err != nil {
				t.Fatal(err)
			}
			d.insert(key, uint64(i*i+1))
		}
		if err := d.wait(); err != nil {
			t.Fatal(err)
		}
		if err := d.wait(); err != nil {
			t.Fatal("a second wait:", err)
		}
		if err := b1.Close(); err != nil {
			t.Fatal(err)
		}
		if err := b2.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(direct.Bytes(), piped.Bytes()) {
			t.Errorf("%d terms: the dictionary differs (%d bytes, want %d)", n, piped.Len(), direct.Len())
		}
	}
}

// TestDictInserterReportsAnInsertError gives terms out of order, which
// vellum refuses, and wants wait to say so.
func TestDictInserterReportsAnInsertError(t *testing.T) {
	b, err := vellum.New(&bytes.Buffer{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := insertInto(b)
	for i := range 3 * termsPerSend {
		d.insert([]byte(fmt.Sprintf("t%05d", i)), 1)
	}
	d.insert([]byte("a"), 1)
	if err := d.wait(); err == nil {
		t.Error("a term out of order was inserted without an error")
	}
}

// TestBackgroundWriterWritesInOrder writes pieces of many sizes through a
// backgroundWriter, reusing the caller's buffer, and wants them written
// in order.
func TestBackgroundWriterWritesInOrder(t *testing.T) {
	var got, want bytes.Buffer
	b := writeInBackground(&got)
	piece := make([]byte, 0, 1<<20)
	for i := range 200 {
		piece = piece[:0]
		for j := range (i * 7919) % (1 << 16) {
			piece = append(piece, byte(i+j))
		}
		want.Write(piece)
		if n, err := b.Write(piece); n != len(piece) || err != nil {
			t.Fatalf("Write: %d, %v", n, err)
		}
	}
	if err := b.wait(); err != nil {
		t.Fatal(err)
	}
	if err := b.wait(); err != nil {
		t.Fatal("a second wait:", err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("wrote %d bytes, not the %d given in order", got.Len(), want.Len())
	}
}

// failingWriter fails every write after the first n bytes.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n < len(p) {
		return 0, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

// TestBackgroundWriterReportsAWriteError wants a failed write reported by
// a later Write and by wait. Write waits once two pieces are queued, so
// the failure is seen within a few pieces.
func TestBackgroundWriterReportsAWriteError(t *testing.T) {
	b := writeInBackground(&failingWriter{n: 10})
	var err error
	for range 100 {
		if _, err = b.Write(make([]byte, 8)); err != nil {
			break
		}
	}
	if err == nil {
		t.Error("Write went on after a write failed")
	}
	if err := b.wait(); err == nil || err.Error() != "disk full" {
		t.Errorf("wait: %v, want disk full", err)
	}
}

// mergeTestSegments makes three segments of 1,500 passages each, whose
// terms run to many of mergeterms.go's chunks, and returns them opened
// from disk.
func mergeTestSegments(t *testing.T) []*SegmentBase {
	t.Helper()
	var out []*SegmentBase
	for s := range 3 {
		var docs []index.Document
		for i := range 1500 {
			n := s*1500 + i
			d := document.NewDocument(fmt.Sprintf("passage-%05d", n))
			d.AddField(document.NewTextFieldWithIndexingOptions("shared", nil, []byte(fmt.Sprintf("word-%d", n%700)), index.IndexField|index.IncludeTermVectors))
			d.AddField(document.NewTextFieldWithIndexingOptions("own", nil, []byte(fmt.Sprintf("only-%d", n)), index.IndexField|index.StoreField))
			d.AddIDField()
			d.VisitFields(func(f index.Field) { f.Analyze() })
			docs = append(docs, d)
		}
		sb, _, err := (&ZapPlugin{}).New(docs)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "segment.zap")
		if err := PersistSegmentBase(sb.(*SegmentBase), path); err != nil {
			t.Fatal(err)
		}
		s, err := (&ZapPlugin{}).Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out = append(out, &s.(*Segment).SegmentBase)
	}
	return out
}

// hookWriter counts what is written to it, and once more than n bytes
// have been, closes closeCh or fails, and counts the writes after.
type hookWriter struct {
	n       int
	closeCh chan struct{}
	after   int
}

func (w *hookWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		w.after++
		if w.closeCh == nil {
			return 0, errors.New("disk full")
		}
		select {
		case <-w.closeCh:
		default:
			close(w.closeCh)
		}
	}
	return len(p), nil
}

// A merge encodes terms on goroutines of its own (mergeterms.go).
// TestAMergeStopsWhereItFails fails a merge's writes, or closes the
// segments, at points along the file, and wants the merge to return the
// failure soon after, and every goroutine it started to end. Upstream
// stops at the first failed write, and at the next term once closed; the
// goroutines see a close at the next chunk of terms.
func TestAMergeStopsWhereItFails(t *testing.T) {
	segs := mergeTestSegments(t)
	drops := make([]*roaring.Bitmap, len(segs))
	whole := &hookWriter{n: math.MaxInt}
	w, err := NewFileWriter(NewCountHashWriter(whole), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, docs, storedIndex, _, _, _, err := mergeToWriter(segs, drops, DefaultChunkMode, w, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The terms are written after the stored fields and their index.
	terms := int(storedIndex + 8*docs)
	size := math.MaxInt - whole.n
	before := runtime.NumGoroutine()
	for _, closing := range []bool{false, true} {
		for _, at := range []int{size / 10, terms + (size-terms)/10, terms + (size-terms)/2, terms + (size-terms)*9/10} {
			hook := &hookWriter{n: at}
			closeCh := make(chan struct{})
			want := seg.ErrClosed
			if closing {
				hook.closeCh = closeCh
			} else {
				want = errors.New("disk full")
			}
			w, err := NewFileWriter(NewCountHashWriter(hook), nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _, _, _, _, _, err = mergeToWriter(segs, drops, DefaultChunkMode, w, closeCh, nil, nil)
			if err == nil || err.Error() != want.Error() {
				t.Errorf("stopped after %d of %d bytes: %v, want %v", at, size, err, want)
			}
			if most := map[bool]int{false: 1, true: 4 * termsPerChunk}[closing]; hook.after > most && at > terms {
				t.Errorf("stopped after %d of %d bytes (closing: %v), then wrote %d times more", at, size, closing, hook.after-1)
			}
		}
	}
	for range 100 {
		if runtime.NumGoroutine() <= before {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left running after the failed merges", n-before)
	}
}
