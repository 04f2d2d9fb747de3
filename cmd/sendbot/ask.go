package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/settings"
)

// runAsk answers one question in the terminal.
func runAsk(ctx context.Context, env appEnv, args []string) error {
	cfg := settings.Read(env.getenv)
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
	maxAge, err := cfg.StaleAfter()
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
		return areaSettingError(answer.SearchError(err), cfg, *area)
	}
	answer.WriteText(env.stdout, res, answer.TextOptions{Bold: isTerminal(env.stdout), Now: now, MaxAge: maxAge})
	return nil
}

// areaSettingError names SENDBOT_AREA in an unknown-area error when the
// area came from it rather than from --area.
func areaSettingError(err error, cfg settings.Settings, area string) error {
	if errors.Is(err, index.ErrUnknownArea) && cfg.Area != "" && area == cfg.Area {
		return fmt.Errorf("SENDBOT_AREA: %w", err)
	}
	return err
}

// openForQueries opens the index for ask and search. Logs go to standard
// error, so building the index on first use is announced apart from the
// answer on standard output.
func openForQueries(ctx context.Context, cfg settings.Settings, env appEnv) (*index.Index, error) {
	lib, err := openLibrary(cfg, env.stderr)
	if err != nil {
		return nil, err
	}
	return lib.OpenIndex(ctx)
}

// isTerminal reports whether w is a terminal, where matched words are bold.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// runSearch prints machine-readable results: one JSON object per query,
// for the query argument or for each line of standard input.
func runSearch(ctx context.Context, env appEnv, args []string) error {
	cfg := settings.Read(env.getenv)
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
	maxAge, err := cfg.StaleAfter()
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
				fmt.Fprintf(env.stdout, "%s\n\n", areaSettingError(answer.SearchError(err), cfg, *area))
				return nil
			}
			answer.WriteText(env.stdout, res, answer.TextOptions{Bold: isTerminal(env.stdout), Now: start, MaxAge: maxAge})
			return nil
		}
		if err != nil {
			err = areaSettingError(answer.SearchError(err), cfg, *area)
		}
		line := answer.NewJSONLine(q, res, err, start, maxAge)
		line.TookMS = float64(time.Since(start).Microseconds()) / 1000
		return line.Write(env.stdout)
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
