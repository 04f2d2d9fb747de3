package bot

import (
	"sync"
)

// work counts what the bot is doing for people (questions, commands,
// button presses) so that a shutdown can let it finish. Once closed it
// takes nothing new: a WaitGroup cannot, as its Add must not race Wait.
type work struct {
	mu      sync.Mutex
	n       int
	closing bool
	idle    chan struct{} // closed when n reaches 0 after close
}

// begin reports whether a new piece of work may start; if it does, the
// caller must call end when it is done.
func (w *work) begin() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closing {
		return false
	}
	w.n++
	return true
}

func (w *work) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n--
	if w.n == 0 && w.idle != nil {
		close(w.idle)
		w.idle = nil
	}
}

// close stops new work and returns a channel closed once the work in
// progress is done.
func (w *work) close() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closing = true
	done := make(chan struct{})
	if w.n == 0 {
		close(done)
	} else {
		w.idle = done
	}
	return done
}

// stopping reports whether close was called.
func (w *work) stopping() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closing
}
