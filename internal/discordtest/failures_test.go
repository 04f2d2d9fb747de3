package discordtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// TestFailNextWithDiscordErrors injects each of Discord's errors a bot
// has to handle and checks that discordgo sees what Discord would send.
func TestFailNextWithDiscordErrors(t *testing.T) {
	post := func(s *Server, dg *discordgo.Session) error {
		_, err := dg.ChannelMessageSend(ChannelID, "hello", discordgo.WithRetryOnRatelimit(false))
		return err
	}
	tests := []struct {
		name       string
		failure    Failure
		wantStatus int
		wantCode   int
		wantBody   string // a fragment of the raw error body
	}{
		{"missing permissions", MissingPermissions(), 403, 50013, `"message":"Missing Permissions"`},
		{"missing access", MissingAccess(), 403, 50001, `"message":"Missing Access"`},
		{"unknown webhook", UnknownWebhook(), 404, 10015, `"message":"Unknown Webhook"`},
		{"invalid webhook token", InvalidWebhookToken(), 401, 50027, `"message":"Invalid Webhook Token"`},
		{"invalid form body", InvalidFormBody("data.embeds.0.description", "BASE_TYPE_MAX_LENGTH", "Must be 4096 or fewer in length."), 400, 50035,
			`"errors":{"data":{"embeds":{"0":{"description":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 4096 or fewer in length."}]}}}}}`},
		{"custom", Failure{Status: 400, Code: 30007, Message: "Maximum number of webhooks reached (15)"}, 400, 30007, `"code":30007`},
	}
	s := NewServer(t)
	dg := newSession(t, s)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.ChannelMessages(ChannelID))
			s.FailNextWith(http.MethodPost, "channels/", tc.failure)
			err := post(s, dg)
			if err == nil {
				t.Fatal("want an error")
			}
			status, code := restError(t, err)
			if status != tc.wantStatus || code != tc.wantCode {
				t.Errorf("got HTTP %d code %d, want HTTP %d code %d", status, code, tc.wantStatus, tc.wantCode)
			}
			var re *discordgo.RESTError
			errors.As(err, &re)
			if !json.Valid(re.ResponseBody) || !bytes.Contains(re.ResponseBody, []byte(tc.wantBody)) {
				t.Errorf("body %s lacks %s", re.ResponseBody, tc.wantBody)
			}
			if n := len(s.ChannelMessages(ChannelID)) - before; n != 0 {
				t.Errorf("a failed request posted %d messages", n)
			}
			// Used once: the next request succeeds.
			if err := post(s, dg); err != nil {
				t.Errorf("the injection was used more than once: %v", err)
			}
		})
	}

	t.Run("rate limited, global", func(t *testing.T) {
		// A global limit holds back every later request of the session.
		s := NewServer(t)
		dg := newSession(t, s)
		s.FailNextWith(http.MethodPost, "channels/", Failure{Status: 429, RetryAfter: 4 * time.Second, Global: true})
		err := post(s, dg)
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) || rl.RetryAfter != 4*time.Second {
			t.Fatalf("got %v, want a RateLimitError with retry_after 4s", err)
		}
		reqs := s.Requests()
		if last := reqs[len(reqs)-1]; last.Status != 429 {
			t.Errorf("recorded status %d", last.Status)
		}
	})
	t.Run("rate limited, one route", func(t *testing.T) {
		s := NewServer(t)
		dg := newSession(t, s)
		i := s.SlashCommand("ask")
		s.FailNextWith(http.MethodPost, "interactions/", RateLimited(2500*time.Millisecond))
		err := dg.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource},
			discordgo.WithRetryOnRatelimit(false))
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) || rl.RetryAfter != 2500*time.Millisecond {
			t.Fatalf("got %v, want a RateLimitError with retry_after 2.5s", err)
		}
		if s.ResponseTo(i) != nil {
			t.Error("a rate-limited callback acknowledged the interaction")
		}
	})
}

// TestExpiredInteractionToken checks that an interaction's webhook stops
// working when its token expires, as it does on Discord after 15 minutes.
func TestExpiredInteractionToken(t *testing.T) {
	s := NewServer(t)
	dg := newSession(t, s)
	i := s.SlashCommand("reindex")
	s.SendInteraction(i)
	if err := dg.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
		t.Fatal(err)
	}
	text := "Reindexing…"
	if _, err := dg.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &text}); err != nil {
		t.Fatalf("edit before expiry: %v", err)
	}
	s.ExpireInteractionToken(i)
	done := "Done"
	_, err := dg.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &done})
	if status, code := restError(t, err); status != 401 || code != 50027 {
		t.Errorf("edit after expiry: HTTP %d code %d, want 401/50027", status, code)
	}
	_, err = dg.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: done})
	if status, code := restError(t, err); status != 401 || code != 50027 {
		t.Errorf("follow-up after expiry: HTTP %d code %d, want 401/50027", status, code)
	}
	if r := s.ResponseTo(i); r == nil || r.Message.Content != "Reindexing…" || r.Edits != 1 {
		t.Errorf("the refused edit changed the reply: %+v", r)
	}
}

// TestAddedChannelRefusesWhatTheBotMayNotDo checks a channel whose
// permissions deny the bot: posts are refused as Discord refuses them,
// and discordgo's state, from CHANNEL_CREATE, knows the permissions.
func TestAddedChannelRefusesWhatTheBotMayNotDo(t *testing.T) {
	s := NewServer(t)
	dg := newSession(t, s)
	if err := dg.Open(); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	if err := s.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	noSend := s.AddChannel("announcements", discordgo.PermissionSendMessages)
	noEmbeds := s.AddChannel("no-embeds", discordgo.PermissionEmbedLinks)
	hidden := s.AddChannel("moderators", discordgo.PermissionViewChannel)
	embed := []*discordgo.MessageEmbed{{Title: "An answer"}}
	tests := []struct {
		name       string
		channel    string
		msg        *discordgo.MessageSend
		wantStatus int
		wantCode   int
	}{
		{"send denied", noSend, &discordgo.MessageSend{Content: "hi"}, 403, 50013},
		{"embeds denied, text allowed", noEmbeds, &discordgo.MessageSend{Content: "hi"}, 200, 0},
		{"embeds denied", noEmbeds, &discordgo.MessageSend{Content: "hi", Embeds: embed}, 403, 50013},
		{"hidden channel", hidden, &discordgo.MessageSend{Content: "hi"}, 403, 50001},
		{"default channel", ChannelID, &discordgo.MessageSend{Content: "hi", Embeds: embed}, 200, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dg.ChannelMessageSendComplex(tc.channel, tc.msg)
			if tc.wantStatus == 200 {
				if err != nil {
					t.Fatalf("want success: %v", err)
				}
				return
			}
			if status, code := restError(t, err); status != tc.wantStatus || code != tc.wantCode {
				t.Errorf("HTTP %d code %d, want %d/%d", status, code, tc.wantStatus, tc.wantCode)
			}
		})
	}
	// The client handles events on its own goroutine, in order: the last
	// CHANNEL_CREATE handled means all were.
	for _, err := dg.State.Channel(hidden); err != nil; _, err = dg.State.Channel(hidden) {
		select {
		case <-ctx.Done():
			t.Fatalf("CHANNEL_CREATE did not reach the client: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	perms, err := dg.State.UserChannelPermissions(BotUserID, noSend)
	if err != nil {
		t.Fatal(err)
	}
	if perms&discordgo.PermissionSendMessages != 0 || perms&discordgo.PermissionViewChannel == 0 {
		t.Errorf("state permissions in %s = %b: want View Channel without Send Messages", noSend, perms)
	}
	if ch, _ := dg.State.Channel(noEmbeds); ch == nil || ch.Name != "no-embeds" || ch.GuildID != GuildID {
		t.Errorf("state channel = %+v", ch)
	}
}

// TestWaitDirectMessage checks that a DM the bot opens and sends is found
// by its recipient.
func TestWaitDirectMessage(t *testing.T) {
	s := NewServer(t)
	dg := newSession(t, s)
	dm, err := dg.UserChannelCreate(UserID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dg.ChannelMessageSend(dm.ID, "just for you"); err != nil {
		t.Fatal(err)
	}
	got, err := s.WaitDirectMessage(testCtx(t), UserID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Message.Content != "just for you" || got.ChannelID != dm.ID {
		t.Errorf("DM = %+v in %s", got.Message, got.ChannelID)
	}
	if n := len(s.DirectMessages(UserID)); n != 1 {
		t.Errorf("DirectMessages = %d, want 1", n)
	}
	if n := len(s.DirectMessages("4000000000000000002")); n != 0 {
		t.Errorf("another user has %d DMs", n)
	}
}

// TestAutocompleteResultShape checks autocomplete results against
// Discord's documentation: data.choices is required, even when empty.
func TestAutocompleteResultShape(t *testing.T) {
	many := make([]map[string]string, 26)
	for n := range many {
		many[n] = map[string]string{"name": "area", "value": "area"}
	}
	tests := []struct {
		name      string
		body      any
		wantField string // "" for accepted
	}{
		{"empty list", json.RawMessage(`{"type":8,"data":{"choices":[]}}`), ""},
		{"one choice", json.RawMessage(`{"type":8,"data":{"choices":[{"name":"Testshire","value":"Testshire"}]}}`), ""},
		// What discordgo's InteractionResponseData sends for no choices.
		{"choices left out", &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}, `"data":{"choices":{"_errors":[{"code":"BASE_TYPE_REQUIRED"`},
		{"null", json.RawMessage(`{"type":8,"data":{"choices":null}}`), `"data":{"choices":{"_errors":[{"code":"BASE_TYPE_REQUIRED"`},
		{"no data", json.RawMessage(`{"type":8}`), `"data":{"choices":{"_errors":[{"code":"BASE_TYPE_REQUIRED"`},
		{"26 choices", map[string]any{"type": 8, "data": map[string]any{"choices": many}}, `"BASE_TYPE_MAX_LENGTH"`},
		{"choice without a name", json.RawMessage(`{"type":8,"data":{"choices":[{"value":"x"}]}}`), `"0":{"name":{"_errors"`},
	}
	s := NewServer(t)
	dg := newSession(t, s)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			i := s.Autocomplete("ask", SlashOption{Name: "area", Value: "x", Focused: true})
			endpoint := discordgo.EndpointInteractionResponse(i.ID, i.Token)
			_, err := dg.RequestWithBucketID(http.MethodPost, endpoint, tc.body, endpoint)
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if r := s.ResponseTo(i); r == nil || r.CallbackType != discordgo.InteractionApplicationCommandAutocompleteResult {
					t.Errorf("response = %+v", r)
				}
				return
			}
			status, code := restError(t, err)
			var re *discordgo.RESTError
			errors.As(err, &re)
			if status != 400 || code != 50035 || !bytes.Contains(re.ResponseBody, []byte(tc.wantField)) {
				t.Errorf("HTTP %d code %d body %s, want 400/50035 naming %s", status, code, re.ResponseBody, tc.wantField)
			}
			if s.ResponseTo(i) != nil {
				t.Error("a refused result acknowledged the interaction")
			}
		})
	}
}
