package doctor

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/sendbot/sendbot/corpus/fetch"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/library"
)

// reindexSpare is the room a reindex needs beyond a second copy of the
// index, which it writes beside the one in use.
const reindexSpare = 200 << 20

// checkCorpus reads the corpus as a reindex would.
func (d *doctor) checkCorpus(lib *library.Library) {
	name := lib.Name()
	c, err := lib.Read()
	if err != nil {
		d.fix("corpus", "%s cannot be read: %v", name, err)
		return
	}
	switch errs := len(c.Errors()); {
	case len(c.Documents) == 0:
		d.fix("corpus", "%s has no documents sendbot can read; run sendbot check to see why", name)
	case errs > 0:
		d.fix("corpus", "%s: %d documents read, but %s could not be; run sendbot check to see which and why", name, len(c.Documents), plural(errs, "file"))
	default:
		d.ok("corpus", "%s: %d documents read", name, len(c.Documents))
	}
}

// checkIndex opens the index read-only, as a second reader beside a
// running serve, and asks it one question.
func (d *doctor) checkIndex(lib *library.Library) {
	dir := lib.IndexDir()
	ix, err := index.Open(dir)
	switch {
	case errors.Is(err, index.ErrNoIndex):
		d.note("index", "none yet at %s: serve builds it when it starts (or run sendbot index)", dir)
		return
	case errors.Is(err, index.ErrOldMapping):
		d.note("index", "%s was built by another version of sendbot: serve rebuilds it when it starts", dir)
		return
	case errors.Is(err, index.ErrBusy):
		d.note("index", "%s is being rebuilt right now; run doctor again when that finishes", dir)
		return
	case err != nil:
		d.fix("index", "%s cannot be read (%v): remove that folder and sendbot serve builds a new one", dir, err)
		return
	}
	defer ix.Close()
	info := ix.Info()
	if _, err := ix.Search(context.Background(), index.Query{Text: "support"}); err != nil {
		d.fix("index", "%s opens but cannot be searched (%v): remove that folder and sendbot serve builds a new one", dir, err)
		return
	}
	age := time.Since(info.BuiltAt)
	d.ok("index", "%s: %d documents, %d passages, built %s (%s ago)", dir, info.Documents, info.Passages,
		info.BuiltAt.Format("2 January 2006 15:04"), index.FormatAge(age))
	if src, err := lib.Source(); err == nil && info.Source.Fingerprint != src.Fingerprint {
		d.note("index", "the corpus has changed since it was built: serve rebuilds it when it starts, or use /reindex")
	}
}

// checkDisk checks that the disk holding the index has room for a
// reindex, which writes a new index beside the one in use, and that the
// data folder (or, before the first run, the folder it will be made in)
// can be written.
func (d *doctor) checkDisk(lib *library.Library) {
	// Nothing is created: run as root beside a service, a folder made
	// here would belong to root. The nearest folder that exists is tried.
	parent := filepath.Dir(lib.IndexDir())
	for !isDir(parent) && filepath.Dir(parent) != parent {
		parent = filepath.Dir(parent)
	}
	probe, err := os.CreateTemp(parent, ".sendbot-doctor-*")
	if err != nil {
		d.fix("disk", "cannot write in %s: %v; give the user running sendbot write access, or set SENDBOT_DATA", parent, err)
		return
	}
	probe.Close()
	os.Remove(probe.Name())
	free, err := freeSpace(parent)
	if err != nil {
		d.note("disk", "free space in %s not checked: %v", parent, err)
		return
	}
	need := uint64(dirSize(lib.IndexDir())) + reindexSpare
	if free < need {
		d.fix("disk", "%s has %s free; a reindex needs about %s (a second copy of the index while it builds). Free some space or move SENDBOT_DATA", parent, fetch.Size(int64(free)), fetch.Size(int64(need)))
		return
	}
	d.ok("disk", "%s free in %s (a reindex needs about %s)", fetch.Size(int64(free)), parent, fetch.Size(int64(need)))
}

// dirSize is the total size of the files under dir (0 if it is absent).
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if fi, err := e.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}
