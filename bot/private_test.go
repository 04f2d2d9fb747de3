package bot

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
)

// wantPrivateAnswer checks what a parent gets when the bot cannot post in
// channelID: a kind note naming the channel and asking them to see a
// moderator, then the cited answer itself.
func wantPrivateAnswer(t *testing.T, m *discordgo.MessageSend, channelID string) {
	t.Helper()
	for _, want := range []string{"Sorry, I couldn't post my reply in <#" + channelID + ">", "Please ask a moderator", "just for you"} {
		if !strings.Contains(m.Content, want) {
			t.Errorf("private reply lacks %q:\n%s", want, m.Content)
		}
	}
	if len(m.Embeds) != 1 || !strings.Contains(m.Embeds[0].Description, "testshire.example") {
		t.Errorf("private reply has no cited answer: %+v", m.Embeds)
	}
	if m.AllowedMentions == nil || len(m.AllowedMentions.Parse) != 0 {
		t.Errorf("private reply may ping: %+v", m.AllowedMentions)
	}
}

// TestMentionWhereTheBotCannotPostIsAnsweredByDM asks by mention in
// channels where the bot lacks a permission it needs to answer: Discord
// refuses the reply (403, 50013), and the parent gets the answer by
// direct message with a note to ask a moderator, instead of nothing.
func TestMentionWhereTheBotCannotPostIsAnsweredByDM(t *testing.T) {
	tests := []struct {
		name string
		deny int64
	}{
		{"no Send Messages", discordgo.PermissionSendMessages},
		{"no Embed Links", discordgo.PermissionEmbedLinks},
		{"no Read Message History (needed to reply)", discordgo.PermissionReadMessageHistory},
	}
	srv, _ := startBot(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			ch := srv.AddChannel("announcements", tt.deny)
			m := srv.UserMessage("what are short breaks", true)
			m.ChannelID = ch
			srv.SendMessage(m)
			dm, err := srv.WaitDirectMessage(ctx, discordtest.UserID)
			if err != nil {
				t.Fatal(err)
			}
			wantPrivateAnswer(t, dm.Message, ch)
			if n := len(srv.ChannelMessages(ch)); n != 0 {
				t.Errorf("%d messages were posted in the channel", n)
			}
		})
	}
}

// TestSlashAnswerRefusedForPermissionsIsSentPrivately makes Discord refuse
// a /ask answer with 403 Missing Permissions at each step: the parent
// gets it as a follow-up only they see, or by DM when a follow-up is not
// possible, and is never left with "thinking…".
func TestSlashAnswerRefusedForPermissionsIsSentPrivately(t *testing.T) {
	tests := []struct {
		name   string
		inject func(srv *discordtest.Server)
		// byDM is whether the answer comes by direct message.
		byDM bool
	}{
		{"answer refused: ephemeral follow-up", func(srv *discordtest.Server) {
			srv.FailNextWith(http.MethodPatch, "webhooks/", discordtest.MissingPermissions())
		}, false},
		{"answer and follow-up refused: DM", func(srv *discordtest.Server) {
			srv.FailNextWith(http.MethodPatch, "webhooks/", discordtest.MissingPermissions())
			srv.FailNextWith(http.MethodPost, "webhooks/", discordtest.MissingPermissions())
		}, true},
		{"acknowledgement refused: DM", func(srv *discordtest.Server) {
			srv.FailNextWith(http.MethodPost, "interactions/", discordtest.MissingPermissions())
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := startBot(t)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			tt.inject(srv)
			i := srv.SlashCommand("ask", question("what are short breaks"))
			srv.SendInteraction(i)
			if tt.byDM {
				dm, err := srv.WaitDirectMessage(ctx, discordtest.UserID)
				if err != nil {
					t.Fatal(err)
				}
				wantPrivateAnswer(t, dm.Message, discordtest.ChannelID)
			} else {
				fu, err := srv.WaitFollowup(ctx, i)
				if err != nil {
					t.Fatal(err)
				}
				if fu.Message.Flags&discordgo.MessageFlagsEphemeral == 0 {
					t.Errorf("the follow-up is public: flags %v", fu.Message.Flags)
				}
				wantPrivateAnswer(t, fu.Message, discordtest.ChannelID)
				if len(srv.DirectMessages(discordtest.UserID)) != 0 {
					t.Error("a DM was sent as well")
				}
			}
			// Nothing public is left waiting to be filled in.
			if err := srv.WaitFor(ctx, func() bool { r := srv.ResponseTo(i); return r == nil || r.Deleted }); err != nil {
				t.Errorf("the public acknowledgement stays: %+v", srv.ResponseTo(i))
			}
		})
	}
}

// TestAboutShowsModeratorsWhereTheBotCannotAnswer denies the bot
// permissions in some channels: a moderator's /about names each channel
// and what the bot lacks there, and says how to fix it; a parent's
// /about does not list channels.
func TestAboutShowsModeratorsWhereTheBotCannotAnswer(t *testing.T) {
	srv, _ := startBot(t)
	about := func(perms int64) string {
		i := srv.SlashCommand("about")
		i.Member.Permissions = perms
		m := respond(t, srv, i, 0).Message
		if m.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("/about is public")
		}
		return m.Content
	}
	if got := about(discordgo.PermissionManageGuild); !strings.Contains(got, "I can answer in every text channel I can see.") {
		t.Errorf("all channels fine, but /about says:\n%s", got)
	}

	announcements := srv.AddChannel("announcements", discordgo.PermissionSendMessages|discordgo.PermissionEmbedLinks)
	noHistory := srv.AddChannel("chat", discordgo.PermissionReadMessageHistory)
	private := srv.AddChannel("moderators", discordgo.PermissionViewChannel)
	// Discord sends CHANNEL_CREATE before the interaction, and the bot
	// handles gateway events in order.
	got := about(discordgo.PermissionManageGuild)
	for _, want := range []string{
		"**Channels where I can't answer** (moderators only)",
		"• <#" + announcements + ">: no Send Messages, Embed Links\n",
		"• <#" + noHistory + ">: no Read Message History\n",
		"Edit Channel → Permissions",
		"I can't see <#" + private + ">, which is fine if that is on purpose.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("moderator's /about lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<#"+discordtest.ChannelID+">") {
		t.Errorf("/about lists a channel the bot can answer in:\n%s", got)
	}
	if got := about(discordgo.PermissionSendMessages); strings.Contains(got, "Channels") || strings.Contains(got, announcements) {
		t.Errorf("a parent's /about lists channels:\n%s", got)
	}
}
