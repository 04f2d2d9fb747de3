package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/library"
)

func TestRemoveDocument(t *testing.T) {
	up := &fakeUploads{docs: []library.UploadedDoc{{ID: "a1b2c3d4e5f6", Title: "Swimming guide", Area: "Testshire", Added: testNow}}}
	srv, _ := startBotWith(t, func(c *Config) { c.Uploads = up })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	ac := srv.Autocomplete("remove-document", discordtest.SlashOption{Name: "document", Value: "swim", Focused: true})
	ac.Member.Permissions = discordgo.PermissionManageGuild
	srv.SendInteraction(ac)
	resp, err := srv.WaitResponse(ctx, ac)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Choices) != 1 || resp.Choices[0].Name != "Swimming guide (Testshire, added 1 Jun 2026)" || resp.Choices[0].Value != "a1b2c3d4e5f6" {
		t.Errorf("choices %+v", resp.Choices)
	}
	// Non-moderators are not shown the list.
	ac = srv.Autocomplete("remove-document", discordtest.SlashOption{Name: "document", Value: "", Focused: true})
	srv.SendInteraction(ac)
	if resp, _ := srv.WaitResponse(ctx, ac); resp == nil || len(resp.Choices) != 0 {
		t.Errorf("a non-moderator saw %+v", resp)
	}

	up.mu.Lock()
	up.docs = append(up.docs, library.UploadedDoc{ID: "f00f00f00f00", Title: "Old leaflet", Area: "Testshire", Added: testNow})
	up.unswitched = fmt.Errorf("%w: open index: disk full", library.ErrNotSwitched)
	up.mu.Unlock()
	i := srv.SlashCommand("remove-document", discordtest.SlashOption{Name: "document", Value: "f00f00f00f00"})
	i.Member.Permissions = discordgo.PermissionManageGuild
	srv.SendInteraction(i)
	if m := finalReply(t, srv, i); !strings.Contains(m.Content, "Removed **Old leaflet** (Testshire). It is out of the documents and the index, but I couldn't switch to the updated index, so I may still quote it until the next `/reindex` or a restart.") {
		t.Errorf("reply when the bot could not switch: %q", m.Content)
	}
	up.mu.Lock()
	up.unswitched = nil
	up.mu.Unlock()

	i = srv.SlashCommand("remove-document", discordtest.SlashOption{Name: "document", Value: "a1b2c3d4e5f6"})
	i.Member.Permissions = discordgo.PermissionManageGuild
	srv.SendInteraction(i)
	if m := finalReply(t, srv, i); !strings.Contains(m.Content, "Removed **Swimming guide** (Testshire). I no longer quote it.") {
		t.Errorf("reply %q", m.Content)
	}
	i = srv.SlashCommand("remove-document", discordtest.SlashOption{Name: "document", Value: "a1b2c3d4e5f6"})
	i.Member.Permissions = discordgo.PermissionManageGuild
	srv.SendInteraction(i)
	if m := finalReply(t, srv, i); !strings.Contains(m.Content, "I couldn't remove that: No documents have been added from Discord, so there is nothing to remove.") {
		t.Errorf("second remove %q", m.Content)
	}
}
