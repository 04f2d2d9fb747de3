package bot

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
)

// conversation is a few parents' questions in flight at once: slash
// commands and mentions, some asked before the trouble, some while it
// lasts.
type conversation struct {
	srv       *discordtest.Server
	slash     []*discordgo.Interaction
	mentions  []*discordgo.Message
	questions []string
}

func (c *conversation) askSlash(q string) {
	i := c.srv.SlashCommand("ask", question(q))
	c.srv.SendInteraction(i)
	c.slash = append(c.slash, i)
	c.questions = append(c.questions, q)
}

func (c *conversation) askMention(q string) {
	m := c.srv.UserMessage("<@"+discordtest.BotUserID+"> "+q, true)
	c.srv.SendMessage(m)
	c.mentions = append(c.mentions, m)
	c.questions = append(c.questions, q)
}

// wantAllAnswered checks that every question got its cited answer: each
// slash command's acknowledgement became an answer, and each mention got
// a reply to its own message.
func (c *conversation) wantAllAnswered(t *testing.T, ctx context.Context) {
	t.Helper()
	for n, i := range c.slash {
		r, err := c.srv.WaitResponse(ctx, i)
		if err != nil {
			t.Errorf("slash question %d was lost: %v", n+1, err)
			continue
		}
		if r.Message == nil || len(r.Message.Embeds) != 1 || !strings.Contains(r.Message.Embeds[0].Description, "testshire.example") {
			t.Errorf("slash question %d: not a cited answer: %+v", n+1, r.Message)
		}
	}
	replied := map[string]bool{}
	for len(replied) < len(c.mentions) {
		got, err := c.srv.WaitChannelMessage(ctx, discordtest.ChannelID)
		if err != nil {
			t.Errorf("%d of %d mentions were answered: %v", len(replied), len(c.mentions), err)
			return
		}
		if got.Message.Reference == nil || len(got.Message.Embeds) != 1 {
			t.Errorf("a mention's reply is not a cited answer to it: %+v", got.Message)
			continue
		}
		replied[got.Message.Reference.MessageID] = true
	}
	for n, m := range c.mentions {
		if !replied[m.ID] {
			t.Errorf("mention %d was not answered", n+1)
		}
	}
}

// TestNoQuestionIsLostWhenTheConnectionFails cuts the gateway connection
// mid-conversation, in each way Discord can: questions are being
// searched when the trouble starts, and for the ways Discord resumes a
// session, more arrive while the bot is away (Discord replays them on
// RESUME). Every one is answered, and the bot answers after as before.
func TestNoQuestionIsLostWhenTheConnectionFails(t *testing.T) {
	tests := []struct {
		name    string
		disrupt func(*discordtest.Server)
		// resumes is whether the bot keeps its session, so that what
		// Discord sent meanwhile reaches it.
		resumes bool
	}{
		{"dropped connection", (*discordtest.Server).DropConnections, true},
		{"op 7 reconnect", (*discordtest.Server).SendReconnect, true},
		{"op 9 invalid session, resumable", func(s *discordtest.Server) { s.SendInvalidSession(true) }, false},
		{"op 9 invalid session", func(s *discordtest.Server) { s.SendInvalidSession(false) }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ix := startBot(t)
			gated := gatedSearcher{Searcher: ix, gate: make(chan struct{})}
			srv := startBotSearching(t, gated, nil)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			c := &conversation{srv: srv}

			// Two questions are being searched when the connection fails.
			c.askSlash("what are short breaks")
			c.askMention("who can have a short break")
			if err := srv.WaitFor(ctx, func() bool { return srv.ResponseTo(c.slash[0]) != nil }); err != nil {
				t.Fatalf("the first question was not acknowledged: %v", err)
			}
			before := srv.Resumes() + srv.Identifies()
			tc.disrupt(srv)
			if tc.resumes {
				c.askSlash("targeted short breaks")
				c.askMention("short breaks for disabled children")
			}
			if err := srv.WaitFor(ctx, func() bool { return srv.Resumes()+srv.Identifies() > before && srv.Connected() > 0 }); err != nil {
				t.Fatalf("the bot did not come back: %v", err)
			}
			close(gated.gate)
			c.wantAllAnswered(t, ctx)

			// And after it, as before.
			after := &conversation{srv: srv}
			after.askSlash("what are short breaks")
			after.askMention("what are short breaks")
			after.wantAllAnswered(t, ctx)
		})
	}
}

// TestRateLimitedRepliesAreRetried makes Discord answer 429 "You are being
// rate limited" to each request an answer needs, once: the bot waits the
// retry_after Discord gives and the parent still gets the answer.
func TestRateLimitedRepliesAreRetried(t *testing.T) {
	srv, _ := startBot(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The acknowledgement must reach Discord within its 3 seconds, so its
	// wait is short, to leave a busy machine time to get there first.
	const wait, ackWait = 700 * time.Millisecond, 100 * time.Millisecond
	srv.FailNext(http.MethodPost, "interactions/", http.StatusTooManyRequests, ackWait)                            // the acknowledgement
	srv.FailNext(http.MethodPatch, "webhooks/", http.StatusTooManyRequests, wait)                                  // the answer replacing it
	srv.FailNext(http.MethodPost, "channels/"+discordtest.ChannelID+"/messages", http.StatusTooManyRequests, wait) // a mention's reply
	c := &conversation{srv: srv}
	c.askSlash("what are short breaks")
	c.askMention("what are short breaks")
	c.wantAllAnswered(t, ctx)

	for _, route := range []struct {
		method, prefix string
		wait           time.Duration
	}{
		{http.MethodPost, "interactions/", ackWait}, {http.MethodPatch, "webhooks/", wait}, {http.MethodPost, "channels/" + discordtest.ChannelID + "/messages", wait},
	} {
		// A request is recorded just after it is answered: wait for the retry.
		var sent []discordtest.Request
		_ = srv.WaitFor(ctx, func() bool {
			sent = sent[:0]
			for _, r := range srv.Requests() {
				if r.Method == route.method && strings.HasPrefix(r.Path, route.prefix) {
					sent = append(sent, r)
				}
			}
			return len(sent) >= 2
		})
		name := route.method + " " + route.prefix
		if len(sent) != 2 || sent[0].Status != http.StatusTooManyRequests || sent[1].Status >= 300 {
			var got []int
			for _, r := range sent {
				got = append(got, r.Status)
			}
			t.Errorf("%s: statuses %v, want 429 then a success", name, got)
			continue
		}
		// The retry came no sooner than Discord asked.
		if gap := sent[1].At.Sub(sent[0].At); gap < route.wait-50*time.Millisecond {
			t.Errorf("%s was retried %v after the 429, before the %v Discord asked for", name, gap, route.wait)
		}
	}
}
