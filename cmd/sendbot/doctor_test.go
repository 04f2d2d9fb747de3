package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sendbot/sendbot/internal/discordtest"
)

// TestDoctorPassesAGoodDeployment checks a deployment with nothing wrong:
// every line is ok, the invite URL asks for the scopes and permissions
// the README lists, and doctor exits 0.
func TestDoctorPassesAGoodDeployment(t *testing.T) {
	srv := discordtest.NewServer(t)
	c := newCLI(t)
	c.env["DISCORD_TOKEN"] = discordtest.Token
	c.env["DISCORD_API_URL"] = srv.APIURL()
	if _, logs, err := c.run("", "index"); err != nil {
		t.Fatalf("index: %v\n%s", err, logs)
	}
	out, _, err := c.run("", "doctor")
	if err != nil {
		t.Fatalf("doctor on a good deployment: %v\n%s", err, out)
	}
	for _, want := range []string{
		"ok    settings",
		"ok    token      has the form of a bot token (application " + discordtest.ApplicationID + ")",
		"ok    discord    reached " + strings.TrimSuffix(srv.APIURL(), "/") + " and logged in as " + discordtest.BotUsername,
		"note  invite     https://discord.com/oauth2/authorize?client_id=" + discordtest.BotUserID + "&scope=bot+applications.commands&permissions=274877991936",
		"ok    clock      within 1m0s of Discord's",
		"ok    corpus     embedded default: ",
		"ok    index      ",
		"ok    disk       ",
		"Everything sendbot serve needs is in order.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "FIX") || strings.Contains(out, tokenParts()[1]) {
		t.Errorf("doctor flagged a good deployment, or showed the token:\n%s", out)
	}
}

// TestDoctorSaysWhatToFix breaks one thing at a time and checks that
// doctor fails and its FIX line says what is wrong and what to do.
func TestDoctorSaysWhatToFix(t *testing.T) {
	srv := discordtest.NewServer(t)
	// skewed passes requests to the fake Discord but says its clock is
	// an hour ahead.
	target, _ := url.Parse(srv.APIURL())
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	proxy.ModifyResponse = func(r *http.Response) error {
		r.Header.Set("Date", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
		return nil
	}
	skewed := httptest.NewServer(proxy)
	defer skewed.Close()

	tests := []struct {
		name string
		set  func(c *cli)
		want []string
	}{
		{"no token", func(c *cli) { delete(c.env, "DISCORD_TOKEN") },
			[]string{"FIX   token      DISCORD_TOKEN is not set", "Reset Token"}},
		{"token refused", func(c *cli) { c.env["DISCORD_TOKEN"] = discordtest.Token[:len(discordtest.Token)-4] + "AAAA" },
			[]string{"FIX   discord    Discord refused the token (HTTP 401)", "Reset Token"}},
		{"Discord unreachable", func(c *cli) { c.env["DISCORD_API_URL"] = "http://127.0.0.1:1/api/v9/" },
			[]string{"FIX   discord    cannot reach http://127.0.0.1:1/api/v9/", "firewall", "note  clock      not checked"}},
		{"clock wrong", func(c *cli) { c.env["DISCORD_API_URL"] = skewed.URL + "/api/v9/" },
			[]string{"FIX   clock      this computer's clock is 1h0m0s behind Discord's", "timedatectl set-ntp true"}},
		{"corpus missing", func(c *cli) { c.env["SENDBOT_CORPUS"] = filepath.Join(t.TempDir(), "nowhere") },
			[]string{"FIX   corpus     ", "nowhere"}},
		{"index damaged", func(c *cli) {
			dir := filepath.Join(c.env["SENDBOT_DATA"], "indexes", "default")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{not json"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"FIX   index      ", "cannot be read", "remove that folder"}},
		{"bad settings, all shown at once", func(c *cli) {
			c.env["SENDBOT_GAPS_KEEP"], c.env["LOG_FORMAT"], c.env["SENDBOT_FETCH_ALLOW"] = "a month", "xml", "intranet"
		}, []string{"FIX   settings   SENDBOT_GAPS_KEEP", "FIX   settings   LOG_FORMAT \"xml\"", "FIX   settings   SENDBOT_FETCH_ALLOW: \"intranet\"", "doctor: 3 things to fix"}},
		{"public key not the key", func(c *cli) {
			c.env["SENDBOT_INTERACTIONS_ADDR"], c.env["DISCORD_PUBLIC_KEY"] = ":8090", "0123456789abcdef"
		}, []string{"FIX   settings   DISCORD_PUBLIC_KEY is 16 hex digits long, but a public key has 64", "General Information"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			c.env["DISCORD_TOKEN"] = discordtest.Token
			c.env["DISCORD_API_URL"] = srv.APIURL()
			tt.set(c)
			out, _, err := c.run("", "doctor")
			if err != nil {
				out += err.Error()
			}
			if err == nil || !strings.Contains(err.Error(), "to fix") {
				t.Errorf("doctor = %v, want a failure counting what to fix\n%s", err, out)
			}
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("doctor output lacks %q:\n%s", want, out)
				}
			}
			if n := strings.Count(out, "FIX   "); err != nil && !strings.Contains(err.Error(), fmt.Sprint(n)) {
				t.Errorf("%d FIX lines but the error says %v", n, err)
			}
			if strings.Contains(out, tokenParts()[1]) {
				t.Errorf("doctor showed the token:\n%s", out)
			}
			// Run as root beside a service, a folder doctor made would
			// belong to root: it makes none.
			if _, err := os.Stat(filepath.Join(c.env["SENDBOT_DATA"], "indexes")); err == nil && tt.name != "index damaged" {
				t.Error("doctor created the index folder")
			}
		})
	}
}
