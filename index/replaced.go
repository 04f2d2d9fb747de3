package index

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// replacedGrace holds, for each index folder KeepReplaced was called for,
// how long the index a Rebuild or Update replaces is kept.
var replacedGrace sync.Map // clean dir → time.Duration

// KeepReplaced makes every later Rebuild and Update of dir in this
// process keep the index it replaces, in dir.old-<stamp>, for grace
// before removing it, instead of removing it right after the swap. A
// builder whose replicas read dir from another machine (NFS) needs this:
// a replica answers from the previous index until it next looks, and over
// NFS files removed on the server can no longer be read by a client that
// has them open (a stale file handle), as they can on a local volume.
// Previous indexes left by a process that stopped are removed by the
// next Recover or Rebuild once they are older than grace. A grace of 0
// removes them at once, as without KeepReplaced.
func KeepReplaced(dir string, grace time.Duration) {
	replacedGrace.Store(filepath.Clean(dir), grace)
}

func graceOf(dir string) time.Duration {
	g, _ := replacedGrace.Load(dir)
	d, _ := g.(time.Duration)
	return d
}

// removeReplaced removes old, an index dir's swap replaced at since,
// once dir's grace has passed since then (at once when there is none).
func removeReplaced(dir, old string, since time.Time) error {
	left := graceOf(dir) - time.Since(since)
	if left <= 0 {
		return os.RemoveAll(old)
	}
	time.AfterFunc(left, func() { removeWhenFree(dir, old) })
	return nil
}

// removeWhenFree removes old under dir's build lock, so that it never
// races a Recover that would move it back; while a build holds the lock,
// it tries again a little later.
func removeWhenFree(dir, old string) {
	unlock, err := lockBuild(dir)
	if err != nil {
		time.AfterFunc(5*time.Second, func() { removeWhenFree(dir, old) })
		return
	}
	defer unlock()
	if _, err := os.Lstat(dir); err == nil { // never the only index
		os.RemoveAll(old)
	}
}

// stampTime is about when the index in old, a dir.old-<stamp> folder,
// was replaced: the stamp is when the build that replaced it started. A stamp
// that cannot be read gives the zero time, which is long past.
func stampTime(dir, old string) time.Time {
	stamp, ok := strings.CutPrefix(filepath.Base(old), filepath.Base(dir)+oldInfix)
	if !ok {
		return time.Time{}
	}
	n, err := strconv.ParseInt(stamp, 36, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(0, n)
}
