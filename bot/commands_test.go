package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/library"
)

func respond(t *testing.T, srv *discordtest.Server, i *discordgo.Interaction, edits int) *discordtest.Response {
	t.Helper()
	srv.SendInteraction(i)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var (
		resp *discordtest.Response
		err  error
	)
	if edits > 0 {
		resp, err = srv.WaitResponseEdits(ctx, i, edits)
	} else {
		resp, err = srv.WaitResponse(ctx, i)
	}
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestHelpAndAboutAnswerOnlyTheAsker(t *testing.T) {
	srv, ix := startBotWith(t, func(c *Config) { c.Version = "v1.2.3" })
	help := respond(t, srv, srv.SlashCommand("help"), 0)
	if help.Message == nil || help.Message.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("/help must be visible to the asker only: %+v", help)
	}
	for _, want := range []string{"**How to ask**", "*What are short breaks?*", "`private`", "**What I cannot do**", "make anything up", "SENDIASS", "Areas I have documents for: Otherton, Testshire."} {
		if !strings.Contains(help.Message.Content, want) {
			t.Errorf("/help lacks %q:\n%s", want, help.Message.Content)
		}
	}

	about := respond(t, srv, srv.SlashCommand("about"), 0)
	info := ix.Info()
	want := []string{"**sendbot** v1.2.3", "Documents indexed on " + info.BuiltAt.UTC().Format("2 January 2006"),
		fmt.Sprintf("%d documents, %d passages.", info.Documents, info.Passages), "• Otherton: 1 documents, ", "not advice"}
	for _, a := range info.Areas {
		want = append(want, fmt.Sprintf("• %s: %d documents, %d passages", a.Name, a.Documents, a.Passages))
	}
	if len(info.Areas) != 2 {
		t.Fatalf("test corpus areas: %+v", info.Areas)
	}
	for _, want := range want {
		if !strings.Contains(about.Message.Content, want) {
			t.Errorf("/about lacks %q:\n%s", want, about.Message.Content)
		}
	}
	if about.Message.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("/about must be visible to the asker only")
	}
}

func TestPrivateAnswersAreSeenOnlyByTheAsker(t *testing.T) {
	srv, _ := startBot(t)
	tests := []struct {
		name    string
		opts    []discordtest.SlashOption
		private bool
	}{
		{"public by default", []discordtest.SlashOption{question("what are short breaks")}, false},
		{"private when asked", []discordtest.SlashOption{question("what are short breaks"), {Name: "private", Value: true}}, true},
		{"private false", []discordtest.SlashOption{question("what are short breaks"), {Name: "private", Value: false}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := respond(t, srv, srv.SlashCommand("ask", tt.opts...), 1)
			if got := resp.Message.Flags&discordgo.MessageFlagsEphemeral != 0; got != tt.private {
				t.Errorf("ephemeral = %v, want %v", got, tt.private)
			}
			if len(resp.Message.Embeds) != 1 || !strings.Contains(resp.Message.Embeds[0].Description, "Short breaks") {
				t.Errorf("no answer: %+v", resp.Message)
			}
		})
	}
}

func TestAreaOptionIsAutocompleted(t *testing.T) {
	srv, _ := startBot(t)
	tests := []struct {
		typed string
		want  string
	}{
		{"", "Otherton,Testshire"},
		{"te", "Testshire"},
		{"TON", "Otherton"},
		{"shire", "Testshire"},
		{"narnia", ""},
	}
	for _, tt := range tests {
		i := srv.Autocomplete("ask", question("short breaks"), discordtest.SlashOption{Name: "area", Value: tt.typed, Focused: true})
		resp := respond(t, srv, i, 0)
		if resp.CallbackType != discordgo.InteractionApplicationCommandAutocompleteResult {
			t.Fatalf("%q: callback %v", tt.typed, resp.CallbackType)
		}
		var got []string
		for _, c := range resp.Choices {
			got = append(got, c.Name)
		}
		if strings.Join(got, ",") != tt.want {
			t.Errorf("typed %q: choices %v, want %s", tt.typed, got, tt.want)
		}
		wantChoicesSent(t, resp.Raw[0], len(got))
	}
}

// wantChoicesSent checks an autocomplete callback body as Discord documents
// it: data.choices is required, an array even when nothing matches (a
// missing list leaves the parent's menu showing "loading options failed").
func wantChoicesSent(t *testing.T, raw json.RawMessage, n int) {
	t.Helper()
	var body struct {
		Type int                        `json:"type"`
		Data map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("callback body %s: %v", raw, err)
	}
	choices, ok := body.Data["choices"]
	var list []json.RawMessage
	if !ok || json.Unmarshal(choices, &list) != nil || list == nil || len(list) != n {
		t.Errorf("callback body %s: want data.choices, an array of %d", raw, n)
	}
	if n == 0 && !bytes.Contains(raw, []byte(`"choices":[]`)) {
		t.Errorf("callback body %s lacks \"choices\":[]", raw)
	}
}

func TestNothingToSuggestSendsAnEmptyList(t *testing.T) {
	tests := []struct {
		name    string
		command string
		option  discordtest.SlashOption
	}{
		{"no area matches", "ask", discordtest.SlashOption{Name: "area", Value: "narnia", Focused: true}},
		{"no area matches in /sources", "sources", discordtest.SlashOption{Name: "area", Value: "zz", Focused: true}},
		// A parent typing in a moderator's option: nothing is offered.
		{"document, not a moderator", "remove-document", discordtest.SlashOption{Name: "document", Value: "", Focused: true}},
	}
	srv, _ := startBotWith(t, func(c *Config) {
		c.Uploads = &fakeUploads{docs: []library.UploadedDoc{{ID: "u1", Title: "Respite leaflet", Area: "Testshire", Added: testNow}}}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := respond(t, srv, srv.Autocomplete(tt.command, tt.option), 0)
			if resp.CallbackType != discordgo.InteractionApplicationCommandAutocompleteResult || len(resp.Choices) != 0 {
				t.Fatalf("callback %v with choices %+v", resp.CallbackType, resp.Choices)
			}
			wantChoicesSent(t, resp.Raw[0], 0)
		})
	}
}

func TestQuestionsAreLoggedOnlyWhenAskedTo(t *testing.T) {
	const q = "what are short breaks for families"
	for _, on := range []bool{false, true} {
		var logs lockedBuffer
		srv, _ := startBotWith(t, func(c *Config) {
			c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			c.LogQuestions = on
		})
		respond(t, srv, srv.SlashCommand("ask", question(q)), 1)
		if got := strings.Contains(logs.String(), q); got != on {
			t.Errorf("LogQuestions=%v: question in logs = %v\n%s", on, got, logs.String())
		}
	}
}

// lockedBuffer is a log the test reads while the bot writes to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestCheckAreasSaysWhichSettingIsWrong(t *testing.T) {
	known := []string{"England", "North Lincolnshire", "Testshire"}
	cfg := Config{DefaultArea: "testshire", ServerAreas: map[string]string{"1": "north-lincolnshire"}, ChannelAreas: map[string]string{"9": "Atlantis", "3": "Narnia", "5": "england"}}
	err := cfg.CheckAreas(known)
	var ae *AreaError
	if !errors.As(err, &ae) || ae.Where != "channel" || ae.ID != "3" || ae.Area != "Narnia" || len(ae.Known) != 3 {
		t.Fatalf("CheckAreas = %v, want the channel with the lowest ID", err)
	}
	if !strings.Contains(err.Error(), `the area of channel 3 is "Narnia", but there are no documents for that area; the areas are England, North Lincolnshire, Testshire`) {
		t.Errorf("error %q", err)
	}
	delete(cfg.ChannelAreas, "9")
	delete(cfg.ChannelAreas, "3")
	if err := cfg.CheckAreas(known); err != nil || cfg.DefaultArea != "Testshire" || cfg.ServerAreas["1"] != "North Lincolnshire" || cfg.ChannelAreas["5"] != "England" {
		t.Errorf("areas as the index shows them: %v %+v", err, cfg)
	}
}
