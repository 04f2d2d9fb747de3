package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/index"
)

type countingReloader struct{ n int }

func (c *countingReloader) Reload() error { c.n++; return nil }

func writeCorpus(t *testing.T, files map[string]string) string {
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

func TestReindexerBuildsBesideAndSwaps(t *testing.T) {
	corpusDir := writeCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest.\n",
		"testshire/empty.md":  "",
	})
	cfg := config{Corpus: corpusDir, DataDir: t.TempDir()}
	live := &countingReloader{}
	r := &reindexer{cfg: cfg, live: live, log: slog.New(slog.DiscardHandler)}
	var stages []string
	rep, err := r.Reindex(context.Background(), func(p bot.ReindexProgress) { stages = append(stages, p.Stage) })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Documents != 1 || rep.Passages != 1 || len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0], "testshire/empty.md: file is empty") || live.n != 1 {
		t.Errorf("report %+v, reloads %d", rep, live.n)
	}
	if strings.Join(stages, " | ") != "reading the corpus and building the index | switching to the new index" {
		t.Errorf("stages %q", stages)
	}
	tgt, _ := locate(cfg)
	ix, err := index.Open(tgt.dir)
	if err != nil {
		t.Fatalf("the new index is not where serve reads it: %v", err)
	}
	ix.Close()

	// A corpus that has gone: the build fails and nothing is swapped.
	os.RemoveAll(corpusDir)
	if _, err := r.Reindex(context.Background(), nil); err == nil || live.n != 1 {
		t.Errorf("missing corpus: err %v, reloads %d", err, live.n)
	}
}

func TestReindexerRunsOneAtATime(t *testing.T) {
	r := &reindexer{cfg: config{}, live: &countingReloader{}, log: slog.New(slog.DiscardHandler)}
	r.mu.Lock()
	_, err := r.Reindex(context.Background(), nil)
	r.mu.Unlock()
	if !errors.Is(err, errReindexing) {
		t.Errorf("second reindex: %v", err)
	}
}

func TestAuditLogAppendsOneLineEachPrivately(t *testing.T) {
	cfg := config{DataDir: t.TempDir()}
	tgt, err := locate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a, err := openAudit(cfg, tgt)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for _, e := range []bot.AuditEntry{
		{At: at, Who: "4001", Action: "reindex", Result: "ok: 3 documents"},
		{At: at.Add(time.Minute), Who: "4002", Action: "reindex", Result: "refused: not a moderator"},
	} {
		if err := a.Record(e); err != nil {
			t.Fatal(err)
		}
	}
	info, err := os.Stat(a.path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("audit file %v, mode %v", err, info.Mode())
	}
	f, _ := os.Open(a.path)
	defer f.Close()
	var got []bot.AuditEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e bot.AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, e)
	}
	if len(got) != 2 || got[1].Who != "4002" || !got[0].At.Equal(at) || got[0].Result != "ok: 3 documents" {
		t.Errorf("audit lines %+v", got)
	}
}

// fakeLive is a serving index that counts reloads and can be marked changed.
type fakeLive struct {
	mu      sync.Mutex
	reloads int
	changed bool
}

func (f *fakeLive) Reload() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reloads++
	f.changed = false
	return nil
}
func (f *fakeLive) Changed() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.changed }
func (f *fakeLive) count() int    { f.mu.Lock(); defer f.mu.Unlock(); return f.reloads }

func TestWatchReindexesOnScheduleAndSignal(t *testing.T) {
	corpusDir := writeCorpus(t, map[string]string{"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest.\n"})
	live := &fakeLive{}
	var logs syncBuffer
	r := &reindexer{cfg: config{Corpus: corpusDir, DataDir: t.TempDir()}, live: live, log: slog.New(slog.NewTextHandler(&logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	hup := make(chan os.Signal, 1)
	watched := make(chan struct{})
	go func() { defer close(watched); r.watch(ctx, live, 30*time.Millisecond, hup) }()
	// A reindex still writing when the test ends would race the removal
	// of its temporary folder.
	defer func() { cancel(); <-watched }()
	waitFor(t, "a scheduled reindex", func() bool {
		return strings.Contains(logs.String(), "why=\"schedule (SENDBOT_REINDEX_EVERY)\"") && live.count() >= 1
	})
	hup <- syscall.SIGHUP
	waitFor(t, "a reindex on SIGHUP", func() bool { return strings.Contains(logs.String(), "why=SIGHUP") })
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("errors:\n%s", logs.String())
	}
}

// A reindex fetches the remote sources sources.yaml lists before it
// reads the corpus, so a page changed on the web is in the new index.
func TestReindexerFetchesRemoteSourcesFirst(t *testing.T) {
	page := "Travel to school in Testshire\n\nChildren who live beyond walking distance of school get free travel.\n"
	var mu sync.Mutex
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/transport" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, page)
	}))
	defer site.Close()
	corpusDir := writeCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest.\n",
		"sources.yaml":        "documents:\n  - url: " + site.URL + "/transport\n    title: Travel to school in Testshire\n    area: Testshire\n",
	})
	cfg := config{Corpus: corpusDir, DataDir: t.TempDir(), FetchAllow: "127.0.0.0/8"} // the site is on loopback
	r := &reindexer{cfg: cfg, live: &countingReloader{}, log: slog.New(slog.DiscardHandler)}
	var stages []string
	rep, err := r.Reindex(context.Background(), func(p bot.ReindexProgress) { stages = append(stages, p.Stage) })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fetched != "1 fetched, 0 not modified, 0 failed, 0 blocked by robots.txt" || rep.Documents != 2 || stages[0] != "fetching remote sources" {
		t.Errorf("first reindex: %+v, stages %q", rep, stages)
	}

	mu.Lock()
	page = "Travel to school in Testshire\n\nThe travel team now answers within ten school days.\n"
	mu.Unlock()
	if _, err := r.Reindex(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	tgt, _ := locate(cfg)
	ix, err := index.Open(tgt.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(context.Background(), index.Query{Text: "travel team answers within ten school days"})
	if err != nil || !res.Answered || !strings.Contains(res.Hits[0].Text, "ten school days") || res.Hits[0].SourceURL != site.URL+"/transport" {
		t.Errorf("after the page changed: %v %+v", err, res.Hits)
	}
}
