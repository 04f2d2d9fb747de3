package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/internal/testkit"
)

// cli runs sendbot in-process with only the given environment.
type cli struct {
	t   *testing.T
	env map[string]string
}

func newCLI(t *testing.T) *cli {
	return &cli{t: t, env: map[string]string{"SENDBOT_DATA": t.TempDir()}}
}

func (c *cli) run(stdin string, args ...string) (stdout, stderr string, err error) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err = run(ctx, args, func(k string) string { return c.env[k] }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestAskAnswersFromTheBuiltInCorpus(t *testing.T) {
	c := newCLI(t)
	out, logs, err := c.run("", "ask", "how do I ask for an EHC needs assessment?", "--area", "herefordshire")
	if err != nil {
		t.Fatalf("ask: %v\n%s", err, logs)
	}
	for _, want := range []string{". Asking for an EHC needs assessment in Herefordshire", "https://www.herefordshire.gov.uk/", "Herefordshire · ", "it is not advice"} {
		if !strings.Contains(out, want) {
			t.Errorf("ask output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Worcestershire ·") {
		t.Errorf("--area herefordshire showed another area:\n%s", out)
	}
	if !strings.Contains(logs, "building the index") {
		t.Errorf("first run should say it builds the index: %s", logs)
	}
	// The second run reuses the index.
	if _, logs, err := c.run("", "ask", "short breaks"); err != nil || strings.Contains(logs, "building the index") {
		t.Errorf("second run rebuilt the index (err %v): %s", err, logs)
	}
}

func TestAskDeclinesAndExplains(t *testing.T) {
	c := newCLI(t)
	out, _, err := c.run("", "ask", "easy slow cooker chilli recipe")
	if err != nil || !strings.Contains(out, "couldn't find an answer") || strings.Contains(out, "1. ") {
		t.Errorf("off-topic question: err %v, output:\n%s", err, out)
	}
	out, _, err = c.run("", "ask", "how do i apply for an ehcp in leeds")
	if err != nil || !strings.Contains(out, "I don't have documents about this for Leeds yet") || strings.Contains(out, "1. ") {
		t.Errorf("a question about an area without documents: err %v, output:\n%s", err, out)
	}
	_, _, err = c.run("", "ask", "?!?")
	if err == nil || !strings.Contains(err.Error(), "no words to search for") {
		t.Errorf("punctuation-only question: %v", err)
	}
	_, _, err = c.run("", "ask", "short breaks", "--area", "Atlantis")
	if err == nil || !strings.Contains(err.Error(), "England, Herefordshire, Worcestershire") {
		t.Errorf("unknown area should list the known ones: %v", err)
	}
	_, _, err = c.run("", "ask")
	var ue usageError
	if !errors.As(err, &ue) || exitCode(err) != 2 {
		t.Errorf("ask with no question: %v", err)
	}
}

func TestSearchJSONReadsQueriesFromStdin(t *testing.T) {
	c := newCLI(t)
	out, _, err := c.run("what are short breaks\n\n?!\nwhen was worcestershire inspected\n", "search", "--json", "--k", "5")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want one line per non-empty query, got %d:\n%s", len(lines), out)
	}
	var got []answer.JSONLine
	for _, l := range lines {
		var s answer.JSONLine
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatalf("not JSON: %s", l)
		}
		got = append(got, s)
	}
	if !got[0].Answered || len(got[0].Results) != 5 || got[0].Results[0].SourceURL == "" || got[0].Results[0].Text == "" {
		t.Errorf("first query: %+v", got[0])
	}
	if got[1].Answered || got[1].Error == "" || got[1].Results == nil {
		t.Errorf("a query with no words should be answered=false with an error and empty results: %+v", got[1])
	}
	found := false
	for _, r := range got[2].Results {
		if r.Area != "Worcestershire" {
			t.Errorf("third query: a result from %s: %+v", r.Area, r)
		}
		found = found || strings.Contains(r.Text, "April 2024")
	}
	if !got[2].Answered || !found {
		t.Errorf("third query: want the inspection's date among its results: %+v", got[2].Results)
	}
	if !strings.Contains(lines[0], `"took_ms":`) || !strings.Contains(lines[0], `"published":`) || !strings.Contains(lines[0], `"page":`) {
		t.Errorf("missing fields: %s", lines[0])
	}
}

func TestIndexAndCheckAFolder(t *testing.T) {
	dir := t.TempDir()
	write := func(p, s string) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("testshire/transport.md", "---\ntitle: Transport\nsource_url: https://testshire.example/t\n---\n# Transport\n\nChildren who live beyond walking distance of their nearest suitable school can get free travel to school.\n")
	write("testshire/report.docx", "PK\x03\x04")
	c := newCLI(t)
	c.env["SENDBOT_CORPUS"] = dir

	out, _, err := c.run("", "check")
	if err != nil {
		t.Fatalf("check: %v\n%s", err, out)
	}
	for _, want := range []string{"ok", "testshire/transport.md", "skipped", "testshire/report.docx", `not a document format sendbot reads (".docx")`, "1 documents and 0 services, 1 passage; 0 entries left out, 1 files skipped, 0 errors"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	write("testshire/empty.md", "")
	out, _, err = c.run("", "check", dir)
	if !errors.Is(err, errCorpusProblems) || !strings.Contains(out, "error") || !strings.Contains(out, "testshire/empty.md") || !strings.Contains(out, "file is empty") {
		t.Errorf("check with a broken file: err %v\n%s", err, out)
	}

	out, _, err = c.run("", "index")
	if err != nil || !strings.Contains(out, "Indexed 1 documents (1 passages) from "+dir+", and 6 built-in documents about England (") ||
		!strings.Contains(out, "testshire/empty.md\tfile is empty") || strings.Contains(out, "builtin/") {
		t.Errorf("index: err %v\n%s", err, out)
	}
	c.env["SENDBOT_BUILTIN_ENGLAND"] = "off"
	if out, _, err := c.run("", "index"); err != nil || !strings.Contains(out, "Indexed 1 documents (1 passages) from "+dir+" in ") {
		t.Errorf("index with SENDBOT_BUILTIN_ENGLAND=off: err %v\n%s", err, out)
	}
	c.env["SENDBOT_BUILTIN_ENGLAND"] = "maybe"
	if _, _, err := c.run("", "index"); err == nil || !strings.Contains(err.Error(), `SENDBOT_BUILTIN_ENGLAND "maybe": use off`) {
		t.Errorf("index with SENDBOT_BUILTIN_ENGLAND=maybe: %v", err)
	}
	delete(c.env, "SENDBOT_BUILTIN_ENGLAND")
	out, _, err = c.run("", "ask", "how far from school for free travel")
	if err != nil || !strings.Contains(out, "https://testshire.example/t") {
		t.Errorf("ask after index: %v\n%s", err, out)
	}
	if _, _, err := c.run("", "check", filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("check of a missing folder: %v", err)
	}
}

func TestSharedCorpusChecksClean(t *testing.T) {
	const shared = "../../../shared/corpus"
	if _, err := os.Stat(shared); err != nil {
		t.Skip("../shared/corpus is absent: this check runs in CI")
	}
	out, _, err := newCLI(t).run("", "check", shared)
	if err != nil {
		t.Fatalf("check %s: %v\n%s", shared, err, out)
	}
	// Every file of every format is read: nothing skipped, no errors, and
	// both Open Referral feeds yield their services.
	for _, want := range []string{" 0 files skipped, 0 errors", "\nHerefordshire ", "\nWorcestershire ", "\nEngland ", "\nBristol ", "\nNorth Lincolnshire ",
		"Area                html  markdown  oruk  pdf  text", "bristol/services.json", "north-lincolnshire/services.json", "worcs-ehcp-guide-pack.pdf", "pdf, 29 passages"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q", want)
		}
	}
}

func TestServeExplainsTokenProblems(t *testing.T) {
	tests := []struct {
		name, token string
		want        error
	}{
		{"missing", "", bot.ErrNoToken},
		{"malformed", "not a token", bot.ErrBadToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			c.env["DISCORD_TOKEN"] = tt.token
			_, _, err := c.run("", "serve")
			if !errors.Is(err, tt.want) || strings.Count(err.Error(), "\n") > 0 {
				t.Errorf("serve: %v, want a one-line %v", err, tt.want)
			}
		})
	}
}

func TestBadSettingsAreExplained(t *testing.T) {
	c := newCLI(t)
	c.env["LOG_FORMAT"] = "xml"
	if _, _, err := c.run("", "index"); err == nil || !strings.Contains(err.Error(), "use text or json") {
		t.Errorf("bad LOG_FORMAT: %v", err)
	}
	if _, _, err := c.run("", "frobnicate"); exitCode(err) != 2 {
		t.Errorf("unknown command: %v", err)
	}
	if out, _, err := c.run("", "version"); err != nil || !strings.HasPrefix(out, "sendbot ") {
		t.Errorf("version: %q %v", out, err)
	}
}

func TestLoadEnvPrefersTheEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	os.WriteFile(path, []byte("# comment\nDISCORD_GUILD_ID=123\nSENDBOT_CORPUS=from-file\n"), 0o600)
	getenv, err := loadEnv(path, func(k string) (string, bool) {
		if k == "SENDBOT_CORPUS" {
			return "from-env", true
		}
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	if getenv("DISCORD_GUILD_ID") != "123" || getenv("SENDBOT_CORPUS") != "from-env" {
		t.Errorf("got guild %q corpus %q", getenv("DISCORD_GUILD_ID"), getenv("SENDBOT_CORPUS"))
	}
	if _, err := loadEnv(filepath.Join(t.TempDir(), "none"), os.LookupEnv); err != nil {
		t.Errorf("a missing .env is fine: %v", err)
	}
	os.WriteFile(path, []byte("NOT VALID LINE WITHOUT EQUALS\n"), 0o600)
	if _, err := loadEnv(path, os.LookupEnv); err == nil || !strings.Contains(err.Error(), "NAME=value") {
		t.Errorf("malformed .env: %v", err)
	}
}

// startServe runs `sendbot serve` against a fake Discord with the given
// extra settings, and returns once the bot has registered its commands.
func startServe(t *testing.T, env map[string]string) (*discordtest.Server, *testkit.SyncBuffer) {
	t.Helper()
	srv := discordtest.NewServer(t)
	c := newCLI(t)
	c.env["DISCORD_TOKEN"] = discordtest.Token
	c.env["DISCORD_GUILD_ID"] = discordtest.GuildID
	c.env["DISCORD_API_URL"] = srv.APIURL()
	for k, v := range env {
		c.env[k] = v
	}
	logs := &testkit.SyncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return c.env[k] }, strings.NewReader(""), &bytes.Buffer{}, logs)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	wait, cancelWait := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelWait()
	if _, err := srv.WaitCommands(wait, discordtest.GuildID, 1); err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, logs.String())
	}
	return srv, logs
}

// TestServeAnswersThroughFakeDiscord runs the real serve command, built-in
// corpus and all, against the fake Discord server via DISCORD_API_URL.
func TestServeAnswersThroughFakeDiscord(t *testing.T) {
	srv, logs := startServe(t, nil)
	wait, cancelWait := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelWait()
	const q = "when was worcestershire inspected by ofsted"
	i := srv.SlashCommand("ask", discordtest.SlashOption{Name: "question", Value: q})
	srv.SendInteraction(i)
	resp, err := srv.WaitResponse(wait, i)
	if err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, logs.String())
	}
	if len(resp.Message.Embeds) != 1 {
		t.Fatalf("no embed: %+v", resp.Message)
	}
	d := resp.Message.Embeds[0].Description
	for _, want := range []string{"[Worcestershire SEND inspection 2024", "](https://", "**inspected**", "**Ofsted**"} {
		if !strings.Contains(d, want) {
			t.Errorf("embed lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(logs.String(), q) || strings.Contains(logs.String(), "worcestershire inspected") {
		t.Errorf("the question text reached the logs:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "building the index") || !strings.Contains(logs.String(), "index built") {
		t.Errorf("serve should log that it builds the index before connecting:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), discordtest.Token) {
		t.Errorf("the token reached the logs")
	}
}

func TestAnIndexFromAnotherVersionIsRebuilt(t *testing.T) {
	c := newCLI(t)
	dir := filepath.Join(t.TempDir(), "idx")
	c.env["SENDBOT_INDEX"] = dir
	// Any bleve index without sendbot's record of its mapping version stands
	// in for one built by an older sendbot.
	old, err := bleve.New(dir, bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	out, logs, err := c.run("", "ask", "what are short breaks")
	if err != nil || !strings.Contains(out, "1. ") {
		t.Fatalf("ask over an old index: %v\n%s\n%s", err, out, logs)
	}
	if !strings.Contains(logs, "built by another version of sendbot") {
		t.Errorf("the rebuild should be logged with its reason: %s", logs)
	}
}
