package index

import (
	"context"
	"errors"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/sendbot/sendbot/corpus"
)

// hydrotherapy is a document to add to testCorpus.
var hydrotherapy = fstest.MapFS{"testshire/hydrotherapy.md": {Data: []byte(`---
title: Hydrotherapy sessions in Testshire
source_url: https://testshire.example/hydrotherapy
kind: local-offer
---
# Hydrotherapy sessions in Testshire

The warm water pool at Testshire children's centre runs hydrotherapy sessions for children with physical disabilities on weekday mornings. A physiotherapist refers your child; there is no charge.
`)}}

// loadDocs reads the documents of one or more test corpora, as one corpus.
func loadDocs(t *testing.T, parts ...fstest.MapFS) []corpus.Document {
	t.Helper()
	all := fstest.MapFS{}
	for _, p := range parts {
		maps.Copy(all, p)
	}
	c, err := corpus.Load(all)
	if err != nil || len(c.Problems) > 0 {
		t.Fatalf("load: %v %+v", err, c.Problems)
	}
	return c.Documents
}

// withoutFile returns fsys without the file at path.
func withoutFile(fsys fstest.MapFS, path string) fstest.MapFS {
	out := maps.Clone(fsys)
	delete(out, path)
	return out
}

func update(t *testing.T, dir string, add []corpus.Document, remove []string, fingerprint string) {
	t.Helper()
	if err := Update(context.Background(), dir, add, remove, corpus.BuiltinGlossary(), Source{Name: "test", Fingerprint: fingerprint}); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// state is what an index says about itself and what it answers.
type state struct {
	Info      Info
	Documents []DocumentInfo
	// Titles are the titles of the hits for each of questions, best first.
	Titles [][]string
}

var questions = []string{
	"hydrotherapy pool for my disabled son",
	"how long until the council decides to assess?",
	"autism assessment waiting list",
	"short breaks clubs without an assessment",
}

func stateOf(t *testing.T, dir string) state {
	t.Helper()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	s := state{Info: ix.Info()}
	s.Info.BuiltAt = s.Info.BuiltAt.UTC().Truncate(0)
	if s.Documents, err = ix.Documents(""); err != nil {
		t.Fatal(err)
	}
	for _, q := range questions {
		res, err := ix.Search(context.Background(), Query{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, h := range res.Hits {
			if h.Kind != KindGlossary {
				titles = append(titles, h.Title)
			}
		}
		s.Titles = append(s.Titles, titles)
	}
	return s
}

// rebuilt is the state of an index built from scratch of docs.
func rebuilt(t *testing.T, docs []corpus.Document, fingerprint string) state {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	if err := Rebuild(context.Background(), dir, docs, corpus.BuiltinGlossary(), Source{Name: "test", Fingerprint: fingerprint}); err != nil {
		t.Fatal(err)
	}
	return stateOf(t, dir)
}

// sameAs reports how got differs from want, apart from when each was built.
func sameAs(t *testing.T, got, want state) {
	t.Helper()
	got.Info.BuiltAt = want.Info.BuiltAt
	if !reflect.DeepEqual(got.Info, want.Info) {
		t.Errorf("Info\n got %+v\nwant %+v", got.Info, want.Info)
	}
	if !reflect.DeepEqual(got.Documents, want.Documents) {
		t.Errorf("Documents\n got %+v\nwant %+v", got.Documents, want.Documents)
	}
	for i, q := range questions {
		if !slices.Equal(got.Titles[i], want.Titles[i]) {
			t.Errorf("%q answered\n %q\nwant (as a full rebuild does)\n %q", q, got.Titles[i], want.Titles[i])
		}
	}
}

func TestUpdateAnswersAsAFullRebuildWould(t *testing.T) {
	const added = "testshire/hydrotherapy.md"
	tests := []struct {
		name string
		// earlier is added by an Update before the one tested.
		earlier []corpus.Document
		add     []corpus.Document
		remove  []string
		// want is the corpus a full rebuild would be given.
		want fstest.MapFS
	}{
		{"add a document", nil, loadDocs(t, hydrotherapy), nil, merged(testCorpus, hydrotherapy)},
		{"remove a document", nil, nil, []string{"otherton/waits.md"}, withoutFile(testCorpus, "otherton/waits.md")},
		{"both at once", nil, loadDocs(t, hydrotherapy), []string{"otherton/waits.md"}, withoutFile(merged(testCorpus, hydrotherapy), "otherton/waits.md")},
		{"add one already there replaces it", nil, loadDocs(t, withoutFile(testCorpus, "otherton/waits.md")), nil, testCorpus},
		{"remove a path not indexed", nil, nil, []string{"nowhere/nothing.md"}, testCorpus},
		{"add, then remove it", loadDocs(t, hydrotherapy), nil, []string{added}, testCorpus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			rebuildTest(t, dir, "before")
			if tt.earlier != nil {
				update(t, dir, tt.earlier, nil, "earlier")
			}
			update(t, dir, tt.add, tt.remove, "after")
			sameAs(t, stateOf(t, dir), rebuilt(t, loadDocs(t, tt.want), "after"))
		})
	}
}

func merged(parts ...fstest.MapFS) fstest.MapFS {
	out := fstest.MapFS{}
	for _, p := range parts {
		maps.Copy(out, p)
	}
	return out
}

func TestUpdateFindsTheAddedDocumentAndCountsIt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	rebuildTest(t, dir, "before")
	before := stateOf(t, dir)
	update(t, dir, loadDocs(t, hydrotherapy), nil, "after")
	after := stateOf(t, dir)
	if got := after.Titles[0]; len(got) == 0 || got[0] != "Hydrotherapy sessions in Testshire" {
		t.Errorf("the added document is not the answer: %q", got)
	}
	if slices.Contains(before.Titles[0], "Hydrotherapy sessions in Testshire") {
		t.Fatal("found before it was added")
	}
	if after.Info.Documents != before.Info.Documents+1 || after.Info.Passages <= before.Info.Passages {
		t.Errorf("counts: %d documents %d passages, were %d and %d", after.Info.Documents, after.Info.Passages, before.Info.Documents, before.Info.Passages)
	}
	if after.Info.Source.Fingerprint != "after" {
		t.Errorf("source %+v not recorded", after.Info.Source)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs, err := ix.Documents("testshire")
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, d := range docs {
		titles = append(titles, d.Title)
	}
	if !slices.Contains(titles, "Hydrotherapy sessions in Testshire") {
		t.Errorf("the catalogue of Testshire lists %q, without the added document", titles)
	}
}

func TestUpdateWhileAnotherBuildRuns(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	rebuildTest(t, dir, "one")
	paused, resume := make(chan struct{}), make(chan struct{})
	beforeSwap = func() {
		close(paused)
		<-resume
		beforeSwap = nil
	}
	t.Cleanup(func() { beforeSwap = nil })
	first := make(chan error)
	go func() {
		first <- Update(context.Background(), dir, loadDocs(t, hydrotherapy), nil, corpus.BuiltinGlossary(), Source{Fingerprint: "two"})
	}()
	<-paused
	err := Update(context.Background(), dir, nil, []string{"otherton/waits.md"}, corpus.BuiltinGlossary(), Source{Fingerprint: "three"})
	if !errors.Is(err, ErrBuilding) {
		t.Errorf("second Update: %v, want ErrBuilding", err)
	}
	err = Rebuild(context.Background(), dir, loadDocs(t, testCorpus), corpus.BuiltinGlossary(), Source{Fingerprint: "four"})
	if !errors.Is(err, ErrBuilding) {
		t.Errorf("Rebuild during an Update: %v, want ErrBuilding", err)
	}
	close(resume)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if got := stateOf(t, dir).Info.Source.Fingerprint; got != "two" {
		t.Errorf("index is %q, want the first Update's", got)
	}
}

func TestUpdateLeavesTheIndexAloneWhenItFails(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name  string
		ctx   context.Context
		setup func(dir string)
		want  error
	}{
		{"cancelled", cancelled, nil, context.Canceled},
		{"no index", context.Background(), func(dir string) {}, ErrNoIndex},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			if tt.setup == nil {
				rebuildTest(t, dir, "before")
			}
			var before state
			if tt.setup == nil {
				before = stateOf(t, dir)
			}
			err := Update(tt.ctx, dir, loadDocs(t, hydrotherapy), []string{"otherton/waits.md"}, corpus.BuiltinGlossary(), Source{Fingerprint: "after"})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Update: %v, want %v", err, tt.want)
			}
			if leftovers, _ := filepath.Glob(dir + ".*-*"); len(leftovers) > 0 {
				t.Errorf("left behind %v", leftovers)
			}
			if tt.setup == nil {
				sameAs(t, stateOf(t, dir), before)
				if got := stateOf(t, dir).Info.BuiltAt; !got.Equal(before.Info.BuiltAt) {
					t.Errorf("the index was replaced (built at %s, was %s)", got, before.Info.BuiltAt)
				}
			}
		})
	}
}

// An error among the documents UpdateFrom reads stops it, and leaves the
// index as it was, though it had taken passages out and put some in.
func TestUpdateFromStopsAtAnErrorInItsDocuments(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	rebuildTest(t, dir, "before")
	before := stateOf(t, dir)
	unreadable := errors.New("the folder cannot be read")
	docs := func(yield func(corpus.Document, error) bool) {
		for _, d := range loadDocs(t, hydrotherapy) {
			if !yield(d, nil) {
				return
			}
		}
		yield(corpus.Document{}, unreadable)
	}
	err := UpdateFrom(context.Background(), dir, docs, []string{"otherton/waits.md"}, corpus.BuiltinGlossary(), Source{Fingerprint: "after"})
	if !errors.Is(err, unreadable) {
		t.Fatalf("UpdateFrom: %v, want %v", err, unreadable)
	}
	if leftovers, _ := filepath.Glob(dir + ".*-*"); len(leftovers) > 0 {
		t.Errorf("left behind %v", leftovers)
	}
	sameAs(t, stateOf(t, dir), before)
	if got := stateOf(t, dir).Info.Source.Fingerprint; got != "before" {
		t.Errorf("the index records %q", got)
	}
}
