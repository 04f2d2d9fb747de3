package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/discordtest"
)

var botCorpus = fstest.MapFS{
	"testshire/assessment.md": {Data: []byte(`---
title: Asking for an EHC needs assessment in Testshire
source_url: https://testshire.example/ehc
published: 2024-03-01
kind: local-offer
---
# Asking for an EHC needs assessment in Testshire

## How long it takes

A parent can write to the council's SEN team to request an education, health and care needs assessment. The council must tell you within six weeks whether it will assess your child, and a plan must be issued within twenty weeks of the request.
`)},
	"testshire/short-breaks.md": {Data: []byte(`---
title: Short breaks
source_url: https://testshire.example/short-breaks
kind: local-offer
---
# Short breaks

Short breaks give disabled children and young people the chance to enjoy activities away from their parent carers, and give families a rest. Targeted short breaks are clubs anyone eligible can join without an assessment.
`)},
	"testshire/local-offer.md": {Data: []byte(`---
title: Testshire Local Offer
source_url: https://testshire.example/local-offer
published: 2026-01-15
kind: local-offer
---
# Testshire Local Offer

The Testshire Local Offer is the council's guide to support for families in Testshire. It lists clubs, groups and services in one place.
`)},
	"testshire/swimming.md": {Data: []byte(`---
title: Swimming clubs in Testshire
source_url: https://testshire.example/swimming
published: 2026-02-01
kind: local-offer
---
# Swimming clubs in Testshire

## Monday swimming club

The Monday swimming club is for disabled children aged 5 to 11 at the Testshire leisure pool.

## Wednesday swimming club

The Wednesday swimming club is for disabled teenagers who want to swim with friends.

## Saturday family swimming

Saturday family swimming sessions welcome disabled children with their brothers and sisters.
`)},
	"testshire/clubs.md": {Data: []byte(`---
title: Clubs for disabled children
source_url: https://testshire.example/clubs
published: 2026-03-01
kind: local-offer
---
# Clubs for disabled children

Swimming, drama and football clubs for disabled children run across Testshire in term time.
`)},
	"testshire/pool.md": {Data: []byte(`---
title: Accessible pools
source_url: https://testshire.example/pools
published: 2026-01-10
kind: news
---
# Accessible pools

Two accessible pools in Testshire have hoists and quiet swimming times for disabled children.
`)},
	"otherton/hostile.md": {Data: []byte(`---
title: "Respite [click](http://evil.example) **now**"
source_url: https://otherton.example/respite
kind: news
---
# Respite

Respite care notice: **shout** @everyone and <@12345> and [a link](http://evil.example/x) and # heading and > quote and ` + "`code`" + ` all appear in this respite passage, which talks about overnight respite for families.
`)},
}

// testNow is when the bot's answers are dated: 1 June 2026, so that the
// assessment page of March 2024 is over two years old.
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// startBot builds a real index of botCorpus, starts a fake Discord server
// and runs the bot against it until the test ends.
func startBot(t *testing.T) (*discordtest.Server, *index.Index) {
	return startBotWith(t, nil)
}

// startBotWith is startBot with settings: set changes the bot's Config.
func startBotWith(t *testing.T, set func(*Config)) (*discordtest.Server, *index.Index) {
	t.Helper()
	return startBotOn(t, botCorpus, set)
}

// startBotOn is startBotWith answering from another corpus.
func startBotOn(t *testing.T, files fstest.MapFS, set func(*Config)) (*discordtest.Server, *index.Index) {
	t.Helper()
	ix := openTestIndex(t, files)
	return startBotSearching(t, ix, set), ix
}

// openTestIndex builds a real index of files and opens it until the test
// ends.
func openTestIndex(t *testing.T, files fstest.MapFS) *index.Index {
	t.Helper()
	c, err := corpus.Load(files)
	if err != nil || len(c.Problems) > 0 {
		t.Fatalf("load: %v %+v", err, c.Problems)
	}
	dir := filepath.Join(t.TempDir(), "index")
	if err := index.Build(context.Background(), dir, c.Documents, corpus.BuiltinGlossary(), index.Source{Name: "test"}); err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// startBotSearching runs a bot answering from s against a fresh fake
// Discord until the test ends.
func startBotSearching(t *testing.T, s Searcher, set func(*Config)) *discordtest.Server {
	t.Helper()
	r := runBot(t, s, set)
	t.Cleanup(func() { // runs before the server closes
		if err := r.stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return r.srv
}

// runningBot is a bot running against a fake Discord.
type runningBot struct {
	srv  *discordtest.Server
	b    *Bot
	stop func() error // ends Run's context and waits for it to return
}

// runBot starts a bot answering from s against a fresh fake Discord and
// waits until it is connected with its commands registered. The caller
// stops it; the server closes when the test ends.
func runBot(t *testing.T, s Searcher, set func(*Config)) runningBot {
	t.Helper()
	srv := discordtest.NewServer(t)
	cfg := Config{Token: discordtest.Token, GuildID: discordtest.GuildID, APIURL: srv.APIURL(), Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return testNow }}
	if set != nil {
		set(&cfg)
	}
	b, err := New(cfg, s)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() { cancel(); runErr = <-done })
		return runErr
	}
	wait, cancelWait := context.WithTimeout(context.Background(), time.Minute)
	defer cancelWait()
	if err := srv.WaitReady(wait); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitCommands(wait, discordtest.GuildID, 1); err != nil {
		t.Fatal(err)
	}
	return runningBot{srv: srv, b: b, stop: stop}
}

func ask(t *testing.T, srv *discordtest.Server, opts ...discordtest.SlashOption) *discordtest.Response {
	t.Helper()
	return respond(t, srv, srv.SlashCommand("ask", opts...), 0)
}

// askOrError asks and returns what the asker sees: the answer, an
// immediate reply, or, when the search fails after the bot acknowledged
// publicly, the private follow-up that replaces the acknowledgement.
func askOrError(t *testing.T, srv *discordtest.Server, opts ...discordtest.SlashOption) *discordgo.Message {
	t.Helper()
	i := srv.SlashCommand("ask", opts...)
	srv.SendInteraction(i)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	type got struct {
		m   *discordgo.Message
		err error
	}
	ch := make(chan got, 2)
	go func() {
		r, err := srv.WaitResponse(ctx, i)
		if err == nil && !r.Deleted {
			ch <- got{m: r.Message}
		}
	}()
	go func() {
		f, err := srv.WaitFollowup(ctx, i)
		if err == nil {
			if r := srv.ResponseTo(i); r == nil || !r.Deleted {
				t.Errorf("a follow-up was sent but the public acknowledgement was not removed")
			}
			ch <- got{m: &discordgo.Message{Content: f.Message.Content, Flags: f.Message.Flags, Embeds: f.Message.Embeds}}
		}
	}()
	select {
	case g := <-ch:
		return g.m
	case <-ctx.Done():
		t.Fatal("no reply")
		return nil
	}
}

func question(q string) discordtest.SlashOption {
	return discordtest.SlashOption{Name: "question", Value: q}
}

func TestAskAnswersWithCitedEmbed(t *testing.T) {
	srv, _ := startBot(t)

	cmds := srv.Commands(discordtest.GuildID)
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "ask,help,about,sources,reindex,add-document,remove-document,add-source,remove-source,gaps" {
		t.Fatalf("registered commands = %v", names)
	}
	opts := cmds[0].Options
	if len(opts) != 3 || opts[0].Name != "question" || !opts[0].Required || opts[1].Name != "area" || !opts[1].Autocomplete ||
		opts[2].Name != "private" || opts[2].Type != discordgo.ApplicationCommandOptionBoolean {
		t.Errorf("/ask options = %+v %+v %+v", opts[0], opts[1], opts[len(opts)-1])
	}

	resp := ask(t, srv, question("How long does an EHC needs assessment take?"))
	if resp.CallbackType != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("callback type = %v, want a deferred reply", resp.CallbackType)
	}
	if resp.Edits != 1 || resp.EditedAt.IsZero() {
		t.Fatalf("want the deferred reply edited once, got %d edits", resp.Edits)
	}
	if len(resp.Message.Embeds) != 1 {
		t.Fatalf("want one embed, got message %+v", resp.Message)
	}
	e := resp.Message.Embeds[0]
	for _, want := range []string{
		"**1. [Asking for an EHC needs assessment in Testshire](https://testshire.example/ehc)**",
		"How long it takes · Testshire · 1 March 2024",
		"**education, health and care needs assessment**",
		"> A parent can write",
	} {
		if !strings.Contains(e.Description, want) {
			t.Errorf("embed description lacks %q:\n%s", want, e.Description)
		}
	}
	if e.Footer == nil || !strings.Contains(e.Footer.Text, "not advice") {
		t.Errorf("footer = %+v", e.Footer)
	}
	assertNoMentions(t, resp.Raw[len(resp.Raw)-1])
}

func TestAskBadInputGetsKindReply(t *testing.T) {
	srv, _ := startBot(t)
	tests := []struct {
		name      string
		opts      []discordtest.SlashOption
		ephemeral bool // answered at once, only to the asker
		want      string
	}{
		{"empty", []discordtest.SlashOption{question("   ")}, true, "Please type a question"},
		{"5000 characters", []discordtest.SlashOption{question(strings.Repeat("autism ", 715))}, true, "a bit long for me"},
		{"only punctuation", []discordtest.SlashOption{question("?!?! ... ---")}, true, "couldn't find any words"},
		{"query syntax", []discordtest.SlashOption{question(`+title:x* ~ /re.*/ "`)}, false, "couldn't find an answer to that"},
		{"emoji and right-to-left", []discordtest.SlashOption{question("🙂🙂 مرحبا שלום")}, false, "couldn't find an answer to that"},
		{"off topic", []discordtest.SlashOption{question("easy slow cooker chilli recipe")}, false, "won't guess"},
		{"abroad", []discordtest.SlashOption{question("cheap flights to spain")}, false, "so I can't answer about Spain"},
		{"unknown area", []discordtest.SlashOption{question("short breaks"), {Name: "area", Value: "Atlantis"}}, true, "Areas I have documents for: Otherton, Testshire."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := askOrError(t, srv, tt.opts...)
			if !strings.Contains(m.Content, tt.want) {
				t.Errorf("reply %q should contain %q", m.Content, tt.want)
			}
			if len(m.Embeds) != 0 {
				t.Errorf("a declined question must not show passages: %+v", m.Embeds[0])
			}
			if got := m.Flags&discordgo.MessageFlagsEphemeral != 0; got != tt.ephemeral {
				t.Errorf("ephemeral = %v, want %v", got, tt.ephemeral)
			}
			for _, leak := range []string{"error", "bleve", "index", "panic"} {
				if strings.Contains(strings.ToLower(m.Content), leak) {
					t.Errorf("reply leaks internals (%q): %q", leak, m.Content)
				}
			}
		})
	}
}

// A question the bot would decline only for the words added after it
// ("… thanks in advance") is answered without them, and the reply says
// what was left out.
func TestWordsAddedAfterTheQuestionAreLeftOut(t *testing.T) {
	srv, _ := startBot(t)
	resp := ask(t, srv, question("how do i request an ehc needs assessment thanks in advance"))
	want := "I answered “how do i request an ehc needs assessment”, leaving out “thanks in advance”."
	if resp.Message.Content != want || len(resp.Message.Embeds) != 1 || !strings.Contains(resp.Message.Embeds[0].Description, "six weeks") {
		t.Errorf("reply %+v; want %q above the answer", resp.Message, want)
	}
	if _, ok := buttons(resp.Message)["Helpful (1)"]; !ok {
		t.Errorf("the answer has no Helpful button: %+v", resp.Message.Components)
	}
	if off := askOrError(t, srv, question("easy slow cooker chilli recipe")); len(off.Embeds) != 0 || strings.Contains(off.Content, "leaving out") {
		t.Errorf("an off-topic question: %+v; want it declined", off)
	}
}

func TestQuotedTextCannotFormatOrPing(t *testing.T) {
	srv, _ := startBot(t)
	resp := ask(t, srv, question("@everyone respite <@&999> overnight"))
	if len(resp.Message.Embeds) != 1 {
		t.Fatalf("want an answer, got %+v", resp.Message)
	}
	d := resp.Message.Embeds[0].Description
	for _, bad := range []string{"@everyone", "<@12345>", "](http://evil.example/x)", "**shout**", "\n# heading", "`code`", "[click](http://evil.example)"} {
		if strings.Contains(d, bad) {
			t.Errorf("corpus markup %q reached the embed unescaped:\n%s", bad, d)
		}
	}
	for _, want := range []string{`\# heading`, `\> quote`, "@\u200b", `\<@12345\>`, `Respite \[click\]\(http://evil.example\) \*\*now\*\*`} {
		if !strings.Contains(d, want) {
			t.Errorf("embed should show %q escaped:\n%s", want, d)
		}
	}
	if strings.Contains(d, "@everyone") || strings.Contains(d, "@**everyone") {
		t.Errorf("@everyone survived in a pingable form:\n%s", d)
	}
	assertNoMentions(t, resp.Raw[len(resp.Raw)-1])
}

// assertNoMentions checks that a message body sent to Discord allows no
// mentions at all: allowed_mentions present, with nothing to parse and no
// users or roles.
func assertNoMentions(t *testing.T, raw json.RawMessage) {
	t.Helper()
	var body struct {
		AllowedMentions *struct {
			Parse       []string `json:"parse"`
			Users       []string `json:"users"`
			Roles       []string `json:"roles"`
			RepliedUser bool     `json:"replied_user"`
		} `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	am := body.AllowedMentions
	if am == nil || am.Parse == nil || len(am.Parse) != 0 || len(am.Users) != 0 || len(am.Roles) != 0 || am.RepliedUser {
		t.Errorf("allowed_mentions must be present and empty: %s", raw)
	}
}

func TestMentionIsAnsweredInReply(t *testing.T) {
	srv, _ := startBot(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	m := srv.UserMessage("<@"+discordtest.BotUserID+"> what are targeted short breaks? @everyone", true)
	srv.SendMessage(m)
	got, err := srv.WaitChannelMessage(ctx, discordtest.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Message.Embeds) != 1 || !strings.Contains(got.Message.Embeds[0].Description, "[Short breaks](https://testshire.example/short-breaks)") {
		t.Fatalf("mention answer = %+v", got.Message)
	}
	if got.Message.Reference == nil || got.Message.Reference.MessageID != m.ID {
		t.Errorf("answer should reply to the question message: %+v", got.Message.Reference)
	}
	assertNoMentions(t, got.Raw)

	srv.SendMessage(srv.UserMessage("<@"+discordtest.BotUserID+">", true))
	hello, err := srv.WaitChannelMessage(ctx, discordtest.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hello.Message.Content, "Mention me with a question") {
		t.Errorf("a bare mention should explain how to ask: %q", hello.Message.Content)
	}

	// A message that does not mention the bot is not answered.
	srv.SendMessage(srv.UserMessage("short breaks", false))
	srv.SendMessage(srv.UserMessage("<@"+discordtest.BotUserID+"> short breaks", true))
	next, err := srv.WaitChannelMessage(ctx, discordtest.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if len(next.Message.Embeds) != 1 || len(srv.ChannelMessages(discordtest.ChannelID)) != 3 {
		t.Errorf("bot answered a message that did not mention it: %d messages", len(srv.ChannelMessages(discordtest.ChannelID)))
	}
}

func TestChannelAndServerAreasAreUsedUnlessTheAskerChooses(t *testing.T) {
	const otherChannel = "3000000000000000777"
	srv, _ := startBotWith(t, func(c *Config) {
		c.ServerAreas = map[string]string{discordtest.GuildID: "otherton"} // written as the folder is
		c.ChannelAreas = map[string]string{discordtest.ChannelID: "Testshire"}
	})
	const respite = "overnight respite for families"
	tests := []struct {
		name    string
		channel string
		opts    []discordtest.SlashOption
		header  string // the respite passage, from Otherton; "" for a decline
	}{
		// Asked in Testshire, only Testshire's documents answer (its
		// short breaks, which the glossary knows respite as), never
		// another council's.
		{"channel's area", discordtest.ChannelID, nil, ""},
		{"chosen area overrides the channel's", discordtest.ChannelID, []discordtest.SlashOption{{Name: "area", Value: "Otherton"}}, "Respite · Otherton · "},
		{"server's area in another channel", otherChannel, nil, "Respite · Otherton · "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := srv.SlashCommand("ask", append([]discordtest.SlashOption{question(respite)}, tt.opts...)...)
			i.ChannelID = tt.channel
			m := respond(t, srv, i, 0).Message
			if tt.header == "" {
				if len(m.Embeds) != 1 || strings.Contains(m.Embeds[0].Description, "Otherton") || !strings.Contains(m.Embeds[0].Description, "Testshire") {
					t.Errorf("want Testshire's passages and no other area's, got %q %+v", m.Content, m.Embeds)
				}
				return
			}
			if len(m.Embeds) != 1 || !strings.Contains(m.Embeds[0].Description, tt.header) {
				t.Fatalf("want an answer with %q, got %+v", tt.header, m)
			}
		})
	}

	// A mention in the channel is asked in the channel's area too.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv.SendMessage(srv.UserMessage(respite, true))
	got, err := srv.WaitChannelMessage(ctx, discordtest.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Message.Embeds) != 1 || strings.Contains(got.Message.Embeds[0].Description, "Otherton") {
		t.Errorf("mention answer = %q %+v: want Testshire's passages only", got.Message.Content, got.Message.Embeds)
	}
}

func TestRealAnswerMarksOldPassagesAndExplainsJargon(t *testing.T) {
	srv, _ := startBot(t)
	resp := ask(t, srv, question("How long does an EHC needs assessment take?"))
	if len(resp.Message.Embeds) != 1 {
		t.Fatalf("want an answer, got %+v", resp.Message)
	}
	d := resp.Message.Embeds[0].Description
	for _, want := range []string{
		"How long it takes · Testshire · 1 March 2024\n> ",
		"\n\n⚠ 1 is from a document over 2 years old: check it is still current.",
		"\nSEN: Special educational needs · education, health and care needs assessment: The council's detailed assessment that decides whether a child needs an EHC plan",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("embed lacks %q:\n%s", want, d)
		}
	}
	// "council's" is an everyday word whose meaning would only repeat it.
	if strings.Contains(d, "council's:") {
		t.Errorf("embed explains an everyday word:\n%s", d)
	}
}

func TestDeclineSignpostsTheAreasLocalOffer(t *testing.T) {
	srv, _ := startBotWith(t, func(c *Config) { c.ChannelAreas = map[string]string{discordtest.ChannelID: "Testshire"} })
	resp := ask(t, srv, question("cheap flights to spain"))
	m := resp.Message
	for _, want := range []string{
		"My documents are about support for SEND in England, so I can't answer about Spain.",
		"Where to ask instead:\n**Local Offer**: [Testshire Local Offer](<https://testshire.example/local-offer>)",
	} {
		if !strings.Contains(m.Content, want) {
			t.Errorf("decline lacks %q:\n%s", want, m.Content)
		}
	}
	if len(m.Embeds) != 0 {
		t.Errorf("a decline must not show passages: %+v", m.Embeds)
	}
	assertNoMentions(t, resp.Raw[len(resp.Raw)-1])
}

// areasOnly is a Searcher that knows its areas and answers nothing.
type areasOnly []string

func (a areasOnly) Search(context.Context, index.Query) (index.Result, error) {
	return index.Result{}, nil
}
func (a areasOnly) Areas() []string  { return a }
func (a areasOnly) Info() index.Info { return index.Info{} }
func (a areasOnly) Documents(string) ([]index.DocumentInfo, error) {
	return nil, nil
}

func TestAreaSettingsAreCheckedAndResolved(t *testing.T) {
	areas := areasOnly{"England", "North Lincolnshire", "Testshire"}
	cfg := Config{Token: discordtest.Token, DefaultArea: "england",
		ServerAreas:  map[string]string{"20": "north-lincolnshire"},
		ChannelAreas: map[string]string{"30": "TESTSHIRE"}}
	b, err := New(cfg, areas)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, chosen, guild, channel, want string
	}{
		{"chosen wins", "Otherton", "20", "30", "Otherton"},
		{"channel", "", "20", "30", "Testshire"},
		{"server", "", "20", "31", "North Lincolnshire"},
		{"default", "", "21", "31", "England"},
		{"direct message uses the default only", "", "", "30", "England"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.areaFor(tt.chosen, tt.guild, tt.channel); got != tt.want {
				t.Errorf("areaFor = %q, want %q", got, tt.want)
			}
		})
	}

	cfg.ChannelAreas = map[string]string{"30": "Atlantis"}
	_, err = New(cfg, areas)
	if err == nil || !strings.Contains(err.Error(), `channel 30 is "Atlantis"`) || !strings.Contains(err.Error(), "England, North Lincolnshire, Testshire") {
		t.Errorf("an unknown area should be named with the known ones: %v", err)
	}
}
