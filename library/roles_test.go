package library

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/testkit"
)

// folderState is every file and folder under root, with its size, mode
// and modification time: what a process that only reads must leave as
// it is.
func folderState(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		out[path] = fmt.Sprintf("%d %v %d", fi.Size(), fi.Mode(), fi.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// quotes reports whether live answers question from the document titled title.
func quotes(live *index.Live, question, title string) bool {
	res, err := live.Search(context.Background(), index.Query{Text: question})
	if err != nil {
		return false
	}
	for _, h := range res.Hits {
		if h.Title == title {
			return true
		}
	}
	return false
}

// TestOneBuilderManyReplicas is a builder and two replicas sharing one
// index folder: the replicas open the index the builder published, switch
// to each one it publishes after a reindex, refuse one that arrives
// damaged while answering from the one they have, and never write to the
// shared folder.
func TestOneBuilderManyReplicas(t *testing.T) {
	shared := t.TempDir()
	dir := filepath.Join(shared, "index")
	corpusDir := testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest: clubs, holiday schemes and overnight stays.\n",
	})
	builder := open(t, Config{Corpus: corpusDir, Index: dir, DataDir: t.TempDir(), NoBuiltinEngland: true})
	ix, err := builder.OpenIndex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	builderLive, err := index.OpenLive(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { builderLive.Close() })
	rx := builder.Reindexer(builderLive)

	ctx, cancel := context.WithCancel(context.Background())
	published := folderState(t, shared)
	type replica struct {
		live *index.Live
		logs *testkit.SyncBuffer
	}
	var replicas []replica
	followed := make(chan struct{})
	for range 2 {
		logs := &testkit.SyncBuffer{}
		log := slog.New(slog.NewTextHandler(logs, nil))
		live, err := WaitForPublished(ctx, dir, log)
		if err != nil {
			t.Fatal(err)
		}
		replicas = append(replicas, replica{live, logs})
		go func() {
			defer func() { followed <- struct{}{} }()
			Follow(ctx, live, nil, log)
		}()
	}
	t.Cleanup(func() {
		cancel()
		for range replicas {
			<-followed
		}
		for _, r := range replicas {
			r.live.Close()
		}
	})
	for n, r := range replicas {
		if !quotes(r.live, "short breaks clubs", "Short breaks") {
			t.Fatalf("replica %d does not answer from the published index", n)
		}
	}
	if now := folderState(t, shared); !maps.Equal(now, published) {
		t.Fatalf("opening the replicas changed the shared folder:\nbefore %v\nafter  %v", published, now)
	}

	// The builder reindexes with a new document: both replicas switch to it.
	if err := os.WriteFile(filepath.Join(corpusDir, "testshire", "transport.md"),
		[]byte("# School transport\n\nFree school transport for children with an EHCP who live beyond walking distance.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := rx.Reindex(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	published = folderState(t, shared)
	for n, r := range replicas {
		testkit.WaitFor(t, fmt.Sprintf("replica %d to answer from the builder's new index", n), func() bool {
			return quotes(r.live, "free school transport", "School transport")
		})
	}
	if now := folderState(t, shared); !maps.Equal(now, published) {
		t.Fatalf("the replicas changed the shared folder while switching:\nbefore %v\nafter  %v", published, now)
	}

	// An index published damaged, as a copy cut short: a new index, with
	// a document the replicas must not quote, whose largest file lost its
	// end after the manifest was written.
	other := open(t, Config{Corpus: testkit.WriteCorpus(t, map[string]string{
		"testshire/respite.md": "# Respite nights\n\nRespite nights at the residential centre for disabled children.\n",
	}), Index: filepath.Join(t.TempDir(), "index"), DataDir: t.TempDir(), NoBuiltinEngland: true})
	if ix, err = other.OpenIndex(context.Background()); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	incoming := filepath.Join(shared, "incoming")
	if err := os.CopyFS(incoming, os.DirFS(other.IndexDir())); err != nil {
		t.Fatal(err)
	}
	cut := testkit.LargestFile(t, incoming)
	fi, _ := os.Stat(cut)
	if err := os.Truncate(cut, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(dir, filepath.Join(shared, "previous")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(incoming, dir); err != nil {
		t.Fatal(err)
	}
	published = folderState(t, shared)
	for n, r := range replicas {
		testkit.WaitFor(t, fmt.Sprintf("replica %d to refuse the damaged index", n), func() bool {
			return strings.Contains(r.logs.String(), "could not be opened") && strings.Contains(r.logs.String(), index.ErrDamaged.Error())
		})
		if !quotes(r.live, "free school transport", "School transport") || quotes(r.live, "respite nights", "Respite nights") {
			t.Errorf("replica %d does not answer from the index it had after refusing a damaged one", n)
		}
	}
	if now := folderState(t, shared); !maps.Equal(now, published) {
		t.Fatalf("the replicas changed the shared folder when refusing a damaged index:\nbefore %v\nafter  %v", published, now)
	}
}
