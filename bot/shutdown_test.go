package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
)

// stopAsync stops the bot in the background, as SIGTERM does, and
// returns once it has stopped taking new questions.
func stopAsync(t *testing.T, ctx context.Context, r runningBot) <-chan error {
	t.Helper()
	stopped := make(chan error, 1)
	go func() { stopped <- r.stop() }()
	for !r.b.inFlight.stopping() { // the fake server hears nothing of this: poll
		select {
		case <-ctx.Done():
			t.Fatal("the bot did not start stopping")
		case <-time.After(time.Millisecond):
		}
	}
	return stopped
}

// waitTyping waits until the bot has started on a mention: it shows
// "typing…" before it searches.
func waitTyping(t *testing.T, ctx context.Context, srv *discordtest.Server, n int) {
	t.Helper()
	err := srv.WaitFor(ctx, func() bool {
		typing := 0
		for _, r := range srv.Requests() {
			if strings.HasSuffix(r.Path, "/typing") {
				typing++
			}
		}
		return typing >= n
	})
	if err != nil {
		t.Fatal("the bot did not start on the mention")
	}
}

// wantRestarting checks that a question asked during the shutdown was
// told, to the asker only, to ask again.
func wantRestarting(t *testing.T, ctx context.Context, srv *discordtest.Server, i *discordgo.Interaction) {
	t.Helper()
	r, err := srv.WaitResponse(ctx, i)
	switch {
	case err != nil:
		t.Errorf("a question asked during the shutdown got no reply: %v", err)
	case r.Message == nil || r.Message.Content != msgRestarting || r.Message.Flags&discordgo.MessageFlagsEphemeral == 0:
		t.Errorf("a question asked during the shutdown: want a private %q, got %+v", msgRestarting, r.Message)
	}
}

// TestShutdownFinishesTheAnswersInFlight stops the bot, as SIGTERM does,
// while two questions are being searched: it takes no new question (the
// askers are told to ask again in a minute), keeps the gateway open until
// the two are answered, then closes it.
func TestShutdownFinishesTheAnswersInFlight(t *testing.T) {
	gated := gatedSearcher{Searcher: openTestIndex(t, botCorpus), gate: make(chan struct{})}
	r := runBot(t, gated, nil)
	srv := r.srv
	t.Cleanup(func() { _ = r.stop() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	inFlight := &conversation{srv: srv}
	inFlight.askSlash("what are short breaks")
	inFlight.askMention("who can have a short break")
	if err := srv.WaitFor(ctx, func() bool { return srv.ResponseTo(inFlight.slash[0]) != nil }); err != nil {
		t.Fatal("the question was not acknowledged")
	}
	waitTyping(t, ctx, srv, 1)

	stopped := stopAsync(t, ctx, r)
	late := srv.SlashCommand("ask", question("targeted short breaks"))
	srv.SendInteraction(late)
	wantRestarting(t, ctx, srv, late)
	lateMention := srv.UserMessage("<@"+discordtest.BotUserID+"> short breaks", true)
	srv.SendMessage(lateMention)
	notice, err := srv.WaitChannelMessage(ctx, discordtest.ChannelID)
	if err != nil || notice.Message.Content != msgRestarting || notice.Message.Reference == nil || notice.Message.Reference.MessageID != lateMention.ID {
		t.Errorf("a mention during the shutdown: want a reply %q, got %+v (%v)", msgRestarting, notice, err)
	}
	select {
	case err := <-stopped:
		t.Fatalf("Run returned (%v) with two answers still in flight", err)
	default:
	}
	if srv.Connected() == 0 {
		t.Error("the gateway closed with answers still in flight")
	}

	close(gated.gate)
	inFlight.wantAllAnswered(t, ctx)
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("Run did not return once the answers were sent")
	}
	if err := srv.WaitFor(ctx, func() bool { return srv.Connected() == 0 }); err != nil {
		t.Error("the gateway is still open after Run returned")
	}
}

// TestShutdownDeadlineTellsAskersToAskAgain stops the bot while a search
// never ends: past ShutdownTimeout the bot stops anyway, and tells each
// asker it could not answer and to ask again, rather than leaving them
// with "sendbot is thinking…" for ever.
func TestShutdownDeadlineTellsAskersToAskAgain(t *testing.T) {
	gated := gatedSearcher{Searcher: openTestIndex(t, botCorpus), gate: make(chan struct{})}
	r := runBot(t, gated, func(c *Config) { c.ShutdownTimeout = 300 * time.Millisecond })
	srv := r.srv
	t.Cleanup(func() { _ = r.stop() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	i := srv.SlashCommand("ask", question("what are short breaks"))
	srv.SendInteraction(i)
	m := srv.UserMessage("<@"+discordtest.BotUserID+"> who can have a short break", true)
	srv.SendMessage(m)
	if err := srv.WaitFor(ctx, func() bool { return srv.ResponseTo(i) != nil }); err != nil {
		t.Fatal("the question was not acknowledged")
	}
	waitTyping(t, ctx, srv, 1)

	if err := <-stopAsync(t, ctx, r); err != nil {
		t.Errorf("Run: %v", err)
	}
	// The public "thinking…" gives way to a private note.
	f, err := srv.WaitFollowup(ctx, i)
	if err != nil || f.Message.Content != msgRestarting || f.Message.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("the slash question cut short: want a private %q, got %+v (%v)", msgRestarting, f, err)
	}
	if resp := srv.ResponseTo(i); resp == nil || !resp.Deleted {
		t.Errorf("the public acknowledgement was left in the channel: %+v", resp)
	}
	reply, err := srv.WaitChannelMessage(ctx, discordtest.ChannelID)
	if err != nil || reply.Message.Content != msgRestarting || reply.Message.Reference == nil || reply.Message.Reference.MessageID != m.ID {
		t.Errorf("the mention cut short: want a reply %q, got %+v (%v)", msgRestarting, reply, err)
	}
}
