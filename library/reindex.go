package library

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/corpus/fetch"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/filelock"
)

// ErrReindexing means a reindex of the library is still running.
var ErrReindexing = errors.New("a reindex is already under way")

// ErrFetching means another fetch into the library's fetch cache is
// running: `sendbot fetch` in another shell, or serve's reindex. Only one
// fetch at a time writes the cache; the second is refused with a
// *FetchingError rather than kept waiting, since a crawl can take half
// an hour.
var ErrFetching = errors.New("another fetch of the remote sources is running")

// FetchingError is a fetch refused because another one is running: PID
// is the process running it (0 when not known), which may be this one.
type FetchingError struct{ PID int }

func (e *FetchingError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("%v (pid %d); try again when it finishes", ErrFetching, e.PID)
	}
	return ErrFetching.Error() + "; try again when it finishes"
}

// Is makes errors.Is(err, ErrFetching) true of a *FetchingError.
func (e *FetchingError) Is(target error) bool { return target == ErrFetching }

// Stage is what a reindex is doing.
type Stage int

const (
	// Fetching is fetching the remote sources, when the corpus lists any.
	Fetching Stage = iota + 1
	// Building is reading the corpus and building the new index beside
	// the one in use.
	Building
	// Switching is switching the serving index to the new one.
	Switching
	// Updating is reading the fetched files that changed and updating a
	// copy of the index with them, when nothing else changed.
	Updating
)

// Progress is how far a reindex has got.
type Progress struct {
	Stage Stage
	// Files, Passages and Errors are counted once the corpus is read.
	Files, Passages, Errors int
	// Fetch is how far fetching has got while Stage is Fetching: sources
	// done, and the counts of the site being crawled.
	Fetch fetch.Progress
}

// fetchProgressEvery is how many pages of a crawl pass between the
// progress reports a reindex passes on, so a Discord reply is not edited
// for every page.
const fetchProgressEvery = 50

// Report is what a finished reindex found.
type Report struct {
	Documents, Passages int
	// Builtin counts the built-in England documents answering beside
	// the Documents, for the questions those do not answer.
	Builtin int
	// Problems are the files that could not be read, or were skipped.
	Problems []corpus.Problem
	// Fetched is what fetching the remote sources did; nil when the
	// corpus lists none.
	Fetched *fetch.Report
	// Updated is set when the reindex updated the index instead of
	// rebuilding it, because only fetched files had changed since it was
	// built; Problems are then those of the files it read again.
	Updated *Update
	// Current is set when a refresh (Library.Refresh) found that the
	// fetch changed nothing the index holds, so left it as it was.
	Current bool
	// NotUpdated says why a refresh (Library.Refresh) left the index as
	// it was although the fetch may have changed what it should hold:
	// "there is no index yet", or why it could not be updated (as
	// Reindexer would rebuild it then). "" otherwise.
	NotUpdated string
	Took       time.Duration
}

// Update is what a reindex that updated the index did.
type Update struct {
	// Files counts the fetched files read again, new or changed, and
	// Documents and Passages what they gave.
	Files, Documents, Passages int
	// Removed counts the fetched files gone from the cache, whose
	// documents were taken out.
	Removed int
}

// Live is the serving index, which reindexes and uploads switch to the
// index they make. *index.Live is one.
type Live interface {
	// Reload switches to the index now in the folder.
	Reload() error
	// Changed reports whether the folder holds another index than the
	// one being served, as after `sendbot index` from the shell.
	Changed() bool
	// Areas are the areas the serving index has documents for.
	Areas() []string
	// Info is what the serving index recorded when it was built.
	Info() index.Info
}

// Reindexer is the one safe reindex that /reindex, SIGHUP and the
// schedule all run: fetch the remote sources (when the corpus lists any),
// read the corpus, build a new index beside the current one, swap it in.
// When the fetch changed only fetched files, it updates the index with
// those instead of rebuilding it (see Report.Updated). The current index
// answers throughout, and stays if anything fails.
type Reindexer struct {
	lib  *Library
	live Live
	log  *slog.Logger
	// Monitor, when set, is told how long each reindex took and whether
	// it failed. A *health.Monitor is one.
	Monitor interface {
		Reindexed(took time.Duration, err error)
	}
}

// Reindexer returns the reindexer that switches live to each new index.
func (l *Library) Reindexer(live Live) *Reindexer {
	return &Reindexer{lib: l, live: live, log: l.log.With("component", "reindex")}
}

// Reindex fetches, reads, builds and swaps, telling progress (when not
// nil) each stage. It fails with ErrReindexing when another reindex is
// running, and with a *FetchingError (ErrFetching) when it must fetch and
// another fetch into the cache is running; it holds off uploads while it
// reads the corpus.
func (r *Reindexer) Reindex(ctx context.Context, progress func(Progress)) (Report, error) {
	return r.reindex(ctx, progress, nil, true)
}

// reindex is Reindex, and with rebuild false the refresh of `sendbot
// fetch` (Library.Refresh): the same fetch, and the same update of the
// index when only the fetch cache changed, but where Reindex would
// rebuild the index whole it leaves it as it was and says why in
// Report.NotUpdated. onFetch, when set, is told every step of the fetch;
// else progress is, every fetchProgressEvery pages. The fetch lock is
// held from the fetch until the index holds what it fetched.
func (r *Reindexer) reindex(ctx context.Context, progress func(Progress), onFetch func(fetch.Progress), rebuild bool) (rep Report, err error) {
	l := r.lib
	if !l.reindexing.TryLock() {
		return Report{}, ErrReindexing
	}
	defer l.reindexing.Unlock()
	l.shelf.Lock()
	defer l.shelf.Unlock()
	if progress == nil {
		progress = func(Progress) {}
	}
	start := time.Now()
	if r.Monitor != nil {
		defer func() { r.Monitor.Reindexed(time.Since(start), err) }()
	}
	st, err := l.state()
	if err != nil {
		return rep, err
	}
	if sources, _ := l.remoteSources(st.fsys); l.mustFetch(sources) {
		unlock, err := l.lockFetch()
		if err != nil {
			return rep, err
		}
		defer unlock()
		progress(Progress{Stage: Fetching})
		if onFetch == nil {
			var told fetch.Progress
			onFetch = func(p fetch.Progress) {
				pages := func(q fetch.Progress) int { return q.Fetched + q.Unchanged + q.Failed }
				if p.Done != told.Done || pages(p)/fetchProgressEvery != pages(told)/fetchProgressEvery {
					told = p
					progress(Progress{Stage: Fetching, Fetch: p})
				}
			}
		}
		fr, err := l.fetch(ctx, sources, onFetch)
		if err != nil {
			return rep, fmt.Errorf("fetch remote sources: %w", err)
		}
		rep.Fetched = &fr
		before := st
		// The cache may have changed, and with it the fingerprint.
		if st, err = l.state(); err != nil {
			return rep, err
		}
		why := r.updatable(before, st, fr.Changes)
		switch {
		case why != "" && rebuild:
			r.log.Info("rebuilding the index whole", "why", why)
		case why != "":
			rep.NotUpdated, rep.Took = why, time.Since(start)
			return rep, nil
		case !rebuild && fr.Changes.Count() == 0 && st.source.Fingerprint == before.source.Fingerprint:
			// Nothing the index holds changed: it is as an update would leave it.
			rep.Current, rep.Took = true, time.Since(start)
			return rep, nil
		default:
			done, err := r.update(ctx, st, fr.Changes, &rep, progress)
			if done {
				rep.Took = time.Since(start)
				return rep, err
			}
			if !rebuild {
				rep.NotUpdated, rep.Took = "the update failed: "+err.Error(), time.Since(start)
				return rep, nil
			}
			r.log.Warn("could not update the index with the fetched changes; rebuilding it whole", "err", err)
		}
	}
	if !rebuild {
		rep.Took = time.Since(start)
		return rep, nil // nothing to fetch
	}
	progress(Progress{Stage: Building})
	t, err := l.build(ctx, st, r.log)
	if t != nil {
		rep.Documents, rep.Passages, rep.Builtin, rep.Problems = t.Documents, t.Passages, t.Builtin, t.Problems
		progress(Progress{Stage: Switching, Files: t.Files, Passages: t.Passages, Errors: len(t.Errors())})
	}
	if err != nil {
		return rep, err
	}
	if err := r.live.Reload(); err != nil {
		return rep, fmt.Errorf("the new index was built but could not be opened, so the previous one stays: %w", err)
	}
	rep.Took = time.Since(start)
	return rep, nil
}

// watchInterval is how often Watch looks whether `sendbot index` has
// replaced the index folder from outside.
const watchInterval = 5 * time.Second

// Watch runs a reindex every so often (every > 0) and on each signal from
// hup, and switches to an index that `sendbot index` rebuilt from the
// shell, until ctx ends.
func (r *Reindexer) Watch(ctx context.Context, every time.Duration, hup <-chan os.Signal) {
	poll := time.NewTicker(watchInterval)
	defer poll.Stop()
	var schedule <-chan time.Time
	if every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		schedule = t.C
	}
	run := func(why string) {
		r.log.Info("reindexing", "why", why)
		rep, err := r.Reindex(ctx, nil)
		if errors.Is(err, ErrFetching) {
			r.log.Warn("reindex skipped: the index switches to what that fetch updates", "why", why, "err", err)
			return
		}
		if err != nil {
			r.log.Error("reindex failed; the previous index keeps answering", "why", why, "err", err)
			return
		}
		r.log.Info("reindexed", "why", why, "documents", rep.Documents, "passages", rep.Passages,
			"problems", len(rep.Problems), "took", rep.Took.Round(time.Millisecond))
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-schedule:
			run("schedule (SENDBOT_REINDEX_EVERY)")
		case <-hup:
			run("SIGHUP")
		case <-poll.C:
			pickUp(r.live, r.log, "switched to the index rebuilt from outside (sendbot index, or updated by sendbot fetch)")
		}
	}
}

// pickUp switches live to the index in its folder when another one is
// there, logging done when it has, and why not when it cannot.
func pickUp(live Live, log *slog.Logger, done string) {
	if !live.Changed() {
		return
	}
	if err := live.Reload(); err != nil {
		log.Error("the index folder holds a new index that could not be opened; the previous one keeps answering, and it is tried again in a few seconds", "err", err)
		return
	}
	info := live.Info()
	log.Info(done, "documents", info.Documents, "passages", info.Passages, "built", info.BuiltAt.Format(time.RFC3339))
}

// Follow is Watch for a replica, which only reads the index a builder
// publishes in the shared folder (opened with index.OpenPublished): every
// 5 seconds it switches live to a new index there, until ctx ends. It
// never builds, fetches or reindexes; a signal from hup is logged and
// ignored.
func Follow(ctx context.Context, live Live, hup <-chan os.Signal, log *slog.Logger) {
	log = log.With("component", "reindex")
	poll := time.NewTicker(watchInterval)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			log.Warn("SIGHUP ignored: this replica does not reindex; send it to the builder, and this replica switches to its new index")
		case <-poll.C:
			pickUp(live, log, "switched to the index the builder published")
		}
	}
}

// OpenLive opens the index serve answers from, as a Live index that a
// reindex (or, on a replica, the builder) replaces between searches. It
// builds the index first if it must; a replica never writes to the index
// folder, and waits (WaitForPublished) until the builder has published an
// index there that matches its manifest.
func (l *Library) OpenLive(ctx context.Context, replica bool) (*index.Live, error) {
	if replica {
		return WaitForPublished(ctx, l.index, l.log)
	}
	ix, err := l.OpenIndex(ctx)
	if err != nil {
		return nil, err
	}
	ix.Close()
	return index.OpenLive(l.index)
}

// WaitForPublished opens the index a builder publishes in dir, with
// index.OpenPublished, looking again every 5 seconds until there is one
// that opens and matches its manifest, or ctx ends. A replica starts
// with it, so that it may start before its builder.
func WaitForPublished(ctx context.Context, dir string, log *slog.Logger) (*index.Live, error) {
	poll := time.NewTicker(watchInterval)
	defer poll.Stop()
	var said string
	for {
		live, err := index.OpenPublished(dir)
		if err == nil {
			return live, nil
		}
		if err.Error() != said {
			said = err.Error()
			log.Info("waiting for the builder to publish an index", "dir", dir, "why", err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the builder's index in %q: %w (last: %v)", dir, ctx.Err(), err)
		case <-poll.C:
		}
	}
}

// RemoteSources lists the remote sources the corpus's sources.yaml names
// (its url and site entries) and the sites added from Discord, and the
// entries it leaves out as problems.
func (l *Library) RemoteSources() ([]corpus.Meta, []corpus.Problem, error) {
	fsys, _, err := l.corpusSource()
	if err != nil {
		return nil, nil, err
	}
	sources, problems := l.remoteSources(fsys)
	return sources, problems, nil
}

// Fetch downloads sources into FetchDir, politely (see fetch.Fetcher),
// telling progress (when not nil) how far it has got; the next build
// reads them with the corpus. It leaves the index as it is (Refresh
// updates it too), and fails with a *FetchingError when another fetch
// into the same cache is running.
func (l *Library) Fetch(ctx context.Context, sources []corpus.Meta, progress func(fetch.Progress)) (fetch.Report, error) {
	unlock, err := l.lockFetch()
	if err != nil {
		return fetch.Report{}, err
	}
	defer unlock()
	return l.fetch(ctx, sources, progress)
}

// Refresh is `sendbot fetch`: it fetches the remote sources into the
// fetch cache, telling onFetch (when not nil) how it goes, and then, when
// there is an index, updates it with what the fetch changed, exactly as a
// reindex does when only fetched files changed (see Reindexer), so that a
// serve answering from the same index switches to the updated one (Watch)
// as it does to one `sendbot index` rebuilt. It never rebuilds the index:
// when it cannot update it (there is none yet, or more than the fetch
// cache changed since it was built), it leaves it as it was, and
// Report.NotUpdated says why. Like Fetch it fails with a *FetchingError
// when another fetch is running.
func (l *Library) Refresh(ctx context.Context, onFetch func(fetch.Progress)) (Report, error) {
	live, err := index.OpenLive(l.index)
	if err != nil {
		rep := Report{NotUpdated: noIndexYet}
		if !errors.Is(err, index.ErrNoIndex) {
			rep.NotUpdated = "the index could not be opened (" + err.Error() + ")"
		}
		fsys, _, err := l.corpusSource()
		if err != nil {
			return rep, err
		}
		sources, _ := l.remoteSources(fsys)
		fr, err := l.Fetch(ctx, sources, onFetch)
		rep.Fetched = &fr
		return rep, err
	}
	defer live.Close()
	return l.Reindexer(live).reindex(ctx, nil, onFetch, false)
}

// lockFetch takes the fetch cache's lock, beside the cache as the
// index's build lock is beside the index: FetchDir + ".lock".
func (l *Library) lockFetch() (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(l.fetched), 0o755); err != nil {
		return nil, fmt.Errorf("make the folder of the fetch cache: %w", err)
	}
	unlock, err = filelock.TryLock(l.fetched + ".lock")
	var held *filelock.HeldError
	if errors.As(err, &held) {
		return nil, &FetchingError{PID: held.PID}
	}
	return unlock, err
}

// fetch is Fetch for a caller holding the fetch lock.
func (l *Library) fetch(ctx context.Context, sources []corpus.Meta, progress func(fetch.Progress)) (fetch.Report, error) {
	f := &fetch.Fetcher{Dir: l.fetched, UserAgent: fetch.UserAgent(l.cfg.Version), Allow: l.cfg.FetchAllow,
		MinInterval: l.cfg.FetchInterval, Logger: l.log.With("component", "fetch"), Progress: progress}
	rep, err := f.Fetch(ctx, sources)
	if err == nil {
		l.recordCrawls(sources, rep, time.Now())
	}
	return rep, err
}

// updatable says why the index cannot be updated with the changes a
// fetch made to the cache instead of being rebuilt, or "" when it can:
// the index answering is the one in the folder, built with this
// version's mapping from the library as it was before the fetch
// (before), and only the fetch cache has changed since (after), in the
// files the fetch listed.
func (r *Reindexer) updatable(before, after shelfState, ch fetch.Changes) string {
	info := r.live.Info()
	switch {
	case !ch.Known:
		return "the fetch could not list the files it changed"
	case r.live.Changed():
		return "the index folder holds another index than the one answering"
	case info.MappingVersion != index.MappingVersion:
		return "the index was built by another version of sendbot"
	case info.Source.Name != after.source.Name || info.Source.Fingerprint != before.source.Fingerprint:
		return "the corpus, uploads or built-in documents had changed since the index was built"
	case before.unfetched != after.unfetched:
		return "the corpus, uploads or built-in documents changed while fetching"
	}
	return ""
}

// update updates the index with the fetched files that changed, as
// uploads do, and switches to it. It reports whether it did: when it did
// not, the index is as it was, and err says why.
func (r *Reindexer) update(ctx context.Context, st shelfState, ch fetch.Changes, rep *Report, progress func(Progress)) (bool, error) {
	l := r.lib
	progress(Progress{Stage: Updating})
	t, err := l.updateFetched(ctx, st, ch)
	if err != nil {
		return false, err
	}
	rep.Updated = &Update{Files: t.Files, Documents: t.Documents, Passages: t.Passages, Removed: len(ch.Removed)}
	rep.Problems = t.Problems
	progress(Progress{Stage: Switching, Files: t.Files, Passages: t.Passages, Errors: len(t.Errors())})
	if err := r.live.Reload(); err != nil {
		return true, fmt.Errorf("the index was updated but could not be opened, so the previous one stays: %w", err)
	}
	info := r.live.Info()
	builtin, builtinPassages := l.builtinCounts()
	rep.Documents, rep.Passages, rep.Builtin = info.Documents-builtin, info.Passages-builtinPassages, builtin
	r.log.Info("index updated with the fetched changes", "files", t.Files, "documents", t.Documents,
		"removed", len(ch.Removed), "templates", len(ch.Templates))
	return true, nil
}

// noIndexYet is Report.NotUpdated when there is no index to update.
const noIndexYet = "there is no index yet"

// FetchFailed reports whether the fetch of a reindex or refresh failed
// for a source or site, which `sendbot fetch` exits 1 for.
func (rep Report) FetchFailed() bool {
	f := rep.Fetched
	return f != nil && (f.Count(fetch.Failed) > 0 || f.SitesFailed() > 0)
}

// WriteRefreshed writes what `sendbot fetch` says once Refresh returned
// rep and err: a line for each source fetched and, when it did not fail,
// the fetch's summary, where the cache is, and what became of the index.
func (l *Library) WriteRefreshed(w io.Writer, rep Report, err error) {
	if rep.Fetched != nil {
		rep.Fetched.WriteResults(w)
	}
	if err != nil {
		return
	}
	if rep.Fetched != nil {
		fmt.Fprintf(w, "\n%s\nCache: %s\n", rep.Fetched.Summary(), l.fetched)
	}
	switch u := rep.Updated; {
	case rep.NotUpdated == noIndexYet:
		fmt.Fprintf(w, "Index: none yet in %s; run sendbot index to build it (ask, search and serve also build it when they start).\n", l.index)
	case rep.NotUpdated != "":
		fmt.Fprintf(w, "Index: not updated, because %s; run sendbot index to rebuild it with the fetched pages (a running serve switches to the rebuilt index by itself).\n", rep.NotUpdated)
	case rep.Current || (u != nil && u.Files == 0 && u.Removed == 0):
		fmt.Fprintf(w, "Index: up to date; the fetch changed nothing it holds (%s).\n", l.index)
	case u != nil:
		fmt.Fprintf(w, "Index: updated with the fetched changes: %s read again (%s), %s removed (%s). A running serve switches to it within seconds.\n",
			plural(u.Files, "file"), plural(u.Documents, "document"), plural(u.Removed, "file"), l.index)
		if errs := (&Tally{Problems: rep.Problems}).Errors(); len(errs) > 0 {
			fmt.Fprintf(w, "%d of the files read again had problems (sendbot check lists them).\n", len(errs))
		}
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
