package library

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/testkit"
)

// TestBuildIndexesWhatAWholeReadIndexes builds a library's index as
// Build does, reading its folders a file at a time, and again as builds
// did before, from the corpus, fetched copies and uploads each loaded
// whole and merged, and wants the same index: the same passages with the
// same stored fields, the same record and list of documents, the same
// answers; and the same counts, skips and problems reported.
func TestBuildIndexesWhatAWholeReadIndexes(t *testing.T) {
	services, err := os.ReadFile("../corpus/testdata/oruk/services.json")
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile("../corpus/testdata/html/short-breaks.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		corpus string // "" is the built-in corpus
	}{
		{"default", ""},
		{"shared", "../../shared/corpus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.corpus != "" {
				if _, err := os.Stat(tc.corpus); err != nil {
					t.Skip("../shared/corpus is absent: the shared corpus is not compared")
				}
			}
			lib := open(t, Config{Corpus: tc.corpus, DataDir: t.TempDir(), NoBuiltinEngland: true})
			// Fetched copies and uploads beside the corpus, with a
			// problem of each kind and a directory feed's left-out entries.
			writeFiles(t, lib.FetchDir(), map[string][]byte{
				"testshire/short-breaks.html": page,
				"testshire/empty.md":          nil,
				"testshire/report.docx":       []byte("PK\x03\x04"),
				".fetch-state.json":           []byte("{}"),
			})
			writeFiles(t, lib.UploadsDir(), map[string][]byte{
				"sources.yaml":            []byte("documents:\n  - path: testshire/pool.md\n    area: Testshire\n    published: 2024-13-40\n"),
				"testshire/pool.md":       []byte("# Hydrotherapy in Testshire\n\nThe warm water pool runs hydrotherapy sessions on weekday mornings.\n"),
				"testshire/services.json": services,
			})
			ctx := context.Background()
			got, err := lib.Build(ctx)
			if err != nil {
				t.Fatal(err)
			}

			fsys, _, err := lib.corpusSource()
			if err != nil {
				t.Fatal(err)
			}
			whole := wholeRead(t, lib, fsys)
			src, err := lib.Source()
			if err != nil {
				t.Fatal(err)
			}
			wholeDir := filepath.Join(t.TempDir(), "whole")
			if err := index.Rebuild(ctx, wholeDir, whole.Documents, corpus.BuiltinGlossary().Merge(whole.Glossary), src); err != nil {
				t.Fatal(err)
			}

			files := map[string]bool{}
			passages := 0
			for _, d := range whole.Documents {
				files[d.Path] = true
				passages += len(d.Passages)
			}
			if got.Documents != len(whole.Documents) || got.Passages != passages || got.Files != len(files) {
				t.Errorf("Build read %d documents, %d passages in %d files; the whole read %d, %d in %d",
					got.Documents, got.Passages, got.Files, len(whole.Documents), passages, len(files))
			}
			if !reflect.DeepEqual(got.Skips, whole.Skips) || len(got.Skips) == 0 {
				t.Errorf("Build's skips %+v, the whole read's %+v", got.Skips, whole.Skips)
			}
			if !reflect.DeepEqual(got.Problems, whole.Problems) || len(got.Problems) < 3 {
				t.Errorf("Build's problems %+v, the whole read's %+v", got.Problems, whole.Problems)
			}

			want := storedPassages(t, wholeDir)
			stored := storedPassages(t, lib.IndexDir())
			if len(want) != passages {
				t.Fatalf("the whole read's index holds %d passages, want %d", len(want), passages)
			}
			for _, id := range slices.Sorted(maps.Keys(want)) {
				if !reflect.DeepEqual(stored[id], want[id]) {
					t.Errorf("passage %s: Build stored %v, the whole read %v", id, stored[id], want[id])
					break
				}
			}
			if len(stored) != len(want) {
				t.Errorf("Build's index holds %d passages, the whole read's %d", len(stored), len(want))
			}
			for _, prefix := range []string{FetchedPrefix + "/", UploadedPrefix + "/"} {
				if !slices.ContainsFunc(slices.Collect(maps.Keys(stored)), func(id string) bool { return strings.HasPrefix(id, prefix) }) {
					t.Errorf("no passage of %s* was indexed", prefix)
				}
			}

			a, err := index.Open(wholeDir)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			b, err := index.Open(lib.IndexDir())
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			ia, ib := a.Info(), b.Info()
			ia.BuiltAt, ib.BuiltAt = time.Time{}, time.Time{}
			if !reflect.DeepEqual(ia, ib) {
				t.Errorf("Build recorded %+v, the whole read %+v", ib, ia)
			}
			da, err := a.Documents("")
			if err != nil {
				t.Fatal(err)
			}
			db, err := b.Documents("")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(da, db) {
				t.Errorf("Build listed %d documents, the whole read %d, or not the same", len(db), len(da))
			}
			if da, db := indexedTerms(t, wholeDir), indexedTerms(t, lib.IndexDir()); !reflect.DeepEqual(da, db) || len(da["text"]) == 0 {
				for field := range da {
					if !reflect.DeepEqual(da[field], db[field]) {
						t.Errorf("field %s: Build's index holds %d terms, the whole read's %d, or not the same", field, len(db[field]), len(da[field]))
					}
				}
				if len(da) != len(db) || len(da["text"]) == 0 {
					t.Errorf("Build's index has terms in %d fields, the whole read's in %d", len(db), len(da))
				}
			}
		})
	}
}

// TestBuildOfNoDocumentsKeepsTheIndex empties a corpus that has an index,
// and wants a build to say there is nothing to index and leave the index
// as it was.
func TestBuildOfNoDocumentsKeepsTheIndex(t *testing.T) {
	corpusDir := testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest.\n",
	})
	lib := open(t, Config{Corpus: corpusDir, DataDir: t.TempDir()})
	ctx := context.Background()
	if _, err := lib.Build(ctx); err != nil {
		t.Fatal(err)
	}
	held := documentPaths(t, lib)
	if !slices.Contains(held, "testshire/breaks.md") || !slices.Contains(held, BuiltinPrefix+"/local-offer.md") {
		t.Fatalf("the index holds %q, want the corpus's document and the built-in England ones", held)
	}
	if err := os.WriteFile(filepath.Join(corpusDir, "testshire", "breaks.md"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := lib.Build(ctx)
	if !errors.Is(err, ErrNoDocuments) || err.Error() != "the corpus "+lib.Name()+" has no documents sendbot can read (run sendbot check to see why)" {
		t.Errorf("Build of an empty corpus: %v, want ErrNoDocuments", err)
	}
	if got == nil || len(got.Problems) != 1 || got.Problems[0].Path != "testshire/breaks.md" || got.Problems[0].Reason != "file is empty" {
		t.Errorf("Build of an empty corpus reported %+v, want the empty file", got)
	}
	// The built-in England documents alone do not make an index of a
	// corpus folder: it has nothing sendbot can read, which is a mistake.
	if paths := documentPaths(t, lib); !slices.Equal(paths, held) {
		t.Errorf("after a build of nothing the index holds %q, want what it held", paths)
	}
	entries, err := os.ReadDir(filepath.Dir(lib.IndexDir()))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if name := filepath.Base(lib.IndexDir()); e.Name() != name && e.Name() != name+".lock" {
			t.Errorf("a build of nothing left %s beside the index", e.Name())
		}
	}
}

// writeFiles writes files (slash-separated paths to contents) under dir.
func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// wholeRead is the library read as builds read it before they read a
// file at a time: each folder loaded whole, the fetched copies and
// uploads merged in under their prefixes.
func wholeRead(t *testing.T, lib *Library, fsys fs.FS) *corpus.Corpus {
	t.Helper()
	c, err := corpus.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, extra := range []struct{ dir, prefix string }{{lib.FetchDir(), FetchedPrefix}, {lib.UploadsDir(), UploadedPrefix}} {
		efs, err := corpus.OpenDir(extra.dir)
		if err != nil {
			t.Fatal(err)
		}
		ec, err := corpus.Load(efs)
		if err != nil {
			t.Fatal(err)
		}
		c.Merge(ec, extra.prefix)
	}
	return c
}

// indexedTerms is every term the index in dir holds, by field, with how
// many passages hold it: what searches find, whatever order the passages
// are numbered in.
func indexedTerms(t *testing.T, dir string) map[string]map[string]uint64 {
	t.Helper()
	idx, err := bleve.OpenUsing(dir, map[string]any{"read_only": true})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	fields, err := idx.Fields()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]uint64{}
	for _, f := range fields {
		d, err := idx.FieldDict(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = map[string]uint64{}
		for {
			e, err := d.Next()
			if err != nil {
				t.Fatal(err)
			}
			if e == nil {
				break
			}
			out[f][e.Term] = e.Count
		}
		d.Close()
	}
	return out
}

// storedPassages is every passage the index in dir holds, by its ID,
// with its stored fields.
func storedPassages(t *testing.T, dir string) map[string]map[string]any {
	t.Helper()
	idx, err := bleve.OpenUsing(dir, map[string]any{"read_only": true})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	n, err := idx.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), int(n), 0, false)
	req.Fields = []string{"*"}
	res, err := idx.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, h := range res.Hits {
		out[h.ID] = h.Fields
	}
	return out
}
