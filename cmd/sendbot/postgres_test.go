package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/internal/pgtest"
	"github.com/sendbot/sendbot/store/postgres"
)

func TestServeKeepsStateInPostgreSQLWhenDatabaseURLIsSet(t *testing.T) {
	url := pgtest.NewDatabase(t)
	data := t.TempDir()
	srv, _ := startServe(t, map[string]string{"SENDBOT_DATA": data, "SENDBOT_GAPS_KEEP": "7d", "DATABASE_URL": url})
	for _, q := range []string{"cheap holidays abroad", "Holidays abroad for my son Jack Smith?"} {
		slash(t, srv, "ask", discordtest.SlashOption{Name: "question", Value: q})
	}
	if got := slash(t, srv, "gaps").Content; !strings.Contains(got, "holidays (2)") {
		t.Errorf("/gaps lacks holidays (2):\n%s", got)
	}
	for _, f := range []string{"gaps/default/gaps.db", "feedback/default/feedback.db", "audit/default/audit.log"} {
		if _, err := os.Stat(filepath.Join(data, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s with DATABASE_URL set: %v", f, err)
		}
	}
}

func TestServeRefusesABadDatabaseURL(t *testing.T) {
	c := newCLI(t)
	c.env["DISCORD_TOKEN"] = discordtest.Token
	c.env["DISCORD_API_URL"] = "http://127.0.0.1:1/api/v9/" // never reached
	c.env["DATABASE_URL"] = "mysql://bot:hunter22@db/sendbot"
	_, _, err := c.run("", "serve")
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || !strings.Contains(err.Error(), "not postgres://") {
		t.Errorf("serve with a bad DATABASE_URL: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "hunter22") {
		t.Errorf("the error shows the password: %v", err)
	}
}

func TestDoctorChecksTheDatabase(t *testing.T) {
	srv := discordtest.NewServer(t)
	c := newCLI(t)
	c.env["DISCORD_TOKEN"] = discordtest.Token
	c.env["DISCORD_API_URL"] = srv.APIURL()
	if _, logs, err := c.run("", "index"); err != nil {
		t.Fatalf("index: %v\n%s", err, logs)
	}
	c.env["DATABASE_URL"] = "postgres://bot:hunter22@127.0.0.1:1/sendbot?connect_timeout=5"
	out, _, err := c.run("", "doctor")
	if err == nil || !strings.Contains(out, "FIX   database   connect to postgres://bot:xxxxx@127.0.0.1:1/sendbot") || strings.Contains(out, "hunter22") {
		t.Errorf("doctor with no database listening: %v\n%s", err, out)
	}

	url := pgtest.NewDatabase(t)
	c.env["DATABASE_URL"] = url
	out, _, _ = c.run("", "doctor")
	if !strings.Contains(out, "ok    database") || !strings.Contains(out, "schema (version 0) is brought to version") {
		t.Errorf("doctor on an empty database:\n%s", out)
	}
	db, err := postgres.Open(context.Background(), url) // as serve does at start
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, _, _ = c.run("", "doctor")
	if !strings.Contains(out, "ok    database") || !strings.Contains(out, fmt.Sprintf("answers, schema version %d", postgres.SchemaVersion())) {
		t.Errorf("doctor once the database is migrated:\n%s", out)
	}
}
