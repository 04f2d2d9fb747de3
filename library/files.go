package library

import (
	"bytes"
	"os"
	"path/filepath"
)

// writeAtomic writes data to path through a temporary file in the same
// folder, flushed to disk and renamed over it, so path always holds the
// old content or the new.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// writeIfChanged writes data to path unless path holds it already, so
// an unchanged file keeps its time and the index's fingerprint of the
// folder holds.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return writeAtomic(path, data)
}

// syncDir makes a rename in a folder durable, where the system can sync
// a folder (not every one can; the rename has happened either way).
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}
