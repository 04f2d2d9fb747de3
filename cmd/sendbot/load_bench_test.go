package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
)

// loadQuestions are parents' questions of the kinds the built-in corpus
// and ../shared/corpus answer or decline.
var loadQuestions = []string{
	"what are short breaks",
	"how do I ask for an EHC needs assessment?",
	"when was worcestershire inspected by ofsted",
	"how long is the wait for an autism assessment",
	"what is the local offer",
	"my child is not getting the support in their plan",
	"can I appeal to the tribunal",
	"what is SENDIASS",
	"school transport for a child with SEND",
	"what is an annual review",
	"who can help me with a personal budget",
	"ADHD assessment waiting time in herefordshire",
	"what did inspectors find in herefordshire",
	"what is a sen support plan",
	"help with speech and language therapy",
	"cheap flights to spain",
}

// BenchmarkServeUnderLoad runs the sendbot binary against the fake
// Discord, as a host runs it, and has 50 parents ask 200 questions over
// 10 seconds while a moderator reindexes again and again. Discord gives a
// bot 3 seconds to acknowledge a question (the fake refuses a later
// acknowledgement, as Discord does), so every question must be
// acknowledged in time and answered. It reports the slowest
// acknowledgement, the answer times (question sent to answer shown) and
// serve's peak memory. With ../shared beside the checkout it serves and
// reindexes ../shared/corpus; otherwise the built-in corpus.
//
//	go test ./cmd/sendbot -run '^$' -bench ServeUnderLoad -benchtime 1x
func BenchmarkServeUnderLoad(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads peak memory the Linux way")
	}
	const (
		parents   = 50
		questions = 200
		over      = 10 * time.Second
	)
	bin := buildSendbot(b)
	corpusDir, corpusName := "", "the built-in corpus"
	if abs, err := filepath.Abs("../../../shared/corpus"); err == nil {
		if _, err := os.Stat(abs); err == nil {
			corpusDir, corpusName = abs, "../shared/corpus"
		}
	}
	for n := 0; n < b.N; n++ {
		srv := discordtest.NewServer(b)
		env := []string{"DISCORD_TOKEN=" + discordtest.Token, "DISCORD_GUILD_ID=" + discordtest.GuildID,
			"DISCORD_API_URL=" + srv.APIURL(), "SENDBOT_DATA=" + b.TempDir()}
		if corpusDir != "" {
			env = append(env, "SENDBOT_CORPUS="+corpusDir)
		}
		p := startServeProcess(b, bin, b.TempDir(), srv, env...)

		ctx, cancel := context.WithTimeout(context.Background(), over+60*time.Second)
		stopReindexing := make(chan struct{})
		reindexes := make(chan int, 1)
		go func() { reindexes <- reindexUntil(ctx, srv, stopReindexing) }()
		// Let the first reindex start, so that every question meets one.
		_ = srv.WaitFor(ctx, func() bool { return countRequests(srv, "PATCH", "webhooks/") > 0 })

		type asked struct {
			i  *discordgo.Interaction
			at time.Time
		}
		var sent []asked
		tick := time.NewTicker(over / questions)
		for q := 0; q < questions; q++ {
			<-tick.C
			i := srv.SlashCommand("ask", discordtest.SlashOption{Name: "question", Value: loadQuestions[q%len(loadQuestions)]})
			i.Member.User = &discordgo.User{ID: fmt.Sprintf("4%018d", q%parents), Username: fmt.Sprintf("parent%d", q%parents)}
			sent = append(sent, asked{i, time.Now()})
			srv.SendInteraction(i)
		}
		tick.Stop()

		var answerTimes []time.Duration
		var slowestAck time.Duration
		var answered, declined, lost int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, a := range sent {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := srv.WaitResponse(ctx, a.i)
				mu.Lock()
				defer mu.Unlock()
				if err != nil || r.Message == nil {
					lost++
					return
				}
				slowestAck = max(slowestAck, r.CallbackAt.Sub(a.at))
				answerTimes = append(answerTimes, r.EditedAt.Sub(a.at))
				if len(r.Message.Embeds) > 0 {
					answered++
				} else {
					declined++
				}
			}()
		}
		wg.Wait()
		close(stopReindexing)
		rebuilt := <-reindexes
		cancel()
		if err := p.terminate(b); err != nil {
			b.Fatalf("serve: %v\n%s", err, p.logs.String())
		}
		peak := float64(p.cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024 // KiB on Linux

		if lost > 0 {
			b.Errorf("%d of %d questions got no answer", lost, questions)
		}
		if slowestAck > discordtest.DefaultInteractionDeadline {
			b.Errorf("slowest acknowledgement %v, over Discord's %v", slowestAck, discordtest.DefaultInteractionDeadline)
		}
		if rebuilt == 0 {
			b.Errorf("no reindex finished during the load")
		}
		if strings.Contains(p.logs.String(), "level=ERROR") {
			b.Errorf("serve logged errors under load:\n%s", p.logs.String())
		}
		slices.Sort(answerTimes)
		pct := func(q float64) time.Duration {
			if len(answerTimes) == 0 {
				return 0
			}
			return answerTimes[int(q*float64(len(answerTimes)-1))]
		}
		b.ReportMetric(float64(pct(0.5).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(slowestAck.Microseconds())/1000, "slowest-ack-ms")
		b.ReportMetric(peak, "peak-RSS-MiB")
		b.ReportMetric(float64(rebuilt), "reindexes")
		b.Logf("%s: %d questions from %d parents over %v, %d reindexes meanwhile: %d answered, %d declined, %d lost; "+
			"answer time p50 %v, p99 %v, max %v; slowest acknowledgement %v; serve peak RSS %.0f MiB",
			corpusName, questions, parents, over, rebuilt, answered, declined, lost,
			pct(0.5).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), pct(1).Round(time.Millisecond),
			slowestAck.Round(time.Millisecond), peak)
	}
}

// reindexUntil runs /reindex as a moderator, one after another, until stop
// is closed, and returns how many finished.
func reindexUntil(ctx context.Context, srv *discordtest.Server, stop <-chan struct{}) int {
	done := 0
	for {
		select {
		case <-stop:
			return done
		default:
		}
		i := srv.SlashCommand("reindex")
		i.Member.Permissions |= discordgo.PermissionManageGuild
		srv.SendInteraction(i)
		err := srv.WaitFor(ctx, func() bool {
			r := srv.ResponseTo(i)
			return r != nil && r.Message != nil && strings.HasPrefix(r.Message.Content, "Done:")
		})
		if err != nil {
			return done
		}
		done++
	}
}

// countRequests counts the REST requests with method whose path starts
// with prefix.
func countRequests(srv *discordtest.Server, method, prefix string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}
