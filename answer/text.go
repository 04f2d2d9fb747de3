package answer

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sendbot/sendbot/index"
)

// TextOptions say how WriteText shows an answer.
type TextOptions struct {
	// Bold puts matched words in bold with terminal escape codes; for a
	// terminal, not a file or a pipe.
	Bold bool
	// Now is what passages are dated against; MaxAge is how old they may
	// be before they are marked as possibly out of date.
	Now    time.Time
	MaxAge time.Duration
}

// WriteText writes an answer as plain text for the terminal: the passages
// with their sources and dates, a meaning first when the question asked
// for one; or, when nothing answered, why, what was made of the words,
// and where to ask instead as the documents give it, never naming a
// service the documents do not.
func WriteText(w io.Writer, res index.Result, o TextOptions) {
	if !res.Answered || len(res.Hits) == 0 {
		writeDecline(w, res)
		return
	}
	var notes []string
	for _, note := range []string{RephrasedNote(res, Plain), SearchedNote(res.Corrections, Plain), UncoveredNote(res)} {
		if note != "" {
			notes = append(notes, note)
		}
	}
	if len(notes) > 0 {
		fmt.Fprintf(w, "%s\n\n", strings.Join(notes, "\n"))
	}
	numbers := Numbers(res.Hits, 0)
	for i, h := range res.Hits {
		date := h.ShownDate()
		if numbers[i] == 0 {
			fmt.Fprintf(w, "%s\n   From %s · %s\n", h.Section, h.Title, date)
		} else {
			var meta []string
			if h.Section != "" {
				meta = append(meta, h.Section)
			}
			if h.Area != "" {
				meta = append(meta, h.Area)
			}
			meta = append(meta, date)
			if h.Page > 0 {
				meta = append(meta, fmt.Sprintf("page %d", h.Page))
			}
			fmt.Fprintf(w, "%d. %s\n   %s\n", numbers[i], h.Title, strings.Join(meta, " · "))
		}
		if h.SourceURL != "" {
			fmt.Fprintf(w, "   %s\n", h.SourceURL)
		}
		for _, line := range wrap(markMatches(h, o.Bold), 76) {
			fmt.Fprintf(w, "   │ %s\n", line)
		}
		for _, line := range wrap(Jargon(h.Jargon, Plain), 76) {
			fmt.Fprintf(w, "   %s\n", line)
		}
		fmt.Fprintln(w)
	}
	if note := StaleNote(res.Hits, numbers, o.Now, o.MaxAge); note != "" {
		fmt.Fprintf(w, "%s\n\n", note)
	}
	fmt.Fprintln(w, NotAdvice)
}

// SearchError is err, from a search, as the terminal and search --json
// say it: a question with no words gets an example to try, one too long
// or in an unknown area says so as it is, and anything else is a failed
// search.
func SearchError(err error) error {
	switch {
	case errors.Is(err, index.ErrNoWords):
		return errors.New("that question has no words to search for; try e.g. \"what are short breaks?\"")
	case errors.Is(err, index.ErrTooLong), errors.Is(err, index.ErrUnknownArea):
		return err
	}
	return fmt.Errorf("search failed: %w", err)
}

// writeDecline says the search found no answer, what it made of the
// words, and where to ask instead.
func writeDecline(w io.Writer, res index.Result) {
	fmt.Fprintln(w, DeclineSentence(res))
	for _, note := range []string{InsteadNote(res.Corrections, Plain), UnknownNote(res.Unknown, Plain)} {
		if note != "" {
			fmt.Fprintln(w, note)
		}
	}
	if res.Uncovered == "" { // else the place is what the documents lack
		fmt.Fprintln(w, "Try other words (for example EHCP, short breaks, autism assessment) or --area.")
	}
	if len(res.Signposts) == 0 && res.Uncovered != "" {
		return // the first sentence has said the documents do not cover it
	}
	fmt.Fprintln(w)
	if len(res.Signposts) == 0 {
		fmt.Fprintln(w, NoSignposts(res.Area, Plain))
		return
	}
	fmt.Fprintln(w, WhereInstead)
	for _, s := range Signposts(res.Signposts) {
		fmt.Fprintf(w, "   %s: %s\n", strings.Join(s.Whats, " and "), s.Hit.Title)
		if u := s.Hit.SourceURL; u != "" {
			fmt.Fprintf(w, "   %s\n", u)
		}
	}
}

// markMatches puts matched words in bold, for a terminal.
func markMatches(h index.Hit, bold bool) string {
	if !bold {
		return h.Text
	}
	var b strings.Builder
	pos := 0
	for _, m := range h.Matches {
		if m.Start < pos {
			continue
		}
		b.WriteString(h.Text[pos:m.Start] + "\x1b[1m" + h.Text[m.Start:m.End] + "\x1b[0m")
		pos = m.End
	}
	b.WriteString(h.Text[pos:])
	return b.String()
}

// wrap breaks text into lines of about width characters, keeping its own
// line breaks.
func wrap(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			if line != "" && len([]rune(line))+1+len([]rune(word)) > width {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}
