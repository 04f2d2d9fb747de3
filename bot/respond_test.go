package bot

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/internal/testkit"
)

// waitLog waits until the log holds want; the bot logs as it goes, so a
// line it writes after acting shows that it has acted.
func waitLog(t *testing.T, logs *lockedBuffer, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		l := logs.String()
		if strings.Contains(l, want) {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log never said %q:\n%s", want, l)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// callbacks are the requests for an interaction's first response.
func callbacks(srv *discordtest.Server, i *discordgo.Interaction) []discordtest.Request {
	var out []discordtest.Request
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost && strings.HasPrefix(r.Path, "interactions/"+i.ID+"/") {
			out = append(out, r)
		}
	}
	return out
}

// TestAcknowledgementGivesUpAtDiscordsDeadline makes Discord rate-limit a
// first response for longer than the 3 seconds it allows: the bot does
// not wait (which used to make every later answer late as well), sends
// nothing Discord would refuse, and says in the log why the user saw
// "The application did not respond". The retry_after is far past the
// deadline, so the test does not depend on the machine's speed.
func TestAcknowledgementGivesUpAtDiscordsDeadline(t *testing.T) {
	const retryAfter = 30 * time.Second
	var logs lockedBuffer
	srv, _ := startBotWith(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })

	t.Run("rate limit on the route", func(t *testing.T) {
		srv.FailNextWith(http.MethodPost, "interactions/", discordtest.RateLimited(retryAfter))
		i := srv.SlashCommand("ask", question("what are short breaks"))
		srv.SendInteraction(i)
		l := waitLog(t, &logs, `msg="acknowledge /ask"`)
		if !strings.Contains(l, "gave_up=\"gave up: Discord asked to wait 30s") || !strings.Contains(l, "retry_after=30s") ||
			!strings.Contains(l, "The application did not respond") {
			t.Errorf("the log does not say clearly that the bot gave up, and why:\n%s", l)
		}
		var got []discordtest.Request
		testkit.WaitFor(t, "the rate-limited attempt to be recorded", func() bool { got = callbacks(srv, i); return len(got) > 0 })
		if len(got) != 1 || got[0].Status != http.StatusTooManyRequests {
			t.Errorf("callbacks %+v: want the one rate-limited attempt, no retry", got)
		}
		if srv.ResponseTo(i) != nil || len(srv.Followups(i)) != 0 {
			t.Errorf("the interaction was answered after all")
		}
	})

	// A global rate limit holds back every request. Autocomplete meets it
	// first; then an immediate reply is not even attempted, since
	// discordgo would sleep through Discord's deadline before sending it.
	t.Run("global rate limit", func(t *testing.T) {
		srv.FailNextWith(http.MethodPost, "interactions/", discordtest.Failure{Status: http.StatusTooManyRequests, RetryAfter: retryAfter, Global: true})
		ac := srv.Autocomplete("ask", discordtest.SlashOption{Name: "area", Value: "te", Focused: true})
		srv.SendInteraction(ac)
		waitLog(t, &logs, `msg="suggest choices"`)
		help := srv.SlashCommand("help")
		srv.SendInteraction(help)
		l := waitLog(t, &logs, `msg="reply to interaction"`)
		if !strings.Contains(l, "only") || strings.Count(l, "gave_up=") != 3 {
			t.Errorf("want three clear give-ups in the log:\n%s", l)
		}
		if got := callbacks(srv, help); len(got) != 0 {
			t.Errorf("/help was sent %d times into a global rate limit past the deadline", len(got))
		}
	})
}

// TestAckTimeoutIsCheckedAgainstDiscordsLimit checks the setting.
func TestAckTimeoutIsCheckedAgainstDiscordsLimit(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		want    time.Duration
		wantErr string
	}{
		{"default", 0, DefaultAckTimeout, ""},
		{"shorter", time.Second, time.Second, ""},
		{"Discord's own limit", 3 * time.Second, 3 * time.Second, ""},
		{"past Discord's limit", 5 * time.Second, 0, "Discord forgets an interaction not answered within 3s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := New(Config{Token: discordtest.Token, AckTimeout: tt.timeout}, areasOnly{"Testshire"})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("New = %v, want an error saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || b.cfg.AckTimeout != tt.want {
				t.Errorf("New = %v, AckTimeout %v; want %v", err, b.cfg.AckTimeout, tt.want)
			}
		})
	}
}

// TestAFirstResponseInTimeIsSent checks the first response of every kind
// of interaction still reaches Discord through the deadline-bound path.
func TestAFirstResponseInTimeIsSent(t *testing.T) {
	srv, _ := startBot(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, i := range []*discordgo.Interaction{
		srv.SlashCommand("help"),
		srv.Autocomplete("ask", discordtest.SlashOption{Name: "area", Value: "te", Focused: true}),
		srv.SlashCommand("sources"),
	} {
		srv.SendInteraction(i)
		if _, err := srv.WaitResponse(ctx, i); err != nil {
			t.Fatal(err)
		}
		// The fake records a request once it has answered it, so the
		// response can be seen a moment before the request is.
		var got []discordtest.Request
		testkit.WaitFor(t, "the first response to be recorded", func() bool { got = callbacks(srv, i); return len(got) > 0 })
		if len(got) != 1 || got[0].Status >= 300 {
			t.Errorf("callbacks %+v", got)
		}
	}
}
