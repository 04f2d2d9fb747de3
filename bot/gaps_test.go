package bot

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
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

// openGaps opens a gaps file that keeps the words vocab knows (an index
// of the corpus the bot answers from) for keep.
func openGaps(t *testing.T, keep time.Duration, vocab gaps.Vocabulary) *gaps.Store {
	t.Helper()
	return openGapsAt(t, filepath.Join(t.TempDir(), "gaps.db"), keep, vocab)
}

// openGapsAt is openGaps with the file at path.
func openGapsAt(t *testing.T, path string, keep time.Duration, vocab gaps.Vocabulary) *gaps.Store {
	t.Helper()
	st, err := gaps.Open(path, keep, vocab)
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
	ix := openTestIndex(t, botCorpus)
	srv := startBotSearching(t, ix, func(c *Config) {
		c.Feedback, c.Gaps, c.Now = votes, openGaps(t, 30*24*time.Hour, ix), clock.now
	})
	declined := func(q string) {
		t.Helper()
		if m := ask(t, srv, question(q)).Message; len(m.Embeds) != 0 {
			t.Fatalf("%q was answered; the test needs a declined question", q)
		}
	}

	// Three days ago. No word of the second is the documents': it is
	// counted, but keeps no word.
	declined("drama clubs in spain")
	declined("weather tomorrow")

	// Now: one more declined, and two answers marked Not helpful; one of
	// them twice, on two passages, which counts once.
	clock.set(testNow)
	declined("drama clubs for adults")
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
		"Words asked about most: clubs (4), children (2), disabled (2), drama (2), swimming (2); " +
			"phrases: clubs disabled (2), disabled children (2), drama clubs (2), swimming clubs (2).",
		"never whole questions, names, numbers, addresses or who asked. Delete one with `/gaps remove`.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("/gaps lacks %q", want)
		}
	}
	for _, leak := range []string{discordtest.UserID, "weather", "spain", "adults", "monday"} {
		if strings.Contains(got, leak) {
			t.Errorf("/gaps shows %q, a user ID or a word the documents do not use", leak)
		}
	}

	got = runGaps(t, srv, asModerator, discordtest.SlashOption{Name: "days", Value: 1})
	want := "In the last day: 1 question I couldn't answer, 2 answers marked not helpful.\n" +
		"Words asked about most: clubs (3), children (2), disabled (2), swimming (2); phrases: clubs disabled (2), disabled children (2), swimming clubs (2)."
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
	ix := openTestIndex(t, botCorpus)
	srv := startBotSearching(t, ix, func(c *Config) {
		c.Gaps, c.ModRoles, c.Audit = openGaps(t, 30*24*time.Hour, ix), []string{modRole}, audit
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
	if len(cmd.Options) != 2 || cmd.Options[0].Name != "days" || cmd.Options[0].Type != discordgo.ApplicationCommandOptionInteger ||
		*cmd.Options[0].MinValue != 1 || cmd.Options[0].MaxValue != 365 || cmd.Options[0].Required ||
		cmd.Options[1].Name != "remove" || cmd.Options[1].Type != discordgo.ApplicationCommandOptionString || cmd.Options[1].Required {
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
		{"keep 0", func(c *Config) { c.Gaps = openGaps(t, 0, nil) }},
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
				"_Only words used in more than one question are shown. I keep only words my documents use, for 30 days: " +
				"never whole questions, names, numbers, addresses or who asked. Delete one with `/gaps remove`._"},
		{"words, no phrases, more days than kept", 90, 1, gaps.Report{NotHelpful: 2, Words: []gaps.Count{{Text: "portage", Questions: 2}}},
			"I keep these words for 1 day only, so this is all I have.\nIn the last day: 0 questions I couldn't answer, 2 answers marked not helpful.\n" +
				"Words asked about most: portage (2).\n" +
				"_Only words used in more than one question are shown. I keep only words my documents use, for 1 day: " +
				"never whole questions, names, numbers, addresses or who asked. Delete one with `/gaps remove`._"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gapsText(tt.days, tt.kept, tt.r); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// gapsCorpus is botCorpus with a service directory entry that names a
// person, a street, a postcode, a phone number and an email address, as
// such entries do, beside ordinary words.
var gapsCorpus = func() fstest.MapFS {
	files := maps.Clone(botCorpus)
	files["testshire/bounce.md"] = &fstest.MapFile{Data: []byte(`---
title: Bounce trampoline club
source_url: https://testshire.example/bounce
kind: local-offer
---
# Bounce trampoline club

Smith House, 12 Acacia Road, Testshire BS1 4DJ. Contact Jack Smith on 07700 900123 or jack.smith@bounce.example.

A trampoline club for disabled children, with quiet sessions on the green, and road safety walks by the station and the old mill.
`)}
	return files
}()

// recordGap asks q and, when it is answered, marks its first passage Not
// helpful: either way /gaps records the question. It reports whether q
// was declined.
func recordGap(t *testing.T, srv *discordtest.Server, q string) (declined bool) {
	t.Helper()
	m := ask(t, srv, question(q)).Message
	if len(m.Embeds) == 0 {
		if !strings.HasPrefix(m.Content, "I couldn't find") && !strings.HasPrefix(m.Content, "My documents") {
			t.Fatalf("%q was neither answered nor declined: %q", q, m.Content)
		}
		return true
	}
	r := click(t, srv, m, buttons(m)["Not helpful (1)"].CustomID)
	if !strings.Contains(r.Message.Content, "didn't help") {
		t.Fatalf("vote on %q not taken: %q", q, r.Message.Content)
	}
	return false
}

func TestGapsNeverKeepNamesNumbersOrAddresses(t *testing.T) {
	votes, err := feedback.Open(filepath.Join(t.TempDir(), "feedback.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer votes.Close()
	path := filepath.Join(t.TempDir(), "gaps.db")
	ix := openTestIndex(t, gapsCorpus)
	srv := startBotSearching(t, ix, func(c *Config) {
		c.Feedback, c.Gaps, c.RateLimit = votes, openGapsAt(t, path, 30*24*time.Hour, ix), 100
	})
	// Made-up people and places. Every question asks about trampolines,
	// which the documents cover; the document names a Smith House on
	// Acacia Road and a Jack Smith, and uses "green", "road", "station"
	// and "mill" as ordinary words.
	questions := []string{
		"my son Jack Smith at 12 Acacia Road trampoline zorbing",
		"Jack Smith of Acacia Road needs trampoline sessions",
		"jack smith on acacia road wants trampoline sessions",
		"call me on 07700 900123 about trampoline sessions",
		"we live at BS1 4DJ, is there a trampoline club?",
		"email jane.doe@example.com about trampoline sessions",
		"my daughter Grace Green, 5 Station Road, wants trampoline sessions",
		"Mrs Patel asked about a trampoline for Oliver Nguyen",
		"Priya Kowalski, flat 3, 22 Mill Lane, 0117 496 0000, priya.k@mail.example, trampoline club",
		"trampoline for Amelia-Rose O'Brien-Okafor, born 03/04/2015, NHS number 943 476 5919",
	}
	leaks := []string{"jack", "smith", "acacia", "road", "zorbing", "07700", "900123", "bs1", "4dj", "jane", "doe", "example",
		"grace", "green", "station", "patel", "oliver", "nguyen", "priya", "kowalski", "mill", "lane", "0117", "496", "mail",
		"amelia", "rose", "brien", "okafor", "2015", "943", "5919"}
	declined := 0
	for _, q := range questions {
		if recordGap(t, srv, q) {
			declined++
		}
	}

	got := runGaps(t, srv, asModerator)
	t.Logf("/gaps:\n%s", got)
	for _, want := range []string{
		fmt.Sprintf("In the last 30 days: %s I couldn't answer, %s marked not helpful.\n",
			plural(declined, "question"), plural(len(questions)-declined, "answer")),
		// Words of the documents are counted across the questions.
		"Words asked about most: trampoline (10), sessions (5), club (2)",
		"trampoline sessions (5)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("/gaps lacks %q", want)
		}
	}
	shown := strings.ToLower(got)
	for _, leak := range leaks {
		if strings.Contains(shown, leak) {
			t.Errorf("/gaps shows %q", leak)
		}
	}
	// Nor is any of it in the file, even once.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	file := strings.ToLower(string(data))
	for _, leak := range leaks {
		if strings.Contains(file, leak) {
			t.Errorf("the gaps file holds %q", leak)
		}
	}
}

func TestGapsRemoveDeletesAWordOrPhrase(t *testing.T) {
	const modRole = "5000000000000000001"
	audit := &auditLog{}
	path := filepath.Join(t.TempDir(), "gaps.db")
	ix := openTestIndex(t, botCorpus)
	srv := startBotSearching(t, ix, func(c *Config) {
		c.Gaps, c.ModRoles, c.Audit = openGapsAt(t, path, 30*24*time.Hour, ix), []string{modRole}, audit
	})
	// Say "drama" were a child's name the documents also use as a word.
	for _, q := range []string{"drama clubs in spain", "drama clubs for adults"} {
		if !recordGap(t, srv, q) {
			t.Fatalf("%q was answered; the test needs a declined question", q)
		}
	}
	if got := runGaps(t, srv, asModerator); !strings.Contains(got, "Words asked about most: clubs (2), drama (2); phrases: drama clubs (2).") {
		t.Fatalf("/gaps before removing:\n%s", got)
	}
	remove := func(member func(*discordgo.Member), entry string) string {
		t.Helper()
		return runGaps(t, srv, member, discordtest.SlashOption{Name: "remove", Value: entry})
	}
	asModRole := func(m *discordgo.Member) { m.Roles = []string{modRole} }

	tests := []struct {
		name, entry string
		member      func(*discordgo.Member)
		want        string
		gaps        string // what /gaps shows next
	}{
		{"a member may not", "drama", nil, msgNotModerator, "clubs (2), drama (2); phrases: drama clubs (2)."},
		{"nothing", "  ", asModerator, msgGapsNotAnEntry, "clubs (2), drama (2); phrases: drama clubs (2)."},
		{"three words", "drama clubs spain", asModerator, msgGapsNotAnEntry, "clubs (2), drama (2); phrases: drama clubs (2)."},
		{"not kept", "Zorbing", asModerator,
			"I keep no **zorbing** in any question's words, so there was nothing to delete. Check it against what `/gaps` lists.",
			"clubs (2), drama (2); phrases: drama clubs (2)."},
		{"a phrase, copied from the list", "Drama Clubs (2)", asModRole,
			"Deleted the phrase **drama clubs** from the words of 2 questions. It is deleted from my records, not only hidden. " +
				"Its words on their own are left as they were; delete them one by one if they should go too.",
			"clubs (2), drama (2)."},
		{"a word", "drama", asModerator,
			"Deleted **drama**, and every phrase with it, from the words of 2 questions. It is deleted from my records, not only hidden.",
			"clubs (2)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := remove(tt.member, tt.entry); got != tt.want {
				t.Errorf("/gaps remove:%q =\n%s\nwant\n%s", tt.entry, got, tt.want)
			}
			want := "In the last 30 days: 2 questions I couldn't answer, 0 answers marked not helpful.\nWords asked about most: " + tt.gaps
			if got := runGaps(t, srv, asModerator); !strings.HasPrefix(got, want) {
				t.Errorf("/gaps then =\n%s\nwant it to start\n%s", got, want)
			}
		})
	}

	// Gone from the file, not only from the list.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "drama") {
		t.Errorf("the gaps file still holds drama")
	}
	// Every attempt is audited, without the word: the audit log must not
	// keep what was deleted.
	var removals []string
	for _, e := range audit.all() {
		if e.Action != "gaps" || e.Who != discordtest.UserID {
			t.Errorf("audit entry %+v", e)
		}
		if strings.Contains(strings.ToLower(e.Detail+e.Result), "drama") {
			t.Errorf("audit entry %+v names what was deleted", e)
		}
		if !strings.HasPrefix(e.Result, "shown:") {
			removals = append(removals, e.Detail+": "+e.Result)
		}
	}
	want := []string{
		": refused: not a moderator",
		"remove: refused: not a word or two-word phrase",
		"remove: refused: not a word or two-word phrase",
		"remove a word: not found",
		"remove a phrase: removed from 2 questions",
		"remove a word: removed from 2 questions",
	}
	if !slices.Equal(removals, want) {
		t.Errorf("audited removals\n%q\nwant\n%q", removals, want)
	}
}
