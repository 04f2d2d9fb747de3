package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/corpus/fetch"
	"github.com/sendbot/sendbot/library"
	"github.com/sendbot/sendbot/settings"
)

// errFetchFailed makes fetch exit 1 after it has listed what failed.
var errFetchFailed = errors.New("some remote sources could not be fetched (listed above)")

// runFetch downloads the remote sources (url entries) of the corpus's
// sources.yaml into the fetch cache, one line per source. ask, search,
// serve and index then read the cache along with the corpus.
func runFetch(ctx context.Context, env appEnv, args []string) error {
	cfg := settings.Read(env.getenv)
	fs := newFlags("fetch", &cfg, env.stderr)
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "usage: sendbot fetch [--corpus DIR]   downloads the url entries and crawls the site entries of DIR/sources.yaml")
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{"fetch takes no arguments; the sources are the url and site entries of the corpus's sources.yaml"}
	}
	log, err := cfg.Logger(env.stderr)
	if err != nil {
		return err
	}
	lc, err := libraryConfig(cfg, log)
	if err != nil {
		return err
	}
	if lc.FetchAllow, err = cfg.FetchAllow(); err != nil {
		return err
	}
	lib, err := library.Open(lc)
	if err != nil {
		return err
	}
	sources, problems, err := lib.RemoteSources()
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(env.stdout, "error  %s: %s\n", corpus.Printable(p.Path), corpus.Printable(p.Reason))
	}
	if len(sources) == 0 {
		fmt.Fprintf(env.stdout, "No remote sources in %s: list them in its %s as entries with url: (a page) or site: (a whole site) and area: (see docs/documents.md, Remote sources).\n", lib.Name(), corpus.ManifestName)
		if len(problems) > 0 {
			return errFetchFailed
		}
		return nil
	}
	pl := newProgressLine(env.stderr)
	rep, err := lib.Fetch(ctx, sources, pl.show)
	pl.done()
	rep.WriteResults(env.stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "\n%s\nCache: %s (ask, search and serve read it from their next start)\n", rep.Summary(), lib.FetchDir())
	if rep.Count(fetch.Failed) > 0 || rep.SitesFailed() > 0 || len(problems) > 0 {
		return errFetchFailed
	}
	return nil
}

// progressLine shows how far a fetch has got on stderr: one line
// rewritten in place on a terminal, else (a log file, cron's mail) a
// plain line every progressEvery pages and one when each source is done.
type progressLine struct {
	w        io.Writer
	terminal bool
	last     fetch.Progress
	width    int // of the line last written on a terminal
}

// progressEvery is how many pages of a crawl pass between plain lines.
const progressEvery = 100

func newProgressLine(w io.Writer) *progressLine {
	return &progressLine{w: w, terminal: isTerminal(w)}
}

// text is "site 1 of 3: https://…: 120 pages found, 40 fetched, …".
func (pl *progressLine) text(p fetch.Progress) string {
	line := fmt.Sprintf("%d of %d sources done", p.Done, p.Sources)
	if p.Found > 0 {
		line = fmt.Sprintf("%s; %s: %d pages found, %d fetched, %d unchanged, %d failed, %d dropped",
			line, p.Source, p.Found, p.Fetched, p.Unchanged, p.Failed, p.Dropped)
	}
	return line
}

func (pl *progressLine) show(p fetch.Progress) {
	prev := pl.last
	pl.last = p
	if pl.terminal {
		line := pl.text(p)
		fmt.Fprintf(pl.w, "\r%-*s", pl.width, line)
		pl.width = len(line)
		return
	}
	read := func(q fetch.Progress) int { return q.Fetched + q.Unchanged + q.Failed }
	if p.Done != prev.Done || (p.Found > 0 && read(p)/progressEvery != read(prev)/progressEvery) {
		fmt.Fprintln(pl.w, pl.text(p))
	}
}

// done ends the line on a terminal, so the results start on their own.
func (pl *progressLine) done() {
	if pl.terminal && pl.width > 0 {
		fmt.Fprintln(pl.w)
	}
}
