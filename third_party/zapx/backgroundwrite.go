package zap

// This file is sendbot's (see SENDBOT.md): a merge hands its output to a
// goroutine that writes it to the file, so that the merge goes on while
// the system writes.

import (
	"io"
	"sync"
)

// backgroundWriter writes what it is given to w, in order, on a goroutine
// of its own. A write's error is returned by a later Write and by wait.
type backgroundWriter struct {
	w    io.Writer
	bufs chan []byte
	free chan []byte
	done chan struct{}

	mu  sync.Mutex
	err error

	waited bool
}

func writeInBackground(w io.Writer) *backgroundWriter {
	b := &backgroundWriter{w: w, bufs: make(chan []byte, 2), free: make(chan []byte, 3), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		for buf := range b.bufs {
			if b.failed() == nil {
				if _, err := b.w.Write(buf); err != nil {
					b.mu.Lock()
					b.err = err
					b.mu.Unlock()
				}
			}
			select {
			case b.free <- buf[:0]:
			default:
			}
		}
	}()
	return b
}

func (b *backgroundWriter) failed() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// Write queues a copy of p.
func (b *backgroundWriter) Write(p []byte) (int, error) {
	if err := b.failed(); err != nil {
		return 0, err
	}
	var buf []byte
	select {
	case buf = <-b.free:
	default:
	}
	b.bufs <- append(buf, p...)
	return len(p), nil
}

// wait returns once everything queued is written, with the first error
// writing it. It may be called again, and then does nothing more.
func (b *backgroundWriter) wait() error {
	if !b.waited {
		b.waited = true
		close(b.bufs)
		<-b.done
	}
	return b.failed()
}
