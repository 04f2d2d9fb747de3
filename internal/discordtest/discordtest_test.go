package discordtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/sendbot/sendbot/internal/discordapi"
)

// pointDiscordgoAt points discordgo at apiURL, the way the bot does, and
// back at Discord when the test ends.
func pointDiscordgoAt(t testing.TB, apiURL string) {
	t.Helper()
	if err := discordapi.PointAt(apiURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { discordapi.PointAt(discordapi.Default) })
}

// newSession points discordgo at s and returns a session with the right
// token (not opened). Events are handled synchronously so tests see them
// in order. The session is closed before s.
func newSession(t *testing.T, s *Server) *discordgo.Session {
	t.Helper()
	pointDiscordgoAt(t, s.APIURL())
	dg, err := discordgo.New("Bot " + Token)
	if err != nil {
		t.Fatal(err)
	}
	dg.SyncEvents = true
	t.Cleanup(func() {
		// Otherwise a heartbeat failing on the socket Close shuts starts
		// a reconnect loop that outlives the test and finds the next
		// test's server through discordgo's global endpoints.
		dg.ShouldReconnectOnError = false
		_ = dg.Close()
	})
	return dg
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// restError extracts the HTTP status and Discord error code of err.
func restError(t *testing.T, err error) (status, code int) {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not a *discordgo.RESTError", err, err)
	}
	code = -1
	if re.Message != nil {
		code = re.Message.Code
	}
	return re.Response.StatusCode, code
}

var askCommand = &discordgo.ApplicationCommand{
	Name:        "ask",
	Description: "Ask a question about SEND support",
	Options: []*discordgo.ApplicationCommandOption{{
		Type:        discordgo.ApplicationCommandOptionString,
		Name:        "question",
		Description: "Your question",
		Required:    true,
	}},
}

func TestTokenShape(t *testing.T) {
	parts := strings.Split(Token, ".")
	if len(parts) != 3 || len(parts[1]) != 6 || len(parts[2]) < 27 {
		t.Fatalf("Token %q does not look like a bot token", Token)
	}
	if parts[0] != "MTAwMDAwMDAwMDAwMDAwMDAwMQ" { // base64url("1000000000000000001")
		t.Errorf("Token does not start with base64url(BotUserID): %q", parts[0])
	}
}

func TestSlashCommandEndToEnd(t *testing.T) {
	s := NewServer(t)
	dg := newSession(t, s)
	handlerErr := make(chan error, 10)
	release := make(chan struct{}) // holds the bot between deferring and editing
	dg.AddHandler(func(ds *discordgo.Session, ic *discordgo.InteractionCreate) {
		switch ic.Type {
		case discordgo.InteractionApplicationCommand:
			q := ""
			if o := ic.ApplicationCommandData().GetOption("question"); o != nil {
				q = o.StringValue()
			}
			if err := ds.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			}); err != nil {
				handlerErr <- fmt.Errorf("defer: %w", err)
				return
			}
			select { // the "slow work" behind the deferral
			case <-release:
			case <-time.After(5 * time.Second):
			}
			embeds := []*discordgo.MessageEmbed{{Title: "Answer: " + q, Description: "An answer."}}
			components := []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "More", Style: discordgo.PrimaryButton, CustomID: "more"},
			}}}
			if _, err := ds.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{
				Embeds:          &embeds,
				Components:      &components,
				AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
			}); err != nil {
				handlerErr <- fmt.Errorf("edit: %w", err)
				return
			}
			if _, err := ds.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{
				Content: "Sources: the SEND Code of Practice", Flags: discordgo.MessageFlagsEphemeral,
			}); err != nil {
				handlerErr <- fmt.Errorf("follow-up: %w", err)
			}
		case discordgo.InteractionMessageComponent:
			if err := ds.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseUpdateMessage,
				Data: &discordgo.InteractionResponseData{Content: "More about: " + ic.MessageComponentData().CustomID},
			}); err != nil {
				handlerErr <- fmt.Errorf("update: %w", err)
			}
		}
	})
	if err := dg.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	ctx := testCtx(t)
	if err := s.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	ids := s.IdentifyPayloads()
	if len(ids) != 1 || ids[0].Token != "Bot "+Token {
		t.Errorf("IDENTIFY payloads = %+v, want one with the bot token", ids)
	}

	created, err := dg.ApplicationCommandBulkOverwrite(ApplicationID, GuildID, []*discordgo.ApplicationCommand{askCommand})
	if err != nil {
		t.Fatalf("bulk overwrite: %v", err)
	}
	if len(created) != 1 || created[0].ID == "" || created[0].GuildID != GuildID || created[0].ApplicationID != ApplicationID {
		t.Fatalf("bulk overwrite returned %+v", created)
	}
	cmds, err := s.WaitCommands(ctx, GuildID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Commands(GuildID); len(got) != 1 || got[0].Name != "ask" || got[0].ID != created[0].ID ||
		len(got[0].Options) != 1 || got[0].Options[0].Name != "question" {
		t.Errorf("Commands(GuildID) = %+v", got)
	}
	if len(cmds) != 1 {
		t.Errorf("WaitCommands returned %d commands", len(cmds))
	}
	if got := s.Commands(""); len(got) != 0 {
		t.Errorf("Commands(\"\") = %+v, want none", got)
	}

	i := s.SlashCommand("ask", SlashOption{Name: "question", Value: "hi"})
	if id := i.ApplicationCommandData().ID; id != created[0].ID {
		t.Errorf("interaction command id = %q, want registered %q", id, created[0].ID)
	}
	s.SendInteraction(i)
	// While the bot works, only the deferral is visible and WaitResponse
	// keeps waiting for the edit.
	if err := s.WaitFor(ctx, func() bool { return s.ResponseTo(i) != nil }); err != nil {
		t.Fatal(err)
	}
	if early := s.ResponseTo(i); early.CallbackType != discordgo.InteractionResponseDeferredChannelMessageWithSource ||
		early.Edits != 0 || early.Message == nil || len(early.Message.Embeds) != 0 || len(early.Raw) != 1 {
		t.Errorf("response before the edit = %+v", early)
	}
	shortCtx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	if r, err := s.WaitResponse(shortCtx, i); err == nil {
		t.Errorf("WaitResponse returned %+v before the deferred response was edited", r)
	}
	cancel()
	close(release)
	resp, err := s.WaitResponse(ctx, i)
	if err != nil {
		t.Fatal(err)
	}
	if resp.CallbackType != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("callback type = %v, want deferred (5)", resp.CallbackType)
	}
	if resp.Edits != 1 || resp.EditedAt.IsZero() || resp.EditedAt.Before(resp.CallbackAt) {
		t.Errorf("Edits = %d, CallbackAt = %v, EditedAt = %v", resp.Edits, resp.CallbackAt, resp.EditedAt)
	}
	if resp.Message == nil || len(resp.Message.Embeds) != 1 || resp.Message.Embeds[0].Title != "Answer: hi" {
		t.Fatalf("final message = %+v, want one embed titled %q", resp.Message, "Answer: hi")
	}
	if resp.Message.Author == nil || resp.Message.Author.ID != BotUserID || resp.Message.ChannelID != ChannelID {
		t.Errorf("message author/channel = %+v/%q", resp.Message.Author, resp.Message.ChannelID)
	}
	if len(resp.Message.Components) != 1 {
		t.Errorf("components = %+v, want one action row", resp.Message.Components)
	} else if row, ok := resp.Message.Components[0].(*discordgo.ActionsRow); !ok || len(row.Components) != 1 {
		t.Errorf("component = %#v, want an action row with a button", resp.Message.Components[0])
	} else if b, ok := row.Components[0].(*discordgo.Button); !ok || b.CustomID != "more" {
		t.Errorf("button = %#v", row.Components[0])
	}
	if len(resp.Raw) != 2 {
		t.Fatalf("len(Raw) = %d, want callback + 1 edit", len(resp.Raw))
	}
	if !bytes.Contains(resp.Raw[1], []byte(`"allowed_mentions":{"parse":[]`)) {
		t.Errorf("edit body %s lacks allowed_mentions with empty parse", resp.Raw[1])
	}

	fu, err := s.WaitFollowup(ctx, i)
	if err != nil {
		t.Fatal(err)
	}
	if fu.Message.Content != "Sources: the SEND Code of Practice" || fu.Message.Flags != discordgo.MessageFlagsEphemeral || fu.ID == "" {
		t.Errorf("follow-up = %+v", fu.Message)
	}

	// A button click on the answer updates the message in place (type 7).
	click := s.ComponentInteraction(resp.Message, "more")
	s.SendInteraction(click)
	upd, err := s.WaitResponse(ctx, click)
	if err != nil {
		t.Fatal(err)
	}
	if upd.CallbackType != discordgo.InteractionResponseUpdateMessage || upd.Message == nil ||
		upd.Message.ID != resp.Message.ID || upd.Message.Content != "More about: more" {
		t.Errorf("update response = type %v, message %+v", upd.CallbackType, upd.Message)
	}

	// Every REST call was authenticated and answered with success.
	for _, r := range s.Requests() {
		if r.Auth != "Bot "+Token || r.Status >= 300 {
			t.Errorf("request %s %s: auth %q, status %d", r.Method, r.Path, r.Auth, r.Status)
		}
	}
	// discordgo heartbeats once right after connecting.
	if err := s.WaitFor(ctx, func() bool { return s.Heartbeats() >= 1 }); err != nil {
		t.Errorf("heartbeats: %v (got %d)", err, s.Heartbeats())
	}
	select {
	case err := <-handlerErr:
		t.Errorf("bot handler: %v", err)
	default:
	}
}

func TestMentionMessage(t *testing.T) {
	s := NewServer(t)
	dg := newSession(t, s)
	dg.AddHandler(func(ds *discordgo.Session, m *discordgo.MessageCreate) {
		if m.Author == nil || m.Author.ID == BotUserID {
			return
		}
		mentioned := false
		for _, u := range m.Mentions {
			mentioned = mentioned || u.ID == BotUserID
		}
		if !mentioned {
			return
		}
		question := strings.TrimSpace(strings.ReplaceAll(m.Content, "<@"+BotUserID+">", ""))
		if _, err := ds.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{
			Content:         "You asked: " + question,
			Reference:       m.Reference(),
			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
		}); err != nil {
			t.Errorf("reply: %v", err)
		}
	})
	if err := dg.Open(); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	if err := s.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}

	s.SendMessage(s.UserMessage("just chatting", false)) // must be ignored
	mention := s.UserMessage("what is an EHCP?", true)
	if !strings.HasPrefix(mention.Content, "<@"+BotUserID+"> ") || len(mention.Mentions) != 1 {
		t.Fatalf("UserMessage(mentionBot) = %q mentions %v", mention.Content, mention.Mentions)
	}
	s.SendMessage(mention)
	pm, err := s.WaitChannelMessage(ctx, ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if pm.Message.Content != "You asked: what is an EHCP?" {
		t.Errorf("reply content = %q", pm.Message.Content)
	}
	if pm.Message.Reference == nil || pm.Message.Reference.MessageID != mention.ID {
		t.Errorf("reply reference = %+v, want message %s", pm.Message.Reference, mention.ID)
	}
	if !bytes.Contains(pm.Raw, []byte(`"allowed_mentions":{"parse":[]`)) {
		t.Errorf("reply body %s lacks allowed_mentions", pm.Raw)
	}
	// Events are handled synchronously, so the ignored message was handled
	// before the mention: exactly one reply exists.
	if n := len(s.ChannelMessages(ChannelID)); n != 1 {
		t.Errorf("bot posted %d messages, want 1", n)
	}
	got := s.ChannelMessage(pm.ID)
	if got == nil || got.Type != discordgo.MessageTypeReply || got.Author.ID != BotUserID || got.GuildID != GuildID {
		t.Errorf("stored reply = %+v", got)
	}
}

func TestMultipartMessage(t *testing.T) {
	s := NewServer(t)
	dg := newSession(t, s)
	msg, err := dg.ChannelMessageSendComplex(ChannelID, &discordgo.MessageSend{
		Content: "see attached",
		Files:   []*discordgo.File{{Name: "notes.txt", ContentType: "text/plain", Reader: strings.NewReader("hello")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.ID == "" || msg.ChannelID != ChannelID || msg.Author == nil || msg.Author.ID != BotUserID ||
		len(msg.Attachments) != 1 || msg.Attachments[0].Filename != "notes.txt" {
		t.Errorf("created message = %+v", msg)
	}
	pm, err := s.WaitChannelMessage(testCtx(t), ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if pm.ID != msg.ID || pm.Message.Content != "see attached" || len(pm.Files) != 1 ||
		pm.Files[0].Name != "notes.txt" || string(pm.Files[0].Data) != "hello" {
		t.Errorf("posted message = %+v files %+v", pm.Message, pm.Files)
	}
}

func TestRESTErrors(t *testing.T) {
	tests := []struct {
		name       string
		do         func(s *Server, dg *discordgo.Session) error
		wantStatus int
		wantCode   int
	}{
		{
			name: "wrong token",
			do: func(s *Server, dg *discordgo.Session) error {
				bad, _ := discordgo.New("Bot not-the-token")
				_, err := bad.User("@me")
				return err
			},
			wantStatus: 401, wantCode: 0,
		},
		{
			name: "unknown route",
			do: func(s *Server, dg *discordgo.Session) error {
				_, err := dg.RequestWithBucketID("GET", discordgo.EndpointAPI+"no/such/route", nil, "x")
				return err
			},
			wantStatus: 404, wantCode: 0,
		},
		{
			name: "unknown interaction",
			do: func(s *Server, dg *discordgo.Session) error {
				return dg.InteractionRespond(&discordgo.Interaction{ID: "1", Token: "nope"}, &discordgo.InteractionResponse{
					Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Content: "x"},
				})
			},
			wantStatus: 404, wantCode: 10062,
		},
		{
			name: "double acknowledgement",
			do: func(s *Server, dg *discordgo.Session) error {
				i := s.SlashCommand("ask", SlashOption{Name: "question", Value: "twice"})
				ack := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
				if err := dg.InteractionRespond(i, ack); err != nil {
					return fmt.Errorf("first ack must succeed: %w", err)
				}
				return dg.InteractionRespond(i, ack)
			},
			wantStatus: 400, wantCode: 40060,
		},
		{
			name: "callback after the deadline",
			do: func(s *Server, dg *discordgo.Session) error {
				s.SetInteractionDeadline(time.Nanosecond)
				defer s.SetInteractionDeadline(DefaultInteractionDeadline)
				i := s.SlashCommand("ask")
				s.SendInteraction(i) // nobody is connected; starts the deadline
				return dg.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
			},
			wantStatus: 404, wantCode: 10062,
		},
		{
			name: "edit before acknowledgement",
			do: func(s *Server, dg *discordgo.Session) error {
				content := "x"
				_, err := dg.InteractionResponseEdit(s.SlashCommand("ask"), &discordgo.WebhookEdit{Content: &content})
				return err
			},
			wantStatus: 404, wantCode: 10008,
		},
		{
			name: "follow-up before acknowledgement",
			do: func(s *Server, dg *discordgo.Session) error {
				_, err := dg.FollowupMessageCreate(s.SlashCommand("ask"), true, &discordgo.WebhookParams{Content: "x"})
				return err
			},
			wantStatus: 404, wantCode: 10015,
		},
		{
			name: "empty message",
			do: func(s *Server, dg *discordgo.Session) error {
				_, err := dg.ChannelMessageSendComplex(ChannelID, &discordgo.MessageSend{})
				return err
			},
			wantStatus: 400, wantCode: 50006,
		},
		{
			name: "content too long",
			do: func(s *Server, dg *discordgo.Session) error {
				_, err := dg.ChannelMessageSend(ChannelID, strings.Repeat("a", 2001))
				return err
			},
			wantStatus: 400, wantCode: 50035,
		},
		{
			name: "invalid command name",
			do: func(s *Server, dg *discordgo.Session) error {
				_, err := dg.ApplicationCommandCreate(ApplicationID, "", &discordgo.ApplicationCommand{Name: "Ask", Description: "x"})
				return err
			},
			wantStatus: 400, wantCode: 50035,
		},
		{
			name: "delete unknown command",
			do: func(s *Server, dg *discordgo.Session) error {
				return dg.ApplicationCommandDelete(ApplicationID, GuildID, "123")
			},
			wantStatus: 404, wantCode: 10063,
		},
	}
	s := NewServer(t)
	dg := newSession(t, s)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do(s, dg)
			if err == nil {
				t.Fatalf("got no error, want HTTP %d code %d", tc.wantStatus, tc.wantCode)
			}
			status, code := restError(t, err)
			if status != tc.wantStatus || code != tc.wantCode {
				t.Errorf("got HTTP %d code %d, want HTTP %d code %d (%v)", status, code, tc.wantStatus, tc.wantCode, err)
			}
			reqs := s.Requests()
			if last := reqs[len(reqs)-1]; last.Status != tc.wantStatus {
				t.Errorf("last recorded request %s %s has status %d, want %d", last.Method, last.Path, last.Status, tc.wantStatus)
			}
		})
	}
}

func TestFailNext(t *testing.T) {
	path := "channels/" + ChannelID + "/messages"
	tests := []struct {
		name       string
		status     int
		retryAfter time.Duration
		wantErr    bool
		wantSeq    []int // statuses of the POSTs, in order
	}{
		{name: "429 is retried after retry_after", status: 429, retryAfter: 200 * time.Millisecond, wantSeq: []int{429, 200}},
		{name: "502 is retried", status: 502, wantSeq: []int{502, 200}},
		{name: "500 surfaces", status: 500, wantErr: true, wantSeq: []int{500}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer(t)
			dg := newSession(t, s)
			s.FailNext("POST", "/api/v9/channels/", tc.status, tc.retryAfter)
			start := time.Now()
			_, err := dg.ChannelMessageSend(ChannelID, "hello")
			elapsed := time.Since(start)
			if tc.wantErr {
				if err == nil {
					t.Fatal("want an error")
				}
				if status, _ := restError(t, err); status != tc.status {
					t.Errorf("status = %d, want %d", status, tc.status)
				}
			} else if err != nil {
				t.Fatalf("send: %v", err)
			}
			if elapsed < tc.retryAfter {
				t.Errorf("succeeded after %v, before retry_after %v", elapsed, tc.retryAfter)
			}
			var seq []int
			for _, r := range s.Requests() {
				if r.Method == "POST" && r.Path == path {
					seq = append(seq, r.Status)
				}
			}
			if fmt.Sprint(seq) != fmt.Sprint(tc.wantSeq) {
				t.Errorf("POST statuses = %v, want %v", seq, tc.wantSeq)
			}
			wantPosted := 1
			if tc.wantErr {
				wantPosted = 0
			}
			if n := len(s.ChannelMessages(ChannelID)); n != wantPosted {
				t.Errorf("%d messages recorded, want %d (a failed request must have no effect)", n, wantPosted)
			}
		})
	}
}

func TestReconnect(t *testing.T) {
	tests := []struct {
		name         string
		disrupt      func(s *Server)
		wantResume   bool
		wantIdentify bool
	}{
		// A resumed session gets the events it missed, as on Discord.
		{name: "dropped connection", disrupt: (*Server).DropConnections, wantResume: true},
		{name: "op 7 reconnect", disrupt: (*Server).SendReconnect, wantResume: true},
		{name: "op 9 invalid session", disrupt: func(s *Server) { s.SendInvalidSession(false) }, wantIdentify: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer(t)
			dg := newSession(t, s)
			dg.AddHandler(func(ds *discordgo.Session, ic *discordgo.InteractionCreate) {
				if err := ds.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
					Type: discordgo.InteractionResponseChannelMessageWithSource,
					Data: &discordgo.InteractionResponseData{Content: "pong"},
				}); err != nil {
					t.Errorf("respond: %v", err)
				}
			})
			if err := dg.Open(); err != nil {
				t.Fatal(err)
			}
			ctx := testCtx(t)
			if err := s.WaitReady(ctx); err != nil {
				t.Fatal(err)
			}
			// The bot answers before the disruption...
			i := s.SlashCommand("ping")
			s.SendInteraction(i)
			if _, err := s.WaitResponse(ctx, i); err != nil {
				t.Fatal(err)
			}

			identifies, resumes := s.Identifies(), s.Resumes()
			tc.disrupt(s)
			var away *discordgo.Interaction
			if tc.wantResume {
				away = s.SlashCommand("ping")
				s.SendInteraction(away) // while the client is away
			}
			if err := s.WaitFor(ctx, func() bool { return s.Identifies()+s.Resumes() > identifies+resumes }); err != nil {
				t.Fatalf("client did not come back: %v", err)
			}
			if err := s.WaitConnected(ctx); err != nil {
				t.Fatal(err)
			}
			if got := s.Resumes() > resumes; got != tc.wantResume {
				t.Errorf("resumed = %v, want %v", got, tc.wantResume)
			}
			if got := s.Identifies() > identifies; got != tc.wantIdentify {
				t.Errorf("identified again = %v, want %v", got, tc.wantIdentify)
			}
			if away != nil {
				if _, err := s.WaitResponse(ctx, away); err != nil {
					t.Errorf("the interaction sent while the client was away was not replayed: %v", err)
				}
			}

			// ...and after it.
			i = s.SlashCommand("ping")
			s.SendInteraction(i)
			resp, err := s.WaitResponse(ctx, i)
			if err != nil {
				t.Fatal(err)
			}
			if resp.CallbackType != discordgo.InteractionResponseChannelMessageWithSource || resp.Message.Content != "pong" {
				t.Errorf("response = type %v content %q", resp.CallbackType, resp.Message.Content)
			}
		})
	}
}

// frame is a decoded gateway payload as a raw client sees it.
type frame struct {
	Op int             `json:"op"`
	S  int64           `json:"s"`
	T  string          `json:"t"`
	D  json.RawMessage `json:"d"`
}

func readFrame(c *websocket.Conn) (frame, error) {
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var f frame
	err := c.ReadJSON(&f)
	return f, err
}

func dialGateway(t *testing.T, s *Server) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial(s.GatewayURL()+"/?v=9&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func identifyPayload(token string) map[string]any {
	return map[string]any{"op": 2, "d": map[string]any{
		"token": token, "intents": 513, "properties": map[string]string{"os": "linux", "browser": "test", "device": "test"},
	}}
}

func wantClose(t *testing.T, c *websocket.Conn, code int) {
	t.Helper()
	for {
		f, err := readFrame(c)
		if err == nil {
			if f.Op == opDispatch {
				continue // e.g. READY before a later protocol error
			}
			t.Fatalf("got frame %+v, want close %d", f, code)
		}
		if !websocket.IsCloseError(err, code) {
			t.Fatalf("got %v, want close code %d", err, code)
		}
		return
	}
}

func TestGatewayProtocol(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, s *Server, c *websocket.Conn)
	}{
		{"heartbeat is acknowledged", func(t *testing.T, s *Server, c *websocket.Conn) {
			if err := c.WriteJSON(map[string]any{"op": 1, "d": nil}); err != nil {
				t.Fatal(err)
			}
			if f, err := readFrame(c); err != nil || f.Op != opHeartbeatACK {
				t.Fatalf("got %+v, %v; want op 11", f, err)
			}
		}},
		{"identify with a wrong token", func(t *testing.T, s *Server, c *websocket.Conn) {
			_ = c.WriteJSON(identifyPayload("Bot wrong"))
			wantClose(t, c, closeAuthenticationFailed)
		}},
		{"presence update before identify", func(t *testing.T, s *Server, c *websocket.Conn) {
			_ = c.WriteJSON(map[string]any{"op": 3, "d": map[string]any{"status": "online"}})
			wantClose(t, c, closeNotAuthenticated)
		}},
		{"unknown opcode", func(t *testing.T, s *Server, c *websocket.Conn) {
			_ = c.WriteJSON(map[string]any{"op": 42, "d": nil})
			wantClose(t, c, closeUnknownOpcode)
		}},
		{"identify twice", func(t *testing.T, s *Server, c *websocket.Conn) {
			_ = c.WriteJSON(identifyPayload(Token))
			_ = c.WriteJSON(identifyPayload(Token))
			wantClose(t, c, closeAlreadyAuthenticated)
		}},
		{"resume of an unknown session", func(t *testing.T, s *Server, c *websocket.Conn) {
			_ = c.WriteJSON(map[string]any{"op": 6, "d": map[string]any{"token": Token, "session_id": "nope", "seq": 3}})
			f, err := readFrame(c)
			if err != nil || f.Op != opInvalidSession || string(f.D) != "false" {
				t.Fatalf("got %+v, %v; want op 9 false", f, err)
			}
		}},
		{"ready, guild create and sequenced dispatches", func(t *testing.T, s *Server, c *websocket.Conn) {
			_ = c.WriteJSON(identifyPayload(Token)) // without "Bot ": also accepted
			f, err := readFrame(c)
			if err != nil || f.Op != 0 || f.T != "READY" || f.S != 1 {
				t.Fatalf("got %+v, %v; want READY s=1", f, err)
			}
			var ready discordgo.Ready
			var extra struct {
				ResumeURL string `json:"resume_gateway_url"`
			}
			_ = json.Unmarshal(f.D, &ready)
			_ = json.Unmarshal(f.D, &extra)
			if ready.User == nil || ready.User.ID != BotUserID || !ready.User.Bot || ready.SessionID == "" ||
				ready.Application == nil || ready.Application.ID != ApplicationID ||
				len(ready.Guilds) != 1 || ready.Guilds[0].ID != GuildID || !ready.Guilds[0].Unavailable ||
				extra.ResumeURL != s.GatewayURL() {
				t.Errorf("READY = %s", f.D)
			}
			f, err = readFrame(c)
			var g discordgo.Guild
			_ = json.Unmarshal(f.D, &g)
			if err != nil || f.T != "GUILD_CREATE" || f.S != 2 || g.ID != GuildID || len(g.Channels) != 1 ||
				g.Channels[0].ID != ChannelID || g.Channels[0].Name != ChannelName || g.Name != GuildName {
				t.Fatalf("got %+v (%v), %v; want GUILD_CREATE s=2", f, g, err)
			}
			if err := s.WaitConnected(testCtx(t)); err != nil {
				t.Fatal(err)
			}
			s.Dispatch("TEST_EVENT", map[string]int{"x": 1})
			if f, err := readFrame(c); err != nil || f.T != "TEST_EVENT" || f.S != 3 || string(f.D) != `{"x":1}` {
				t.Fatalf("got %+v, %v; want TEST_EVENT s=3", f, err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer(t)
			s.SetHeartbeatInterval(1234 * time.Millisecond)
			c := dialGateway(t, s)
			f, err := readFrame(c)
			var hello struct {
				HeartbeatInterval int `json:"heartbeat_interval"`
			}
			if err == nil {
				err = json.Unmarshal(f.D, &hello)
			}
			if err != nil || f.Op != opHello || hello.HeartbeatInterval != 1234 {
				t.Fatalf("first frame %+v, %v; want HELLO with heartbeat_interval 1234", f, err)
			}
			tc.run(t, s, c)
		})
	}
}

func TestInteractionBuilders(t *testing.T) {
	s := NewServer(t)
	dg := newSession(t, s)
	if _, err := dg.ApplicationCommandCreate(ApplicationID, GuildID, &discordgo.ApplicationCommand{
		Name: "remind", Description: "Set a reminder",
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionUser, Name: "who", Description: "Who to remind"},
		},
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		command string
		opt     SlashOption
		check   func(o *discordgo.ApplicationCommandInteractionDataOption) bool
	}{
		{"string", "ask", SlashOption{Name: "q", Value: "hi"}, func(o *discordgo.ApplicationCommandInteractionDataOption) bool {
			return o.Type == discordgo.ApplicationCommandOptionString && o.StringValue() == "hi"
		}},
		{"integer", "ask", SlashOption{Name: "n", Value: 3}, func(o *discordgo.ApplicationCommandInteractionDataOption) bool {
			return o.Type == discordgo.ApplicationCommandOptionInteger && o.IntValue() == 3
		}},
		{"boolean", "ask", SlashOption{Name: "b", Value: true}, func(o *discordgo.ApplicationCommandInteractionDataOption) bool {
			return o.Type == discordgo.ApplicationCommandOptionBoolean && o.BoolValue()
		}},
		{"number", "ask", SlashOption{Name: "f", Value: 2.5}, func(o *discordgo.ApplicationCommandInteractionDataOption) bool {
			return o.Type == discordgo.ApplicationCommandOptionNumber && o.FloatValue() == 2.5
		}},
		{"type from registered command", "remind", SlashOption{Name: "who", Value: UserID}, func(o *discordgo.ApplicationCommandInteractionDataOption) bool {
			return o.Type == discordgo.ApplicationCommandOptionUser && o.Value == UserID
		}},
		{"sub-command", "list", SlashOption{Name: "add", Value: []SlashOption{{Name: "item", Value: "x"}}}, func(o *discordgo.ApplicationCommandInteractionDataOption) bool {
			return o.Type == discordgo.ApplicationCommandOptionSubCommand && len(o.Options) == 1 && o.Options[0].StringValue() == "x"
		}},
		{"focused autocomplete option", "", SlashOption{Name: "q", Value: "he", Focused: true}, func(o *discordgo.ApplicationCommandInteractionDataOption) bool {
			return o.Focused && o.StringValue() == "he"
		}},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var i *discordgo.Interaction
			if tc.command == "" {
				i = s.Autocomplete("ask", tc.opt)
			} else {
				i = s.SlashCommand(tc.command, tc.opt)
			}
			if seen[i.ID] || seen[i.Token] || i.ID == "" || i.Token == "" {
				t.Errorf("id %q / token %q not fresh", i.ID, i.Token)
			}
			seen[i.ID], seen[i.Token] = true, true
			if i.GuildID != GuildID || i.ChannelID != ChannelID || i.AppID != ApplicationID ||
				i.Member == nil || i.Member.User.ID != UserID || i.Member.User.Username != Username {
				t.Errorf("interaction context = %+v", i)
			}
			// Decode it the way discordgo decodes INTERACTION_CREATE.
			raw, err := marshalInteraction(i)
			if err != nil {
				t.Fatal(err)
			}
			var got discordgo.Interaction
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			data := got.ApplicationCommandData()
			if len(data.Options) != 1 || !tc.check(data.Options[0]) {
				t.Errorf("decoded option = %+v", data.Options)
			}
		})
	}
}

func TestCommandLifecycle(t *testing.T) {
	s := NewServer(t)
	dg := newSession(t, s)
	mk := func(names ...string) []*discordgo.ApplicationCommand {
		var out []*discordgo.ApplicationCommand
		for _, n := range names {
			out = append(out, &discordgo.ApplicationCommand{Name: n, Description: "The " + n + " command"})
		}
		return out
	}
	first, err := dg.ApplicationCommandBulkOverwrite(ApplicationID, "", mk("a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := dg.ApplicationCommandBulkOverwrite(ApplicationID, "", mk("b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	if second[0].ID != first[1].ID || second[1].ID == first[0].ID {
		t.Errorf("overwrite must keep the id of same-named commands: first %v/%v second %v/%v",
			first[0].ID, first[1].ID, second[0].ID, second[1].ID)
	}
	if got := s.Commands(""); len(got) != 2 || got[0].Name != "b" || got[1].Name != "c" {
		t.Errorf("Commands(\"\") = %+v", got)
	}
	c1, err := dg.ApplicationCommandCreate(ApplicationID, GuildID, mk("ask")[0])
	if err != nil {
		t.Fatal(err)
	}
	c2, err := dg.ApplicationCommandCreate(ApplicationID, GuildID, mk("ask")[0])
	if err != nil || c2.ID != c1.ID {
		t.Fatalf("re-creating a command: %v, id %s want %s", err, c2.ID, c1.ID)
	}
	listed, err := dg.ApplicationCommands(ApplicationID, GuildID)
	if err != nil || len(listed) != 1 || listed[0].ID != c1.ID {
		t.Fatalf("list = %+v, %v", listed, err)
	}
	if err := dg.ApplicationCommandDelete(ApplicationID, GuildID, c1.ID); err != nil {
		t.Fatal(err)
	}
	if got := s.Commands(GuildID); len(got) != 0 {
		t.Errorf("after delete Commands(GuildID) = %+v", got)
	}
	_, err = dg.ApplicationCommandBulkOverwrite(ApplicationID, GuildID, []*discordgo.ApplicationCommand{{
		Name: "bad", Description: "Required after optional",
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "a", Description: "a"},
			{Type: discordgo.ApplicationCommandOptionString, Name: "b", Description: "b", Required: true},
		},
	}})
	if status, code := restError(t, err); status != 400 || code != 50035 {
		t.Errorf("invalid option order: HTTP %d code %d, want 400/50035", status, code)
	}
}

func TestCloseStopsEverything(t *testing.T) {
	s := NewServer(t)
	c := dialGateway(t, s)
	if _, err := readFrame(c); err != nil { // HELLO
		t.Fatal(err)
	}
	_ = c.WriteJSON(identifyPayload(Token))
	if err := s.WaitConnected(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	waitErr := make(chan error, 1)
	go func() {
		_, err := s.WaitResponse(context.Background(), &discordgo.Interaction{ID: "never"})
		waitErr <- err
	}()

	s.Close()
	s.Close() // idempotent

	if err := <-waitErr; !errors.Is(err, ErrClosed) {
		t.Errorf("WaitResponse after Close = %v, want ErrClosed", err)
	}
	for {
		if _, err := readFrame(c); err != nil {
			if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
				t.Fatal("gateway connection still open after Close")
			}
			break
		}
	}
	// A handler calls wg.Done in a deferred call, so its goroutine may still
	// be unwinding its last frames when Close returns; give it a moment to
	// finish, but no goroutine may stay in the server after that.
	frames := []string{"discordtest.(*Server).", "discordtest.(*gwConn)."}
	deadline := time.Now().Add(30 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		left := ""
		for _, frame := range frames {
			if strings.Contains(stacks, frame) {
				left = frame
			}
		}
		if left == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a goroutine in %s outlived Close by 30s:\n%s", left, stacks)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
