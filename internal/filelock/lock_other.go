//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package filelock

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// locks are the locks held in this process, by absolute path. Without
// flock, holders are kept apart only within one process: on these
// systems, do not run two sendbots on one data folder.
var locks sync.Map // absolute path -> *sync.Mutex

// TryLock takes the lock on path without waiting. It returns a
// *HeldError when another goroutine holds it.
func TryLock(path string) (unlock func(), err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("lock %q: %w", path, err)
	}
	m, _ := locks.LoadOrStore(abs, new(sync.Mutex))
	mu := m.(*sync.Mutex)
	if !mu.TryLock() {
		return nil, &HeldError{Path: path, PID: os.Getpid()}
	}
	return mu.Unlock, nil
}
