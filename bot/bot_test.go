package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
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
	"otherton/hostile.md": {Data: []byte(`---
title: "Respite [click](http://evil.example) **now**"
source_url: https://otherton.example/respite
kind: news
---
# Respite

Respite care notice: **shout** @everyone and <@12345> and [a link](http://evil.example/x) and # heading and > quote and ` + "`code`" + ` all appear in this respite passage, which talks about overnight respite for families.
`)},
}

// startBot builds a real index of botCorpus, starts a fake Discord server
// and runs the bot against it until the test ends.
func startBot(t *testing.T) (*discordtest.Server, *index.Index) {
	t.Helper()
	c, err := corpus.Load(botCorpus)
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

	srv := discordtest.NewServer(t)
	b, err := New(Config{Token: discordtest.Token, GuildID: discordtest.GuildID, APIURL: srv.APIURL(), Logger: slog.New(slog.DiscardHandler)}, ix)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() { // runs before the server closes
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	wait, cancelWait := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelWait()
	if err := srv.WaitReady(wait); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitCommands(wait, discordtest.GuildID, 1); err != nil {
		t.Fatal(err)
	}
	return srv, ix
}

func ask(t *testing.T, srv *discordtest.Server, opts ...discordtest.SlashOption) *discordtest.Response {
	t.Helper()
	i := srv.SlashCommand("ask", opts...)
	srv.SendInteraction(i)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := srv.WaitResponse(ctx, i)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func question(q string) discordtest.SlashOption {
	return discordtest.SlashOption{Name: "question", Value: q}
}

func TestAskAnswersWithCitedEmbed(t *testing.T) {
	srv, _ := startBot(t)

	cmds := srv.Commands(discordtest.GuildID)
	if len(cmds) != 1 || cmds[0].Name != "ask" || len(cmds[0].Options) != 2 {
		t.Fatalf("registered commands = %+v", cmds)
	}
	var choices []string
	for _, c := range cmds[0].Options[1].Choices {
		choices = append(choices, c.Name)
	}
	if strings.Join(choices, ",") != "Otherton,Testshire" {
		t.Errorf("area choices = %v", choices)
	}

	resp := ask(t, srv, question("How long does an EHC needs assessment take?"))
	if resp.CallbackType != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("callback type = %v, want a deferred reply", resp.CallbackType)
	}
	if resp.Edits != 1 || resp.EditedAt.IsZero() {
		t.Fatalf("want the deferred reply edited once, got %d edits", resp.Edits)
	}
	if resp.CallbackAt.Sub(resp.CallbackAt) > 3*time.Second {
		t.Errorf("acknowledged too late")
	}
	if len(resp.Message.Embeds) != 1 {
		t.Fatalf("want one embed, got message %+v", resp.Message)
	}
	e := resp.Message.Embeds[0]
	for _, want := range []string{
		"**1. [Asking for an EHC needs assessment in Testshire](https://testshire.example/ehc)**",
		"How long it takes · Testshire · 1 March 2024",
		"**assessment**",
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
		{"only punctuation", []discordtest.SlashOption{question("?!?! ... ---")}, false, "couldn't find any words"},
		{"query syntax", []discordtest.SlashOption{question(`+title:x* ~ /re.*/ "`)}, false, "couldn't find an answer to that"},
		{"emoji and right-to-left", []discordtest.SlashOption{question("🙂🙂 مرحبا שלום")}, false, "couldn't find an answer to that"},
		{"off topic", []discordtest.SlashOption{question("cheap flights to spain")}, false, "won't guess"},
		{"unknown area", []discordtest.SlashOption{question("short breaks"), {Name: "area", Value: "Atlantis"}}, false, "Areas I have documents for: Otherton, Testshire."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ask(t, srv, tt.opts...)
			m := resp.Message
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
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
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
