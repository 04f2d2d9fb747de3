//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package index

// syncDir makes the renames in a folder durable: after it returns, a
// power cut cannot undo them.
func syncDir(path string) error { return syncFile(path) }
