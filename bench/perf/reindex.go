package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/eval"
	"github.com/sendbot/sendbot/index"
)

// reindexRow is what answering costs while the shared corpus is rebuilt
// and swapped in, as `/reindex` and SIGHUP do it in `sendbot serve`.
type reindexRow struct {
	Passages   int
	Rebuilds   int
	RebuildS   []float64 // each rebuild: read the corpus, Rebuild, Reload
	Askers     int
	Idle       latencies // questions asked with no rebuild running
	During     latencies // questions asked while a rebuild ran
	Errors     int
	Unanswered int // questions that got no passage at all during rebuilds
}

type latencies struct {
	N             int
	P50, P99, Max time.Duration
}

func summarise(d []time.Duration) latencies {
	l := latencies{N: len(d)}
	if len(d) == 0 {
		return l
	}
	l.P50, _, l.P99 = percentiles(d)
	l.Max = slices.Max(d)
	return l
}

// reindexCost builds an index of the shared corpus, opens it as serve
// does, and has askers put the shared eval questions to it without pause
// while the corpus is read, rebuilt and swapped in `rebuilds` times. It
// times every answer, apart for those asked during a rebuild.
func reindexCost(o options, work string, rebuilds, askers int) (reindexRow, error) {
	r := reindexRow{Rebuilds: rebuilds, Askers: askers}
	f, err := os.Open(o.questions)
	if err != nil {
		return r, err
	}
	qs, err := eval.ReadQuestions(f)
	f.Close()
	if err != nil {
		return r, err
	}
	fsys := os.DirFS(filepath.Join(o.shared, "corpus"))
	c, err := corpus.Load(fsys)
	if err != nil {
		return r, err
	}
	for _, d := range c.Documents {
		r.Passages += len(d.Passages)
	}
	dir := filepath.Join(work, "index-shared")
	g := corpus.BuiltinGlossary().Merge(c.Glossary)
	ctx := context.Background()
	if err := index.Rebuild(ctx, dir, c.Documents, g, index.Source{Name: "shared"}); err != nil {
		return r, err
	}
	live, err := index.OpenLive(dir)
	if err != nil {
		return r, err
	}
	defer live.Close()

	var (
		mu       sync.Mutex
		building bool
		idle     []time.Duration
		during   []time.Duration
		stop     = make(chan struct{})
		wg       sync.WaitGroup
	)
	for a := range askers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := a; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				q := qs[i%len(qs)]
				mu.Lock()
				inBuild := building
				mu.Unlock()
				start := time.Now()
				res, err := live.Search(ctx, index.Query{Text: q.Text, Area: q.Area})
				took := time.Since(start)
				mu.Lock()
				inBuild = inBuild || building
				switch {
				case err != nil:
					r.Errors++
				case inBuild:
					during = append(during, took)
					if len(res.Hits) == 0 && !q.NoAnswer() {
						r.Unanswered++
					}
				default:
					idle = append(idle, took)
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(2 * time.Second) // answers with nothing else running
	for range rebuilds {
		mu.Lock()
		building = true
		mu.Unlock()
		start := time.Now()
		err := func() error {
			c, err := corpus.Load(fsys)
			if err != nil {
				return err
			}
			if err := index.Rebuild(ctx, dir, c.Documents, g, index.Source{Name: "shared"}); err != nil {
				return err
			}
			return live.Reload()
		}()
		r.RebuildS = append(r.RebuildS, time.Since(start).Seconds())
		mu.Lock()
		building = false
		mu.Unlock()
		if err != nil {
			close(stop)
			wg.Wait()
			return r, fmt.Errorf("rebuild while answering: %w", err)
		}
		time.Sleep(500 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	r.Idle, r.During = summarise(idle), summarise(during)
	return r, nil
}

// writeReindex adds the reindex measurement to the results.
func writeReindex(b *strings.Builder, r *reindexRow) {
	b.WriteString("\n## Answering while the index is rebuilt\n\n")
	fmt.Fprintf(b, "The %d passages of ../shared/corpus are read, rebuilt with `index.Rebuild` and swapped in with `Live.Reload` "+
		"%d times, as `/reindex` and SIGHUP do in `sendbot serve`, while %d askers put the shared eval questions to the same `index.Live` "+
		"one after another without pause. Target: no answer slower than 500 ms.\n\n", r.Passages, r.Rebuilds, r.Askers)
	b.WriteString("| | questions | p50 | p99 | slowest | errors | no passage |\n|---|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(b, "| no rebuild running | %d | %s | %s | %s | – | – |\n", r.Idle.N, ms(r.Idle.P50), ms(r.Idle.P99), ms(r.Idle.Max))
	fmt.Fprintf(b, "| during a rebuild | %d | %s | %s | %s | %d | %d |\n", r.During.N, ms(r.During.P50), ms(r.During.P99), ms(r.During.Max), r.Errors, r.Unanswered)
	var each []string
	for _, s := range r.RebuildS {
		each = append(each, fmt.Sprintf("%.1f s", s))
	}
	fmt.Fprintf(b, "\nEach rebuild, reading the files to the swap: %s. \"no passage\" counts questions that should be answered and got no passage at all.\n", strings.Join(each, ", "))
}
