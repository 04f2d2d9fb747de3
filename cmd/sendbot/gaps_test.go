package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
)

func TestServeRefusesABadGapsKeep(t *testing.T) {
	c := newCLI(t)
	c.env["DISCORD_TOKEN"] = discordtest.Token
	c.env["DISCORD_API_URL"] = "http://127.0.0.1:1/api/v9/" // never reached
	c.env["SENDBOT_GAPS_KEEP"] = "a month"
	if _, _, err := c.run("", "serve"); err == nil || !strings.Contains(err.Error(), "SENDBOT_GAPS_KEEP") {
		t.Errorf("serve with a bad SENDBOT_GAPS_KEEP: %v", err)
	}
}

// slash sends a command as a member who can manage the server and
// returns the reply.
func slash(t *testing.T, srv *discordtest.Server, name string, opts ...discordtest.SlashOption) *discordgo.Message {
	t.Helper()
	i := srv.SlashCommand(name, opts...)
	i.Member.Permissions |= discordgo.PermissionManageGuild
	srv.SendInteraction(i)
	wait, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := srv.WaitResponse(wait, i)
	if err != nil {
		t.Fatal(err)
	}
	return resp.Message
}

func TestServeKeepsGapsInTheDataFolder(t *testing.T) {
	data := t.TempDir()
	srv, _ := startServe(t, map[string]string{"SENDBOT_DATA": data, "SENDBOT_GAPS_KEEP": "7d"})
	for _, q := range []string{"cheap holidays abroad", "Holidays abroad for my son Jack Smith of 12 Acacia Road?"} {
		slash(t, srv, "ask", discordtest.SlashOption{Name: "question", Value: q})
	}
	got := slash(t, srv, "gaps").Content
	for _, want := range []string{"In the last 7 days: 2 questions I couldn't answer, 0 answers marked not helpful.", "holidays (2)"} {
		if !strings.Contains(got, want) {
			t.Errorf("/gaps lacks %q:\n%s", want, got)
		}
	}
	// The index serve answers from decides which words are kept: not the
	// names, the address, nor words the documents do not use.
	for _, leak := range []string{"jack", "smith", "acacia", "road", "abroad"} {
		if strings.Contains(got, leak) {
			t.Errorf("/gaps shows %q:\n%s", leak, got)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "gaps", "default", "gaps.db")); err != nil {
		t.Errorf("gaps file: %v", err)
	}
}

func TestServeWithGapsOffKeepsNoFile(t *testing.T) {
	data := t.TempDir()
	srv, _ := startServe(t, map[string]string{"SENDBOT_DATA": data, "SENDBOT_GAPS_KEEP": "0"})
	slash(t, srv, "ask", discordtest.SlashOption{Name: "question", Value: "weather tomorrow"})
	if got := slash(t, srv, "gaps").Content; !strings.Contains(got, "Gap recording is off") {
		t.Errorf("/gaps with SENDBOT_GAPS_KEEP=0: %q", got)
	}
	if _, err := os.Stat(filepath.Join(data, "gaps", "default", "gaps.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("gaps file with recording off: %v", err)
	}
}
