package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

// A build is measured in a child process (this command again, run as
// `perf build-child CORPUS INDEX`) so that its peak resident memory is
// the build's alone: not the parent's searches, nor the generator's
// vocabulary, nor what an earlier size left in the parent's heap.

// buildChildCommand is the first argument that makes perf a build child.
const buildChildCommand = "build-child"

// builtIndex is what a build child reports on its standard output, and
// the peak RSS its parent reads from the system.
type builtIndex struct {
	Passages  int     `json:"passages"`
	Documents int     `json:"documents"`
	LoadS     float64 `json:"load_seconds"`  // reading the corpus
	BuildS    float64 `json:"build_seconds"` // index.Rebuild
	MaxRSSKiB int64   `json:"-"`
}

// buildInChild builds the index of the corpus in corpusDir into idxDir in
// a child process, and returns what it reports with its peak RSS.
func buildInChild(corpusDir, idxDir string) (builtIndex, error) {
	var b builtIndex
	exe, err := os.Executable()
	if err != nil {
		return b, err
	}
	cmd := exec.Command(exe, buildChildCommand, corpusDir, idxDir)
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

// buildChild is the child's side: it reads the corpus and builds its
// index as `sendbot index` does, with the Source the sendbot binary
// expects (cliSource), and prints what it did as JSON.
func buildChild(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("want CORPUS INDEX, got %q", args)
	}
	corpusDir, idxDir := args[0], args[1]
	var b builtIndex
	start := time.Now()
	fsys := os.DirFS(corpusDir)
	c, err := corpus.Load(fsys)
	if err != nil {
		return err
	}
	b.LoadS = time.Since(start).Seconds()
	for _, d := range c.Documents {
		b.Passages += len(d.Passages)
	}
	b.Documents = len(c.Documents)
	src, err := cliSource(corpusDir, fsys)
	if err != nil {
		return err
	}
	g := corpus.BuiltinGlossary().Merge(c.Glossary)
	start = time.Now()
	if err := index.Rebuild(context.Background(), idxDir, c.Documents, g, src); err != nil {
		return err
	}
	b.BuildS = time.Since(start).Seconds()
	return json.NewEncoder(os.Stdout).Encode(b)
}
