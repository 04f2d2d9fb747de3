package bot

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
)

func TestLimiterCountsAMinutePerPerson(t *testing.T) {
	l := newLimiter(3)
	at := testNow
	for n := 1; n <= 3; n++ {
		if ok, _ := l.allow("ann", at.Add(time.Duration(n)*time.Second)); !ok {
			t.Fatalf("question %d refused", n)
		}
	}
	ok, wait := l.allow("ann", at.Add(10*time.Second))
	if ok || wait != 51*time.Second {
		t.Errorf("fourth question: ok=%v wait=%v, want refused for 51s (until the first is a minute old)", ok, wait)
	}
	if ok, _ := l.allow("bob", at.Add(10*time.Second)); !ok {
		t.Errorf("another person is limited by Ann's questions")
	}
	if ok, _ := l.allow("ann", at.Add(61*time.Second)); !ok {
		t.Errorf("a question a minute after the first is refused")
	}
	if !l.shouldWarn("ann", at) || l.shouldWarn("ann", at.Add(30*time.Second)) || !l.shouldWarn("ann", at.Add(61*time.Second)) {
		t.Errorf("the notice should be given at most once a minute")
	}
}

// clock is a settable time for the bot under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestRateLimitIsKindAndSparesModerators(t *testing.T) {
	clk := &clock{t: testNow}
	srv, _ := startBotWith(t, func(c *Config) { c.RateLimit = 2; c.Now = clk.now })
	askAs := func(user string, perms int64) *discordtest.Response {
		i := srv.SlashCommand("ask", question("what are short breaks"))
		i.Member.User.ID = user
		i.Member.Permissions = perms
		return respond(t, srv, i, 0)
	}
	for n := 1; n <= 2; n++ {
		if r := askAs("4000000000000000011", 0); r.CallbackType != discordgo.InteractionResponseDeferredChannelMessageWithSource {
			t.Fatalf("question %d not answered: %+v", n, r)
		}
	}
	r := askAs("4000000000000000011", 0)
	if r.CallbackType != discordgo.InteractionResponseChannelMessageWithSource || r.Message.Flags&discordgo.MessageFlagsEphemeral == 0 ||
		!strings.Contains(r.Message.Content, "Please ask again in 60 seconds") {
		t.Errorf("third question: want a kind notice only the asker sees, got %+v", r.Message)
	}
	if r := askAs("4000000000000000012", 0); r.CallbackType != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("someone else is limited too")
	}
	for n := 1; n <= 4; n++ {
		if r := askAs("4000000000000000013", discordgo.PermissionManageMessages); r.CallbackType != discordgo.InteractionResponseDeferredChannelMessageWithSource {
			t.Errorf("moderator's question %d limited", n)
		}
	}
	clk.add(time.Minute)
	if r := askAs("4000000000000000011", 0); r.CallbackType != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("still limited a minute later")
	}
}

func TestMentionsOverTheLimitGetANotice(t *testing.T) {
	srv, _ := startBotWith(t, func(c *Config) { c.RateLimit = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Handlers run concurrently, so the two replies may come in either
	// order; once-a-minute notices are checked in TestLimiterCountsAMinutePerPerson.
	// A member who is not a moderator (the fake server's default member
	// owns the server, so another author).
	parent := &discordgo.User{ID: "4000000000000000021", Username: "parent", Discriminator: "0"}
	for n := 0; n < 2; n++ {
		m := srv.UserMessage("<@"+discordtest.BotUserID+"> short breaks", true)
		m.Author = parent
		srv.SendMessage(m)
	}
	answers, notices := 0, 0
	for n := 0; n < 2; n++ {
		got, err := srv.WaitChannelMessage(ctx, discordtest.ChannelID)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case len(got.Message.Embeds) == 1:
			answers++
		case strings.Contains(got.Message.Content, "Please ask again in"):
			notices++
		}
	}
	if answers != 1 || notices != 1 {
		t.Errorf("want one answer and one notice, got %d and %d", answers, notices)
	}
}

func TestModeratorsMentionsAreNotLimited(t *testing.T) {
	srv, _ := startBotWith(t, func(c *Config) { c.RateLimit = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The default member owns the fake server, so moderates it.
	for n := 0; n < 3; n++ {
		srv.SendMessage(srv.UserMessage("<@"+discordtest.BotUserID+"> short breaks", true))
	}
	for n := 0; n < 3; n++ {
		got, err := srv.WaitChannelMessage(ctx, discordtest.ChannelID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Message.Embeds) != 1 {
			t.Errorf("a moderator's mention %d was not answered: %q", n+1, got.Message.Content)
		}
	}
}

// TestLimiterForgetsWhoStoppedAsking checks that the sweep drops the IDs
// of people who have not asked within the window, keeps those who have,
// and stops rescheduling itself once nobody is left.
func TestLimiterForgetsWhoStoppedAsking(t *testing.T) {
	l := newLimiter(6)
	now := time.Now()
	l.allow("ann", now.Add(-2*rateWindow))
	l.shouldWarn("ann", now.Add(-2*rateWindow))
	l.allow("bob", now)
	l.sweep()
	l.mu.Lock()
	_, ann := l.asked["ann"]
	_, annWarned := l.warned["ann"]
	_, bob := l.asked["bob"]
	sweeping := l.sweeping
	l.mu.Unlock()
	if ann || annWarned || !bob || !sweeping {
		t.Errorf("after a sweep: ann kept %v (warned %v), bob kept %v, another sweep scheduled %v; want false, false, true, true", ann, annWarned, bob, sweeping)
	}
	l.mu.Lock()
	delete(l.asked, "bob")
	l.mu.Unlock()
	l.sweep()
	if l.sweeping {
		t.Error("a sweep with nobody left scheduled another")
	}
}
