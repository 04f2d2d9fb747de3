//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package library

import (
	"context"
	"errors"
	"os"
	"slices"
	"syscall"
	"testing"

	"github.com/sendbot/sendbot/index"
)

func TestAddAndRemoveDuringARebuildChangeNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	res, err := f.store.Add(ctx, Upload{Filename: "hydro.md", Data: markdownFile, Area: "Testshire"})
	if err != nil {
		t.Fatal(err)
	}
	manifest, _ := os.ReadFile(f.dir + "/sources.yaml")
	// Another sendbot rebuilding the index holds its build lock.
	lock, err := os.OpenFile(f.index+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	_, addErr := f.store.Add(ctx, Upload{Filename: "toys.txt", Data: textFile, Area: "Testshire"})
	_, removeErr := f.store.Remove(ctx, res.ID)
	for _, err := range []error{addErr, removeErr} {
		var r *Refusal
		if !errors.As(err, &r) || r.Why != Rebuilding {
			t.Errorf("during a rebuild: %v", err)
		}
	}
	if files := f.files(t); len(files) != 1 || files[0] != "testshire/"+res.ID+".md" || len(f.store.Uploaded()) != 1 {
		t.Errorf("files %q, listed %+v: want only the first upload, as before", files, f.store.Uploaded())
	}
	if now, _ := os.ReadFile(f.dir + "/sources.yaml"); string(now) != string(manifest) {
		t.Errorf("sources.yaml changed:\n%s\nwas\n%s", now, manifest)
	}
	syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := f.store.Remove(ctx, res.ID); err != nil {
		t.Errorf("Remove once the rebuild is over: %v", err)
	}
}

// A refresh while another sendbot holds the index's build lock can
// neither update nor rebuild it: the reindex fails, and the index being
// served keeps answering as before, until a reindex after the lock is
// let go updates it.
func TestARefreshThatCannotUpdateKeepsTheOldIndexAnswering(t *testing.T) {
	f := newRefreshFixture(t)
	f.lo.change(0, "The Testshire short breaks team now arranges weekend stays at Orchard House instead.")
	lock, err := os.OpenFile(f.lib.IndexDir()+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.reindex(t); !errors.Is(err, index.ErrBuilding) {
		t.Errorf("reindex while the index is locked: %v", err)
	}
	if got := f.answer(t, "who arranges overnight stays at Willow Lodge"); got != "page-0" {
		t.Errorf("the old text is answered from %q; the old index should answer", got)
	}
	if got := f.answer(t, "where are weekend stays at Orchard House"); got != "" {
		t.Errorf("the new text is answered from %q before any index holds it", got)
	}
	syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	// The cache changed, but the index not: the next refresh rebuilds.
	rep, stages, err := f.reindex(t)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.answer(t, "where are weekend stays at Orchard House"); got != "page-0" || rep.Updated != nil ||
		!slices.Equal(stages, []Stage{Fetching, Building, Switching}) {
		t.Errorf("after the lock went: answered from %q, stages %v, updated %+v", got, stages, rep.Updated)
	}
}
