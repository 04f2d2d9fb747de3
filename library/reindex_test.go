package library

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sendbot/sendbot/corpus/fetch"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/testkit"
)

// open opens the library cfg describes, or fails the test.
func open(t *testing.T, cfg Config) *Library {
	t.Helper()
	lib, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

func TestReindexerBuildsBesideAndSwaps(t *testing.T) {
	corpusDir := testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest.\n",
		"testshire/empty.md":  "",
	})
	lib := open(t, Config{Corpus: corpusDir, DataDir: t.TempDir(), NoBuiltinEngland: true})
	live := &fakeLive{}
	r := lib.Reindexer(live)
	var stages []Stage
	var files int
	rep, err := r.Reindex(context.Background(), func(p Progress) {
		stages = append(stages, p.Stage)
		if p.Stage == Switching {
			files = p.Files
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Documents != 1 || rep.Passages != 1 || len(rep.Problems) != 1 || rep.Problems[0].Path != "testshire/empty.md" ||
		rep.Problems[0].Reason != "file is empty" || rep.Fetched != nil || live.count() != 1 {
		t.Errorf("report %+v, reloads %d", rep, live.count())
	}
	if !slices.Equal(stages, []Stage{Building, Switching}) || files != 1 {
		t.Errorf("stages %v, %d files read", stages, files)
	}
	ix, err := index.Open(lib.IndexDir())
	if err != nil {
		t.Fatalf("the new index is not where serve reads it: %v", err)
	}
	ix.Close()

	// A corpus that has gone: the build fails and nothing is swapped.
	os.RemoveAll(corpusDir)
	if _, err := r.Reindex(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "does not exist") || live.count() != 1 {
		t.Errorf("missing corpus: err %v, reloads %d", err, live.count())
	}
}

func TestReindexerRunsOneAtATime(t *testing.T) {
	lib := open(t, Config{DataDir: t.TempDir()})
	r := lib.Reindexer(&fakeLive{})
	lib.reindexing.Lock()
	_, err := r.Reindex(context.Background(), nil)
	lib.reindexing.Unlock()
	if !errors.Is(err, ErrReindexing) {
		t.Errorf("second reindex: %v", err)
	}
}

func TestAuditLogAppendsOneLineEachPrivately(t *testing.T) {
	a, err := open(t, Config{DataDir: t.TempDir()}).OpenAudit()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for _, e := range []AuditEntry{
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
	var got []AuditEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e AuditEntry
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

func (f *fakeLive) Areas() []string  { return nil }
func (f *fakeLive) Info() index.Info { return index.Info{} }

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
	corpusDir := testkit.WriteCorpus(t, map[string]string{"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest.\n"})
	live := &fakeLive{}
	var logs testkit.SyncBuffer
	lib := open(t, Config{Corpus: corpusDir, DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	r := lib.Reindexer(live)
	ctx, cancel := context.WithCancel(context.Background())
	hup := make(chan os.Signal, 1)
	watched := make(chan struct{})
	go func() { defer close(watched); r.Watch(ctx, 30*time.Millisecond, hup) }()
	// A reindex still writing when the test ends would race the removal
	// of its temporary folder.
	defer func() { cancel(); <-watched }()
	testkit.WaitFor(t, "a scheduled reindex", func() bool {
		return strings.Contains(logs.String(), "why=\"schedule (SENDBOT_REINDEX_EVERY)\"") && live.count() >= 1
	})
	hup <- syscall.SIGHUP
	testkit.WaitFor(t, "a reindex on SIGHUP", func() bool { return strings.Contains(logs.String(), "why=SIGHUP") })
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
	corpusDir := testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest.\n",
		"sources.yaml":        "documents:\n  - url: " + site.URL + "/transport\n    title: Travel to school in Testshire\n    area: Testshire\n",
	})
	lib := open(t, Config{Corpus: corpusDir, DataDir: t.TempDir(), NoBuiltinEngland: true,
		FetchAllow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}) // the site is on loopback
	r := lib.Reindexer(&fakeLive{})
	var stages []Stage
	var files int
	var fetched fetch.Progress
	rep, err := r.Reindex(context.Background(), func(p Progress) {
		if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
			stages = append(stages, p.Stage)
		}
		if p.Stage == Switching {
			files = p.Files
		}
		if p.Stage == Fetching {
			fetched = p.Fetch
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fetched == nil || rep.Fetched.Summary() != "1 fetched, 0 not modified, 0 failed, 0 blocked by robots.txt" || rep.Documents != 2 ||
		!slices.Equal(stages, []Stage{Fetching, Building, Switching}) || files != 2 || fetched.Done != 1 || fetched.Sources != 1 {
		t.Errorf("first reindex: %+v, stages %v, %d files read, fetch progress %+v", rep, stages, files, fetched)
	}

	mu.Lock()
	page = "Travel to school in Testshire\n\nThe travel team now answers within ten school days.\n"
	mu.Unlock()
	if _, err := r.Reindex(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(lib.IndexDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(context.Background(), index.Query{Text: "travel team answers within ten school days"})
	if err != nil || !res.Answered || !strings.Contains(res.Hits[0].Text, "ten school days") || res.Hits[0].SourceURL != site.URL+"/transport" {
		t.Errorf("after the page changed: %v %+v", err, res.Hits)
	}
}
