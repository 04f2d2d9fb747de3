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

	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/index"
)

// runAsk answers one question in the terminal.
func runAsk(ctx context.Context, env appEnv, args []string) error {
	cfg := configFromEnv(env.getenv)
	fs := newFlags("ask", &cfg, env.stderr)
	area := fs.String("area", cfg.Area, "look in this area's documents first, e.g. Herefordshire (default: $SENDBOT_AREA, else all areas alike)")
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
	maxAge, err := cfg.maxAge()
	if err != nil {
		return err
	}
	ix, err := openForQueries(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer ix.Close()
	now := time.Now()
	res, err := ix.Search(ctx, index.Query{Text: question, Area: *area, K: *k})
	if err != nil {
		return areaSettingError(queryError(err), cfg, *area)
	}
	printAnswer(env.stdout, res, view{bold: isTerminal(env.stdout), now: now, maxAge: maxAge})
	return nil
}

// areaSettingError names SENDBOT_AREA in an unknown-area error when the
// area came from it rather than from --area.
func areaSettingError(err error, cfg config, area string) error {
	if errors.Is(err, index.ErrUnknownArea) && cfg.Area != "" && area == cfg.Area {
		return fmt.Errorf("SENDBOT_AREA: %w", err)
	}
	return err
}

// openForQueries opens the index for ask and search. Logs go to standard
// error, so building the index on first use is announced apart from the
// answer on standard output.
func openForQueries(ctx context.Context, cfg config, env appEnv) (*index.Index, error) {
	lib, err := openLibrary(cfg, env.stderr)
	if err != nil {
		return nil, err
	}
	return lib.OpenIndex(ctx)
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

// view is how the terminal shows answers.
type view struct {
	bold   bool          // matched words in bold, for a terminal
	now    time.Time     // what passages are dated against
	maxAge time.Duration // older passages are marked as possibly out of date
}

// printAnswer writes the passages with their sources and dates, a meaning
// first when the question asked for one, or says plainly that nothing
// answered the question and where to ask instead.
func printAnswer(w io.Writer, res index.Result, v view) {
	if !res.Answered || len(res.Hits) == 0 {
		printDecline(w, res)
		return
	}
	var notes []string
	if len(res.Corrections) > 0 {
		notes = append(notes, "Searched for "+correctionList(res.Corrections, "%s (you typed %s)")+".")
	}
	if note := bot.UncoveredNote(res); note != "" {
		notes = append(notes, note)
	}
	if len(notes) > 0 {
		fmt.Fprintf(w, "%s\n\n", strings.Join(notes, "\n"))
	}
	numbers := bot.Numbers(res.Hits, 0)
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
		for _, line := range wrap(markMatches(h, v.bold), 76) {
			fmt.Fprintf(w, "   │ %s\n", line)
		}
		for _, line := range wrap(jargonLine(h.Jargon), 76) {
			fmt.Fprintf(w, "   %s\n", line)
		}
		fmt.Fprintln(w)
	}
	if note := bot.StaleNote(res.Hits, numbers, v.now, v.maxAge); note != "" {
		fmt.Fprintf(w, "%s\n\n", note)
	}
	fmt.Fprintln(w, "sendbot quotes published documents with their sources; it is not advice.")
}

// printDecline says the search found no answer, what it made of the
// words, and where to ask instead as the documents give it; it never
// names a service the documents do not.
func printDecline(w io.Writer, res index.Result) {
	fmt.Fprintln(w, bot.DeclineSentence(res))
	if len(res.Corrections) > 0 {
		fmt.Fprintf(w, "I searched for %s.\n", correctionList(res.Corrections, "%s instead of %s"))
	}
	if len(res.Unknown) > 0 {
		fmt.Fprintf(w, "My documents don't mention: %s.\n", strings.Join(res.Unknown, ", "))
	}
	if res.Uncovered == "" {
		fmt.Fprintln(w, "Try other words (for example EHCP, short breaks, autism assessment) or --area.")
	}
	if len(res.Signposts) == 0 && res.Uncovered != "" {
		return // the first sentence has said the documents do not cover it
	}
	fmt.Fprintln(w)
	if len(res.Signposts) == 0 {
		whose := "a"
		if res.Area != "" {
			whose = res.Area + "'s"
		}
		fmt.Fprintf(w, "My documents don't include %s Local Offer or independent SEND advice service (SENDIASS), so I can't point you to them.\n", whose)
		return
	}
	fmt.Fprintln(w, "Where to ask instead:")
	// A page that is both the Local Offer and the advice service's is listed once.
	var order []string
	whats := map[string][]string{}
	hits := map[string]index.Hit{}
	for _, s := range res.Signposts {
		key := s.Hit.Path + "|" + s.Hit.Title + "|" + s.Hit.SourceURL
		if _, ok := hits[key]; !ok {
			order = append(order, key)
			hits[key] = s.Hit
		}
		whats[key] = append(whats[key], s.What)
	}
	for _, key := range order {
		fmt.Fprintf(w, "   %s: %s\n", strings.Join(whats[key], " and "), hits[key].Title)
		if u := hits[key].SourceURL; u != "" {
			fmt.Fprintf(w, "   %s\n", u)
		}
	}
}

// correctionList writes corrections with format, given the word searched
// for and the word typed: "autism (you typed autisim)".
func correctionList(cs []index.Correction, format string) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf(format, c.To, c.From))
	}
	return strings.Join(parts, ", ")
}

// jargonLine explains the glossary terms a quote uses:
// "EHCP: Education, Health and Care plan · SENCO: …".
func jargonLine(js []index.Jargon) string {
	var parts []string
	for _, j := range js {
		parts = append(parts, j.Term+": "+j.Meaning)
	}
	return strings.Join(parts, " · ")
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
	// Area is the area searched first, as the index shows it.
	Area string `json:"area,omitempty"`
	// Confidence is the model's probability that answering is right.
	Confidence float64 `json:"confidence"`
	// Uncovered is the place the question is about when the documents
	// have nothing local there, and Country that place's country.
	Uncovered   string             `json:"uncovered,omitempty"`
	Country     string             `json:"country,omitempty"`
	Corrections []index.Correction `json:"corrections,omitempty"`
	Unknown     []string           `json:"unknown,omitempty"`
	// Signposts are, when the search declines, where to ask instead.
	Signposts []searchSignpost `json:"signposts,omitempty"`
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
	// Stale marks a passage from a document published longer ago than
	// SENDBOT_STALE_AFTER, and StaleReason says so: "over 2 years old";
	// it is "" when Stale is false.
	Stale       bool           `json:"stale"`
	StaleReason string         `json:"stale_reason"`
	Jargon      []index.Jargon `json:"jargon,omitempty"`
}

type searchSignpost struct {
	What      string `json:"what"`
	Title     string `json:"title"`
	SourceURL string `json:"source_url"`
}

// runSearch prints machine-readable results: one JSON object per query,
// for the query argument or for each line of standard input.
func runSearch(ctx context.Context, env appEnv, args []string) error {
	cfg := configFromEnv(env.getenv)
	fs := newFlags("search", &cfg, env.stderr)
	asJSON := fs.Bool("json", false, "one JSON object per query")
	area := fs.String("area", cfg.Area, "look in this area's documents first (default: $SENDBOT_AREA, else all areas alike)")
	k := fs.Int("k", index.DefaultK, "how many passages per query")
	words, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *k < 1 || *k > 100 {
		return usageError{"--k must be between 1 and 100"}
	}
	maxAge, err := cfg.maxAge()
	if err != nil {
		return err
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
				fmt.Fprintf(env.stdout, "%s\n\n", areaSettingError(queryError(err), cfg, *area))
				return nil
			}
			printAnswer(env.stdout, res, view{bold: isTerminal(env.stdout), now: start, maxAge: maxAge})
			return nil
		}
		line := searchLine{Query: q, Results: []searchResult{}}
		if err != nil {
			line.Error = areaSettingError(queryError(err), cfg, *area).Error()
		} else {
			line.Answered, line.Area, line.Confidence = res.Answered, res.Area, res.Confidence
			line.Uncovered, line.Country = res.Uncovered, res.Country
			line.Corrections, line.Unknown = res.Corrections, res.Unknown
			for _, s := range res.Signposts {
				line.Signposts = append(line.Signposts, searchSignpost{What: s.What, Title: s.Hit.Title, SourceURL: s.Hit.SourceURL})
			}
			for _, h := range res.Hits {
				st := h.Staleness(start, maxAge)
				line.Results = append(line.Results, searchResult{
					Title: h.Title, SourceURL: h.SourceURL, Area: h.Area, Kind: h.Kind, Published: h.Published,
					Section: h.Section, Page: h.Page, Path: h.Path, Text: h.Text, Score: h.Score,
					Stale: st.Stale, StaleReason: st.Reason, Jargon: h.Jargon,
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
