package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sendbot/sendbot/index"
)

// runAsk answers one question in the terminal.
func runAsk(ctx context.Context, env appEnv, args []string) error {
	cfg := configFromEnv(env.getenv)
	fs := newFlags("ask", &cfg, env.stderr)
	area := fs.String("area", "", "only look in documents about this area (e.g. Herefordshire)")
	k := fs.Int("k", index.DefaultK, "how many passages to show")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, `usage: sendbot ask "question" [--area A] [--k N]`)
		fs.PrintDefaults()
	}
	words, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	question := strings.TrimSpace(strings.Join(words, " "))
	if question == "" {
		fs.Usage()
		return usageError{`ask needs a question, e.g. sendbot ask "how do I ask for an EHC needs assessment?"`}
	}
	ix, err := openForQueries(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer ix.Close()
	res, err := ix.Search(ctx, index.Query{Text: question, Area: *area, K: *k})
	if err != nil {
		return queryError(err)
	}
	printAnswer(env.stdout, res, isTerminal(env.stdout))
	return nil
}

// openForQueries opens the index for ask and search. Logs go to standard
// error, so building the index on first use is announced apart from the
// answer on standard output.
func openForQueries(ctx context.Context, cfg config, env appEnv) (*index.Index, error) {
	log, err := newLogger(cfg, env.stderr)
	if err != nil {
		return nil, err
	}
	return openIndex(ctx, cfg, log)
}

// queryError turns a search error into a sentence for the person at the terminal.
func queryError(err error) error {
	switch {
	case errors.Is(err, index.ErrNoWords):
		return errors.New("that question has no words to search for; try e.g. \"what are short breaks?\"")
	case errors.Is(err, index.ErrTooLong), errors.Is(err, index.ErrUnknownArea):
		return err
	}
	return fmt.Errorf("search failed: %w", err)
}

// printAnswer writes the passages with their sources, or says plainly that
// nothing answered the question.
func printAnswer(w io.Writer, res index.Result, bold bool) {
	if !res.Answered {
		fmt.Fprintln(w, "I couldn't find an answer to that in the documents I have, so I won't guess.")
		fmt.Fprintln(w, "Try other words (for example EHCP, short breaks, autism assessment) or --area.")
		return
	}
	for i, h := range res.Hits {
		meta := []string{}
		if h.Section != "" {
			meta = append(meta, h.Section)
		}
		if h.Area != "" {
			meta = append(meta, h.Area)
		}
		meta = append(meta, h.ShownDate())
		if h.Page > 0 {
			meta = append(meta, fmt.Sprintf("page %d", h.Page))
		}
		fmt.Fprintf(w, "%d. %s\n   %s\n", i+1, h.Title, strings.Join(meta, " · "))
		if h.SourceURL != "" {
			fmt.Fprintf(w, "   %s\n", h.SourceURL)
		}
		for _, line := range wrap(markMatches(h, bold), 76) {
			fmt.Fprintf(w, "   │ %s\n", line)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "sendbot quotes published documents with their sources; it is not advice.")
}

// markMatches puts matched words in bold when writing to a terminal.
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

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// searchLine is one line of `sendbot search --json` output.
type searchLine struct {
	Query    string         `json:"query"`
	TookMS   float64        `json:"took_ms"`
	Answered bool           `json:"answered"`
	Results  []searchResult `json:"results"`
	Error    string         `json:"error,omitempty"`
}

type searchResult struct {
	Title     string  `json:"title"`
	SourceURL string  `json:"source_url"`
	Area      string  `json:"area"`
	Kind      string  `json:"kind"`
	Published string  `json:"published"`
	Section   string  `json:"section"`
	Page      int     `json:"page"`
	Path      string  `json:"path"`
	Text      string  `json:"text"`
	Score     float64 `json:"score"`
}

// runSearch prints machine-readable results: one JSON object per query,
// for the query argument or for each line of standard input.
func runSearch(ctx context.Context, env appEnv, args []string) error {
	cfg := configFromEnv(env.getenv)
	fs := newFlags("search", &cfg, env.stderr)
	asJSON := fs.Bool("json", false, "one JSON object per query")
	area := fs.String("area", "", "only look in documents about this area")
	k := fs.Int("k", index.DefaultK, "how many passages per query")
	words, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *k < 1 || *k > 100 {
		return usageError{"--k must be between 1 and 100"}
	}
	ix, err := openForQueries(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer ix.Close()

	one := func(q string) error {
		start := time.Now()
		res, err := ix.Search(ctx, index.Query{Text: q, Area: *area, K: *k})
		if !*asJSON {
			if err != nil {
				fmt.Fprintf(env.stdout, "%s\n\n", queryError(err))
				return nil
			}
			printAnswer(env.stdout, res, isTerminal(env.stdout))
			return nil
		}
		line := searchLine{Query: q, Results: []searchResult{}}
		if err != nil {
			line.Error = queryError(err).Error()
		} else {
			line.Answered = res.Answered
			for _, h := range res.Hits {
				line.Results = append(line.Results, searchResult{
					Title: h.Title, SourceURL: h.SourceURL, Area: h.Area, Kind: h.Kind, Published: h.Published,
					Section: h.Section, Page: h.Page, Path: h.Path, Text: h.Text, Score: h.Score,
				})
			}
		}
		line.TookMS = float64(time.Since(start).Microseconds()) / 1000
		data, err := json.Marshal(line)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(env.stdout, "%s\n", data)
		return err
	}

	if len(words) > 0 {
		return one(strings.Join(words, " "))
	}
	sc := bufio.NewScanner(env.stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := one(q); err != nil {
			return err
		}
	}
	return sc.Err()
}
