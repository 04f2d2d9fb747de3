package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/corpus/fetch"
	"github.com/sendbot/sendbot/health"
)

// reloader is the serving index: after a rebuild it opens the new one and
// swaps it in.
type reloader interface{ Reload() error }

// errReindexing means a reindex started here is still running.
var errReindexing = errors.New("a reindex is already under way")

// reindexer is the one safe reindex that /reindex, SIGHUP and the
// schedule all run: fetch the remote sources (when the corpus lists any),
// read the corpus, build a new index beside the current one, swap it in.
// The current index answers throughout, and stays if anything fails.
type reindexer struct {
	cfg  config
	live reloader
	log  *slog.Logger
	mu   sync.Mutex // one reindex at a time
	// corpus, when set, is held while reading the corpus and building, so
	// a document added from Discord meanwhile is not read half-way and
	// then lost by the swap (see serialUploads).
	corpus *sync.Mutex
	// monitor counts each reindex and its time; nil counts nothing.
	monitor *health.Monitor
}

func (r *reindexer) Reindex(ctx context.Context, progress func(bot.ReindexProgress)) (rep bot.ReindexReport, err error) {
	if !r.mu.TryLock() {
		return bot.ReindexReport{}, errReindexing
	}
	defer r.mu.Unlock()
	if r.corpus != nil {
		r.corpus.Lock()
		defer r.corpus.Unlock()
	}
	if progress == nil {
		progress = func(bot.ReindexProgress) {}
	}
	start := time.Now()
	defer func() { r.monitor.Reindexed(time.Since(start), err) }()
	t, err := locate(r.cfg)
	if err != nil {
		return rep, err
	}
	if sources, _ := corpus.RemoteSources(t.fsys); len(sources) > 0 {
		allow, err := r.cfg.fetchAllow() // serve checked it at startup
		if err != nil {
			return rep, err
		}
		progress(bot.ReindexProgress{Stage: "fetching remote sources"})
		f := &fetch.Fetcher{Dir: t.fetched, UserAgent: fetch.UserAgent(versionNumber()), Allow: allow, Logger: r.log.With("component", "fetch")}
		fr, err := f.Fetch(ctx, sources)
		if err != nil {
			return rep, fmt.Errorf("fetch remote sources: %w", err)
		}
		rep.Fetched = fmt.Sprintf("%d fetched, %d not modified, %d failed, %d blocked by robots.txt",
			fr.Count(fetch.Fetched), fr.Count(fetch.NotModified), fr.Count(fetch.Failed), fr.Count(fetch.Blocked))
		// The cache may have changed, and with it the fingerprint.
		if t, err = locate(r.cfg); err != nil {
			return rep, err
		}
	}
	progress(bot.ReindexProgress{Stage: "reading the corpus and building the index"})
	c, err := buildIndex(ctx, t, r.log)
	if c != nil {
		files := map[string]bool{}
		for _, d := range c.Documents {
			files[d.Path] = true
			rep.Passages += len(d.Passages)
		}
		rep.Documents = len(c.Documents)
		for _, p := range c.Problems {
			rep.Problems = append(rep.Problems, p.Path+": "+p.Reason)
		}
		progress(bot.ReindexProgress{Stage: "switching to the new index", Files: len(files), Passages: rep.Passages, Errors: len(c.Errors())})
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

// watchInterval is how often serve looks whether `sendbot index` has
// replaced the index folder from outside.
const watchInterval = 5 * time.Second

// liveIndex is the serving index as watch sees it.
type liveIndex interface {
	reloader
	Changed() bool
}

// watch runs the scheduled reindex (every > 0), a reindex on each signal
// from hup, and picks up an index that `sendbot index` rebuilt from the
// shell, until ctx ends.
func (r *reindexer) watch(ctx context.Context, live liveIndex, every time.Duration, hup <-chan os.Signal) {
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
			if !live.Changed() {
				continue
			}
			if err := live.Reload(); err != nil {
				r.log.Error("the index was rebuilt from outside but could not be opened; the previous one keeps answering", "err", err)
				continue
			}
			r.log.Info("switched to the index rebuilt from outside (sendbot index)")
		}
	}
}

// serialUploads adds and removes documents only while no reindex is
// reading the corpus, so the two never overlap.
type serialUploads struct {
	bot.Uploader
	corpus *sync.Mutex
}

func (s serialUploads) Add(ctx context.Context, u bot.Upload) (bot.UploadResult, error) {
	s.corpus.Lock()
	defer s.corpus.Unlock()
	return s.Uploader.Add(ctx, u)
}

func (s serialUploads) Remove(ctx context.Context, id string) (bot.UploadResult, error) {
	s.corpus.Lock()
	defer s.corpus.Unlock()
	return s.Uploader.Remove(ctx, id)
}

// auditFile appends moderator actions to a file, one JSON object a line.
type auditFile struct {
	mu   sync.Mutex
	path string
}

// openAudit returns the audit log for the configured corpus:
// audit/<corpus>/audit.log under SENDBOT_DATA.
func openAudit(cfg config, t indexTarget) (*auditFile, error) {
	path, err := t.dataFile(cfg, "audit", "audit.log")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("audit log folder: %w", err)
	}
	return &auditFile{path: path}, nil
}

func (a *auditFile) Record(e bot.AuditEntry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	f, err := os.OpenFile(a.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
