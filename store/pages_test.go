package store_test

import (
	"testing"
	"time"

	"github.com/sendbot/sendbot/internal/pgtest"
	"github.com/sendbot/sendbot/store"
)

type pages interface {
	Put(id string, answer, gap []byte, created time.Time) error
	Get(id string, now time.Time) ([]byte, error)
	TakeGap(id string, now time.Time) ([]byte, error)
}

// pageStores are the kinds of answer pages: open gives two views of the
// same pages (for PostgreSQL two replicas; in memory, one store twice,
// since memory is not shared).
var pageStores = []struct {
	name string
	open func(t *testing.T, ttl time.Duration) (pages, pages)
}{
	{"memory", func(t *testing.T, ttl time.Duration) (pages, pages) {
		p := store.NewPages(ttl, 1000)
		return p, p
	}},
	{"postgres", func(t *testing.T, ttl time.Duration) (pages, pages) {
		url := pgtest.NewDatabase(t)
		return openPostgres(t, url).Pages(ttl), openPostgres(t, url).Pages(ttl)
	}},
}

func TestPagesKeepAnswersForTheirTTLAndTheGapOnce(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, impl := range pageStores {
		t.Run(impl.name, func(t *testing.T) {
			one, two := impl.open(t, time.Hour)
			if err := one.Put("a1", []byte(`{"hits":1}`), []byte(`{"w":["respite"]}`), now); err != nil {
				t.Fatal(err)
			}
			if err := one.Put("a2", []byte(`{"hits":2}`), nil, now.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			get := func(p pages, id string, at time.Time) string {
				t.Helper()
				data, err := p.Get(id, at)
				if err != nil {
					t.Fatal(err)
				}
				return string(data)
			}
			if got := get(two, "a1", now.Add(30*time.Minute)); got != `{"hits":1}` {
				t.Errorf("a1 from the other replica: %q", got)
			}
			if got := get(two, "a1", now.Add(time.Hour)); got != `{"hits":1}` {
				t.Errorf("a1 at exactly its ttl: %q, want it still kept", got)
			}
			if got := get(two, "a1", now.Add(time.Hour+time.Second)); got != "" {
				t.Errorf("a1 past its ttl: %q, want it expired", got)
			}
			if got := get(one, "nope", now); got != "" {
				t.Errorf("an unknown answer: %q", got)
			}
			take := func(p pages, id string, at time.Time) string {
				t.Helper()
				data, err := p.TakeGap(id, at)
				if err != nil {
					t.Fatal(err)
				}
				return string(data)
			}
			if got := take(two, "a2", now); got != "" {
				t.Errorf("an answer kept without a gap gave %q", got)
			}
			if got := take(two, "a1", now.Add(time.Hour+time.Second)); got != "" {
				t.Errorf("an expired answer gave its gap %q", got)
			}
			if got := take(two, "a1", now.Add(time.Minute)); got != `{"w":["respite"]}` {
				t.Errorf("the gap: %q", got)
			}
			if got := take(one, "a1", now.Add(time.Minute)); got != "" {
				t.Errorf("the gap taken twice: %q", got)
			}
			if got := get(one, "a1", now.Add(time.Minute)); got != `{"hits":1}` {
				t.Errorf("after its gap was taken, a1 is %q", got)
			}
		})
	}
}
