package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

// errCorpusProblems makes check exit 1 after it has listed the problems.
var errCorpusProblems = errors.New("the corpus has problems (listed above)")

// runCheck lists every file of a corpus with its status and every problem
// with its path and reason. It exits 1 when any file is broken; formats
// that are merely not read yet are listed as skipped.
func runCheck(ctx context.Context, env appEnv, args []string) error {
	cfg := configFromEnv(env.getenv)
	fs := newFlags("check", &cfg, env.stderr)
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "usage: sendbot check [DIR]   (default: $SENDBOT_CORPUS, else the built-in corpus)")
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch len(rest) {
	case 0:
	case 1:
		cfg.Corpus = rest[0]
	default:
		return usageError{"check takes at most one folder"}
	}
	fsys, name, err := corpusSource(cfg)
	if err != nil {
		return err
	}
	c, err := corpus.Load(fsys)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Corpus: %s\n\n", name)
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	type row struct{ path, line string }
	var rows []row
	reported := map[string]bool{}
	for _, p := range c.Problems {
		rows = append(rows, row{p.Path, fmt.Sprintf("%s\t%s\t%s", problemStatus(p), p.Path, p.Reason)})
		reported[p.Path] = true
	}
	type tally struct{ docs, passages int }
	areas := map[string]*tally{}
	passages := 0
	for _, d := range c.Documents {
		if reported[d.Path] {
			continue // listed with its problem (a bad date); it is still indexed
		}
		rows = append(rows, row{d.Path, fmt.Sprintf("ok\t%s\t%s, %d passages, %q", d.Path, d.Format, len(d.Passages), d.Title)})
	}
	for _, d := range c.Documents {
		a := d.Area
		if a == "" {
			a = "(no area)"
		}
		if areas[a] == nil {
			areas[a] = &tally{}
		}
		areas[a].docs++
		areas[a].passages += len(d.Passages)
		passages += len(d.Passages)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].path < rows[j].path })
	for _, r := range rows {
		fmt.Fprintln(tw, r.line)
	}
	tw.Flush()

	errs := len(c.Errors())
	fmt.Fprintf(env.stdout, "\n%d documents, %d passages; %d files skipped, %d errors\n", len(c.Documents), passages, len(c.Problems)-errs, errs)
	var names []string
	for a := range areas {
		names = append(names, a)
	}
	sort.Strings(names)
	for _, a := range names {
		fmt.Fprintf(env.stdout, "  %s: %d documents, %d passages\n", a, areas[a].docs, areas[a].passages)
	}
	if errs > 0 {
		return errCorpusProblems
	}
	return nil
}

// problemStatus is "skipped" for a format not read yet, else "error".
func problemStatus(p corpus.Problem) string {
	if p.Skipped() {
		return "skipped"
	}
	return "error"
}

// runIndex builds the index of the configured corpus, replacing the old
// one only when the new one is complete.
func runIndex(ctx context.Context, env appEnv, args []string) error {
	cfg := configFromEnv(env.getenv)
	fs := newFlags("index", &cfg, env.stderr)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := newLogger(cfg, env.stderr)
	if err != nil {
		return err
	}
	t, err := locate(cfg)
	if err != nil {
		return err
	}
	start := time.Now()
	c, err := buildIndex(ctx, t, log)
	if c != nil {
		for _, p := range c.Problems {
			fmt.Fprintf(env.stdout, "%s\t%s\t%s\n", problemStatus(p), p.Path, p.Reason)
		}
	}
	if err != nil {
		return err
	}
	ix, err := index.Open(t.dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	info := ix.Info()
	fmt.Fprintf(env.stdout, "Indexed %d documents (%d passages) from %s in %s\nIndex: %s\n",
		info.Documents, info.Passages, t.name, time.Since(start).Round(time.Millisecond), t.dir)
	for _, a := range info.Areas {
		fmt.Fprintf(env.stdout, "  %s: %d documents, %d passages\n", a.Name, a.Documents, a.Passages)
	}
	return nil
}
