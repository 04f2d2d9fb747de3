package library

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

// A replica cannot reindex or crawl either. With a shared store, its
// /reindex, /add-source and /remove-source are handed to the builder as
// Changes too (ChangeReindex, ChangeAddSource, ChangeRemoveSource): the
// replica checks what it can (RemoteSites, with the builder's sites as
// the builder keeps them in the store), the builder makes them with its
// own Sites and Reindexer (Builder), and the replica waits for the
// outcome and for its own index to switch (RemoteReindexer, RemoteSites),
// showing the builder's progress meanwhile.

// CommandQueue is a ChangeQueue that also keeps proposed sites, the
// builder's progress and the sites it crawls: a shared store such as
// postgres.Changes.
type CommandQueue interface {
	ChangeQueue
	// Propose keeps c, a site to add, until Confirm or Cancel, and
	// returns its ID.
	Propose(ctx context.Context, c Change) (int64, error)
	// Confirm hands the proposal id to the builder, as added by by, and
	// returns it; one confirmed or cancelled already, or older than
	// proposalTTL, is refused with Why ProposalGone.
	Confirm(ctx context.Context, id int64, by string) (Change, error)
	// Cancel forgets the proposal id and returns it, or refuses it as
	// Confirm does.
	Cancel(ctx context.Context, id int64) (Change, error)
	// SetProgress keeps how far the builder has got with change id, and
	// Progress reads it: false before the builder has started it.
	SetProgress(ctx context.Context, id int64, p Progress) error
	Progress(ctx context.Context, id int64) (Progress, bool, error)
	// PublishSites keeps the sites the builder crawls, and Sites reads
	// them.
	PublishSites(ctx context.Context, s SharedSites) error
	Sites(ctx context.Context) (SharedSites, error)
}

// SharedSites are the sites the builder crawls, as it keeps them in the
// store for the replicas.
type SharedSites struct {
	// Added are the sites added from Discord, newest first.
	Added []Site
	// Status is every site crawled, with how its last crawl went.
	Status []SiteStatus
}

// CommandResult is what the builder did for a reindex, or for a site it
// added or removed.
type CommandResult struct {
	// Report is what its reindex found, when it ran; its problems
	// without their underlying errors.
	Report *Report `json:",omitempty"`
	// Index is what the builder's index recorded after it, which a
	// replica waits to serve.
	Index *index.Info `json:",omitempty"`
	// Site is the site added or removed.
	Site *Site `json:",omitempty"`
	// ReindexErr says why the reindex failed or did not run; Fetching is
	// set when that was another fetch (FetchingPID, when known).
	ReindexErr  string `json:",omitempty"`
	Fetching    bool   `json:",omitempty"`
	FetchingPID int    `json:",omitempty"`
}

// reindexError is the error the builder's reindex met, as Reindexer
// returned it; nil when it ran.
func (r *CommandResult) reindexError() error {
	switch {
	case r == nil:
		return nil
	case r.Fetching:
		return &FetchingError{PID: r.FetchingPID}
	case r.ReindexErr != "":
		return errors.New(r.ReindexErr)
	}
	return nil
}

// Builder is what makes, on the builder, the changes replicas hand over:
// its own uploads, reindexer and sites, and the index they switch.
type Builder struct {
	Uploads   *Uploads
	Reindexer *Reindexer
	Sites     *Sites
	Live      Live
}

// apply makes one change handed over, and says how it went.
func (b Builder) apply(ctx context.Context, q CommandQueue, c Change, log *slog.Logger) Outcome {
	switch c.Kind {
	case ChangeAddDocument, ChangeRemoveDocument:
		return applyDocument(ctx, b.Uploads, c, log)
	case ChangeAddSource:
		site, err := b.Sites.Add(c.Site, c.Upload.By)
		var r *Refusal
		switch {
		case errors.As(err, &r):
			return Outcome{State: ChangeFailed, Refusal: r}
		case err != nil:
			log.Error("a site added on a replica could not be saved", "change", c.ID, "err", err)
			return Outcome{State: ChangeFailed, Err: err.Error()}
		}
		log.Info("added a site handed over by a replica; crawling it", "change", c.ID, "site", site.Start)
		return b.reindex(ctx, q, c, &site, log)
	case ChangeRemoveSource:
		site, err := b.Sites.Remove(c.Site.ID)
		var r *Refusal
		switch {
		case errors.As(err, &r) && (r.Why == NoSuchSite || r.Why == NothingAdded):
			// Removed already: by another moderator, or by this builder
			// before it was stopped. Its pages go with the reindex.
			site = c.Site
		case err != nil:
			log.Error("a site removed on a replica could not be removed", "change", c.ID, "err", err)
			return Outcome{State: ChangeFailed, Err: err.Error()}
		}
		log.Info("removed a site handed over by a replica; reindexing", "change", c.ID, "site", site.Start)
		return b.reindex(ctx, q, c, &site, log)
	case ChangeReindex:
		log.Info("reindexing, as a replica asked", "change", c.ID)
		return b.reindex(ctx, q, c, nil, log)
	}
	return Outcome{State: ChangeFailed, Err: "this sendbot does not know changes of the kind " + strconv.Quote(c.Kind)}
}

// progressWriteEvery bounds how often the builder writes a reindex's
// progress to the store, besides each new stage.
const progressWriteEvery = time.Second

// reindex runs the builder's reindex for c (site is the site it added or
// removed, if any), keeping its progress in q. One that meets another
// reindex, or is stopped, stays pending and runs again later.
func (b Builder) reindex(ctx context.Context, q CommandQueue, c Change, site *Site, log *slog.Logger) Outcome {
	var last time.Time
	var stage Stage
	rep, err := b.Reindexer.Reindex(ctx, func(p Progress) {
		if p.Stage == stage && time.Since(last) < progressWriteEvery {
			return
		}
		stage, last = p.Stage, time.Now()
		if err := q.SetProgress(ctx, c.ID, p); err != nil && ctx.Err() == nil {
			log.Warn("could not keep a reindex's progress for the replica that asked", "change", c.ID, "err", err)
		}
	})
	res := &CommandResult{Site: site}
	var f *FetchingError
	switch {
	case ctx.Err() != nil, errors.Is(err, ErrReindexing):
		return Outcome{State: ChangePending}
	case errors.As(err, &f):
		res.Fetching, res.FetchingPID, res.ReindexErr = true, f.PID, err.Error()
	case errors.Is(err, ErrFetching):
		res.Fetching, res.ReindexErr = true, err.Error()
	case err != nil:
		log.Error("a reindex a replica asked for failed", "change", c.ID, "err", err)
		res.ReindexErr = err.Error()
	default:
		info := b.Live.Info()
		res.Report, res.Index = storable(rep), &info
		log.Info("reindexed, as a replica asked", "change", c.ID, "documents", rep.Documents, "passages", rep.Passages)
	}
	if err != nil && c.Kind == ChangeReindex {
		return Outcome{State: ChangeFailed, Command: res}
	}
	// A site's change is made even when its reindex is not: the site is
	// saved or removed, and the next reindex crawls it or drops it.
	return Outcome{State: ChangeDone, Command: res}
}

// maxProblemsKept bounds the problems of a report kept for a replica,
// which shows fewer.
const maxProblemsKept = 50

// storable is rep as the store keeps it: problems without their
// underlying errors (which JSON cannot carry), at most maxProblemsKept,
// and the fetch without the list of files it changed.
func storable(rep Report) *Report {
	rep.Problems = append([]corpus.Problem(nil), rep.Problems[:min(len(rep.Problems), maxProblemsKept)]...)
	for i := range rep.Problems {
		rep.Problems[i].Err = nil
	}
	if rep.Fetched != nil {
		f := *rep.Fetched
		f.Changes.Added, f.Changes.Changed, f.Changes.Removed, f.Changes.Templates = nil, nil, nil, nil
		rep.Fetched = &f
	}
	return &rep
}

// sitesPublished is what the builder last kept in the store of the sites
// it crawls, and the sitesStamp it was read at.
type sitesPublished struct {
	data  []byte
	stamp string
	done  bool
}

// publishSites keeps in q the sites the builder crawls, when they may
// have changed since last (sitesStamp) and differ from what it published
// then; it returns what it published.
func (b Builder) publishSites(ctx context.Context, q CommandQueue, last sitesPublished, log *slog.Logger) sitesPublished {
	if b.Sites == nil {
		return last
	}
	stamp := b.Sites.lib.sitesStamp()
	if last.done && stamp == last.stamp {
		return last // nothing written since: no need to read the files again
	}
	status, err := b.Sites.Status()
	if err != nil {
		log.Warn("could not list the sites crawled for the replicas' /sources", "err", err)
		return last
	}
	shared := SharedSites{Added: b.Sites.Added(), Status: status}
	data, err := json.Marshal(shared)
	if err != nil {
		return last
	}
	if last.done && bytes.Equal(data, last.data) {
		return sitesPublished{data: data, stamp: stamp, done: true}
	}
	if err := q.PublishSites(ctx, shared); err != nil {
		if ctx.Err() == nil {
			log.Warn("could not keep the sites crawled for the replicas' /sources", "err", err)
		}
		return last
	}
	return sitesPublished{data: data, stamp: stamp, done: true}
}

// DefaultCommandWait is how long a replica waits for the builder to
// reindex, or to add or remove a site and reindex, and for its own index
// to switch: a crawl can take many minutes, and Discord lets the reply
// be edited for 15.
const DefaultCommandWait = 10 * time.Minute

// ErrStillRunning means the builder had started a reindex handed over,
// but not finished it, when the replica stopped waiting; it goes on.
var ErrStillRunning = errors.New("the builder is still making the change")

// waiter waits, on a replica, for changes handed to the builder.
type waiter struct {
	Queue CommandQueue
	// Index is the index this replica serves, which Follow switches.
	Index Live
	// Wait bounds how long a wait lasts; 0 means DefaultCommandWait.
	Wait time.Duration
	// Every is how often it looks; 0 means a second.
	Every time.Duration
}

// await waits for the builder to make change id and for this replica's
// index to be the one the builder made, telling progress what the
// builder reports meanwhile. It returns the builder's report, and the
// error its reindex met; or ErrHandedOver (not started), ErrStillRunning
// (started), ErrNotFollowed (made, not switched here yet, with the
// report), or the builder's refusal.
func (w waiter) await(ctx context.Context, id int64, progress func(Progress)) (Report, error) {
	wait, every := w.Wait, w.Every
	if wait <= 0 {
		wait = DefaultCommandWait
	}
	if every <= 0 {
		every = time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	started, last := false, Progress{}
	out, timedOut, err := follow(ctx, w.Queue, id, every, func(out Outcome) bool {
		switch out.State {
		case ChangeFailed:
			return true
		case ChangeDone:
			res := out.Command
			return res == nil || res.Report == nil || w.serves(*res.Index)
		case ChangePending:
			if p, ok, _ := w.Queue.Progress(ctx, id); ok {
				started = true
				if p != last && progress != nil {
					last = p
					progress(p)
				}
			}
		}
		return false
	})
	if err != nil {
		return Report{}, fmt.Errorf("ask the builder how it went: %w", err)
	}
	res := out.Command
	switch {
	case out.State == ChangeFailed && out.Refusal != nil:
		return Report{}, out.Refusal
	case out.State == ChangeFailed && res.reindexError() != nil:
		return Report{}, res.reindexError()
	case out.State == ChangeFailed:
		return Report{}, errors.New(out.Err)
	case out.State == ChangeDone && (res == nil || res.Report == nil):
		return Report{}, res.reindexError() // nothing was reindexed, so nothing to switch to
	case !timedOut:
		return *res.Report, nil
	case out.State == ChangeDone:
		return *res.Report, ErrNotFollowed
	case started:
		return Report{}, ErrStillRunning
	}
	return Report{}, ErrHandedOver
}

// serves reports whether this replica's index is the builder's made.
func (w waiter) serves(made index.Info) bool {
	got := w.Index.Info()
	return got.BuiltAt.Equal(made.BuiltAt) && got.Documents == made.Documents && got.Passages == made.Passages
}

// RemoteReindexer is, on a replica, what /reindex uses: it hands the
// reindex to the builder and waits, as Reindexer.Reindex would run it.
type RemoteReindexer struct{ waiter }

// NewRemoteReindexer hands reindexes to the builder through q; live is
// the index this replica serves. wait bounds each wait (0: DefaultCommandWait).
func NewRemoteReindexer(q CommandQueue, live Live, wait time.Duration) *RemoteReindexer {
	return &RemoteReindexer{waiter{Queue: q, Index: live, Wait: wait}}
}

// Reindex hands a reindex to the builder and waits for it (see await).
func (r *RemoteReindexer) Reindex(ctx context.Context, progress func(Progress)) (Report, error) {
	id, err := r.Queue.Submit(ctx, Change{Kind: ChangeReindex})
	if err != nil {
		return Report{}, fmt.Errorf("hand the reindex to the builder: %w", err)
	}
	return r.await(ctx, id, progress)
}

// RemoteSites is, on a replica (or a builder sharing a store with
// replicas), the sites added from Discord: the builder's, as it keeps
// them in the store. A site is checked here as the builder checks it,
// proposed and confirmed in the store (so that Confirm works on any
// replica), and handed to the builder, which saves it and crawls it;
// Await waits for that. It is safe for concurrent use.
type RemoteSites struct {
	waiter
	check *Sites // the library's, checking against the builder's sites
}

// RemoteSites returns the sites added from Discord as the builder keeps
// them in q; live is the index this replica serves.
func (l *Library) RemoteSites(q CommandQueue, live Live, wait time.Duration) *RemoteSites {
	r := &RemoteSites{waiter: waiter{Queue: q, Index: live, Wait: wait}}
	r.check = l.OpenSites(live)
	r.check.added = func() ([]Site, error) {
		s, err := r.shared()
		slices.Reverse(s.Added) // the store lists them newest first, Sites oldest first
		return s.Added, err
	}
	return r
}

// sitesLookup bounds a read of the builder's sites: Discord waits 3
// seconds for /sources and autocomplete.
const sitesLookup = 2 * time.Second

func (r *RemoteSites) shared() (SharedSites, error) {
	ctx, cancel := context.WithTimeout(context.Background(), sitesLookup)
	defer cancel()
	s, err := r.Queue.Sites(ctx)
	if err != nil {
		return SharedSites{}, fmt.Errorf("read the builder's sites: %w", err)
	}
	return s, nil
}

// Propose checks req as the builder would and keeps it in the store
// until Confirm or Cancel.
func (r *RemoteSites) Propose(req SiteRequest) (Proposal, error) {
	r.check.mu.Lock()
	site, err := r.check.check(req)
	r.check.mu.Unlock()
	if err != nil {
		return Proposal{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), sitesLookup)
	defer cancel()
	id, err := r.Queue.Propose(ctx, Change{Kind: ChangeAddSource, Site: site, Upload: Upload{By: oneLine(req.By)}})
	if err != nil {
		return Proposal{}, fmt.Errorf("keep the proposed site: %w", err)
	}
	return Proposal{ID: strconv.FormatInt(id, 10), Site: site, Expires: time.Now().Add(proposalTTL).UTC()}, nil
}

// Confirm checks the proposal id again and hands it to the builder, as
// added by by; the Site returned carries the Change to Await.
func (r *RemoteSites) Confirm(id, by string) (Site, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return Site{}, &Refusal{Why: ProposalGone}
	}
	ctx, cancel := context.WithTimeout(context.Background(), sitesLookup)
	defer cancel()
	c, err := r.Queue.Confirm(ctx, n, oneLine(by))
	if err != nil {
		return Site{}, err
	}
	c.Site.Change = c.ID
	return c.Site, nil
}

// Cancel forgets the proposal id.
func (r *RemoteSites) Cancel(id string) (Site, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return Site{}, &Refusal{Why: ProposalGone}
	}
	ctx, cancel := context.WithTimeout(context.Background(), sitesLookup)
	defer cancel()
	c, err := r.Queue.Cancel(ctx, n)
	return c.Site, err
}

// Remove checks that id is a site the builder added from Discord and
// hands its removal to the builder; the Site returned carries the Change
// to Await.
func (r *RemoteSites) Remove(id string) (Site, error) {
	s, err := r.shared()
	if err != nil {
		return Site{}, err
	}
	added := s.Added
	slices.Reverse(added)
	i, err := findAdded(added, id)
	if err != nil {
		return Site{}, err
	}
	site := added[i]
	ctx, cancel := context.WithTimeout(context.Background(), sitesLookup)
	defer cancel()
	if site.Change, err = r.Queue.Submit(ctx, Change{Kind: ChangeRemoveSource, Site: site}); err != nil {
		return Site{}, fmt.Errorf("hand the removal to the builder: %w", err)
	}
	return site, nil
}

// Added lists the sites the builder has added from Discord, newest first.
func (r *RemoteSites) Added() []Site {
	s, _ := r.shared()
	return s.Added
}

// Status lists every site the builder crawls, with how its last crawl went.
func (r *RemoteSites) Status() ([]SiteStatus, error) {
	s, err := r.shared()
	return s.Status, err
}

// Await waits for the builder to make the change site carries (from
// Confirm or Remove), telling progress how its reindex goes: as
// Reindexer.Reindex returns, with the errors of RemoteReindexer.
func (r *RemoteSites) Await(ctx context.Context, site Site, progress func(Progress)) (Report, error) {
	if site.Change == 0 {
		return Report{}, errors.New("the site was not handed to the builder")
	}
	return r.await(ctx, site.Change, progress)
}
