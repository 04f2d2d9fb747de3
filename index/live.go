package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// ErrClosed means the Live index was closed.
var ErrClosed = errors.New("index is closed")

// Live is an index that can be replaced while it answers: after Rebuild
// has put a new index in its folder, Reload swaps the new one in. Every
// search runs on one complete index, the old or the new, never on a mix
// or a half-built one. It is safe for concurrent use.
//
// It follows bleve's IndexAlias: searches hold a read lock for as long
// as they run, and the swap takes the write lock, so the previous index
// is closed only once the searches in flight on it have finished.
type Live struct {
	dir string
	// reload keeps Reloads one at a time, so they swap in the order they
	// opened.
	reload sync.Mutex

	mu sync.RWMutex // held to read by every search, to write by the swap
	ix *Index
	// folder is the folder ix was opened from, kept open so that Changed
	// can tell it from a new folder of the same name (and its identity
	// cannot be reused while it is held).
	folder *os.File
	// published is set by OpenPublished: every index opened is first
	// checked against its manifest, and nothing is moved or removed.
	published bool
}

// OpenLive puts right an interrupted Rebuild of dir (see Recover) and
// opens the index in it. It returns an error wrapping ErrNoIndex when
// there is none. A Recover that fails does not stop a good index from
// opening; its error is returned only when the index cannot be opened.
func OpenLive(dir string) (*Live, error) {
	dir = filepath.Clean(dir)
	rerr := Recover(dir)
	folder, ix, err := openFolder(dir)
	if err != nil {
		return nil, errors.Join(err, rerr)
	}
	return &Live{dir: dir, ix: ix, folder: folder}, nil
}

// OpenPublished opens the index a builder published in dir, for a
// process that only reads it (a replica): unlike OpenLive it never moves
// or removes anything beside dir (no Recover), and it opens, and Reload
// swaps in, only an index whose files match the manifest its build
// wrote (see Verify). An index that does not match is refused with an
// error wrapping ErrDamaged; one that is missing with ErrNoIndex.
func OpenPublished(dir string) (*Live, error) {
	dir = filepath.Clean(dir)
	folder, ix, err := openVerified(dir)
	if err != nil {
		return nil, err
	}
	return &Live{dir: dir, ix: ix, folder: folder, published: true}, nil
}

// openVerified is openFolder for OpenPublished: it checks dir against its
// manifest before opening the index, and that dir was not replaced
// meanwhile, so the index opened is the one checked.
func openVerified(dir string) (*os.File, *Index, error) {
	folder, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("open index %q: %w", dir, ErrNoIndex)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	if err := Verify(dir); err != nil {
		folder.Close()
		return nil, nil, err
	}
	ix, err := Open(dir)
	if err != nil {
		folder.Close()
		return nil, nil, err
	}
	// A folder only ever appears by a rename and never comes back once
	// renamed away, so if dir is still the folder opened first, the
	// files checked and the index opened were both its.
	was, err := folder.Stat()
	now, nerr := os.Stat(dir)
	if err != nil || nerr != nil || !os.SameFile(was, now) {
		ix.Close()
		folder.Close()
		return nil, nil, fmt.Errorf("open index %q: it was replaced while being checked; trying again on the next look", dir)
	}
	return folder, ix, nil
}

// openFolder opens the folder dir and the index in it.
func openFolder(dir string) (*os.File, *Index, error) {
	folder, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("open index %q: %w", dir, ErrNoIndex)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	ix, err := Open(dir)
	if err != nil {
		folder.Close()
		return nil, nil, err
	}
	return folder, ix, nil
}

// Search finds the passages that best answer q, in the current index.
func (l *Live) Search(ctx context.Context, q Query) (Result, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.ix == nil {
		return Result{}, ErrClosed
	}
	return l.ix.Search(ctx, q)
}

// Areas returns the names of the areas the current index holds documents
// for; none once closed.
func (l *Live) Areas() []string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.ix == nil {
		return nil
	}
	return l.ix.Areas()
}

// Info returns what the current index recorded when it was built; the
// zero Info once closed.
func (l *Live) Info() Info {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.ix == nil {
		return Info{}
	}
	return l.ix.Info()
}

// Documents lists an area's documents ("" for all) in the current index.
func (l *Live) Documents(area string) ([]DocumentInfo, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.ix == nil {
		return nil, ErrClosed
	}
	return l.ix.Documents(area)
}

// Knows reports whether the current index knows word (see Index.Knows);
// nothing is known once closed.
func (l *Live) Knows(word string) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.ix == nil {
		return false
	}
	return l.ix.Knows(word)
}

// Reload opens the index in the folder again (after a Rebuild replaced
// it) and swaps it in. Searches that started before the swap finish on
// the previous index, which is closed once they have; later ones use the
// new index. If the new index cannot be opened (or, opened with
// OpenPublished, does not match its manifest), the current one keeps
// answering and Reload returns the error.
func (l *Live) Reload() error {
	l.reload.Lock()
	defer l.reload.Unlock()
	open := openFolder
	if l.published {
		open = openVerified
	}
	folder, ix, err := open(l.dir)
	if err != nil {
		return err
	}
	l.mu.Lock() // waits for the searches in flight to finish
	prev, prevFolder := l.ix, l.folder
	if prev == nil {
		l.mu.Unlock()
		ix.Close()
		folder.Close()
		return ErrClosed
	}
	l.ix, l.folder = ix, folder
	l.mu.Unlock()
	prevFolder.Close()
	if err := prev.Close(); err != nil {
		return fmt.Errorf("close the previous index: %w", err)
	}
	return nil
}

// Changed reports whether the folder has been replaced on disk since the
// current index was opened, so Reload would open a different index. It is
// false while a Rebuild is between its two renames (the folder is
// missing) and once closed.
func (l *Live) Changed() bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.folder == nil {
		return false
	}
	was, err := l.folder.Stat()
	if err != nil {
		return false
	}
	now, err := os.Stat(l.dir)
	return err == nil && !os.SameFile(was, now)
}

// Close closes the current index, once the searches in flight on it have
// finished. Searches after Close return ErrClosed.
func (l *Live) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ix == nil {
		return nil
	}
	err := l.ix.Close()
	l.folder.Close()
	l.ix, l.folder = nil, nil
	return err
}
