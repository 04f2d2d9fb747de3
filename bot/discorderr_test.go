package bot

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
)

// restErr is the error discordgo returns for a response with this status
// and body.
func restErr(status int, body string) error {
	e := &discordgo.RESTError{
		Response:     &http.Response{StatusCode: status, Status: http.StatusText(status)},
		ResponseBody: []byte(body),
	}
	_ = json.Unmarshal(e.ResponseBody, &e.Message)
	return e
}

func TestInvalidFieldsAreNamed(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"one field", restErr(400, `{"code":50035,"message":"Invalid Form Body","errors":{"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 2000 or fewer in length."}]}}}`),
			[]string{"content: BASE_TYPE_MAX_LENGTH (Must be 2000 or fewer in length.)"}},
		{"nested, several", restErr(400, `{"code":50035,"message":"Invalid Form Body","errors":{"data":{"embeds":{"0":{"description":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 4096 or fewer in length."}]},"title":{"_errors":[{"code":"BASE_TYPE_REQUIRED","message":"This field is required"}]}}}}}}`),
			[]string{"data.embeds.0.description: BASE_TYPE_MAX_LENGTH (Must be 4096 or fewer in length.)", "data.embeds.0.title: BASE_TYPE_REQUIRED (This field is required)"}},
		{"about the whole body", restErr(400, `{"code":50035,"message":"Invalid Form Body","errors":{"_errors":[{"code":"MESSAGE_BLOCKED","message":"Blocked"}]}}`),
			[]string{"(body): MESSAGE_BLOCKED (Blocked)"}},
		{"another code", restErr(403, `{"code":50013,"message":"Missing Permissions"}`), nil},
		{"no body", restErr(502, ``), nil},
		{"not from Discord", errors.New("dial tcp: connection refused"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := invalidFields(tt.err); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("invalidFields = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorCodesAreRecognised(t *testing.T) {
	tests := []struct {
		name             string
		err              error
		cannotPost, gone bool
	}{
		{"missing permissions", restErr(403, `{"code":50013,"message":"Missing Permissions"}`), true, false},
		{"missing access", restErr(403, `{"code":50001,"message":"Missing Access"}`), true, false},
		{"unknown webhook", restErr(404, `{"code":10015,"message":"Unknown Webhook"}`), false, true},
		{"invalid webhook token", restErr(401, `{"code":50027,"message":"Invalid Webhook Token"}`), false, true},
		{"server error", restErr(500, `{"code":0,"message":"500: Internal Server Error"}`), false, false},
		{"network", errors.New("EOF"), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cannotPost(tt.err); got != tt.cannotPost {
				t.Errorf("cannotPost = %v", got)
			}
			if got := tokenGone(tt.err); got != tt.gone {
				t.Errorf("tokenGone = %v", got)
			}
		})
	}
}

// TestRefusedAnswerIsExplainedAndLoggedWithItsField makes Discord refuse
// an answer with 400 Invalid Form Body: the parent is told kindly instead
// of being left with "thinking…" or silence, and the log names the field
// Discord refused (but not the question).
func TestRefusedAnswerIsExplainedAndLoggedWithItsField(t *testing.T) {
	const q = "what are short breaks"
	tests := []struct {
		name   string
		method string
		route  string
		field  string
		ask    func(t *testing.T, srv *discordtest.Server) *discordgo.Message
	}{
		{"slash command", http.MethodPatch, "webhooks/", "embeds.0.description", func(t *testing.T, srv *discordtest.Server) *discordgo.Message {
			return respond(t, srv, srv.SlashCommand("ask", question(q)), 0).Message
		}},
		{"mention", http.MethodPost, "channels/" + discordtest.ChannelID + "/messages", "embeds.0.fields.1.value", func(t *testing.T, srv *discordtest.Server) *discordgo.Message {
			srv.SendMessage(srv.UserMessage(q, true))
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			pm, err := srv.WaitChannelMessage(ctx, discordtest.ChannelID)
			if err != nil {
				t.Fatal(err)
			}
			return &discordgo.Message{Content: pm.Message.Content, Embeds: pm.Message.Embeds}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs lockedBuffer
			srv, _ := startBotWith(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
			srv.FailNextWith(tt.method, tt.route, discordtest.InvalidFormBody(tt.field, "BASE_TYPE_MAX_LENGTH", "Must be 1024 or fewer in length."))
			got := tt.ask(t, srv)
			if got.Content != msgNotShown || len(got.Embeds) != 0 {
				t.Errorf("the parent sees %q with %d embeds, want %q", got.Content, len(got.Embeds), msgNotShown)
			}
			want := `fields="` + tt.field + `: BASE_TYPE_MAX_LENGTH (Must be 1024 or fewer in length.)"`
			if l := logs.String(); !strings.Contains(l, want) || !strings.Contains(l, "code=50035") || strings.Contains(l, q) {
				t.Errorf("log lacks %s and code=50035, or has the question:\n%s", want, l)
			}
		})
	}
}
