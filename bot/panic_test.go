package bot

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/discordtest"
)

// panickySearcher panics on the searches whose question contains "boom".
type panickySearcher struct {
	Searcher
	panics atomic.Int32
}

func (p *panickySearcher) Search(ctx context.Context, q index.Query) (index.Result, error) {
	if strings.Contains(q.Text, "boom") {
		p.panics.Add(1)
		var hits []index.Hit
		_ = hits[len(q.Text)] // a bug: index out of range
	}
	return p.Searcher.Search(ctx, q)
}

// TestAPanicAnsweringOneQuestionIsSurvived makes the search panic for one
// slash question and one mention: each asker is told something went
// wrong, the panic is logged without the question, and the bot goes on
// answering everyone else.
func TestAPanicAnsweringOneQuestionIsSurvived(t *testing.T) {
	var logs lockedBuffer
	p := &panickySearcher{Searcher: openTestIndex(t, botCorpus)}
	srv := startBotSearching(t, p, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	m := askOrError(t, srv, question("short breaks boom"))
	if m.Content != msgBroken {
		t.Errorf("the asker whose search panicked got %q, want %q", m.Content, msgBroken)
	}
	mention := srv.UserMessage("<@"+discordtest.BotUserID+"> boom short breaks", true)
	srv.SendMessage(mention)
	got, err := srv.WaitChannelMessage(ctx, discordtest.ChannelID)
	if err != nil || got.Message.Content != msgBroken || got.Message.Reference == nil || got.Message.Reference.MessageID != mention.ID {
		t.Errorf("the mention whose search panicked: want a reply %q, got %+v (%v)", msgBroken, got, err)
	}
	if p.panics.Load() != 2 {
		t.Fatalf("%d searches panicked, want 2", p.panics.Load())
	}

	after := &conversation{srv: srv}
	after.askSlash("what are short breaks")
	after.askMention("who can have a short break")
	after.wantAllAnswered(t, ctx)

	l := logs.String()
	if strings.Count(l, "panic while answering") != 2 || !strings.Contains(l, "index out of range") {
		t.Errorf("the panics were not logged with their cause:\n%s", l)
	}
	if strings.Contains(l, "boom") || strings.Contains(l, discordtest.Token) {
		t.Errorf("the log shows the question or the token:\n%s", l)
	}
}
