//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package index

import (
	"fmt"
	"path/filepath"
	"sync"
)

// buildLocks are the build locks held in this process, by index folder.
// Without flock, two builders are kept apart only within one process:
// on these systems, do not run two sendbots on one index.
var buildLocks sync.Map // absolute dir -> *sync.Mutex

// lockBuild takes the build lock of the index in dir without waiting. It
// returns an error wrapping ErrBuilding when another goroutine holds it.
func lockBuild(dir string) (unlock func(), err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("lock index %q: %w", dir, err)
	}
	m, _ := buildLocks.LoadOrStore(abs, new(sync.Mutex))
	mu := m.(*sync.Mutex)
	if !mu.TryLock() {
		return nil, fmt.Errorf("%w (%s)", ErrBuilding, dir)
	}
	return mu.Unlock, nil
}

// syncDir does nothing here: not every system can sync a folder.
func syncDir(string) error { return nil }
