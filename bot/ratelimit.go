package bot

import (
	"sync"
	"time"
)

// DefaultRateLimit is how many questions one person may ask a minute.
const DefaultRateLimit = 6

// rateWindow is the span a rate limit counts questions over.
const rateWindow = time.Minute

// limiter counts each person's recent questions, in memory only: a user
// ID is forgotten within two minutes of that person's last question (a
// sweep runs each minute while any is held) and never written anywhere.
type limiter struct {
	mu       sync.Mutex
	max      int
	asked    map[string][]time.Time // user ID -> times of questions in the window
	warned   map[string]time.Time   // user ID -> when they were last told
	sweeping bool                   // a sweep is scheduled
}

func newLimiter(max int) *limiter {
	return &limiter{max: max, asked: map[string][]time.Time{}, warned: map[string]time.Time{}}
}

// allow records a question from user at now and reports whether it may be
// answered; when not, wait is how long until it may.
func (l *limiter) allow(user string, now time.Time) (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.scheduleSweep()
	recent := l.asked[user][:0]
	for _, t := range l.asked[user] {
		if now.Sub(t) < rateWindow {
			recent = append(recent, t)
		}
	}
	if len(recent) >= l.max {
		l.asked[user] = recent
		return false, rateWindow - now.Sub(recent[0])
	}
	l.asked[user] = append(recent, now)
	return true, 0
}

// shouldWarn reports whether to tell user about the limit now: once per
// window, so that a mention flood does not become a reply flood.
func (l *limiter) shouldWarn(user string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t, ok := l.warned[user]; ok && now.Sub(t) < rateWindow {
		return false
	}
	l.warned[user] = now
	l.scheduleSweep()
	return true
}

// scheduleSweep makes sure a sweep will forget whoever stops asking. The
// caller holds l.mu.
func (l *limiter) scheduleSweep() {
	if !l.sweeping {
		l.sweeping = true
		time.AfterFunc(rateWindow, l.sweep)
	}
}

// sweep forgets people who have not asked within the window, and runs
// again in a minute while anyone is left.
func (l *limiter) sweep() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forget(time.Now())
	l.sweeping = false
	if len(l.asked)+len(l.warned) > 0 {
		l.scheduleSweep()
	}
}

// forget drops people who have not asked within the window.
func (l *limiter) forget(now time.Time) {
	for u, ts := range l.asked {
		if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= rateWindow {
			delete(l.asked, u)
		}
	}
	for u, t := range l.warned {
		if now.Sub(t) >= rateWindow {
			delete(l.warned, u)
		}
	}
}
