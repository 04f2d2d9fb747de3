// Command manifest measures how long a replica takes to check a large
// index against the manifest its builder wrote (index.Verify, which
// OpenPublished and every Reload of a replica run before opening a new
// index), and how long the whole OpenPublished takes.
//
//	go run ./bench/manifest -passages 1000000
//
// It writes the synthetic corpus bench/perf measures (bench/synth, seed
// 7, the words of ../shared/corpus), builds its index with
// index.RebuildFrom as sendbot index does (which writes the manifest),
// then times Verify and OpenPublished -rounds times each. The index's
// files are in the page cache after the build (warm), as they are on a
// builder's own volume; a replica on another machine reads them over the
// network the first time, which this does not measure.
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/sendbot/sendbot/bench/synth"
	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

func main() {
	n := flag.Int("passages", 1000000, "corpus size, in passages")
	shared := flag.String("shared", "../shared", "the shared test data folder (its corpus/ gives the vocabulary)")
	rounds := flag.Int("rounds", 3, "how many times Verify and OpenPublished are timed")
	work := flag.String("work", "", "work folder (default: a new temporary folder, removed at the end)")
	flag.Parse()
	if err := run(*n, *shared, *rounds, *work); err != nil {
		fmt.Fprintln(os.Stderr, "manifest:", err)
		os.Exit(1)
	}
}

func run(n int, shared string, rounds int, work string) error {
	if work == "" {
		dir, err := os.MkdirTemp("", "sendbot-manifest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		work = dir
	}
	corpusDir, idxDir := filepath.Join(work, "corpus"), filepath.Join(work, "index")
	if _, err := os.Stat(filepath.Join(idxDir, index.ManifestName)); err != nil {
		v, err := synth.Learn(filepath.Join(shared, "corpus"))
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "writing %d passages to %s\n", n, corpusDir)
		os.RemoveAll(corpusDir)
		if err := synth.Generate(corpusDir, v, n, 7); err != nil {
			return err
		}
		r, err := corpus.NewReader(os.DirFS(corpusDir), "")
		if err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "building the index")
		start := time.Now()
		g := corpus.BuiltinGlossary()
		if err := index.RebuildFrom(context.Background(), idxDir, r.Documents(), g.Merge(r.Glossary), index.Source{Name: "synthetic"}); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "built in %.1f s\n", time.Since(start).Seconds())
	}
	files, bytes, err := size(idxDir)
	if err != nil {
		return err
	}
	var verify, open []time.Duration
	for range rounds {
		start := time.Now()
		if err := index.Verify(idxDir); err != nil {
			return err
		}
		verify = append(verify, time.Since(start))
		start = time.Now()
		l, err := index.OpenPublished(idxDir)
		if err != nil {
			return err
		}
		open = append(open, time.Since(start))
		info := l.Info()
		l.Close()
		if len(verify) == 1 {
			fmt.Printf("index: %d passages, %d documents, %d files, %.0f MiB\n", info.Passages, info.Documents, files, float64(bytes)/(1<<20))
		}
	}
	fmt.Printf("Verify (SHA-256 of every file), median of %d: %.2f s (all: %s)\n", rounds, median(verify).Seconds(), verify)
	fmt.Printf("OpenPublished (Verify, then open), median of %d: %.2f s (all: %s)\n", rounds, median(open).Seconds(), open)
	return nil
}

func size(dir string) (files int, bytes int64, err error) {
	err = filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		files++
		bytes += info.Size()
		return nil
	})
	return files, bytes, err
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
