package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

// errCorpusProblems makes check exit 1 after it has listed the problems.
var errCorpusProblems = errors.New("the corpus has problems (listed above)")

// runCheck lists every file of a corpus with its status, every service
// read from a directory feed, every entry left out and every problem with
// its path and reason, then totals per area and per format. It exits 1 when
// any file is broken; formats that are not read are listed as skipped.
func runCheck(ctx context.Context, env appEnv, args []string) error {
	cfg := configFromEnv(env.getenv)
	fs := newFlags("check", &cfg, env.stderr)
	summary := fs.Bool("summary", false, "print only the totals and the problems, not every document and service")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "usage: sendbot check [--summary] [DIR]   (default: $SENDBOT_CORPUS, else the built-in corpus)")
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
	lib, err := openLibrary(cfg, env.stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	c, err := lib.Read()
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(env.stdout, "Corpus: %s\n\n", printable(lib.Name()))
	writeFiles(env.stdout, c, *summary)
	writeTotals(env.stdout, c)
	fmt.Fprintf(env.stdout, "Read in %s.\n", took.Round(time.Millisecond))
	if len(c.Errors()) > 0 {
		return errCorpusProblems
	}
	return nil
}

// writeFiles prints one line per file, and under a directory feed one line
// per service read and per entry left out. With brief set it prints only
// the files that have problems.
func writeFiles(w io.Writer, c *corpus.Corpus, brief bool) {
	type file struct {
		docs     []corpus.Document
		skips    []corpus.Skip
		problems []corpus.Problem
	}
	files := map[string]*file{}
	get := func(p string) *file {
		if files[p] == nil {
			files[p] = &file{}
		}
		return files[p]
	}
	for _, d := range c.Documents {
		get(d.Path).docs = append(get(d.Path).docs, d)
	}
	for _, s := range c.Skips {
		get(s.Path).skips = append(get(s.Path).skips, s)
	}
	for _, p := range c.Problems {
		get(p.Path).problems = append(get(p.Path).problems, p)
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)

	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, p := range paths {
		f := files[p]
		for _, pr := range f.problems {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", problemStatus(pr), printable(pr.Path), printable(pr.Reason))
		}
		if len(f.docs) == 0 || (brief && len(f.problems) == 0) {
			continue
		}
		passages := 0
		for _, d := range f.docs {
			passages += len(d.Passages)
		}
		if f.docs[0].Entry == "" && len(f.skips) == 0 {
			d := f.docs[0]
			fmt.Fprintf(tw, "ok\t%s\t%s, %s, %q\n", printable(p), d.Format, plural(passages, "passage"), d.Title)
			continue
		}
		fmt.Fprintf(tw, "ok\t%s\t%s, %s read, %d left out, %s\n", printable(p), f.docs[0].Format,
			plural(len(f.docs), "service"), len(f.skips), plural(passages, "passage"))
		if brief {
			continue
		}
		for _, d := range f.docs {
			fmt.Fprintf(tw, "\t  service %s\t%q, %s\n", printable(d.Entry), d.Title, plural(len(d.Passages), "passage"))
		}
		for _, s := range f.skips {
			fmt.Fprintf(tw, "\t  left out %s\t%s\n", printable(s.Entry), printable(s.Reason))
		}
	}
	tw.Flush()
}

// writeTotals prints the counts per area and per format, then the totals.
func writeTotals(w io.Writer, c *corpus.Corpus) {
	type tally struct{ docs, services, passages int }
	byArea := map[string]map[string]*tally{}
	formats := map[string]bool{}
	var total tally
	for _, d := range c.Documents {
		area := d.Area
		if area == "" {
			area = "(no area)"
		}
		if byArea[area] == nil {
			byArea[area] = map[string]*tally{}
		}
		t := byArea[area][d.Format]
		if t == nil {
			t = &tally{}
			byArea[area][d.Format] = t
		}
		formats[d.Format] = true
		for _, t := range []*tally{t, &total} {
			if d.Entry != "" {
				t.services++
			} else {
				t.docs++
			}
			t.passages += len(d.Passages)
		}
	}
	areas := sortedKeys(byArea)
	fmts := sortedKeys(formats)

	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "Area\t")
	for _, f := range fmts {
		fmt.Fprintf(tw, "%s\t", f)
	}
	fmt.Fprintln(tw, "documents\tservices\tpassages")
	for _, a := range areas {
		fmt.Fprintf(tw, "%s\t", printable(a))
		var sum tally
		for _, f := range fmts {
			t := byArea[a][f]
			if t == nil {
				fmt.Fprint(tw, "-\t")
				continue
			}
			fmt.Fprintf(tw, "%d\t", t.docs+t.services)
			sum.docs += t.docs
			sum.services += t.services
			sum.passages += t.passages
		}
		fmt.Fprintf(tw, "%d\t%d\t%d\n", sum.docs, sum.services, sum.passages)
	}
	tw.Flush()

	errs := len(c.Errors())
	fmt.Fprintf(w, "\n%d documents and %s, %s; %d entries left out, %d files skipped, %d errors\n",
		total.docs, plural(total.services, "service"), plural(total.passages, "passage"),
		len(c.Skips), len(c.Problems)-errs, errs)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
	lib, err := openLibrary(cfg, env.stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	c, err := lib.Build(ctx)
	if c != nil {
		for _, p := range c.Problems {
			fmt.Fprintf(env.stdout, "%s\t%s\t%s\n", problemStatus(p), printable(p.Path), printable(p.Reason))
		}
	}
	if err != nil {
		return err
	}
	ix, err := index.Open(lib.IndexDir())
	if err != nil {
		return err
	}
	defer ix.Close()
	info := ix.Info()
	fmt.Fprintf(env.stdout, "Indexed %d documents (%d passages) from %s in %s\nIndex: %s\n",
		info.Documents, info.Passages, lib.Name(), time.Since(start).Round(time.Millisecond), lib.IndexDir())
	if c != nil && len(c.Skips) > 0 {
		fmt.Fprintf(env.stdout, "%d directory entries left out as empty or placeholders (sendbot check lists them)\n", len(c.Skips))
	}
	for _, a := range info.Areas {
		fmt.Fprintf(env.stdout, "  %s: %d documents, %d passages\n", printable(a.Name), a.Documents, a.Passages)
	}
	return nil
}
