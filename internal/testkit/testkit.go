// Package testkit holds the small helpers that tests in several packages
// share: a corpus folder written from a map, waiting for a condition, a
// log buffer safe to read while others write, and a small PDF. Only tests import it.
package testkit

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// WriteCorpus writes files (slash-separated path: text) into a new
// temporary folder and returns it.
func WriteCorpus(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, text := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// WaitFor polls cond until it holds, failing the test after a generous
// deadline: it guards against a hang, and never measures speed.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// SyncBuffer is a log buffer a test can read while others write to it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// PDF writes an uncompressed one-page PDF showing each line in
// Helvetica, the first line larger: a PDF as small as a test can want,
// readable by any PDF reader.
func PDF(lines ...string) []byte {
	var content strings.Builder
	for i, l := range lines {
		size := 11
		if i == 0 {
			size = 18
		}
		fmt.Fprintf(&content, "BT /F1 %d Tf 56 %d Td (%s) Tj ET\n", size, 760-24*i, l)
	}
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Title (Testshire fuzz seed) >>",
	}
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return []byte(b.String())
}

// LargestFile is the path of the largest file under dir, leaving out
// files named as one of except; the test fails when there is none.
func LargestFile(t testing.TB, dir string, except ...string) string {
	t.Helper()
	var best string
	var size int64 = -1
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || slices.Contains(except, d.Name()) {
			return err
		}
		if fi, err := d.Info(); err == nil && fi.Size() > size {
			best, size = path, fi.Size()
		}
		return nil
	})
	if best == "" {
		t.Fatalf("no files in %s", dir)
	}
	return best
}
