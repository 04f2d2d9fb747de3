package store

import (
	"sync"
	"time"
)

// Pages keeps recent answers in memory, for their More results and Not
// helpful buttons: each answer (as the bot encoded it) for ttl, and at
// most max of them, the oldest going first. After a restart they are
// gone. It is safe for concurrent use; postgres.Pages is its shared
// counterpart.
type Pages struct {
	ttl   time.Duration
	max   int
	mu    sync.Mutex
	byID  map[string]*page
	order []string
}

type page struct {
	answer, gap []byte
	created     time.Time
}

// NewPages returns an empty Pages that keeps answers for ttl, at most max.
func NewPages(ttl time.Duration, max int) *Pages {
	return &Pages{ttl: ttl, max: max, byID: map[string]*page{}}
}

// Put keeps an answer, and what /gaps may keep of its question (nil when
// nothing), under id.
func (p *Pages) Put(id string, answer, gap []byte, created time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.byID[id]; !ok {
		p.order = append(p.order, id)
	}
	p.byID[id] = &page{answer: answer, gap: gap, created: created}
	for len(p.order) > p.max {
		delete(p.byID, p.order[0])
		p.order = p.order[1:]
	}
	return nil
}

// Get returns the answer kept under id, nil when there is none or it is
// older than the ttl at now.
func (p *Pages) Get(id string, now time.Time) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := p.live(id, now)
	if a == nil {
		return nil, nil
	}
	return a.answer, nil
}

// TakeGap returns what /gaps may keep of the question of the answer under
// id and forgets it, so it is taken once; nil when it is gone or the
// answer has expired.
func (p *Pages) TakeGap(id string, now time.Time) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := p.live(id, now)
	if a == nil {
		return nil, nil
	}
	g := a.gap
	a.gap = nil
	return g, nil
}

func (p *Pages) live(id string, now time.Time) *page {
	a := p.byID[id]
	if a == nil || now.Sub(a.created) > p.ttl {
		return nil
	}
	return a
}
