package fetch

import (
	"fmt"
	"io"
)

// ProgressWriter shows how far a fetch has got, as Fetcher.Progress
// reports it: one line rewritten in place on a terminal, else (a log
// file, cron's mail) a plain line every progressEvery pages and one when
// each source is done. sendbot fetch writes it to standard error.
type ProgressWriter struct {
	w        io.Writer
	terminal bool
	last     Progress
	width    int // of the line last written on a terminal
}

// progressEvery is how many pages of a crawl pass between plain lines.
const progressEvery = 100

// NewProgressWriter writes progress to w, rewriting one line in place
// when w is a terminal.
func NewProgressWriter(w io.Writer, terminal bool) *ProgressWriter {
	return &ProgressWriter{w: w, terminal: terminal}
}

// text is "site 1 of 3: https://…: 120 pages found, 40 fetched, …".
func (pl *ProgressWriter) text(p Progress) string {
	line := fmt.Sprintf("%d of %d sources done", p.Done, p.Sources)
	if p.Found > 0 {
		line = fmt.Sprintf("%s; %s: %d pages found, %d fetched, %d unchanged, %d failed, %d dropped",
			line, p.Source, p.Found, p.Fetched, p.Unchanged, p.Failed, p.Dropped)
	}
	return line
}

// Show writes p, when it says something new enough to write.
func (pl *ProgressWriter) Show(p Progress) {
	prev := pl.last
	pl.last = p
	if pl.terminal {
		line := pl.text(p)
		fmt.Fprintf(pl.w, "\r%-*s", pl.width, line)
		pl.width = len(line)
		return
	}
	read := func(q Progress) int { return q.Fetched + q.Unchanged + q.Failed }
	if p.Done != prev.Done || (p.Found > 0 && read(p)/progressEvery != read(prev)/progressEvery) {
		fmt.Fprintln(pl.w, pl.text(p))
	}
}

// Done ends the line on a terminal, so what follows starts on its own.
func (pl *ProgressWriter) Done() {
	if pl.terminal && pl.width > 0 {
		fmt.Fprintln(pl.w)
	}
}
