package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/corpus/fetch"
	"github.com/sendbot/sendbot/library"
	"github.com/sendbot/sendbot/settings"
)

// errFetchFailed makes fetch exit 1 after it has listed what failed.
var errFetchFailed = errors.New("some remote sources could not be fetched (listed above)")

// runFetch downloads the remote sources (url and site entries) of the
// corpus's sources.yaml into the fetch cache, one line per source, and
// updates the index with what changed (library.Refresh), which a running
// serve then switches to.
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
	pl := fetch.NewProgressWriter(env.stderr, isTerminal(env.stderr))
	rep, err := lib.Refresh(ctx, pl.Show)
	pl.Done()
	if lib.WriteRefreshed(env.stdout, rep, err); err != nil {
		return err
	}
	if rep.FetchFailed() || len(problems) > 0 {
		return errFetchFailed
	}
	return nil
}
