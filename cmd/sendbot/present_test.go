package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/internal/discordtest"
)

func TestServeRefusesBadAreaSettings(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"bad stale limit", map[string]string{"SENDBOT_STALE_AFTER": "soon"}, []string{"SENDBOT_STALE_AFTER", "such as 2y, 18m or 90d"}},
		{"malformed pair", map[string]string{"SENDBOT_SERVER_AREAS": "Herefordshire"}, []string{"SENDBOT_SERVER_AREAS", `"Herefordshire" is not an id=Area Name pair`}},
		{"unknown channel area", map[string]string{"SENDBOT_CHANNEL_AREAS": "123=Herefordshire,456=Atlantis"},
			[]string{`SENDBOT_CHANNEL_AREAS (456): there are no documents for the area "Atlantis"; the areas are England, Herefordshire, Worcestershire`}},
		{"unknown default area", map[string]string{"SENDBOT_AREA": "Narnia"}, []string{`SENDBOT_AREA: there are no documents for the area "Narnia"`}},
		{"bad rate limit", map[string]string{"SENDBOT_RATE_LIMIT": "lots"}, []string{`SENDBOT_RATE_LIMIT "lots": write how many questions one person may ask a minute`}},
		{"zero rate limit", map[string]string{"SENDBOT_RATE_LIMIT": "0"}, []string{"a whole number from 1 to 1000"}},
		{"bad moderator role", map[string]string{"SENDBOT_MOD_ROLES": "123456789012345678,Moderators"}, []string{`SENDBOT_MOD_ROLES: "Moderators" is not a role ID`, "Copy Role ID"}},
		{"bad schedule", map[string]string{"SENDBOT_REINDEX_EVERY": "daily"}, []string{`SENDBOT_REINDEX_EVERY "daily": write how often to reindex, at least every 10m0s`}},
		{"too frequent", map[string]string{"SENDBOT_REINDEX_EVERY": "1m"}, []string{"at least every 10m0s"}},
		{"unknown role", map[string]string{"SENDBOT_ROLE": "reader"}, []string{`SENDBOT_ROLE "reader": use all`, "replica (only answer"}},
		{"bad fetch allow list", map[string]string{"SENDBOT_FETCH_ALLOW": "10.20.0.5"}, []string{`SENDBOT_FETCH_ALLOW: "10.20.0.5" is not an address range; write 10.20.0.5/32 for that one address`}},
		{"bad question logging", map[string]string{"LOG_QUESTIONS": "sometimes"}, []string{`LOG_QUESTIONS "sometimes": use true to log parents' questions (personal data) or false`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			c.env["DISCORD_TOKEN"] = discordtest.Token
			c.env["DISCORD_API_URL"] = "http://127.0.0.1:1/api/v9/" // never reached
			for k, v := range tt.env {
				c.env[k] = v
			}
			_, _, err := c.run("", "serve")
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("serve: %v\nshould say %q", err, w)
				}
			}
		})
	}
}

func TestAskMarksOldPassagesAndExplainsJargon(t *testing.T) {
	c := newCLI(t)
	c.env["SENDBOT_STALE_AFTER"] = "30d"
	out, logs, err := c.run("", "ask", "what is an EHCP")
	if err != nil {
		t.Fatalf("ask: %v\n%s", err, logs)
	}
	for _, want := range []string{
		"What EHCP means\n   From Request an education, health and care (EHC) assessment for your child with SEND · date unknown\n",
		"\n1. Asking for an EHC needs assessment in Herefordshire",
		"\n   EHC plan: Education, Health and Care plan · ",
		"· 23 February 2024\n",
		" is from a document over 1 month old: check it is still current.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ask output lacks %q:\n%s", want, out)
		}
	}
}

func TestAskUsesTheDefaultAreaAndSignposts(t *testing.T) {
	c := newCLI(t)
	c.env["SENDBOT_AREA"] = "worcestershire"
	out, _, err := c.run("", "ask", "weather tomorrow")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"so I won't guess",
		"Where to ask instead:\n   Local Offer and Independent SEND advice (SENDIASS): Who runs SEND services in Worcestershire",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ask output lacks %q:\n%s", want, out)
		}
	}
	// --area overrides SENDBOT_AREA.
	out, _, err = c.run("", "ask", "weather tomorrow", "--area", "Herefordshire")
	if err != nil || !strings.Contains(out, "Who runs SEND services in Herefordshire") {
		t.Errorf("--area Herefordshire: %v\n%s", err, out)
	}
	c.env["SENDBOT_AREA"] = "Atlantis"
	if _, _, err := c.run("", "ask", "short breaks"); err == nil || !strings.Contains(err.Error(), "SENDBOT_AREA: unknown area \"Atlantis\"") {
		t.Errorf("an unknown SENDBOT_AREA should be named: %v", err)
	}
}

func TestSearchJSONSaysWhichPassagesAreStale(t *testing.T) {
	c := newCLI(t)
	c.env["SENDBOT_STALE_AFTER"] = "30d"
	out, _, err := c.run("", "search", "--json", "--k", "5", "how do I ask for an EHC needs assessment")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"stale":`) || !strings.Contains(out, `"stale_reason":`) {
		t.Fatalf("no stale fields: %s", out)
	}
	var line answer.JSONLine
	if err := json.Unmarshal([]byte(out), &line); err != nil {
		t.Fatal(err)
	}
	reasons := map[string]bool{}
	for _, r := range line.Results {
		// Only a known date can be old: an undated passage is not marked.
		want, stale := "", false
		if r.Published != "" {
			want, stale = "over 1 month old", true
		}
		if r.Stale != stale || r.StaleReason != want {
			t.Errorf("%s (published %q): stale %v %q, want %q", r.Title, r.Published, r.Stale, r.StaleReason, want)
		}
		reasons[r.StaleReason] = true
	}
	if len(line.Results) == 0 || !reasons["over 1 month old"] {
		t.Errorf("want a dated passage among the results: %+v", line.Results)
	}

	// With the default limit, a passage can be current.
	delete(c.env, "SENDBOT_STALE_AFTER")
	out, _, _ = c.run("", "search", "--json", "--k", "5", "when was worcestershire inspected by ofsted")
	if !strings.Contains(out, `"stale":false,"stale_reason":""`) {
		t.Errorf("want a current passage marked stale false: %s", out)
	}
}

// TestServeUsesTheChannelArea runs serve with SENDBOT_CHANNEL_AREAS and
// checks that a question asked in that channel is asked in its area.
func TestServeUsesTheChannelArea(t *testing.T) {
	srv, logs := startServe(t, map[string]string{"SENDBOT_CHANNEL_AREAS": discordtest.ChannelID + "=worcestershire"})
	wait, cancelWait := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelWait()
	i := srv.SlashCommand("ask", discordtest.SlashOption{Name: "question", Value: "weather tomorrow"})
	srv.SendInteraction(i)
	resp, err := srv.WaitResponse(wait, i)
	if err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, logs.String())
	}
	want := "**Local Offer** and **Independent SEND advice \\(SENDIASS\\)**: [Who runs SEND services in Worcestershire"
	if !strings.Contains(resp.Message.Content, want) {
		t.Errorf("decline lacks %q:\n%s", want, resp.Message.Content)
	}
}

func TestServeKeepsFeedbackInTheDataFolder(t *testing.T) {
	data := t.TempDir()
	srv, logs := startServe(t, map[string]string{"SENDBOT_DATA": data})
	wait, cancelWait := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelWait()
	i := srv.SlashCommand("ask", discordtest.SlashOption{Name: "question", Value: "what are short breaks"})
	srv.SendInteraction(i)
	resp, err := srv.WaitResponse(wait, i)
	if err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, logs.String())
	}
	var helpful string
	for _, row := range resp.Message.Components {
		for _, c := range row.(*discordgo.ActionsRow).Components {
			if b := c.(*discordgo.Button); b.Label == "Helpful (1)" {
				helpful = b.CustomID
			}
		}
	}
	click := srv.ComponentInteraction(resp.Message, helpful)
	srv.SendInteraction(click)
	thanks, err := srv.WaitResponse(wait, click)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(thanks.Message.Content, "Thank you!") {
		t.Errorf("vote reply %q", thanks.Message.Content)
	}
	if _, err := os.Stat(filepath.Join(data, "feedback", "default", "feedback.db")); err != nil {
		t.Errorf("feedback file: %v", err)
	}
}
