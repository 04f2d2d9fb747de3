package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/library"
)

// runReindex measures a refresh as /reindex runs it: the synthetic site
// crawled and indexed, then -changed pages changed, then the time from
// the refresh's start until a changed page's new text is answered, two
// ways side by side from copies of the same library: the reindex as it
// now is, which updates the index with the changed pages alone, and a
// full rebuild after the same fetch, as every reindex did before.
func runReindex(pages, changed, repeat int) error {
	s := &site{pages: pages, changed: changed}
	s.round.Store(1)
	srv := httptest.NewServer(s)
	defer srv.Close()
	work, err := os.MkdirTemp("", "sendbot-reindex-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	corpusDir := filepath.Join(work, "corpus")
	if err := os.MkdirAll(filepath.Join(corpusDir, "testshire"), 0o755); err != nil {
		return err
	}
	files := map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest from caring.\n",
		"sources.yaml": fmt.Sprintf("documents:\n  - site: %[1]s/local-offer/page-0\n    scope: %[1]s/local-offer\n    max_pages: %[2]d\n    area: Testshire\n",
			srv.URL, pages),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(corpusDir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	config := func(data string) library.Config {
		return library.Config{Corpus: corpusDir, DataDir: data, FetchInterval: time.Nanosecond,
			FetchAllow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, Logger: slog.New(slog.DiscardHandler)}
	}
	ctx := context.Background()

	// The site crawled and indexed, as `sendbot fetch` then serve's start.
	base := filepath.Join(work, "base")
	lib, err := library.Open(config(base))
	if err != nil {
		return err
	}
	sources, _, err := lib.RemoteSources()
	if err != nil {
		return err
	}
	start := time.Now()
	rep, err := lib.Fetch(ctx, sources, nil)
	if err != nil {
		return err
	}
	crawled := time.Since(start)
	start = time.Now()
	t, err := lib.Build(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("setup: crawled %d pages in %s (%s); built the index of %d documents, %d passages in %s\n",
		pages, crawled.Round(time.Millisecond), rep.Summary(), t.Documents, t.Passages, time.Since(start).Round(time.Millisecond))
	s.round.Store(2)

	// answered is whether the changed text is answered from a changed page.
	answered := func(live *index.Live) error {
		res, err := live.Search(ctx, index.Query{Text: "does support service 3 now also run on Saturdays"})
		switch {
		case err != nil:
			return err
		case !res.Answered || len(res.Hits) == 0 || !strings.Contains(res.Hits[0].Text, "Saturdays"):
			return fmt.Errorf("the changed text is not answered after the refresh: %+v", res.Hits)
		}
		return nil
	}
	// copyOf is a fresh copy of the library as set up, and its served index.
	copyOf := func(name string) (*library.Library, *index.Live, error) {
		data := filepath.Join(work, name)
		os.RemoveAll(data)
		if err := exec.Command("cp", "-a", base, data).Run(); err != nil {
			return nil, nil, fmt.Errorf("copy the library: %w", err)
		}
		l, err := library.Open(config(data))
		if err != nil {
			return nil, nil, err
		}
		live, err := index.OpenLive(l.IndexDir())
		return l, live, err
	}

	fmt.Printf("refresh of %d pages with %d changed, from its start until the changed text is answered:\n", pages, changed)
	for n := range repeat {
		// Turn about, so that neither always runs on a warmer machine.
		ways := []string{"update", "rebuild"}
		if n%2 == 1 {
			ways = []string{"rebuild", "update"}
		}
		for _, way := range ways {
			l, live, err := copyOf(way)
			if err != nil {
				return err
			}
			var fetched, total time.Duration
			var what string
			start := time.Now()
			switch way {
			case "update": // the reindex as /reindex runs it now
				var fetchEnd time.Time
				rep, err := l.Reindexer(live).Reindex(ctx, func(p library.Progress) {
					if p.Stage != library.Fetching && fetchEnd.IsZero() {
						fetchEnd = time.Now()
					}
				})
				if err != nil {
					return err
				}
				if rep.Updated == nil {
					return fmt.Errorf("the reindex rebuilt the index instead of updating it")
				}
				if err := answered(live); err != nil {
					return err
				}
				total, fetched = time.Since(start), fetchEnd.Sub(start)
				what = fmt.Sprintf("%d files read again, %d removed", rep.Updated.Files, rep.Updated.Removed)
			case "rebuild": // as every reindex did before: fetch, build whole, switch
				rep, err := l.Fetch(ctx, sources, nil)
				if err != nil {
					return err
				}
				fetched = time.Since(start)
				t, err := l.Build(ctx)
				if err != nil {
					return err
				}
				if err := live.Reload(); err != nil {
					return err
				}
				if err := answered(live); err != nil {
					return err
				}
				total = time.Since(start)
				what = fmt.Sprintf("%d documents read (%s)", t.Documents, rep.Summary())
			}
			live.Close()
			fmt.Printf("  %-7s %7s  (fetch %s, index %s; %s)\n", way, total.Round(time.Millisecond),
				fetched.Round(time.Millisecond), (total - fetched).Round(time.Millisecond), what)
		}
	}
	return nil
}
