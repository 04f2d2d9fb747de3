package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/sendbot/sendbot/bench/synth"
	"github.com/sendbot/sendbot/corpus"
)

// TestFileByFileReadsWhatLoadReads writes a small synthetic corpus and
// wants fileByFile to give the documents corpus.Load gives, in its order.
func TestFileByFileReadsWhatLoadReads(t *testing.T) {
	c, err := corpus.Load(corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	words := filepath.Join(t.TempDir(), "words")
	for _, d := range c.Documents[:min(5, len(c.Documents))] {
		if err := os.MkdirAll(words, 0o755); err != nil {
			t.Fatal(err)
		}
		var text string
		for _, p := range d.Passages {
			text += "## " + p.Section + "\n\n" + p.Text + "\n\n"
		}
		if err := os.WriteFile(filepath.Join(words, filepath.Base(d.Path)+".md"), []byte("# "+d.Title+"\n\n"+text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	v, err := synth.Learn(words)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "corpus")
	if err := synth.Generate(dir, v, 2000, 7); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(dir)
	want, err := corpus.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var got []corpus.Document
	for d, err := range fileByFile(fsys) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, d)
	}
	if len(got) != len(want.Documents) || len(got) < synth.Areas {
		t.Fatalf("%d documents file by file, %d read whole", len(got), len(want.Documents))
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want.Documents[i]) {
			t.Errorf("document %d: file by file %s (%d passages), read whole %s (%d)", i, got[i].Path, len(got[i].Passages), want.Documents[i].Path, len(want.Documents[i].Passages))
		}
	}
}
