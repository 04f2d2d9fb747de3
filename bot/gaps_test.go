package bot

import (
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/feedback"
	"github.com/sendbot/sendbot/gaps"
	"github.com/sendbot/sendbot/internal/discordtest"
)

// testClock is a clock a test can move while the bot reads it.
type testClock struct{ ns atomic.Int64 }

func newTestClock(t time.Time) *testClock {
	c := &testClock{}
	c.set(t)
	return c
}
func (c *testClock) set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *testClock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) add(d time.Duration) { c.set(c.now().Add(d)) }

func openGaps(t *testing.T, keep time.Duration) *gaps.Store {
	t.Helper()
	st, err := gaps.Open(filepath.Join(t.TempDir(), "gaps.db"), keep)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// asModerator lets the member manage the server.
func asModerator(m *discordgo.Member) { m.Permissions |= discordgo.PermissionManageGuild }

// runGaps sends /gaps from the default member, changed by member, and
// returns the reply, which must be private.
func runGaps(t *testing.T, srv *discordtest.Server, member func(*discordgo.Member), opts ...discordtest.SlashOption) string {
	t.Helper()
	i := srv.SlashCommand("gaps", opts...)
	if member != nil {
		member(i.Member)
	}
	resp := respond(t, srv, i, 0)
	if resp.Message.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("/gaps reply is public: %q", resp.Message.Content)
	}
	assertCallbackNoMentions(t, resp.Raw[len(resp.Raw)-1])
	return resp.Message.Content
}

func TestGapsShowsWordsOfDeclinedAndNotHelpfulQuestions(t *testing.T) {
	votes, err := feedback.Open(filepath.Join(t.TempDir(), "feedback.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer votes.Close()
	clock := newTestClock(testNow.Add(-3 * 24 * time.Hour))
	srv, _ := startBotWith(t, func(c *Config) {
		c.Feedback, c.Gaps, c.Now = votes, openGaps(t, 30*24*time.Hour), clock.now
	})
	declined := func(q string) {
		t.Helper()
		if m := ask(t, srv, question(q)).Message; len(m.Embeds) != 0 {
			t.Fatalf("%q was answered; the test needs a declined question", q)
		}
	}

	// Three days ago.
	declined("cheap flights to spain")
	declined("weather tomorrow")

	// Now: one more declined, and two answers marked Not helpful; one of
	// them twice, on two passages, which counts once.
	clock.set(testNow)
	declined("flights to spain")
	for range 2 {
		m := ask(t, srv, question(swimQuestion)).Message
		r := click(t, srv, m, buttons(m)["Not helpful (1)"].CustomID)
		if !strings.Contains(r.Message.Content, "didn't help") {
			t.Fatalf("vote not taken: %q", r.Message.Content)
		}
		click(t, srv, m, buttons(m)["Not helpful (2)"].CustomID)
	}
	// An answer voted on after it has expired has no words left to record.
	expired := ask(t, srv, question("Monday swimming club for disabled children")).Message
	clock.add(2 * time.Hour)
	click(t, srv, expired, buttons(expired)["Not helpful (1)"].CustomID)

	got := runGaps(t, srv, asModerator)
	t.Logf("/gaps:\n%s", got)
	for _, want := range []string{
		"In the last 30 days: 3 questions I couldn't answer, 2 answers marked not helpful.\n",
		"Words asked about most: children (2), clubs (2), disabled (2), flights (2), spain (2), swimming (2); " +
			"phrases: clubs disabled (2), disabled children (2), flights spain (2), swimming clubs (2).",
		"never whole questions or who asked",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("/gaps lacks %q", want)
		}
	}
	for _, leak := range []string{discordtest.UserID, "weather", "cheap", "flights to spain", "monday"} {
		if strings.Contains(got, leak) {
			t.Errorf("/gaps shows %q, a user ID or a word only one question used", leak)
		}
	}

	got = runGaps(t, srv, asModerator, discordtest.SlashOption{Name: "days", Value: 1})
	want := "In the last day: 1 question I couldn't answer, 2 answers marked not helpful.\n" +
		"Words asked about most: children (2), clubs (2), disabled (2), swimming (2); phrases: clubs disabled (2), disabled children (2), swimming clubs (2)."
	if !strings.HasPrefix(got, want) {
		t.Errorf("/gaps days:1 =\n%s\nwant it to start\n%s", got, want)
	}

	got = runGaps(t, srv, asModerator, discordtest.SlashOption{Name: "days", Value: 365})
	if !strings.HasPrefix(got, "I keep these words for 30 days only, so this is all I have.\nIn the last 30 days: 3 questions") {
		t.Errorf("/gaps days:365 =\n%s", got)
	}
}

func TestGapsIsForModeratorsOnly(t *testing.T) {
	const modRole = "5000000000000000001"
	audit := &auditLog{}
	srv, _ := startBotWith(t, func(c *Config) {
		c.Gaps, c.ModRoles, c.Audit = openGaps(t, 30*24*time.Hour), []string{modRole}, audit
	})
	var cmd *discordgo.ApplicationCommand
	for _, c := range srv.Commands(discordtest.GuildID) {
		if c.Name == "gaps" {
			cmd = c
		}
	}
	if cmd == nil || cmd.DefaultMemberPermissions == nil || *cmd.DefaultMemberPermissions != discordgo.PermissionManageGuild ||
		cmd.Contexts == nil || len(*cmd.Contexts) != 1 || (*cmd.Contexts)[0] != discordgo.InteractionContextGuild {
		t.Fatalf("/gaps should be registered in servers, for members who can manage the server: %+v", cmd)
	}
	if len(cmd.Options) != 1 || cmd.Options[0].Name != "days" || cmd.Options[0].Type != discordgo.ApplicationCommandOptionInteger ||
		*cmd.Options[0].MinValue != 1 || cmd.Options[0].MaxValue != 365 {
		t.Errorf("/gaps options %+v", cmd.Options)
	}

	const empty = "In the last 30 days there were no questions I couldn't answer and no answers marked not helpful"
	tests := []struct {
		name   string
		member func(*discordgo.Member)
		want   string
	}{
		{"member", nil, msgNotModerator},
		{"Manage Messages is not enough", func(m *discordgo.Member) { m.Permissions |= discordgo.PermissionManageMessages }, msgNotModerator},
		{"another role", func(m *discordgo.Member) { m.Roles = []string{"5000000000000000002"} }, msgNotModerator},
		{"Manage Server", asModerator, empty},
		{"Administrator", func(m *discordgo.Member) { m.Permissions |= discordgo.PermissionAdministrator }, empty},
		{"moderator role", func(m *discordgo.Member) { m.Roles = []string{"5000000000000000002", modRole} }, empty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runGaps(t, srv, tt.member); !strings.HasPrefix(got, tt.want) {
				t.Errorf("reply %q, want %q", got, tt.want)
			}
		})
	}
	var results []string
	for _, e := range audit.all() {
		if e.Action != "gaps" || e.Who != discordtest.UserID {
			t.Errorf("audit entry %+v", e)
		}
		results = append(results, e.Result)
	}
	want := strings.Repeat("refused: not a moderator,", 3) + strings.Repeat("shown: 0 declined, 0 not helpful,", 3)
	if got := strings.Join(results, ",") + ","; got != want {
		t.Errorf("audit results %s, want %s", got, want)
	}
}

func TestGapsRecordingOff(t *testing.T) {
	tests := []struct {
		name string
		set  func(*Config)
	}{
		{"no store", nil},
		{"keep 0", func(c *Config) { c.Gaps = openGaps(t, 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := startBotWith(t, tt.set)
			ask(t, srv, question("cheap flights to spain"))
			if got := runGaps(t, srv, asModerator); got != msgGapsOff {
				t.Errorf("reply %q, want %q", got, msgGapsOff)
			}
		})
	}
}

func TestGapsText(t *testing.T) {
	tests := []struct {
		name       string
		days, kept int
		r          gaps.Report
		want       string
	}{
		{"nothing", 7, 30, gaps.Report{},
			"In the last 7 days there were no questions I couldn't answer and no answers marked not helpful, so there's nothing to show. Good news, or a quiet spell!"},
		{"no word in two questions", 1, 30, gaps.Report{Declined: 1},
			"In the last day: 1 question I couldn't answer, 0 answers marked not helpful.\nNo word came up in more than one of those questions yet.\n" +
				"_Only words used in more than one question are shown. I keep questions' words for 30 days, never whole questions or who asked._"},
		{"words, no phrases, more days than kept", 90, 1, gaps.Report{NotHelpful: 2, Words: []gaps.Count{{Text: "portage", Questions: 2}}},
			"I keep these words for 1 day only, so this is all I have.\nIn the last day: 0 questions I couldn't answer, 2 answers marked not helpful.\n" +
				"Words asked about most: portage (2).\n" +
				"_Only words used in more than one question are shown. I keep questions' words for 1 day, never whole questions or who asked._"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gapsText(tt.days, tt.kept, tt.r); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
