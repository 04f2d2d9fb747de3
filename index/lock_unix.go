//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package index

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockBuild takes the build lock of the index in dir without waiting: an
// exclusive flock on dir+".lock". It returns an error wrapping
// ErrBuilding when another process or goroutine holds it. The lock is
// released by unlock, and by the operating system if the process dies,
// so a crashed build never leaves the index locked. The lock file itself
// stays: removing it while someone waits on it would let two builders in.
func lockBuild(dir string) (unlock func(), err error) {
	path := dir + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock index %q: %w", dir, err)
	}
	fd := int(f.Fd())
	for {
		err = syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s is locked)", ErrBuilding, path)
		}
		return nil, fmt.Errorf("lock index %q: %w", dir, err)
	}
	return func() {
		syscall.Flock(fd, syscall.LOCK_UN)
		f.Close()
	}, nil
}

// syncDir makes the renames in a folder durable: after it returns, a
// power cut cannot undo them.
func syncDir(path string) error { return syncFile(path) }
