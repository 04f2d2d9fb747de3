package bot

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/feedback"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/discordtest"
)

// buttons lists a message's buttons by label, with their custom IDs.
func buttons(m *discordgo.Message) map[string]discordgo.Button {
	out := map[string]discordgo.Button{}
	for _, row := range m.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			if b, ok := c.(*discordgo.Button); ok {
				out[b.Label] = *b
			}
		}
	}
	return out
}

func click(t *testing.T, srv *discordtest.Server, m *discordgo.Message, customID string) *discordtest.Response {
	t.Helper()
	return respond(t, srv, srv.ComponentInteraction(m, customID), 0)
}

const swimQuestion = "swimming clubs for disabled children"

func TestMoreResultsPagesTheSameMessage(t *testing.T) {
	srv, _ := startBot(t)
	first := ask(t, srv, question(swimQuestion))
	m := first.Message
	if len(m.Embeds) != 1 || !strings.Contains(m.Embeds[0].Description, "**1. ") || strings.Contains(m.Embeds[0].Description, "**4. ") {
		t.Fatalf("first page: %+v", m.Embeds)
	}
	if !strings.HasPrefix(m.Embeds[0].Footer.Text, "Passages 1–3 of ") || !strings.Contains(m.Embeds[0].Footer.Text, "not advice") {
		t.Errorf("footer %q", m.Embeds[0].Footer.Text)
	}
	bs := buttons(m)
	for _, label := range []string{"Helpful (1)", "Not helpful (1)", "Helpful (3)", "Not helpful (3)", "Previous", "More results"} {
		if _, ok := bs[label]; !ok {
			t.Errorf("no %q button; have %v", label, bs)
		}
	}
	// A feedback button names the passage by its own ID, not its
	// document's path.
	if id := bs["Helpful (1)"].CustomID; !regexp.MustCompile(`^fb:[^:]+:[0-9a-f]{16}(-[0-9]+)?:y$`).MatchString(id) {
		t.Errorf("Helpful (1) has custom ID %q, want fb:<answer>:<passage ID>:y", id)
	}
	if !bs["Previous"].Disabled || bs["More results"].Disabled {
		t.Errorf("on the first page Previous must be off and More results on: %+v %+v", bs["Previous"], bs["More results"])
	}

	next := click(t, srv, m, bs["More results"].CustomID)
	if next.CallbackType != discordgo.InteractionResponseUpdateMessage {
		t.Fatalf("More results must edit the same message, got callback %v", next.CallbackType)
	}
	d := next.Message.Embeds[0].Description
	if !strings.Contains(d, "**4. ") || strings.Contains(d, "**1. ") || !strings.HasPrefix(next.Message.Embeds[0].Footer.Text, "Passages 4–") {
		t.Errorf("second page:\n%s\nfooter %q", d, next.Message.Embeds[0].Footer.Text)
	}
	if _, ok := buttons(next.Message)["Helpful (4)"]; !ok {
		t.Errorf("second page feedback buttons are not numbered on: %v", buttons(next.Message))
	}
	back := click(t, srv, next.Message, buttons(next.Message)["Previous"].CustomID)
	if !strings.Contains(back.Message.Embeds[0].Description, "**1. ") {
		t.Errorf("Previous did not go back to the first page")
	}
}

func TestButtonsAfterARestart(t *testing.T) {
	store, err := feedback.Open(filepath.Join(t.TempDir(), "feedback.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv, _ := startBotWith(t, func(c *Config) { c.Feedback = store })
	m := ask(t, srv, question(swimQuestion)).Message
	bs := buttons(m)

	// A second bot, as after a restart, with the same feedback file.
	srv2, _ := startBotWith(t, func(c *Config) { c.Feedback = store })
	more := click(t, srv2, m, bs["More results"].CustomID)
	if more.Message.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(more.Message.Content, "that answer has expired") {
		t.Errorf("More results after a restart: %+v", more.Message)
	}
	vote := click(t, srv2, m, bs["Helpful (1)"].CustomID)
	if vote.Message.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(vote.Message.Content, "Thank you! I've noted that this passage helped") {
		t.Errorf("feedback after a restart: %+v", vote.Message)
	}
}

func TestFeedbackIsOneAnonymousVotePerAnswer(t *testing.T) {
	store, err := feedback.Open(filepath.Join(t.TempDir(), "feedback.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv, _ := startBotWith(t, func(c *Config) { c.Feedback = store })
	m := ask(t, srv, question(swimQuestion)).Message
	bs := buttons(m)
	pid := strings.Split(bs["Helpful (1)"].CustomID, ":")[2]

	steps := []struct {
		label, want string
		helpful     int
		notHelpful  int
	}{
		{"Helpful (1)", "I've noted that this passage helped", 1, 0},
		{"Helpful (1)", "You've already told me that", 1, 0},
		{"Not helpful (1)", "didn't help, so the group's moderators can improve", 0, 1},
	}
	for _, s := range steps {
		r := click(t, srv, m, bs[s.label].CustomID)
		if !strings.Contains(r.Message.Content, s.want) || r.Message.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("%s: reply %q (flags %d), want %q, only to the voter", s.label, r.Message.Content, r.Message.Flags, s.want)
		}
		counts, err := store.Counts()
		if err != nil {
			t.Fatal(err)
		}
		var got feedback.Count
		for _, c := range counts {
			if c.Passage == pid {
				got = c
			}
		}
		if got.Helpful != s.helpful || got.NotHelpful != s.notHelpful {
			t.Errorf("after %s: counts %+v, want %d/%d", s.label, got, s.helpful, s.notHelpful)
		}
	}
}

func TestFeedbackOffSaysSo(t *testing.T) {
	srv, _ := startBot(t)
	m := ask(t, srv, question(swimQuestion)).Message
	r := click(t, srv, m, buttons(m)["Helpful (2)"].CustomID)
	if !strings.Contains(r.Message.Content, "feedback isn't switched on") {
		t.Errorf("reply %q", r.Message.Content)
	}
}

func TestAnswersStayInTheThread(t *testing.T) {
	srv, _ := startBot(t)
	const thread = "3000000000000000777" // a thread is a channel of its own
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	m := srv.UserMessage("<@"+discordtest.BotUserID+"> what are short breaks", true)
	m.ChannelID = thread
	srv.SendMessage(m)
	got, err := srv.WaitChannelMessage(ctx, thread)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Message.Embeds) != 1 || got.Message.Reference == nil || got.Message.Reference.ChannelID != thread {
		t.Errorf("mention in a thread: %+v", got.Message)
	}
	if msgs := srv.ChannelMessages(discordtest.ChannelID); len(msgs) != 0 {
		t.Errorf("the answer went to the parent channel too: %d messages", len(msgs))
	}

	// A /ask in a thread needs no test here: its answer is the
	// interaction's response, which Discord shows where the command was used.
}

// gatedSearcher holds every search until the test opens the gate.
type gatedSearcher struct {
	Searcher
	gate chan struct{}
}

func (g gatedSearcher) Search(ctx context.Context, q index.Query) (index.Result, error) {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return index.Result{}, ctx.Err()
	}
	return g.Searcher.Search(ctx, q)
}

// The bot must acknowledge within Discord's three seconds however long the
// search takes: it acknowledges before searching, which this shows without
// timing anything, by holding the search until the acknowledgement is seen.
func TestAcknowledgedBeforeTheSearchEnds(t *testing.T) {
	_, ix := startBot(t)
	gated := gatedSearcher{Searcher: ix, gate: make(chan struct{})}
	srv := startBotSearching(t, gated, nil)
	i := srv.SlashCommand("ask", question("what are short breaks"))
	srv.SendInteraction(i)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for srv.ResponseTo(i) == nil {
		select {
		case <-ctx.Done():
			t.Fatal("not acknowledged while the search was held")
		case <-time.After(10 * time.Millisecond):
		}
	}
	if r := srv.ResponseTo(i); r.CallbackType != discordgo.InteractionResponseDeferredChannelMessageWithSource || r.Edits != 0 {
		t.Fatalf("while searching: %+v", r)
	}
	close(gated.gate)
	resp, err := srv.WaitResponse(ctx, i)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Message.Embeds) != 1 {
		t.Errorf("no answer after the search: %+v", resp.Message)
	}
}
