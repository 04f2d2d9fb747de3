package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sendbot/sendbot/corpus"
)

// rebuildTest rebuilds the test corpus into dir, recording fingerprint.
func rebuildTest(t *testing.T, dir, fingerprint string) {
	t.Helper()
	c, err := corpus.Load(testCorpus)
	if err != nil {
		t.Fatal(err)
	}
	if err := Rebuild(context.Background(), dir, c.Documents, corpus.BuiltinGlossary(), Source{Fingerprint: fingerprint}); err != nil {
		t.Fatal(err)
	}
}

func openLiveTest(t *testing.T, dir string) *Live {
	t.Helper()
	l, err := OpenLive(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// askShortBreaks asks l what a parent would, and says what is wrong with
// the answer, if anything: it must quote the short breaks page.
func askShortBreaks(l *Live) error {
	res, err := l.Search(context.Background(), Query{Text: "can my son join a short breaks club without an assessment?"})
	if err != nil {
		return err
	}
	var titles []string
	for _, h := range res.Hits {
		if h.Kind != KindGlossary && h.Title == "Short breaks" && strings.Contains(h.Text, "clubs anyone eligible can join") {
			return nil
		}
		titles = append(titles, h.Title)
	}
	return fmt.Errorf("answered %v, quoting %q instead of the short breaks page", res.Answered, titles)
}

func TestLiveAnswersThroughRebuildsAndReloads(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	rebuildTest(t, dir, "v0")
	l := openLiveTest(t, dir)

	var (
		stop     atomic.Bool
		answered atomic.Int64
		wg       sync.WaitGroup
		errs     = make(chan error, 50)
	)
	for range 50 {
		wg.Go(func() {
			for !stop.Load() {
				if err := askShortBreaks(l); err != nil {
					errs <- err
					return
				}
				answered.Add(1)
			}
		})
	}
	const rounds = 5
	for i := 1; i <= rounds; i++ {
		before := answered.Load()
		want := fmt.Sprintf("v%d", i)
		rebuildTest(t, dir, want)
		if err := l.Reload(); err != nil {
			t.Fatalf("reload %d: %v", i, err)
		}
		if got := l.Info().Source.Fingerprint; got != want {
			t.Errorf("after reload %d the index answering is %q, want %q", i, got, want)
		}
		// Let searches run on the new index before replacing it again.
		for answered.Load() < before+50 && len(errs) == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a search failed while the index was replaced: %v", err)
	}
	if answered.Load() < rounds*50 {
		t.Errorf("only %d searches answered", answered.Load())
	}
	t.Logf("%d searches answered across %d rebuilds", answered.Load(), rounds)
	if left, _ := filepath.Glob(dir + ".*-*"); len(left) != 0 {
		t.Errorf("rebuilds left folders behind: %v", left)
	}
}

func TestLiveReloadKeepsServingWhenTheNewIndexIsBroken(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(t *testing.T, dir string)
		wantErr error
	}{
		{"folder missing", func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		}, ErrNoIndex},
		{"garbage in the folder", func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			os.Mkdir(dir, 0o755)
			if err := os.WriteFile(filepath.Join(dir, "root.bolt"), []byte("not an index"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			rebuildTest(t, dir, "good")
			l := openLiveTest(t, dir)
			tt.breakIt(t, dir)
			err := l.Reload()
			if err == nil {
				t.Fatal("Reload of a broken index succeeded")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Reload: %v, want %v", err, tt.wantErr)
			}
			if err := askShortBreaks(l); err != nil {
				t.Errorf("after a failed reload: %v", err)
			}
			if got := l.Info().Source.Fingerprint; got != "good" {
				t.Errorf("after a failed reload the index answering is %q", got)
			}
		})
	}
}

func TestLiveChangedFlipsAfterRebuild(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	rebuildTest(t, dir, "one")
	l := openLiveTest(t, dir)
	if l.Changed() {
		t.Error("Changed before any rebuild")
	}
	rebuildTest(t, dir, "two")
	if !l.Changed() {
		t.Error("not Changed after a rebuild")
	}
	if got := l.Info().Source.Fingerprint; got != "one" {
		t.Errorf("the index changed before Reload: %q", got)
	}
	if err := l.Reload(); err != nil {
		t.Fatal(err)
	}
	if l.Changed() {
		t.Error("still Changed after Reload")
	}
	if got := l.Info().Source.Fingerprint; got != "two" {
		t.Errorf("after Reload the index answering is %q, want two", got)
	}
}

func TestLiveClosed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	rebuildTest(t, dir, "one")
	l := openLiveTest(t, dir)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Search(context.Background(), Query{Text: "short breaks"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close: %v, want ErrClosed", err)
	}
	if err := l.Reload(); !errors.Is(err, ErrClosed) {
		t.Errorf("Reload after Close: %v, want ErrClosed", err)
	}
	if l.Changed() || l.Areas() != nil {
		t.Error("a closed index reports an index")
	}
}

func TestSecondRebuildFailsFastWhileOneRuns(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	rebuildTest(t, dir, "one")
	paused, resume := make(chan struct{}), make(chan struct{})
	var swaps atomic.Int32
	beforeSwap = func() {
		if swaps.Add(1) == 1 { // the first build waits; any other goes on
			close(paused)
			<-resume
		}
	}
	t.Cleanup(func() { beforeSwap = nil })
	first := make(chan error)
	c, _ := corpus.Load(testCorpus)
	go func() {
		first <- Rebuild(context.Background(), dir, c.Documents, corpus.BuiltinGlossary(), Source{Fingerprint: "two"})
	}()
	<-paused // the first build holds the lock, its new index built beside dir

	start := time.Now()
	err := Rebuild(context.Background(), dir, c.Documents, corpus.BuiltinGlossary(), Source{Fingerprint: "three"})
	if !errors.Is(err, ErrBuilding) {
		t.Fatalf("second Rebuild: %v, want ErrBuilding", err)
	}
	if !strings.Contains(err.Error(), "another sendbot is rebuilding this index") {
		t.Errorf("the error does not say why: %q", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("the second Rebuild took %s to fail", took)
	}
	// Recover must leave the first build's work alone.
	building, _ := filepath.Glob(dir + buildingInfix + "*")
	if err := Recover(dir); err != nil {
		t.Fatal(err)
	}
	for _, b := range building {
		if _, err := os.Stat(b); err != nil {
			t.Errorf("Recover removed a running build's folder: %v", err)
		}
	}
	if len(building) != 1 {
		t.Errorf("building folders while the first build ran: %v", building)
	}

	close(resume)
	if err := <-first; err != nil {
		t.Fatalf("first Rebuild: %v", err)
	}
	beforeSwap = nil
	// The lock is released on return.
	rebuildTest(t, dir, "four")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got := ix.Info().Source.Fingerprint; got != "four" {
		t.Errorf("index is %q, want four", got)
	}
}

func TestRecoverAfterAnInterruptedRebuild(t *testing.T) {
	// Each case is the folders a Rebuild leaves when killed at one moment.
	// Folders named good-<fingerprint> hold a complete index; partial ones
	// hold a bleve folder with its files cut short.
	tests := []struct {
		name     string
		folders  map[string]string // suffix after "index" -> "good-<fp>", "partial" or "junk"
		want     string            // fingerprint in index afterwards; "" for no index
		wantLeft []string          // suffixes still there afterwards
	}{
		{"nothing to do", map[string]string{"": "good-a"}, "a", nil},
		{"no index at all", nil, "", nil},
		{"killed during the first build", map[string]string{".building-2": "partial"}, "", nil},
		{"killed during a rebuild", map[string]string{"": "good-a", ".building-2": "partial"}, "a", nil},
		{"killed between the renames", map[string]string{".old-2": "good-a", ".building-2": "good-b"}, "a", nil},
		{"killed after the swap", map[string]string{"": "good-b", ".old-2": "good-a"}, "b", nil},
		{"killed while removing the old index", map[string]string{"": "good-b", ".old-2": "partial"}, "b", nil},
		{"the newest old index restored", map[string]string{".old-1": "good-a", ".old-2": "good-b"}, "b", []string{".old-1"}},
		{"a broken old index skipped", map[string]string{".old-1": "good-a", ".old-2": "junk"}, "a", []string{".old-2"}},
		{"no old index opens", map[string]string{".old-1": "junk"}, "", []string{".old-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			for suffix, what := range tt.folders {
				makeFolder(t, dir+suffix, what)
			}
			if err := Recover(dir); err != nil {
				t.Fatal(err)
			}
			ix, err := Open(dir)
			switch {
			case tt.want == "" && !errors.Is(err, ErrNoIndex):
				t.Errorf("Open: %v, want ErrNoIndex", err)
			case tt.want != "" && err != nil:
				t.Errorf("Open: %v", err)
			case tt.want != "":
				if got := ix.Info().Source.Fingerprint; got != tt.want {
					t.Errorf("index is %q, want %q", got, tt.want)
				}
				ix.Close()
			}
			var left []string
			for suffix := range tt.folders {
				if _, err := os.Stat(dir + suffix); suffix != "" && err == nil {
					left = append(left, suffix)
				}
			}
			if strings.Join(left, " ") != strings.Join(tt.wantLeft, " ") {
				t.Errorf("left behind %v, want %v", left, tt.wantLeft)
			}
			// OpenLive recovers the same way.
			if tt.want != "" {
				l := openLiveTest(t, dir)
				if err := askShortBreaks(l); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// makeFolder makes an index folder for TestRecoverAfterAnInterruptedRebuild.
func makeFolder(t *testing.T, path, what string) {
	t.Helper()
	c, err := corpus.Load(testCorpus)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case strings.HasPrefix(what, "good-"):
		if err := Build(context.Background(), path, c.Documents, corpus.BuiltinGlossary(), Source{Fingerprint: strings.TrimPrefix(what, "good-")}); err != nil {
			t.Fatal(err)
		}
	case what == "partial":
		if err := Build(context.Background(), path, c.Documents, corpus.BuiltinGlossary(), Source{Fingerprint: "partial"}); err != nil {
			t.Fatal(err)
		}
		filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				os.Truncate(p, 0)
			}
			return nil
		})
	case what == "junk":
		os.MkdirAll(path, 0o755)
		if err := os.WriteFile(filepath.Join(path, "root.bolt"), []byte("junk"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
