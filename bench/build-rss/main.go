// Command build-rss writes the synthetic corpus that bench/build-rss/run.sh
// has `sendbot index` build (issue 25): bench/synth's Markdown files of
// n passages, made from the vocabulary of ../shared/corpus, into a folder.
//
//	go run ./bench/build-rss -passages 1000000 -out /tmp/corpus-1000000
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sendbot/sendbot/bench/synth"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "build-rss:", err)
		os.Exit(1)
	}
}

func run() error {
	passages := flag.Int("passages", 100000, "how many passages the corpus holds")
	shared := flag.String("shared", "../shared", "the shared test data folder (its corpus/ gives the vocabulary)")
	out := flag.String("out", "", "the folder to write the corpus into; it must not exist yet")
	seed := flag.Uint64("seed", 7, "seed of the synthetic corpus (bench/perf's default)")
	flag.Parse()
	if *out == "" || *passages < 1 {
		return errors.New("usage: build-rss -passages N -out FOLDER")
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s already exists", *out)
	}
	v, err := synth.Learn(filepath.Join(*shared, "corpus"))
	if err != nil {
		return fmt.Errorf("learn the vocabulary (needs ../shared/corpus or -shared): %w", err)
	}
	// Written to a folder beside it and renamed when complete, so that an
	// interrupted run leaves no corpus that looks whole.
	partial := *out + ".partial"
	if err := os.RemoveAll(partial); err != nil {
		return err
	}
	if err := synth.Generate(partial, v, *passages, *seed); err != nil {
		return err
	}
	return os.Rename(partial, *out)
}
