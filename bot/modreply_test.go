package bot

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/library"
)

// TestLongReindexReportsAfterItsTokenExpires runs a /reindex that outlives
// its interaction token (Discord ends it 15 minutes after the command;
// the fake ends it when told, so nothing waits): the moderator still
// learns how it ended, in the channel they asked in, or by DM when the
// bot cannot post there.
func TestLongReindexReportsAfterItsTokenExpires(t *testing.T) {
	tests := []struct {
		name string
		deny int64 // the bot's missing permissions in the command's channel
		byDM bool
	}{
		{"posted in the channel", 0, false},
		{"channel refuses: DM", discordgo.PermissionSendMessages, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rx := &fakeReindexer{release: make(chan struct{}), report: library.Report{Documents: 12, Passages: 340, Took: 16 * time.Minute}}
			srv, _ := startBotWith(t, func(c *Config) { c.Reindexer = rx })
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			channel := discordtest.ChannelID
			if tt.deny != 0 {
				channel = srv.AddChannel("moderators", tt.deny)
			}
			i := srv.SlashCommand("reindex")
			i.ChannelID = channel
			i.Member.User.ID = moderatorID
			i.Member.Permissions = discordgo.PermissionManageGuild
			srv.SendInteraction(i)
			// Progress is shown while the token lasts...
			before, err := srv.WaitResponseEdits(ctx, i, 3)
			if err != nil {
				t.Fatal(err)
			}
			// ...then it expires, and the reindex ends.
			srv.ExpireInteractionToken(i)
			close(rx.release)

			var got *discordtest.PostedMessage
			if tt.byDM {
				got, err = srv.WaitDirectMessage(ctx, moderatorID)
			} else {
				got, err = srv.WaitChannelMessage(ctx, channel)
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"/reindex finished, but it took longer than the 15 minutes Discord lets me update my private reply",
				"Done: I'm now answering from 12 documents (340 passages)."} {
				if !strings.Contains(got.Message.Content, want) {
					t.Errorf("result lacks %q:\n%s", want, got.Message.Content)
				}
			}
			if tt.byDM {
				if len(srv.ChannelMessages(channel)) != 0 {
					t.Error("posted in a channel that refuses the bot")
				}
			} else {
				// Addressed to the moderator, who alone is pinged.
				am := got.Message.AllowedMentions
				if !strings.HasPrefix(got.Message.Content, "<@"+moderatorID+">, your /reindex") || am == nil || am.Parse == nil || len(am.Parse) != 0 ||
					len(am.Users) != 1 || am.Users[0] != moderatorID || len(am.Roles) != 0 {
					t.Errorf("channel message %s: want it to ping the moderator only", got.Raw)
				}
			}
			// The private reply still shows the last progress: once the
			// token was refused nothing more was tried through it.
			if r := srv.ResponseTo(i); r.Edits != before.Edits || !strings.Contains(r.Message.Content, "Reindexing") {
				t.Errorf("reply after expiry: %d edits (%d before), %q", r.Edits, before.Edits, r.Message.Content)
			}
		})
	}
}

// TestDocumentResultsSurviveARefusedToken makes Discord refuse the final
// edit of /add-document and /remove-document with each of the codes it
// uses for a token it no longer takes: the moderator reads the result in
// the channel instead.
func TestDocumentResultsSurviveARefusedToken(t *testing.T) {
	files := newFileServer(t, map[string]string{"/attachments/1/2/guide.md": "# Guide\n\nA guide to short breaks in Testshire.\n"})
	up := &fakeUploads{docs: []library.UploadedDoc{{ID: "f00f00f00f00", Title: "Old leaflet", Area: "Testshire", Added: testNow}}}
	srv, _ := startBotWith(t, func(c *Config) { c.Uploads = up })
	tests := []struct {
		name    string
		failure discordtest.Failure
		run     func() *discordgo.Interaction
		want    string
	}{
		{"add, unknown webhook", discordtest.UnknownWebhook(), func() *discordgo.Interaction {
			return addDocument(srv, discordgo.PermissionManageGuild, &discordgo.MessageAttachment{Filename: "guide.md", Size: 40, URL: files.URL + "/attachments/1/2/guide.md"},
				discordtest.SlashOption{Name: "title", Value: "Short breaks guide"}, discordtest.SlashOption{Name: "area", Value: "Testshire"})
		}, "/add-document finished, but it took longer than the 15 minutes Discord lets me update my private reply, so here is how it ended:\nAdded **Short breaks guide**"},
		{"remove, invalid webhook token", discordtest.InvalidWebhookToken(), func() *discordgo.Interaction {
			i := srv.SlashCommand("remove-document", discordtest.SlashOption{Name: "document", Value: "f00f00f00f00"})
			i.Member.User.ID = moderatorID
			i.Member.Permissions = discordgo.PermissionManageGuild
			srv.SendInteraction(i)
			return i
		}, "/remove-document finished, but it took longer than the 15 minutes Discord lets me update my private reply, so here is how it ended:\nRemoved **Old leaflet**"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			srv.FailNextWith(http.MethodPatch, "webhooks/", tt.failure)
			i := tt.run()
			got, err := srv.WaitChannelMessage(ctx, discordtest.ChannelID)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(got.Message.Content, tt.want) || !strings.HasPrefix(got.Message.Content, "<@"+moderatorID+">") {
				t.Errorf("channel message:\n%s\nwant:\n%s", got.Message.Content, tt.want)
			}
			if r := srv.ResponseTo(i); r == nil || r.Edits != 0 {
				t.Errorf("the refused edit went through: %+v", r)
			}
		})
	}
}
