//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package library

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
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
