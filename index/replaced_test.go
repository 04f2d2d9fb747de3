package index

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sendbot/sendbot/corpus"
)

// TestKeepReplacedKeepsThePreviousIndex: with a grace, the index a
// rebuild replaces stays whole and readable beside the new one (a replica
// may still be answering from it), a previous index older than the grace
// is removed by the next build, and a kept one is removed once its grace
// has passed.
func TestKeepReplacedKeepsThePreviousIndex(t *testing.T) {
	c, _ := corpus.Load(testCorpus)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	KeepReplaced(dir, time.Hour)
	t.Cleanup(func() { KeepReplaced(dir, 0) })
	for _, fp := range []string{"one", "two"} {
		if err := Rebuild(ctx, dir, c.Documents[:1], corpus.BuiltinGlossary(), Source{Fingerprint: fp}); err != nil {
			t.Fatal(err)
		}
	}
	old, _ := filepath.Glob(dir + oldInfix + "*")
	if len(old) != 1 {
		t.Fatalf("want the replaced index kept beside the new one, found %v", old)
	}
	if err := Verify(old[0]); err != nil {
		t.Errorf("the kept index is not whole: %v", err)
	}
	ix, err := Open(old[0])
	if err != nil {
		t.Fatal(err)
	}
	if fp := ix.Info().Source.Fingerprint; fp != "one" {
		t.Errorf("the kept index is %q, want the replaced one", fp)
	}
	ix.Close()

	// One left by a builder that stopped two hours ago goes at the next
	// build; the young one stays.
	stale := dir + oldInfix + strconv.FormatInt(time.Now().Add(-2*time.Hour).UnixNano(), 36)
	if err := os.MkdirAll(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Rebuild(ctx, dir, c.Documents[:1], corpus.BuiltinGlossary(), Source{Fingerprint: "three"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a previous index older than the grace was kept: %v", err)
	}
	if _, err := os.Stat(old[0]); err != nil {
		t.Errorf("a previous index younger than the grace was removed: %v", err)
	}

	// A short grace: the replaced index goes once it has passed.
	short := filepath.Join(t.TempDir(), "index")
	KeepReplaced(short, 100*time.Millisecond)
	t.Cleanup(func() { KeepReplaced(short, 0) })
	for _, fp := range []string{"one", "two"} {
		if err := Rebuild(ctx, short, c.Documents[:1], corpus.BuiltinGlossary(), Source{Fingerprint: fp}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(time.Minute)
	for {
		left, _ := filepath.Glob(short + oldInfix + "*")
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replaced index was not removed a minute after its grace of 100 ms: %v", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := Open(short); err != nil {
		t.Errorf("the index itself: %v", err)
	}
}
