package zap

// These tests are sendbot's (see SENDBOT.md).

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

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
