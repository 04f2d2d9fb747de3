//go:build linux

package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/internal/pgtest"
	"github.com/sendbot/sendbot/internal/testkit"
)

// BenchmarkReplicasUnderLoad runs a builder and two replicas of sendbot
// on one shared index folder, as docs/scaling.md describes, and has the
// fake Discord put a bounded load to the replicas' HTTP interactions
// endpoints: replicaQuestions signed /ask interactions, sent to the two
// replicas in turn by replicaAskers askers that each wait for the
// answer before sending the next. It reports the questions answered per
// second by each replica and the answer times (interaction sent to
// answer received: the HTTP response, or the edit of a deferred one),
// once with the embedded store (each replica's own files and memory) and
// once with PostgreSQL (SENDBOT_TEST_DATABASE_URL; skipped without it).
// With ../shared beside the checkout it serves ../shared/corpus;
// otherwise the built-in corpus. bench/replicas/run.sh runs it.
//
//	go test ./cmd/sendbot -run '^$' -bench ReplicasUnderLoad -benchtime 1x
func BenchmarkReplicasUnderLoad(b *testing.B) {
	bin := buildSendbot(b)
	corpusDir, corpusName := "", "the built-in corpus"
	if abs, err := filepath.Abs("../../../shared/corpus"); err == nil {
		if _, err := os.Stat(abs); err == nil {
			corpusDir, corpusName = abs, "../shared/corpus"
		}
	}
	for _, store := range []string{"embedded", "postgres"} {
		b.Run(store, func(b *testing.B) {
			dbURL := ""
			if store == "postgres" {
				dbURL = pgtest.NewDatabase(b)
			}
			for range b.N {
				replicaLoad(b, bin, corpusDir, corpusName, store, dbURL)
			}
		})
	}
}

const (
	replicaQuestions = 2000
	replicaAskers    = 8
)

func replicaLoad(b *testing.B, bin, corpusDir, corpusName, store, dbURL string) {
	indexDir := filepath.Join(b.TempDir(), "index")
	srv := discordtest.NewServer(b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := func(role string) (*serveProcess, string) {
		addr := freeAddr(b)
		env := []string{"DISCORD_TOKEN=" + discordtest.Token, "DISCORD_GUILD_ID=" + discordtest.GuildID,
			"DISCORD_API_URL=" + srv.APIURL(), "DISCORD_PUBLIC_KEY=" + discordtest.PublicKeyHex,
			"SENDBOT_ROLE=" + role, "SENDBOT_INTERACTIONS_ADDR=" + addr, "SENDBOT_INDEX=" + indexDir,
			"SENDBOT_DATA=" + b.TempDir(), "SENDBOT_RATE_LIMIT=1000"}
		if corpusDir != "" {
			env = append(env, "SENDBOT_CORPUS="+corpusDir)
		}
		if dbURL != "" {
			env = append(env, "DATABASE_URL="+dbURL)
		}
		p := startServeProcess(b, bin, b.TempDir(), srv, env...)
		url := "http://" + addr + "/interactions"
		testkit.WaitFor(b, role+"'s interactions endpoint", func() bool {
			code, body, err := srv.Ping(ctx, url)
			return err == nil && code == http.StatusOK && string(body) == `{"type":1}`
		})
		return p, url
	}
	start("builder")
	pa, urlA := start("replica")
	pb, urlB := start("replica")
	urls := []string{urlA, urlB}

	// The fake Discord has one endpoint at a time: it is set and the
	// interaction sent under one lock (sending only starts the POST).
	var sendMu sync.Mutex
	ask := func(n int) (replica int, took time.Duration, answered, ok bool) {
		replica = n % 2
		i := srv.SlashCommand("ask", discordtest.SlashOption{Name: "question", Value: loadQuestions[n%len(loadQuestions)]})
		i.Member.User = &discordgo.User{ID: fmt.Sprintf("4%018d", n%200), Username: fmt.Sprintf("parent%d", n%200)}
		sendMu.Lock()
		srv.SetInteractionsEndpoint(urls[replica])
		sent := time.Now()
		srv.SendInteraction(i)
		sendMu.Unlock()
		r, err := srv.WaitResponse(ctx, i)
		if err != nil || r.Message == nil {
			return replica, 0, false, false
		}
		at := r.CallbackAt
		if r.CallbackType == discordgo.InteractionResponseDeferredChannelMessageWithSource {
			at = r.EditedAt
		}
		return replica, at.Sub(sent), len(r.Message.Embeds) > 0, true
	}
	for n := range 2 * len(loadQuestions) { // warm-up: every question at each replica
		ask(n)
	}

	var next atomic.Int64
	var mu sync.Mutex
	times := [2][]time.Duration{}
	var answered, lost int
	var wg sync.WaitGroup
	began := time.Now()
	for range replicaAskers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := int(next.Add(1)) - 1
				if n >= replicaQuestions {
					return
				}
				replica, took, hit, ok := ask(n)
				mu.Lock()
				if ok {
					times[replica] = append(times[replica], took)
					if hit {
						answered++
					}
				} else {
					lost++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	wall := time.Since(began)
	if lost > 0 {
		b.Errorf("%d of %d questions got no answer\nA:\n%s\nB:\n%s", lost, replicaQuestions, pa.logs.String(), pb.logs.String())
	}
	pct := func(ts []time.Duration, q float64) time.Duration {
		s := slices.Clone(ts)
		slices.Sort(s)
		if len(s) == 0 {
			return 0
		}
		return s[int(q*float64(len(s)-1))]
	}
	all := append(slices.Clone(times[0]), times[1]...)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(float64(len(times[0]))/wall.Seconds(), "qps-replica-A")
	b.ReportMetric(float64(len(times[1]))/wall.Seconds(), "qps-replica-B")
	b.ReportMetric(ms(pct(all, 0.5)), "p50-ms")
	b.ReportMetric(ms(pct(all, 0.99)), "p99-ms")
	b.Logf("%s, %s store: %d questions, %d askers at a time, in %.1f s: replica A %d (%.1f/s, p50 %.1f ms, p99 %.1f ms), "+
		"replica B %d (%.1f/s, p50 %.1f ms, p99 %.1f ms); both: p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d answered with a passage, %d lost",
		corpusName, store, replicaQuestions, replicaAskers, wall.Seconds(),
		len(times[0]), float64(len(times[0]))/wall.Seconds(), ms(pct(times[0], 0.5)), ms(pct(times[0], 0.99)),
		len(times[1]), float64(len(times[1]))/wall.Seconds(), ms(pct(times[1], 0.5)), ms(pct(times[1], 0.99)),
		ms(pct(all, 0.5)), ms(pct(all, 0.99)), ms(pct(all, 1)), answered, lost)
}
