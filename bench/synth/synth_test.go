package synth

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/sendbot/sendbot/corpus"
)

// TestGenerateWritesTheSamePassagesEveryTime generates a small corpus
// twice from the built-in corpus's words and wants the same files, every
// area the questions name, a national file, and as many passages as
// asked for when the corpus is read.
func TestGenerateWritesTheSamePassagesEveryTime(t *testing.T) {
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	v := learn(c.Documents)
	const n = 1000
	dirs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	for _, dir := range dirs {
		if err := Generate(dir, v, n, 7); err != nil {
			t.Fatal(err)
		}
	}
	a, b := os.DirFS(dirs[0]), os.DirFS(dirs[1])
	files := 0
	err = fs.WalkDir(a, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		da, err := fs.ReadFile(a, path)
		if err != nil {
			return err
		}
		if db, err := fs.ReadFile(b, path); err != nil || !bytes.Equal(da, db) {
			t.Errorf("%s differs between two corpora of one seed (%v)", path, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < Areas+2 {
		t.Errorf("%d files, want at least one in each area and a national one", files)
	}
	got, err := corpus.Load(a)
	if err != nil {
		t.Fatal(err)
	}
	passages, areas := 0, map[string]bool{}
	for _, d := range got.Documents {
		passages += len(d.Passages)
		areas[d.Area] = true
	}
	if passages != n {
		t.Errorf("%d passages, want %d", passages, n)
	}
	for _, q := range Questions {
		if q.Area != "" && !areas[q.Area] {
			t.Errorf("no documents in %s, which a question names", q.Area)
		}
	}
	if !areas["England"] {
		t.Errorf("no national documents among areas %v", areas)
	}
}
