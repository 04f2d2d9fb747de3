package corpus

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"
)

// WriteReport writes what Load found, as sendbot check shows it: a line
// per file with its status ("ok", "skipped" for a format sendbot does
// not read, "error"), its path and what was read; under a directory feed
// a line per service read and per entry left out; then the counts per
// area and format, and the totals. brief leaves out the files without
// problems. Names are written with Printable, so a file name cannot
// forge a line or drive the terminal.
func (c *Corpus) WriteReport(w io.Writer, brief bool) {
	c.writeFiles(w, brief)
	c.writeTotals(w)
}

// WriteProblems writes a line per problem: its status, path and reason,
// separated by tabs.
func WriteProblems(w io.Writer, problems []Problem) {
	for _, p := range problems {
		fmt.Fprintf(w, "%s\t%s\t%s\n", problemStatus(p), Printable(p.Path), Printable(p.Reason))
	}
}

// writeFiles writes one line per file, and under a directory feed one line
// per service read and per entry left out. With brief set it prints only
// the files that have problems.
func (c *Corpus) writeFiles(w io.Writer, brief bool) {
	type file struct {
		docs     []Document
		skips    []Skip
		problems []Problem
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
			fmt.Fprintf(tw, "%s\t%s\t%s\n", problemStatus(pr), Printable(pr.Path), Printable(pr.Reason))
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
			fmt.Fprintf(tw, "ok\t%s\t%s, %s, %q\n", Printable(p), d.Format, plural(passages, "passage"), d.Title)
			continue
		}
		fmt.Fprintf(tw, "ok\t%s\t%s, %s read, %d left out, %s\n", Printable(p), f.docs[0].Format,
			plural(len(f.docs), "service"), len(f.skips), plural(passages, "passage"))
		if brief {
			continue
		}
		for _, d := range f.docs {
			fmt.Fprintf(tw, "\t  service %s\t%q, %s\n", Printable(d.Entry), d.Title, plural(len(d.Passages), "passage"))
		}
		for _, s := range f.skips {
			fmt.Fprintf(tw, "\t  left out %s\t%s\n", Printable(s.Entry), Printable(s.Reason))
		}
	}
	tw.Flush()
}

// writeTotals writes the counts per area and per format, then the totals.
func (c *Corpus) writeTotals(w io.Writer) {
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
		fmt.Fprintf(tw, "%s\t", Printable(a))
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

// problemStatus is "skipped" for a format not read yet, else "error".
func problemStatus(p Problem) string {
	if p.Skipped() {
		return "skipped"
	}
	return "error"
}

// Printable is s as the terminal should show it: unchanged when it is
// plain text, else quoted as Go quotes strings, so that a file, area or
// title holding a line break, a tab or an escape code cannot forge a line
// of a report or drive the terminal.
func Printable(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool {
		return r == unicode.ReplacementChar || !unicode.IsPrint(r) && r != ' '
	}) {
		return strconv.Quote(s)
	}
	return s
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
