package library

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/testkit"
)

// documentPaths lists the paths of the documents in the library's index.
func documentPaths(t *testing.T, lib *Library) []string {
	t.Helper()
	ix, err := index.Open(lib.IndexDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs, err := ix.Documents("")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range docs {
		out = append(out, d.Path)
	}
	slices.Sort(out)
	return out
}

func TestUploadsSurviveARestartAndAFullRebuild(t *testing.T) {
	corpusDir := testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest.\n",
	})
	cfg := Config{Corpus: corpusDir, DataDir: t.TempDir(), NoBuiltinEngland: true}
	lib := open(t, cfg)
	ctx := context.Background()
	ix, err := lib.OpenIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	live, err := index.OpenLive(lib.IndexDir())
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	st, err := lib.OpenUploads(live)
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.Add(ctx, Upload{Filename: "pool.md", Area: "Testshire",
		Data: []byte("# Hydrotherapy in Testshire\n\nThe warm water pool runs hydrotherapy sessions on weekday mornings.\n")})
	if err != nil {
		t.Fatal(err)
	}
	uploaded := UploadedPrefix + "/testshire/" + res.ID + ".md"
	want := []string{"testshire/breaks.md", uploaded}
	if got := documentPaths(t, lib); !slices.Equal(got, want) {
		t.Fatalf("after Add the index holds %q, want %q", got, want)
	}
	if got, _ := live.Documents(""); len(got) != 2 {
		t.Errorf("the serving index was not reloaded: %d documents", len(got))
	}

	// A restart finds the index up to date: no rebuild for the upload.
	builtAt := live.Info().BuiltAt
	ix, err = open(t, cfg).OpenIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !ix.Info().BuiltAt.Equal(builtAt) {
		t.Error("a restart rebuilt the index after an upload")
	}
	ix.Close()

	// A full rebuild (/reindex) keeps the upload, at the same path.
	if _, err := lib.Build(ctx); err != nil {
		t.Fatal(err)
	}
	if got := documentPaths(t, lib); !slices.Equal(got, want) {
		t.Errorf("after a full rebuild the index holds %q, want %q", got, want)
	}
	// sendbot check lists it too.
	c, err := lib.Read()
	if err != nil || len(c.Documents) != 2 {
		t.Errorf("Read: %v, %d documents", err, len(c.Documents))
	}

	if _, err := st.Remove(ctx, res.ID); err != nil {
		t.Fatal(err)
	}
	if got := documentPaths(t, lib); !slices.Equal(got, want[:1]) {
		t.Errorf("after Remove the index holds %q", got)
	}
	ix, err = open(t, cfg).OpenIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Info().Source.Fingerprint != live.Info().Source.Fingerprint {
		t.Error("a restart after Remove rebuilt the index")
	}
	if !strings.HasPrefix(filepath.ToSlash(lib.UploadsDir()), filepath.ToSlash(cfg.DataDir)+"/uploads/") {
		t.Errorf("uploads kept in %s, not under the data folder's uploads", lib.UploadsDir())
	}
}

func TestIndexesLiveInTheCacheFolderByDefault(t *testing.T) {
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skip("this machine has no user cache folder:", err)
	}
	dir := open(t, Config{}).IndexDir()
	if want := filepath.Join(cache, "sendbot", "indexes", "default"); dir != want {
		t.Errorf("default index folder = %s, want %s", dir, want)
	}
	wd, _ := os.Getwd()
	repo := filepath.Dir(wd)
	named := open(t, Config{Corpus: t.TempDir()}).IndexDir()
	if strings.HasPrefix(dir, repo) || strings.HasPrefix(named, repo) {
		t.Errorf("an index would be written inside the source tree: %s, %s", dir, named)
	}
}

func TestFoldersAreKeptPerCorpus(t *testing.T) {
	data := t.TempDir()
	a := open(t, Config{Corpus: t.TempDir(), DataDir: data})
	b := open(t, Config{Corpus: t.TempDir(), DataDir: data})
	for _, dirs := range [][2]string{{a.IndexDir(), b.IndexDir()}, {a.FetchDir(), b.FetchDir()}, {a.UploadsDir(), b.UploadsDir()}} {
		if dirs[0] == dirs[1] || !strings.HasPrefix(dirs[0], data) {
			t.Errorf("two corpora share %s, or it is not under the data folder", dirs[0])
		}
	}
	feedback, err := open(t, Config{DataDir: data}).DataFile("feedback", "feedback.db")
	if err != nil || feedback != filepath.Join(data, "feedback", "default", "feedback.db") {
		t.Errorf("DataFile = %s, %v", feedback, err)
	}
}

// TestGroupDocumentsAddToTheBuiltinEngland has a group's corpus of one
// document: a question it does not answer is answered from the built-in
// England documents, which stay beside it unless turned off, and a
// question it does answer is answered from it alone.
func TestGroupDocumentsAddToTheBuiltinEngland(t *testing.T) {
	corpusDir := testkit.WriteCorpus(t, map[string]string{
		"testshire/swimming.md": "---\ntitle: Testshire swimming club\n---\n# Swimming for disabled children in Testshire\n\n" +
			"The Testshire swimming club runs sessions for disabled children and young people every Saturday morning at the leisure centre pool, with a hoist and changing places toilet.\n",
	})
	ask := func(t *testing.T, cfg Config, question string) index.Result {
		t.Helper()
		ix, err := open(t, cfg).OpenIndex(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		res, err := ix.Search(context.Background(), index.Query{Text: question})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	const notTheirs = "how do I ask for an EHC needs assessment?"
	const theirs = "is there swimming for disabled children on saturdays"

	cfg := Config{Corpus: corpusDir, DataDir: t.TempDir()}
	res := ask(t, cfg, notTheirs)
	if !res.Answered || len(res.Hits) == 0 || !strings.HasPrefix(res.Hits[0].Path, BuiltinPrefix+"/") {
		t.Errorf("%q with the built-in England documents: answered %v, hits %+v; want an answer from them", notTheirs, res.Answered, res.Hits)
	}
	res = ask(t, cfg, theirs)
	if !res.Answered || len(res.Hits) == 0 || res.Hits[0].Path != "testshire/swimming.md" {
		t.Errorf("%q: answered %v, hits %+v; want the group's own document first", theirs, res.Answered, res.Hits)
	}
	for _, h := range res.Hits {
		if strings.HasPrefix(h.Path, BuiltinPrefix+"/") {
			t.Errorf("%q, which the group's document answers, also shows the built-in %s", theirs, h.Path)
		}
	}

	off := Config{Corpus: corpusDir, DataDir: t.TempDir(), NoBuiltinEngland: true}
	if res := ask(t, off, notTheirs); res.Answered {
		t.Errorf("%q with the built-in England documents turned off: answered from %+v", notTheirs, res.Hits)
	}
}
