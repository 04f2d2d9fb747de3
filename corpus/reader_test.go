package corpus

import (
	"errors"
	"io/fs"
	"os"
	"reflect"
	"testing"
	"testing/fstest"
)

// messyFS is a corpus with something of everything a Reader reports:
// sources.yaml entries that are wrong, a glossary, a directory feed with
// entries left out, a bad date, broken and unsupported files.
func messyFS(t *testing.T) fstest.MapFS {
	t.Helper()
	services, err := os.ReadFile("testdata/oruk/services.json")
	if err != nil {
		t.Fatal(err)
	}
	return fstest.MapFS{
		"sources.yaml": {Data: []byte("documents:\n" +
			"  - path: testshire/plain.txt\n    title: Plain text listed\n    published: 2023-01-02\n" +
			"  - path: testshire/plain.txt\n    title: twice\n" +
			"  - title: no path\n" +
			"  - path: missing/file.md\n")},
		"glossary.yaml": {Data: []byte("entries:\n" +
			"  - terms: [\"PCF\", \"Testshire Parent Carer Forum\"]\n    short: \"The parent carer forum for Testshire\"\n" +
			"  - terms: [\"TSC\"]\n    meaning: \"A meaning with no source.\"\n")},
		"testshire/plain.txt":       {Data: []byte("Plain text about short breaks for disabled children in Testshire, long enough to be read.")},
		"testshire/services.json":   {Data: services},
		"testshire/short-breaks.md": {Data: []byte(shortBreaksMD)},
		"testshire/dated.md":        {Data: []byte("---\npublished: last tuesday\n---\nA document with a date nobody can read.")},
		"testshire/empty.md":        {Data: []byte("")},
		"testshire/report.docx":     {Data: []byte("PK\x03\x04")},
		"national/guide.md":         {Data: []byte("# Guide\n\nEvery child with special educational needs can ask for an assessment.")},
		".hidden/notes.md":          {Data: []byte("# Hidden\n\nNever read.")},
	}
}

// TestReaderReadsWhatLoadAndMergeRead reads folders with a Reader, with
// and without a prefix, and wants the documents, skips and problems that
// Load gives and Merge moves under the prefix: the same, in the same order.
func TestReaderReadsWhatLoadAndMergeRead(t *testing.T) {
	folders := []struct {
		name string
		fsys fs.FS
	}{
		{"messy", messyFS(t)},
		{"default", Default()},
	}
	const shared = "../../shared/corpus"
	if _, err := os.Stat(shared); err == nil {
		folders = append(folders, struct {
			name string
			fsys fs.FS
		}{"shared", os.DirFS(shared)})
	} else {
		t.Log("../shared/corpus is absent: only the messy and default corpora are read")
	}
	for _, f := range folders {
		for _, prefix := range []string{"", "fetched"} {
			t.Run(f.name+"/"+prefix, func(t *testing.T) {
				loaded, err := Load(f.fsys)
				if err != nil {
					t.Fatal(err)
				}
				want := &Corpus{Glossary: loaded.Glossary}
				want.Merge(loaded, prefix)
				r, err := NewReader(f.fsys, prefix)
				if err != nil {
					t.Fatal(err)
				}
				got := &Corpus{Glossary: r.Glossary}
				for d, err := range r.Documents() {
					if err != nil {
						t.Fatal(err)
					}
					got.Documents = append(got.Documents, d)
				}
				got.Skips, got.Problems = r.Skips(), r.Problems()
				if len(want.Documents) == 0 {
					t.Fatal("Load read no documents")
				}
				if !reflect.DeepEqual(got.Documents, want.Documents) {
					t.Errorf("documents differ: %v, want %v", documentPaths(got), documentPaths(want))
					for i := range min(len(got.Documents), len(want.Documents)) {
						if !reflect.DeepEqual(got.Documents[i], want.Documents[i]) {
							t.Errorf("first difference, document %d:\n got %+v\nwant %+v", i, got.Documents[i], want.Documents[i])
							break
						}
					}
				}
				if !reflect.DeepEqual(got.Skips, want.Skips) {
					t.Errorf("skips %+v, want %+v", got.Skips, want.Skips)
				}
				if !reflect.DeepEqual(got.Problems, want.Problems) {
					t.Errorf("problems %+v, want %+v", got.Problems, want.Problems)
				}
				if !reflect.DeepEqual(got.Glossary, want.Glossary) {
					t.Errorf("glossary %+v, want %+v", got.Glossary, want.Glossary)
				}
			})
		}
	}
	// The messy corpus must have given each kind of finding, or the
	// comparison above says little.
	c, _ := Load(messyFS(t))
	if len(c.Skips) == 0 || len(c.Errors()) < 6 || len(c.Problems) == len(c.Errors()) || len(c.Glossary.Entries) == 0 {
		t.Errorf("the messy corpus gave %d skips, %d problems (%d errors) and %d glossary entries",
			len(c.Skips), len(c.Problems), len(c.Errors()), len(c.Glossary.Entries))
	}
}

// TestReaderStopsWhenTheLoopStops breaks out of a Reader's documents
// after the first, and wants the next range over them to read the folder
// again from its start, with the problems of the whole folder.
func TestReaderStopsWhenTheLoopStops(t *testing.T) {
	fsys := messyFS(t)
	want, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(fsys, "")
	if err != nil {
		t.Fatal(err)
	}
	for d, err := range r.Documents() {
		if err != nil {
			t.Fatal(err)
		}
		if d.Path != want.Documents[0].Path {
			t.Errorf("first document %s, want %s", d.Path, want.Documents[0].Path)
		}
		break // a Reader that read on would panic here
	}
	n := 0
	for _, err := range r.Documents() {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != len(want.Documents) {
		t.Errorf("read again: %d documents, want %d", n, len(want.Documents))
	}
	if got := r.Problems(); !reflect.DeepEqual(got, want.Problems) {
		t.Errorf("read again: problems %+v, want %+v", got, want.Problems)
	}
}

// unlistable is a folder whose top level cannot be listed.
type unlistable struct{ fstest.MapFS }

func (u unlistable) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == "." {
		return nil, fs.ErrPermission
	}
	return u.MapFS.ReadDir(name)
}

// TestReaderOfAFolderThatCannotBeListed wants the error, alone, where a
// folder's documents would be, and Load to fail with it.
func TestReaderOfAFolderThatCannotBeListed(t *testing.T) {
	fsys := unlistable{fstest.MapFS{"testshire/a.md": {Data: []byte(shortBreaksMD)}}}
	r, err := NewReader(fsys, "")
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	for d, err := range r.Documents() {
		if err == nil {
			t.Errorf("read %s from a folder that cannot be listed", d.Path)
			continue
		}
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], fs.ErrPermission) {
		t.Errorf("errors %v, want one permission error", errs)
	}
	if _, err := Load(fsys); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Load gave %v, want the permission error", err)
	}
}
