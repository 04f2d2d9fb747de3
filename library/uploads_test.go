package library

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

// base is the corpus the index starts from: one area, Testshire.
var base = fstest.MapFS{
	"testshire/assessment.md": {Data: []byte(`---
title: Asking for an EHC needs assessment in Testshire
source_url: https://testshire.example/ehc
kind: local-offer
---
# Asking for an EHC needs assessment in Testshire

A parent can write to the council's SEN team to request an education, health and care needs assessment. The council must tell you within six weeks whether it will assess your child.
`)},
	"otherton/waits.md": {Data: []byte("# Otherton waiting times\n\nChildren in Otherton wait a long time for an autism assessment on the umbrella pathway.\n")},
}

// Fixtures in the formats Add takes, about the fictional Testshire.
var (
	markdownFile = []byte(`---
title: Hydrotherapy in Testshire
---
# Hydrotherapy in Testshire

The warm water pool at the Testshire children's centre runs hydrotherapy sessions for children with physical disabilities on weekday mornings.
`)
	textFile = []byte("Testshire toy library\n\nThe Testshire toy library lends sensory toys and switch-adapted toys to families of disabled children, free of charge, for four weeks at a time.\n")
	htmlFile = []byte(`<!doctype html><html><head><title>Testshire sibling group</title></head><body><main><h1>Testshire sibling group</h1>
<p>A monthly group in Testbury for the brothers and sisters of disabled children, with games, crafts and time to talk to others who understand.</p></main></body></html>`)
	feedFile = []byte(`[{"id": "ts-1", "name": "Testshire Trampoline Club", "description": "Rebound therapy sessions on a trampoline for children with additional needs, on Saturday mornings in Testbury.", "email": "trampoline@example.org"},
{"id": "ts-2", "name": "Test", "description": "Test entry, please ignore.", "email": "x@example.org"},
{"id": "ts-3", "name": "Testshire Swimming Club", "description": "Quiet swimming sessions for autistic children, with a changing room of their own.", "email": "swim@example.org"}]`)
)

func pdfFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "corpus", "testdata", "pdf", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// fixture is a store over an index of base, and the folders they live in.
type fixture struct {
	store   *Uploads
	dir     string // the uploads folder
	index   string
	reloads int
	t       *testing.T
}

// The fixture is the serving index too: it counts reloads.
func (f *fixture) Reload() error    { f.reloads++; return nil }
func (f *fixture) Changed() bool    { return false }
func (f *fixture) Areas() []string  { return []string{"Otherton", "Testshire"} }
func (f *fixture) Info() index.Info { return index.Info{Source: f.source(f.t)} }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	root := t.TempDir()
	f := &fixture{dir: filepath.Join(root, "uploads"), index: filepath.Join(root, "index"), t: t}
	c, err := corpus.Load(base)
	if err != nil {
		t.Fatal(err)
	}
	if err := index.Rebuild(context.Background(), f.index, c.Documents, corpus.BuiltinGlossary(), f.source(t)); err != nil {
		t.Fatal(err)
	}
	f.store, err = openUploads(uploadsConfig{
		dir: f.dir, index: f.index,
		target: func() (corpus.Glossary, index.Source, error) { return corpus.BuiltinGlossary(), f.source(t), nil },
		live:   f,
		now:    func() time.Time { return time.Date(2025, 7, 4, 10, 0, f.reloads, 0, time.UTC) },
		// Small, so the size limit is quick to test.
		maxBytes: 1 << 20,
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// source fingerprints the uploads folder, as Library.Source does.
func (f *fixture) source(t *testing.T) index.Source {
	fp := "base"
	if _, err := os.Stat(f.dir); err == nil {
		ufp, err := corpus.Fingerprint(os.DirFS(f.dir))
		if err != nil {
			t.Fatal(err)
		}
		fp += "+" + ufp
	}
	return index.Source{Name: "test", Fingerprint: fp}
}

// titles searches the index for q and returns the titles of the hits.
func (f *fixture) titles(t *testing.T, q string) []string {
	t.Helper()
	ix, err := index.Open(f.index)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(context.Background(), index.Query{Text: q})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range res.Hits {
		if h.Kind != index.KindGlossary {
			out = append(out, h.Title)
		}
	}
	return out
}

var savedName = regexp.MustCompile(`^[a-z0-9-]+/[0-9a-f]{12}\.(pdf|md|html|txt|json)$`)

// files lists the files in the uploads folder, apart from sources.yaml
// and the list, and fails on any not named as Add names them.
func (f *fixture) files(t *testing.T) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(f.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(f.dir, p)
		rel = filepath.ToSlash(rel)
		if rel == corpus.ManifestName || rel == stateName {
			return nil
		}
		if !savedName.MatchString(rel) {
			t.Errorf("a file not named by Add: %q", rel)
		}
		out = append(out, rel)
		return nil
	})
	return out
}

func TestAddAcceptsEachFormatAndRemoveTakesItOut(t *testing.T) {
	tests := []struct {
		name     string
		upload   Upload
		question string
		want     UploadResult // Title, Area, Format, Documents
	}{
		{"markdown", Upload{Filename: "hydro.md", Data: markdownFile, Area: "testshire"},
			"hydrotherapy warm water pool", UploadResult{Title: "Hydrotherapy in Testshire", Area: "Testshire", Format: "markdown", Documents: 1}},
		{"plain text, the title option wins", Upload{Filename: "toys.TXT", Data: textFile, Area: "Testshire", Title: "Toy library"},
			"sensory toys to borrow", UploadResult{Title: "Toy library", Area: "Testshire", Format: "text", Documents: 1}},
		{"web page", Upload{Filename: "siblings.htm", Data: htmlFile, Area: "Otherton", Kind: "local-offer", SourceURL: "https://testshire.example/siblings"},
			"group for brothers and sisters", UploadResult{Title: "Testshire sibling group", Area: "Otherton", Format: "html", Documents: 1}},
		{"service feed", Upload{Filename: "services.json", Data: feedFile, Area: "Testshire"},
			"trampoline rebound therapy", UploadResult{Title: "2 services", Area: "Testshire", Format: "oruk", Documents: 2}},
		{"PDF, a new area", Upload{Filename: "guide.pdf", Data: pdfFile(t, "testshire-guide.pdf"), Area: "Newtown on Sea"},
			"short breaks guide for families", UploadResult{Title: "Short breaks in Testshire: a guide for families", Area: "Newtown on Sea", Format: "pdf", Documents: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			if slices.Contains(f.titles(t, tt.question), tt.want.Title) {
				t.Fatal("found before it was added")
			}
			res, err := f.store.Add(ctx, tt.upload)
			if err != nil {
				t.Fatalf("Add: %v", err)
			}
			if res.Title != tt.want.Title || res.Area != tt.want.Area || res.Format != tt.want.Format || res.Documents != tt.want.Documents || res.Passages == 0 {
				t.Errorf("Add returned %+v, want %+v", res, tt.want)
			}
			found := f.titles(t, tt.question)
			if tt.want.Documents == 1 && !slices.Contains(found, tt.want.Title) {
				t.Errorf("after Add, %q found %q", tt.question, found)
			}
			if tt.want.Documents > 1 && !slices.Contains(found, "Testshire Trampoline Club") {
				t.Errorf("after Add, %q found %q", tt.question, found)
			}
			if files := f.files(t); len(files) != 1 {
				t.Errorf("files after Add: %q", files)
			}
			if f.reloads != 1 {
				t.Errorf("reloaded %d times", f.reloads)
			}
			if got := f.store.Uploaded(); len(got) != 1 || got[0].ID != res.ID || got[0].Title != res.Title {
				t.Errorf("Uploaded() = %+v", got)
			}
			sameAsFullRebuild(t, f)

			removed, err := f.store.Remove(ctx, strings.ToUpper(res.ID))
			if err != nil {
				t.Fatalf("Remove: %v", err)
			}
			if removed.ID != res.ID || removed.Title != res.Title || removed.Passages != res.Passages {
				t.Errorf("Remove returned %+v, want what Add did: %+v", removed, res)
			}
			if found := f.titles(t, tt.question); slices.Contains(found, tt.want.Title) || slices.Contains(found, "Testshire Trampoline Club") {
				t.Errorf("after Remove, %q still found %q", tt.question, found)
			}
			if files := f.files(t); len(files) != 0 || len(f.store.Uploaded()) != 0 {
				t.Errorf("after Remove: files %q, listed %+v", files, f.store.Uploaded())
			}
			sameAsFullRebuild(t, f)
		})
	}
}

// sameAsFullRebuild checks that a full rebuild of base and the uploads
// folder, read as Library.Read reads it, gives the index Add and
// Remove made: the same documents, passages and counts.
func sameAsFullRebuild(t *testing.T, f *fixture) {
	t.Helper()
	c, err := corpus.Load(base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.dir); err == nil {
		uc, err := corpus.Load(os.DirFS(f.dir))
		if err != nil {
			t.Fatal(err)
		}
		c.Merge(uc, UploadedPrefix)
	}
	dir := filepath.Join(t.TempDir(), "full")
	if err := index.Rebuild(context.Background(), dir, c.Documents, corpus.BuiltinGlossary(), f.source(t)); err != nil {
		t.Fatal(err)
	}
	full, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	updated, err := index.Open(f.index)
	if err != nil {
		t.Fatal(err)
	}
	defer updated.Close()
	a, b := full.Info(), updated.Info()
	a.BuiltAt = b.BuiltAt
	if !equalJSON(a, b) {
		t.Errorf("full rebuild %+v\nupdated      %+v", a, b)
	}
	da, _ := full.Documents("")
	db, _ := updated.Documents("")
	if !slices.Equal(da, db) {
		t.Errorf("full rebuild lists %+v\nupdated lists %+v", da, db)
	}
}

func equalJSON(a, b index.Info) bool {
	return a.Documents == b.Documents && a.Passages == b.Passages && slices.Equal(a.Areas, b.Areas) && a.Source == b.Source
}

func TestAddRefuses(t *testing.T) {
	tests := []struct {
		name   string
		upload Upload
		want   Refusal // Why, and the details that go with it
	}{
		{"a Word file", Upload{Filename: "plan.docx", Data: []byte("PK..."), Area: "Testshire"}, Refusal{Why: UnknownFormat, Ext: ".docx"}},
		{"a CSV", Upload{Filename: "directory.csv", Data: []byte("name\nClub\n"), Area: "Testshire"}, Refusal{Why: UnknownFormat, Ext: ".csv"}},
		{"no extension", Upload{Filename: "README", Data: textFile, Area: "Testshire"}, Refusal{Why: UnknownFormat}},
		{"an odd extension", Upload{Filename: "x.<@everyone>", Data: textFile, Area: "Testshire"}, Refusal{Why: UnknownFormat, Ext: ".<@everyone>"}},
		{"empty", Upload{Filename: "empty.txt", Data: []byte(" \n\t"), Area: "Testshire"}, Refusal{Why: EmptyFile}},
		{"too big", Upload{Filename: "big.txt", Data: []byte(strings.Repeat("Testshire ", 120000)), Area: "Testshire"}, Refusal{Why: TooBig, Size: 1200000, Max: 1 << 20}},
		{"a scanned PDF", Upload{Filename: "scan.pdf", Data: pdfFile(t, "no-text-layer.pdf"), Area: "Testshire"}, Refusal{Why: NoText, Problems: []corpus.Problem{{Reason: "PDF has no text layer"}}}},
		{"a PDF that inflates to more than it may", Upload{Filename: "bomb.pdf", Data: packedBombPDF(t), Area: "Testshire"}, Refusal{Why: NoText, Problems: []corpus.Problem{{Reason: "packs more than 8 MiB of objects into one compressed stream"}}}},
		{"a password-protected PDF", Upload{Filename: "locked.pdf", Data: pdfFile(t, "encrypted-rc4.pdf"), Area: "Testshire"}, Refusal{Why: NoText, Problems: []corpus.Problem{{Reason: ""}}}},
		{"binary named .md", Upload{Filename: "x.md", Data: []byte("# A\x00\x01\x02"), Area: "Testshire"}, Refusal{Why: NoText, Problems: []corpus.Problem{{Reason: "binary data"}}}},
		{"front matter only", Upload{Filename: "x.md", Data: []byte("---\ntitle: Nothing\n---\n"), Area: "Testshire"}, Refusal{Why: NoText}},
		{"no area", Upload{Filename: "hydro.md", Data: markdownFile}, Refusal{Why: NoArea, Areas: []string{"Otherton", "Testshire"}}},
		{"an area that looks like a typo", Upload{Filename: "hydro.md", Data: markdownFile, Area: "Testshrie"}, Refusal{Why: AreaTypo, Area: "Testshrie", Suggest: "Testshire"}},
		{"an area that is not a place name", Upload{Filename: "hydro.md", Data: markdownFile, Area: "../../etc"}, Refusal{Why: NotAPlace, Area: "../../etc", Areas: []string{"Otherton", "Testshire"}}},
		{"a source_url that is not a web address", Upload{Filename: "hydro.md", Data: markdownFile, Area: "Testshire", SourceURL: "javascript:alert(1)"}, Refusal{Why: BadSourceURL}},
		{"a bad kind", Upload{Filename: "hydro.md", Data: markdownFile, Area: "Testshire", Kind: "local offer!"}, Refusal{Why: BadKind}},
		{"a title too long", Upload{Filename: "hydro.md", Data: markdownFile, Area: "Testshire", Title: strings.Repeat("t", 201)}, Refusal{Why: TitleTooLong, Max: 200}},
		{"no title anywhere", Upload{Filename: "notes.txt", Data: []byte("the pool is open on mondays and the café is shut for the summer, so bring a drink with you."), Area: "Testshire"}, Refusal{Why: NoTitle}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			// A replica checks a file so before handing it to the builder.
			checked := f.store.Check(tt.upload)
			_, err := f.store.Add(context.Background(), tt.upload)
			var r *Refusal
			if !errors.As(err, &r) {
				t.Fatalf("Add: %v, want a refusal %+v", err, tt.want)
			}
			if checked == nil || checked.Error() != err.Error() {
				t.Errorf("Check: %v, want the refusal Add gives: %v", checked, err)
			}
			if r.Why != tt.want.Why || r.Ext != tt.want.Ext || r.Size != tt.want.Size || r.Max != tt.want.Max ||
				r.Area != tt.want.Area || r.Suggest != tt.want.Suggest || !slices.Equal(r.Areas, tt.want.Areas) {
				t.Errorf("refusal %+v\nwant %+v", r, tt.want)
			}
			for n, p := range tt.want.Problems {
				if n >= len(r.Problems) || !strings.Contains(r.Problems[n].Reason, p.Reason) {
					t.Errorf("problems %+v, want one saying %q", r.Problems, p.Reason)
				}
			}
			if tt.want.Why == NoText && len(r.Problems)+len(r.Skips) == 0 {
				t.Error("a file with no text is refused without saying why")
			}
			for _, p := range r.Problems {
				if strings.HasPrefix(p.Path, corpus.ManifestName) {
					t.Errorf("a problem of the sources.yaml written here reached the moderator: %+v", p)
				}
			}
			if files := f.files(t); len(files) != 0 || len(f.store.Uploaded()) != 0 || f.reloads != 0 {
				t.Errorf("a refused file left files %q, listed %+v, %d reloads", files, f.store.Uploaded(), f.reloads)
			}
			if entries, _ := os.ReadDir(f.dir); len(entries) > 0 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("a refused file left %q in the uploads folder", names)
			}
		})
	}
}

// packedBombPDF is a small PDF whose object stream inflates to 64 MiB,
// eight times what one may: the upload reads it as check and index do
// (corpus's tests try the larger bombs, measuring memory in a child).
func packedBombPDF(t *testing.T) []byte {
	t.Helper()
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range 64 {
		w.Write(chunk)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return []byte(fmt.Sprintf("%%PDF-1.5\n1 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\nstartxref\n0\n%%%%EOF\n", z.Len(), z.Bytes()))
}

func TestHostileFileNamesAreHarmless(t *testing.T) {
	names := []string{
		"../../etc/passwd.md",
		`..\..\windows\system32\hydro.md`,
		"/etc/hydro.md",
		"CON.md",
		"nul\x00hidden.md",
		strings.Repeat("a", 300) + ".md",
		".md",
		"hydro.MD",
		"hydro.md\n.txt.md",
	}
	for _, name := range names {
		t.Run(strings.ToValidUTF8(name[:min(len(name), 30)], "?"), func(t *testing.T) {
			f := newFixture(t)
			root := filepath.Dir(f.dir)
			res, err := f.store.Add(context.Background(), Upload{Filename: name, Data: markdownFile, Area: "Testshire"})
			if err != nil {
				t.Fatalf("Add: %v", err)
			}
			if files := f.files(t); len(files) != 1 || files[0] != "testshire/"+res.ID+".md" {
				t.Errorf("saved as %q, want testshire/%s.md", files, res.ID)
			}
			// Nothing was written outside the uploads folder but the index.
			entries, _ := os.ReadDir(root)
			for _, e := range entries {
				if n := e.Name(); n != "uploads" && !strings.HasPrefix(n, "index") {
					t.Errorf("wrote %q beside the uploads folder", n)
				}
			}
			if res.Title != "Hydrotherapy in Testshire" {
				t.Errorf("title %q", res.Title)
			}
		})
	}
}

func TestRemoveAnUnknownIDSaysWhichThereAre(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.store.Remove(ctx, "0123456789ab")
	var r *Refusal
	if !errors.As(err, &r) || r.Why != NothingUploaded {
		t.Errorf("Remove with none added: %v", err)
	}
	res, err := f.store.Add(ctx, Upload{Filename: "hydro.md", Data: markdownFile, Area: "Testshire", By: "123456789012345678"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"0123456789AB", "../" + res.ID, ""} {
		_, err = f.store.Remove(ctx, id)
		if !errors.As(err, &r) || r.Why != NoSuchUpload || r.ID != strings.ToLower(id) || len(r.Uploaded) != 1 ||
			r.Uploaded[0] != (UploadedDoc{ID: res.ID, Title: "Hydrotherapy in Testshire", Area: "Testshire", Added: r.Uploaded[0].Added}) {
			t.Errorf("Remove(%q): %v, want a refusal listing %s", id, err, res.ID)
		}
	}
	if len(f.files(t)) != 1 {
		t.Error("a refused Remove removed a file")
	}
}

func TestUploadedNewestFirstAndKeptAcrossOpen(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var ids []string
	for _, u := range []Upload{
		{Filename: "hydro.md", Data: markdownFile, Area: "Testshire"},
		{Filename: "toys.txt", Data: textFile, Area: "Testshire"},
		{Filename: "siblings.html", Data: htmlFile, Area: "Otherton"},
	} {
		res, err := f.store.Add(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		ids = append([]string{res.ID}, ids...)
	}
	// A restart: the folder is read again, and a stray file is tidied away.
	os.WriteFile(filepath.Join(f.dir, "testshire", "stray.md"), markdownFile, 0o644)
	before, _ := os.ReadFile(filepath.Join(f.dir, corpus.ManifestName))
	st, err := openUploads(f.store.cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range st.Uploaded() {
		got = append(got, d.ID)
	}
	if !slices.Equal(got, ids) {
		t.Errorf("Uploaded() = %q, want newest first %q", got, ids)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "testshire", "stray.md")); err == nil {
		t.Error("Open left a file it does not list")
	}
	after, _ := os.ReadFile(filepath.Join(f.dir, corpus.ManifestName))
	if string(before) != string(after) || !strings.Contains(string(after), "override: true") || !strings.Contains(string(after), "publisher: added by a moderator") {
		t.Errorf("sources.yaml changed on Open or lacks the generated fields:\n%s", after)
	}
	state, _ := os.ReadFile(filepath.Join(f.dir, stateName))
	if strings.Contains(string(after), "123456789012345678") || !strings.Contains(string(state), `"added_at"`) {
		t.Errorf("who added a document belongs in the list, not sources.yaml:\n%s", state)
	}
}

// TestAddOfAKeyAddsOnce: a change handed over by a replica carries a key,
// and a builder that added it but stopped before it could say so adds it
// once, not twice, when it is handed over again.
func TestAddOfAKeyAddsOnce(t *testing.T) {
	f := newFixture(t)
	u := Upload{Filename: "hydro.md", Data: markdownFile, Area: "Testshire", Key: "change-7"}
	if err := f.store.Check(u); err != nil {
		t.Fatalf("Check of a good file: %v", err)
	}
	if files := f.files(t); len(files) != 0 {
		t.Fatalf("Check saved %q", files)
	}
	first, err := f.store.Add(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	if first.Path != UploadedPrefix+"/"+"testshire/"+first.ID+".md" {
		t.Errorf("Path %q", first.Path)
	}
	again, err := f.store.Add(context.Background(), u)
	if err != nil || again.ID != first.ID || again.Path != first.Path || again.Passages != first.Passages {
		t.Errorf("the same key again: %+v, %v; want %+v", again, err, first)
	}
	if files := f.files(t); len(files) != 1 || len(f.store.Uploaded()) != 1 {
		t.Errorf("after adding one key twice: files %q, listed %+v", files, f.store.Uploaded())
	}
	u.Key = "change-8"
	if other, err := f.store.Add(context.Background(), u); err != nil || other.ID == first.ID {
		t.Errorf("another key: %+v, %v", other, err)
	}
}
