// Package filelock is the lock sendbot takes on a file so that only one
// process (or goroutine) at a time does a job that writes one place: an
// index's build (package index) and a fetch into the fetch cache
// (package library). On Unix it is an exclusive flock, which the system
// lets go when the process dies, so a crash never leaves it held; the
// holder writes its process ID into the file, so a refused caller can say
// who holds it.
//
//	unlock, err := filelock.TryLock(dir + ".lock")
//	var held *filelock.HeldError
//	if errors.As(err, &held) { /* held.PID is running it */ }
//	defer unlock()
package filelock

import (
	"errors"
	"fmt"
)

// ErrHeld means another process or goroutine holds the lock.
var ErrHeld = errors.New("the lock is held")

// HeldError is TryLock's error when the lock is held: Path is the lock
// file and PID the process that holds it, as it wrote it there (0 when
// it is not known: a lock file from an older sendbot, or one being
// written).
type HeldError struct {
	Path string
	PID  int
}

func (e *HeldError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("%s is locked by process %d", e.Path, e.PID)
	}
	return e.Path + " is locked"
}

// Is makes errors.Is(err, ErrHeld) true of a *HeldError.
func (e *HeldError) Is(target error) bool { return target == ErrHeld }
