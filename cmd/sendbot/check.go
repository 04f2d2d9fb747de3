package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/settings"
)

// errCorpusProblems makes check exit 1 after it has listed the problems.
var errCorpusProblems = errors.New("the corpus has problems (listed above)")

// runCheck lists every file of a corpus with its status, every service
// read from a directory feed, every entry left out and every problem with
// its path and reason, then totals per area and per format. It exits 1 when
// any file is broken; formats that are not read are listed as skipped.
func runCheck(ctx context.Context, env appEnv, args []string) error {
	cfg := settings.Read(env.getenv)
	fs := newFlags("check", &cfg, env.stderr)
	summary := fs.Bool("summary", false, "print only the totals and the problems, not every document and service")
	learn := fs.String("learn-template", "", "first learn the template of the web pages saved from one site in this folder (inside the corpus), and save it there as "+corpus.SiteTemplateFile)
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "usage: sendbot check [--summary] [--learn-template SITE-FOLDER] [DIR]   (default: $SENDBOT_CORPUS, else the built-in corpus)")
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
	if *learn != "" {
		if err := learnTemplate(env, *learn); err != nil {
			return err
		}
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
	fmt.Fprintf(env.stdout, "Corpus: %s\n\n", corpus.Printable(lib.Name()))
	c.WriteReport(env.stdout, *summary)
	fmt.Fprintf(env.stdout, "Read in %s.\n", took.Round(time.Millisecond))
	if len(c.Errors()) > 0 {
		return errCorpusProblems
	}
	return nil
}

// learnTemplate learns the template of the pages saved from one site in
// dir and saves it there, where reading the corpus drops it from them.
func learnTemplate(env appEnv, dir string) error {
	t, err := corpus.LearnSiteTemplate(os.DirFS(dir), ".")
	if err == nil {
		err = t.WriteFile(dir)
	}
	if err != nil {
		return fmt.Errorf("learn the template of %s: %w", corpus.Printable(dir), err)
	}
	fmt.Fprintf(env.stdout, "Learnt the template of %d web pages in %s; saved as %s.\n\n", t.Pages, corpus.Printable(dir), corpus.SiteTemplateFile)
	return nil
}

// runIndex builds the index of the configured corpus, replacing the old
// one only when the new one is complete.
func runIndex(ctx context.Context, env appEnv, args []string) error {
	cfg := settings.Read(env.getenv)
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
		corpus.WriteProblems(env.stdout, c.Problems)
	}
	if err != nil {
		return err
	}
	ix, err := index.Open(lib.IndexDir())
	if err != nil {
		return err
	}
	defer ix.Close()
	c.WriteSummary(env.stdout, lib.Name(), lib.IndexDir(), time.Since(start), ix.Info().Areas)
	return nil
}
