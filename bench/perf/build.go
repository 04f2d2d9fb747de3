package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

// A build is measured in a child process (this command again, run as
// `perf build-child [-held] CORPUS INDEX`) so that its peak resident
// memory is the build's alone: not the parent's searches, nor the
// generator's vocabulary, nor what an earlier size left in the parent's
// heap.
//
// By default the child reads the corpus file by file while it builds
// (corpus.Reader into index.RebuildFrom), as `sendbot index` does; with
// -held it reads the whole corpus first and then builds (corpus.Load,
// then index.Rebuild), as `sendbot index` did before issue 25.

// buildChildCommand is the first argument that makes perf a build child.
const buildChildCommand = "build-child"

// builtIndex is what a build child reports on its standard output, and
// the peak RSS its parent reads from the system.
type builtIndex struct {
	Passages  int     `json:"passages"`
	Documents int     `json:"documents"`
	LoadS     float64 `json:"load_seconds"`  // reading the corpus first, when held
	BuildS    float64 `json:"build_seconds"` // building (and reading the corpus, when streamed)
	MaxRSSKiB int64   `json:"-"`
}

// buildInChild builds the index of the corpus in corpusDir into idxDir in
// a child process, and returns what it reports with its peak RSS.
func buildInChild(corpusDir, idxDir string, held bool) (builtIndex, error) {
	var b builtIndex
	exe, err := os.Executable()
	if err != nil {
		return b, err
	}
	args := []string{buildChildCommand}
	if held {
		args = append(args, "-held")
	}
	cmd := exec.Command(exe, append(args, corpusDir, idxDir)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return b, fmt.Errorf("build child: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), &b); err != nil {
		return b, fmt.Errorf("build child's report %q: %w", stdout.String(), err)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok || ru.Maxrss == 0 {
		return b, errors.New("the system gave no peak RSS of the build child")
	}
	b.MaxRSSKiB = ru.Maxrss // KiB on Linux
	return b, nil
}

// buildChild is the child's side: it builds the index of the corpus with
// the Source the sendbot binary expects (cliSource), and prints what it
// did as JSON.
func buildChild(args []string) error {
	flags := flag.NewFlagSet(buildChildCommand, flag.ContinueOnError)
	held := flags.Bool("held", false, "read the whole corpus before building, as sendbot index did before issue 25")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() != 2 {
		return fmt.Errorf("want CORPUS INDEX, got %q", flags.Args())
	}
	corpusDir, idxDir := flags.Arg(0), flags.Arg(1)
	fsys := os.DirFS(corpusDir)
	src, err := cliSource(corpusDir, fsys)
	if err != nil {
		return err
	}
	g := corpus.BuiltinGlossary()
	var b builtIndex
	start := time.Now()
	if *held {
		c, err := corpus.Load(fsys)
		if err != nil {
			return err
		}
		b.LoadS = time.Since(start).Seconds()
		start = time.Now()
		if err := index.Rebuild(context.Background(), idxDir, c.Documents, g.Merge(c.Glossary), src); err != nil {
			return err
		}
	} else {
		r, err := corpus.NewReader(fsys, "")
		if err != nil {
			return err
		}
		if err := index.RebuildFrom(context.Background(), idxDir, r.Documents(), g.Merge(r.Glossary), src); err != nil {
			return err
		}
		if problems := r.Problems(); len(problems) > 0 {
			return fmt.Errorf("%s: %s", problems[0].Path, problems[0].Reason)
		}
	}
	b.BuildS = time.Since(start).Seconds()
	ix, err := index.Open(idxDir)
	if err != nil {
		return err
	}
	info := ix.Info()
	ix.Close()
	b.Passages, b.Documents = info.Passages, info.Documents
	return json.NewEncoder(os.Stdout).Encode(b)
}
