package library

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/testkit"
)

// memQueue is a CommandQueue in memory, as postgres.Changes keeps one in
// the database: changes in order, proposals, progress and the builder's
// sites.
type memQueue struct {
	mu       sync.Mutex
	changes  []Change
	states   map[int64]string
	outcomes map[int64]Outcome
	progress map[int64]Progress
	wrote    int // progress reports the builder kept
	sites    SharedSites
}

func newMemQueue() *memQueue {
	return &memQueue{states: map[int64]string{}, outcomes: map[int64]Outcome{}, progress: map[int64]Progress{}}
}

func (q *memQueue) add(c Change, state string) int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	c.ID = int64(len(q.changes) + 1)
	q.changes = append(q.changes, c)
	q.states[c.ID] = state
	return c.ID
}

func (q *memQueue) Submit(ctx context.Context, c Change) (int64, error) {
	return q.add(c, ChangePending), nil
}
func (q *memQueue) Propose(ctx context.Context, c Change) (int64, error) {
	return q.add(c, "proposed"), nil
}

func (q *memQueue) decide(id int64, state, by string) (Change, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.states[id] != "proposed" {
		return Change{}, &Refusal{Why: ProposalGone}
	}
	q.states[id] = state
	if by != "" {
		q.changes[id-1].Upload.By = by
	}
	return q.changes[id-1], nil
}

func (q *memQueue) Confirm(ctx context.Context, id int64, by string) (Change, error) {
	return q.decide(id, ChangePending, by)
}
func (q *memQueue) Cancel(ctx context.Context, id int64) (Change, error) {
	return q.decide(id, "cancelled", "")
}

func (q *memQueue) Outcome(ctx context.Context, id int64) (Outcome, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if out, ok := q.outcomes[id]; ok {
		return out, nil
	}
	return Outcome{State: ChangePending}, nil
}

func (q *memQueue) Take(ctx context.Context, apply func(Change) Outcome) (bool, error) {
	q.mu.Lock()
	i := slices.IndexFunc(q.changes, func(c Change) bool { return q.states[c.ID] == ChangePending })
	if i < 0 {
		q.mu.Unlock()
		return false, nil
	}
	c := q.changes[i]
	q.mu.Unlock()
	out := apply(c)
	if out.State == ChangePending {
		return false, nil
	}
	q.mu.Lock()
	q.states[c.ID], q.outcomes[c.ID] = out.State, out
	delete(q.progress, c.ID)
	q.mu.Unlock()
	return true, nil
}

func (q *memQueue) SetProgress(ctx context.Context, id int64, p Progress) error {
	q.mu.Lock()
	q.progress[id] = p
	q.wrote++
	q.mu.Unlock()
	return nil
}

func (q *memQueue) Progress(ctx context.Context, id int64) (Progress, bool, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	p, ok := q.progress[id]
	return p, ok, nil
}

func (q *memQueue) PublishSites(ctx context.Context, s SharedSites) error {
	q.mu.Lock()
	q.sites = s
	q.mu.Unlock()
	return nil
}

func (q *memQueue) Sites(ctx context.Context) (SharedSites, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return SharedSites{Added: slices.Clone(q.sites.Added), Status: slices.Clone(q.sites.Status)}, nil
}

func (q *memQueue) made() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.outcomes)
}

// builderAndReplica is a builder and a replica of one shared index
// folder, the replica switching to each index the builder publishes,
// and a queue between them, which the builder takes changes from once
// run is called.
type builderAndReplica struct {
	builder, replica *Library
	builderLive      *index.Live
	replicaLive      *index.Live
	queue            *memQueue
	corpus           string
}

func newBuilderAndReplica(t *testing.T, allow []netip.Prefix) *builderAndReplica {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	corpusDir := testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest: clubs, holiday schemes and overnight stays.\n",
	})
	s := &builderAndReplica{queue: newMemQueue(), corpus: corpusDir}
	s.builder = open(t, Config{Corpus: corpusDir, Index: dir, DataDir: t.TempDir(), NoBuiltinEngland: true, FetchAllow: allow})
	s.replica = open(t, Config{Corpus: corpusDir, Index: dir, DataDir: t.TempDir(), NoBuiltinEngland: true, FetchAllow: allow})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var err error
	if s.builderLive, err = s.builder.OpenLive(ctx, false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.builderLive.Close() })
	if s.replicaLive, err = s.replica.OpenLive(ctx, true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.replicaLive.Close() })
	go func() { // the replica's Follow, looking more often than every 5 s
		for ctx.Err() == nil {
			if s.replicaLive.Changed() {
				s.replicaLive.Reload()
			}
			time.Sleep(500 * time.Millisecond)
		}
	}()
	return s
}

// run starts the builder taking changes, until the test ends.
func (s *builderAndReplica) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	up, err := s.builder.OpenUploads(s.builderLive)
	if err != nil {
		t.Fatal(err)
	}
	b := Builder{Uploads: up, Reindexer: s.builder.Reindexer(s.builderLive), Sites: s.builder.OpenSites(s.builderLive), Live: s.builderLive}
	go func() {
		defer close(done)
		ApplyChanges(ctx, s.queue, b, slog.New(slog.DiscardHandler))
	}()
}

// TestReindexHandedToTheBuilder: a replica's /reindex is made by the
// builder, and the replica returns its report once its own index is the
// new one; one the builder does not start within the wait is said to be
// handed over, stays pending, and is made once when the builder can,
// after a reindex it met.
func TestReindexHandedToTheBuilder(t *testing.T) {
	s := newBuilderAndReplica(t, nil)
	rx := NewRemoteReindexer(s.queue, s.replicaLive, 30*time.Second)
	rx.Every = 10 * time.Millisecond
	ctx := context.Background()

	// The builder is busy with a reindex of its own (or stopped): the
	// replica says so when it stops waiting.
	os.WriteFile(filepath.Join(s.corpus, "testshire", "kites.md"), []byte("# Kite club\n\nThe kite flying club meets on Saturdays at the common.\n"), 0o644)
	s.builder.reindexing.Lock()
	s.run(t)
	short := NewRemoteReindexer(s.queue, s.replicaLive, 3*ApplyEvery)
	if _, err := short.Reindex(ctx, nil); !errors.Is(err, ErrHandedOver) {
		t.Fatalf("a reindex the builder could not start: %v, want ErrHandedOver", err)
	}
	if n := s.queue.made(); n != 0 {
		t.Fatalf("%d changes made while the builder's reindex ran", n)
	}
	s.builder.reindexing.Unlock()

	// Then it is made once, and the next one is made and followed.
	testkit.WaitFor(t, "the builder to make the reindex it was handed", func() bool { return s.queue.made() == 1 })
	var seen []Stage
	rep, err := rx.Reindex(ctx, func(p Progress) { seen = append(seen, p.Stage) })
	if err != nil || rep.Documents != 2 {
		t.Fatalf("the replica's reindex: %+v, %v", rep, err)
	}
	if !quotes(s.replicaLive, "kite flying club", "Kite club") {
		t.Error("the replica does not answer from the index the builder made when its reindex returns")
	}
	if n := s.queue.made(); n != 2 {
		t.Errorf("%d changes made, want the two reindexes", n)
	}
	s.queue.mu.Lock()
	wrote := s.queue.wrote
	s.queue.mu.Unlock()
	if wrote == 0 {
		t.Error("the builder kept no progress for the replica")
	}
	t.Logf("stages the replica saw: %v", seen)
}

// TestSitesHandedToTheBuilder: a site proposed on a replica is checked
// there as the builder would (and refused in the same words when it is
// listed already, by the builder's sites), confirmed, added and crawled
// by the builder, and answered at the replica; the replica's Status
// lists it, and its removal takes its pages out.
func TestSitesHandedToTheBuilder(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/local-offer":
			io.WriteString(w, `<html><head><title>Testshire Local Offer</title></head><body><h1>Testshire Local Offer</h1>
<p>Everything for families of children with special educational needs in Testshire.</p><a href="/local-offer/pool">Pool</a></body></html>`)
		case "/local-offer/pool":
			io.WriteString(w, `<html><head><title>Hydrotherapy pool</title></head><body><h1>Hydrotherapy pool</h1>
<p>The warm water hydrotherapy pool at Testshire Leisure Centre opens on Tuesday mornings for children with physical disabilities.</p></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	s := newBuilderAndReplica(t, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
	sites := s.replica.RemoteSites(s.queue, s.replicaLive, 30*time.Second)
	sites.Every = 10 * time.Millisecond
	s.run(t)
	ctx := context.Background()
	start := site.URL + "/local-offer"

	var r *Refusal
	if _, err := sites.Propose(SiteRequest{URL: start, Area: "Testshrie"}); !errors.As(err, &r) || r.Why != AreaTypo {
		t.Errorf("a misspelt area: %v, want it refused as the builder would", err)
	}
	p, err := sites.Propose(SiteRequest{URL: start, Area: "Testshire", By: "41"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sites.Cancel("not a proposal"); !errors.As(err, &r) || r.Why != ProposalGone {
		t.Errorf("Cancel of no proposal: %v", err)
	}
	added, err := sites.Confirm(p.ID, "42")
	if err != nil || added.Start != start || added.Change == 0 {
		t.Fatalf("Confirm: %+v, %v", added, err)
	}
	rep, err := sites.Await(ctx, added, nil)
	if err != nil || rep.Fetched == nil || len(rep.Fetched.Sites) != 1 || rep.Fetched.Sites[0].Stored != 2 {
		t.Fatalf("the builder's crawl as the replica sees it: %+v, %v", rep, err)
	}
	if !quotes(s.replicaLive, "hydrotherapy pool", "Hydrotherapy pool") {
		t.Error("the replica does not answer from the site the builder crawled")
	}
	if got := s.builder.OpenSites(nil).Added(); len(got) != 1 || got[0].AddedBy != "42" {
		t.Errorf("the builder's sites: %+v, want the one added, by the moderator who confirmed it", got)
	}
	testkit.WaitFor(t, "the builder to keep its sites for the replicas", func() bool {
		st, err := sites.Status()
		return err == nil && len(st) == 1 && st[0].Pages == 2 && st[0].Folder != ""
	})
	if _, err := sites.Propose(SiteRequest{URL: start, Area: "Testshire"}); !errors.As(err, &r) || r.Why != SiteListed || r.Site.AddedBy != "42" {
		t.Errorf("the same site again: %v, want it refused as listed already, by the builder's sites", err)
	}
	if _, err := sites.Remove("ffffffffffff"); !errors.As(err, &r) || r.Why != NoSuchSite || len(r.Sites) != 1 {
		t.Errorf("removing a site not added: %v", err)
	}
	removed, err := sites.Remove(added.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sites.Await(ctx, removed, nil); err != nil {
		t.Fatalf("the removal: %v", err)
	}
	if quotes(s.replicaLive, "hydrotherapy pool", "Hydrotherapy pool") {
		t.Error("the replica still answers from the site removed")
	}
	if got := s.builder.OpenSites(nil).Added(); len(got) != 0 {
		t.Errorf("the builder still crawls %+v", got)
	}
}

// TestAddingASiteTwiceIsAddingItOnce: a builder stopped after saving a
// site handed over, before recording that, is handed it again; the
// site is taken as added, not refused as listed already.
func TestAddingASiteTwiceIsAddingItOnce(t *testing.T) {
	corpusDir := testkit.WriteCorpus(t, map[string]string{"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest.\n"})
	lib := open(t, Config{Corpus: corpusDir, DataDir: t.TempDir(), NoBuiltinEngland: true, FetchAllow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	sites := lib.OpenSites(nil)
	site := Site{Start: "http://127.0.0.1:9/local-offer", Scope: "http://127.0.0.1:9/local-offer", MaxPages: 20, Area: "Testshire"}
	for n := range 2 {
		if got, err := sites.Add(site, "42"); err != nil || got.Start != site.Start || got.AddedBy != "42" {
			t.Fatalf("Add #%d: %+v, %v", n+1, got, err)
		}
	}
	if got := sites.Added(); len(got) != 1 {
		t.Errorf("added %+v, want the site once", got)
	}
	var r *Refusal
	if _, err := sites.Add(site, "43"); !errors.As(err, &r) || r.Why != SiteListed {
		t.Errorf("the same site from another moderator: %v, want SiteListed", err)
	}
}

// listed is a DocumentLister of fixed documents.
type listed []index.DocumentInfo

func (l listed) Documents(string) ([]index.DocumentInfo, error) { return l, nil }

// TestHandoverSaysWhatItSaw: a removal handed to the builder returns what
// the builder recorded, and says so when it stopped waiting before the
// builder made it, or before this replica's index showed it.
func TestHandoverSaysWhatItSaw(t *testing.T) {
	gone := UploadResult{ID: "abc", Path: "testshire/pool.md", Area: "Testshire"}
	tests := []struct {
		name    string
		outcome *Outcome // recorded by the builder; nil: not made
		index   listed
		want    error
	}{
		{"not made", nil, nil, ErrHandedOver},
		{"made, not shown", &Outcome{State: ChangeDone, Result: gone}, listed{{Path: gone.Path}}, ErrNotFollowed},
		{"made and shown", &Outcome{State: ChangeDone, Result: gone}, nil, nil},
		{"refused", &Outcome{State: ChangeFailed, Refusal: &Refusal{Why: NoSuchUpload, ID: "abc"}}, nil, &Refusal{Why: NoSuchUpload, ID: "abc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newMemQueue()
			if tt.outcome != nil {
				q.outcomes[1] = *tt.outcome // the first change submitted
			}
			h := &Handover{Queue: q, Index: tt.index, Wait: 50 * time.Millisecond, Every: 5 * time.Millisecond}
			res, err := h.Remove(context.Background(), "abc")
			var r *Refusal
			switch want := tt.want.(type) {
			case *Refusal:
				if !errors.As(err, &r) || r.Why != want.Why {
					t.Fatalf("err %v, want the builder's refusal %v", err, want)
				}
			default:
				if !errors.Is(err, want) && !(want == nil && err == nil) {
					t.Fatalf("err %v, want %v", err, want)
				}
			}
			if tt.outcome != nil && tt.outcome.State == ChangeDone && (res.ID != gone.ID || res.Path != gone.Path) {
				t.Errorf("result %+v, want the builder's %+v", res, gone)
			}
		})
	}
}
