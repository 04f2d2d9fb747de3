package index

import (
	"errors"
	"fmt"

	"github.com/sendbot/sendbot/internal/filelock"
)

// lockBuild takes the build lock of the index in dir without waiting: a
// filelock on dir+".lock" (on Unix an exclusive flock, released by the
// system if the process dies, so a crashed build never leaves the index
// locked). It returns an error wrapping ErrBuilding when another process
// or goroutine holds it.
func lockBuild(dir string) (unlock func(), err error) {
	path := dir + ".lock"
	unlock, err = filelock.TryLock(path)
	if errors.Is(err, filelock.ErrHeld) {
		return nil, fmt.Errorf("%w (%s is locked)", ErrBuilding, path)
	}
	if err != nil {
		return nil, fmt.Errorf("lock index %q: %w", dir, err)
	}
	return unlock, nil
}
