//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/index"
)

// The bot can answer from an index that /reindex replaces while it runs.
var _ bot.Searcher = (*index.Live)(nil)

// These tests run the real sendbot binary and kill it with SIGKILL while
// it builds the index, as a power cut or the OOM killer would, and then
// check that a parent asking a question still gets an answer.

// crashQuestion is asked after every kill; crashTitle is the document
// that answers it.
const (
	crashQuestion = "how do I ask for an EHC needs assessment?"
	crashTitle    = "Asking for an EHC needs assessment in Testshire"
)

func TestIndexSurvivesKills(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sendbot and kills it mid-build: skipped under -short")
	}
	bin := buildSendbot(t)
	corpusDir := filepath.Join(t.TempDir(), "corpus")
	writeBigCorpus(t, corpusDir, 1500)
	data := t.TempDir()
	sb := sendbotRunner{t: t, bin: bin, corpus: corpusDir, data: data, dir: t.TempDir()}

	// A complete build, to time it and to have a good index to keep.
	start := time.Now()
	if out, err := sb.run("index"); err != nil {
		t.Fatalf("sendbot index: %v\n%s", err, out)
	}
	full := time.Since(start)
	t.Logf("a full build takes %s", full.Round(time.Millisecond))
	dir := sb.indexDir()

	t.Run("killed while rebuilding, the last index answers", func(t *testing.T) {
		states := map[string]int{}
		kills := 0
		check := func(killed bool, state, when string) bool {
			if !killed {
				return false
			}
			kills++
			states[state]++
			out, err := sb.run("ask", crashQuestion)
			if err != nil || !strings.Contains(out, crashTitle) {
				t.Fatalf("killed %s (%s): sendbot ask: %v\n%s", when, state, err, out)
			}
			if strings.Contains(out, "building the index") {
				t.Errorf("killed %s (%s): ask rebuilt the index instead of using the last good one:\n%s", when, state, out)
			}
			if left := leftovers(dir); len(left) > 0 {
				t.Errorf("killed %s (%s): ask left %v behind", when, state, left)
			}
			return true
		}
		// Kill after a delay that grows each round until a build finishes
		// before it; then in finer steps over the last stretch. A busy
		// machine builds slower than the build timed above, so past twice
		// that the delay doubles each round: some build always finishes.
		step := full / 8
		lastKilled, finished := time.Duration(0), time.Duration(-1)
		for d, round := time.Duration(0), 0; finished < 0; d, round = d+step, round+1 {
			if round == 40 {
				t.Fatalf("no build finished in %d rounds, the last given %s", round, lastKilled)
			}
			if d > 2*full {
				step = d
			}
			killed, state := sb.killAfter(t, d, "index")
			if !check(killed, state, "after "+d.String()) {
				finished = d
				break
			}
			lastKilled = d
		}
		for i := 1; i <= 3; i++ {
			d := lastKilled + (finished-lastKilled)*time.Duration(i)/4
			killed, state := sb.killAfter(t, d, "index")
			check(killed, state, "after "+d.String())
		}
		// The swap takes milliseconds, too short to hit by timing: watch
		// for the old index being moved aside and kill at that moment.
		for range 3 {
			killed, state := sb.killAtSwap(t)
			check(killed, state, "as the swap began")
		}
		t.Logf("%d kills; where they landed: %v", kills, states)
		// How many land depends on how fast each build runs; a few are
		// enough to show that none leaves the bot without an answer.
		if kills < 4 {
			t.Errorf("only %d kills landed during a build", kills)
		}
	})

	t.Run("killed during the first build, ask builds one", func(t *testing.T) {
		for _, frac := range []int{1, 3} {
			first := sb
			first.data = t.TempDir()
			delay := full * time.Duration(frac) / 4
			killed, state := first.killAfter(t, delay, "index")
			if !killed {
				t.Logf("the build finished before %s", delay)
			}
			out, err := first.run("ask", crashQuestion)
			if err != nil || !strings.Contains(out, crashTitle) {
				t.Fatalf("killed after %s (%s): sendbot ask: %v\n%s", delay, state, err, out)
			}
		}
	})

	t.Run("two builds at once", func(t *testing.T) {
		first := exec.Command(bin, "index", "--corpus", corpusDir)
		first.Env, first.Dir = sb.env(), sb.dir
		if err := first.Start(); err != nil {
			t.Fatal(err)
		}
		defer first.Wait()
		defer first.Process.Kill()
		// The first holds the lock once its new index appears beside the old.
		for deadline := time.Now().Add(full*3 + time.Minute); len(leftovers(dir)) == 0; time.Sleep(2 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the first build never started writing")
			}
		}
		start := time.Now()
		out, err := sb.run("index")
		if err == nil {
			t.Fatalf("a second sendbot index ran while another was building:\n%s", out)
		}
		if !strings.Contains(out, "another sendbot is rebuilding this index") {
			t.Errorf("the second sendbot index does not say another build is under way:\n%s", out)
		}
		t.Logf("the second build gave up after %s", time.Since(start).Round(time.Millisecond))
		if err := first.Wait(); err != nil {
			t.Errorf("the first build: %v", err)
		}
	})

	t.Run("a corrupt index is rebuilt", func(t *testing.T) {
		tests := []struct {
			name  string
			spoil func(path string, size int64) error
		}{
			{"files cut short", func(path string, size int64) error { return os.Truncate(path, size/2) }},
			{"files overwritten with garbage", func(path string, size int64) error {
				junk := make([]byte, size)
				for i := range junk {
					junk[i] = byte(rand.IntN(256))
				}
				return os.WriteFile(path, junk, 0o644)
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := os.Stat(dir); err != nil {
					t.Fatalf("no index to spoil: %v", err)
				}
				err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
					if err != nil || info.IsDir() {
						return err
					}
					return tt.spoil(path, info.Size())
				})
				if err != nil {
					t.Fatal(err)
				}
				out, err := sb.run("ask", crashQuestion)
				if err != nil || !strings.Contains(out, crashTitle) {
					t.Fatalf("sendbot ask on a spoilt index: %v\n%s", err, out)
				}
				if !strings.Contains(out, `msg="building the index" reason="the index could not be read`) {
					t.Errorf("the log does not say the index could not be read and is being rebuilt:\n%s", out)
				}
			})
		}
	})
}

// sendbotRunner runs the sendbot binary on one corpus and data folder.
type sendbotRunner struct {
	t      *testing.T
	bin    string
	corpus string
	data   string // SENDBOT_DATA
	dir    string // working folder: empty, so no .env is read
}

func (sb sendbotRunner) env() []string {
	return append(hostEnv(), "SENDBOT_DATA="+sb.data)
}

// hostEnv is the test's environment without sendbot's own settings
// (SENDBOT_, DISCORD_, LOG_), so a sendbot it starts sees only what the
// test gives it.
func hostEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SENDBOT_") && !strings.HasPrefix(kv, "DISCORD_") && !strings.HasPrefix(kv, "LOG_") {
			env = append(env, kv)
		}
	}
	return env
}

// run runs sendbot to the end and returns its standard output and error together.
func (sb sendbotRunner) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, sb.bin, append(args, "--corpus", sb.corpus)...)
	cmd.Env, cmd.Dir = sb.env(), sb.dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// killAfter starts sendbot and kills it with SIGKILL after delay. It
// reports whether it was killed (rather than finishing first) and what
// the folders beside the index said about where the build was.
func (sb sendbotRunner) killAfter(t *testing.T, delay time.Duration, args ...string) (killed bool, state string) {
	t.Helper()
	cmd := exec.Command(sb.bin, append(args, "--corpus", sb.corpus)...)
	cmd.Env, cmd.Dir = sb.env(), sb.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("sendbot %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return false, "finished"
	case <-time.After(delay):
	}
	cmd.Process.Kill()
	err := <-done
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return false, "finished" // it ended between the timer and the kill
	}
	return true, sb.buildState()
}

// killAtSwap starts sendbot index and kills it with SIGKILL as soon as
// the old index has been moved aside. It reports whether it was killed
// and where the build was.
func (sb sendbotRunner) killAtSwap(t *testing.T) (killed bool, state string) {
	t.Helper()
	dir := sb.indexDir()
	cmd := exec.Command(sb.bin, "index", "--corpus", sb.corpus)
	cmd.Env, cmd.Dir = sb.env(), sb.dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("sendbot index: %v", err)
			}
			return false, "finished"
		default:
		}
		if old, _ := filepath.Glob(dir + ".old-*"); len(old) > 0 {
			break
		}
	}
	cmd.Process.Kill()
	var exit *exec.ExitError
	if err := <-done; !errors.As(err, &exit) {
		return false, "finished"
	}
	return true, sb.buildState()
}

// buildState names the moment of a Rebuild that the index folders show.
func (sb sendbotRunner) buildState() string {
	dir := sb.indexDir()
	_, err := os.Stat(dir)
	hasDir := err == nil
	building, _ := filepath.Glob(dir + ".building-*")
	old, _ := filepath.Glob(dir + ".old-*")
	switch {
	case len(old) > 0 && !hasDir:
		return "between the renames"
	case len(old) > 0:
		return "removing the old index"
	case len(building) > 0:
		return "writing the new index"
	case hasDir:
		return "before writing (or after the end)"
	}
	return "before the first index"
}

// indexDir is the index folder under the data folder: the only one
// named like a corpus index, without a .lock, .building- or .old- tail.
func (sb sendbotRunner) indexDir() string {
	matches, _ := filepath.Glob(filepath.Join(sb.data, "indexes", filepath.Base(sb.corpus)+"-*"))
	for _, m := range matches {
		if !strings.Contains(filepath.Base(m), ".") {
			return m
		}
	}
	// No index yet: name it as sendbot would, from any folder beside it.
	for _, m := range matches {
		return m[:strings.LastIndex(m, ".")]
	}
	return filepath.Join(sb.data, "indexes", "none")
}

// leftovers are the folders an unfinished build left beside dir.
func leftovers(dir string) []string {
	b, _ := filepath.Glob(dir + ".building-*")
	o, _ := filepath.Glob(dir + ".old-*")
	return append(b, o...)
}

// writeBigCorpus writes n made-up activity club pages and one page that
// answers crashQuestion, enough for building the index to take a while.
func writeBigCorpus(t *testing.T, dir string, n int) {
	t.Helper()
	write := func(name, text string) {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("testshire/assessment.md", `---
title: `+crashTitle+`
source_url: https://testshire.example/ehc
published: 2024-03-01
kind: local-offer
---
# `+crashTitle+`

## How to ask

A parent can write to the council's SEN team to request an education, health and care needs assessment. The council must tell you within six weeks whether it will assess your child.
`)
	words := strings.Fields(`art music swimming football drama dance cooking gardening climbing cycling
		reading chess games crafts film photography nature walks sensory play quiet room trampoline
		saturday sunday evening morning holiday term weekly monthly free small fee booking needed
		wheelchair accessible hall park library leisure centre youth club volunteers staff trained
		autism adhd hearing sight physical learning siblings carers families teenagers children`)
	rng := rand.New(rand.NewPCG(1, 2))
	sentence := func() string {
		ws := make([]string, 12)
		for i := range ws {
			ws[i] = words[rng.IntN(len(words))]
		}
		return strings.ToUpper(ws[0][:1]) + ws[0][1:] + " " + strings.Join(ws[1:], " ") + "."
	}
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: Activity club %d\nsource_url: https://testshire.example/clubs/%d\nkind: local-offer\n---\n# Activity club %d\n", i, i, i)
		for s := range 4 {
			fmt.Fprintf(&b, "\n## Part %d\n\n", s+1)
			for range 6 {
				b.WriteString(sentence() + " ")
			}
			b.WriteString("\n")
		}
		write(fmt.Sprintf("testshire/clubs/club-%04d.md", i), b.String())
	}
}
