package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/internal/testkit"
)

// serveProcess is `sendbot serve` running as its own process against a
// fake Discord, as a host runs it.
type serveProcess struct {
	cmd  *exec.Cmd
	logs *testkit.SyncBuffer
	done chan error
}

// startServeProcess starts bin serve with env (and nothing of the test's
// own SENDBOT_, DISCORD_ or LOG_ settings) in dir, and waits until its
// commands are registered.
func startServeProcess(t testing.TB, bin, dir string, srv *discordtest.Server, env ...string) *serveProcess {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Dir = dir
	cmd.Env = append(hostEnv(), env...)
	p := &serveProcess{cmd: cmd, logs: &testkit.SyncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := srv.WaitFor(ctx, func() bool { return srv.Connected() > 0 && len(srv.Commands(discordtest.GuildID)) > 0 })
	if err != nil {
		t.Fatalf("serve did not connect: %v\nlogs:\n%s", err, p.logs.String())
	}
	return p
}

// terminate sends SIGTERM, as systemd and docker stop do, and returns how
// the process ended.
func (p *serveProcess) terminate(t testing.TB) error {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not stop within 30 s of SIGTERM\nlogs:\n%s", p.logs.String())
		return nil
	}
}

// askProcess asks a question as a parent and returns the answer.
func askProcess(t *testing.T, srv *discordtest.Server, q string) *discordgo.Message {
	t.Helper()
	return slash(t, srv, "ask", discordtest.SlashOption{Name: "question", Value: q})
}

// TestServeStopsCleanlyOnSIGTERMAndARestartLosesNothing runs the sendbot
// binary as a host would, with JSON logs, through a conversation: a
// question answered, one declined, a Not helpful vote, /about. SIGTERM
// ends it with exit status 0 and the gateway closed; a restart on the
// same data folder opens the index as it was (no rebuild) and still has
// the declined question and the vote for /gaps. The token appears in no
// log line, and no question's words do.
func TestServeStopsCleanlyOnSIGTERMAndARestartLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs sendbot: skipped under -short")
	}
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	bin := buildSendbot(t)
	srv := discordtest.NewServer(t)
	data, dir := t.TempDir(), t.TempDir()
	env := []string{"DISCORD_TOKEN=" + discordtest.Token, "DISCORD_GUILD_ID=" + discordtest.GuildID,
		"DISCORD_API_URL=" + srv.APIURL(), "SENDBOT_DATA=" + data}

	first := startServeProcess(t, bin, dir, srv, append(env, "LOG_FORMAT=json")...)
	const answered, declined = "when was worcestershire inspected by ofsted", "cheapest flights to lanzarote"
	m := askProcess(t, srv, answered)
	if len(m.Embeds) != 1 || !strings.Contains(m.Embeds[0].Description, "](https://") {
		t.Fatalf("no cited answer: %+v", m)
	}
	var notHelpful string
	for _, row := range m.Components {
		if r, ok := row.(*discordgo.ActionsRow); ok {
			for _, c := range r.Components {
				if b, ok := c.(*discordgo.Button); ok && strings.HasPrefix(b.Label, "Not helpful") {
					notHelpful = b.CustomID
				}
			}
		}
	}
	if notHelpful == "" {
		t.Fatalf("the answer has no Not helpful button: %+v", m.Components)
	}
	vote := srv.ComponentInteraction(m, notHelpful)
	srv.SendInteraction(vote)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := srv.WaitResponse(ctx, vote); err != nil {
		t.Fatal(err)
	}
	if d := askProcess(t, srv, declined); len(d.Embeds) != 0 {
		t.Fatalf("a question about flights was answered: %+v", d)
	}
	about := slash(t, srv, "about").Content

	if err := first.terminate(t); err != nil {
		t.Fatalf("serve ended with %v after SIGTERM, want exit status 0\nlogs:\n%s", err, first.logs.String())
	}
	if srv.Connected() != 0 {
		t.Error("the gateway is still connected after serve ended")
	}
	logs := first.logs.String()
	checkJSONLogs(t, logs, []string{"worcestershire", "inspected", "flights", "lanzarote"})
	for _, text := range []string{logs, about} {
		for _, secret := range tokenParts() {
			if strings.Contains(text, secret) {
				t.Errorf("the token (or its secret part %q) appears in logs or /about", secret)
			}
		}
	}

	// A restart right after: the index, the gap and the vote are all there.
	second := startServeProcess(t, bin, dir, srv, env...)
	if !strings.Contains(second.logs.String(), "index open") || strings.Contains(second.logs.String(), "building the index") {
		t.Errorf("the restart did not reuse the index:\n%s", second.logs.String())
	}
	gapsReply := slash(t, srv, "gaps").Content
	if want := "1 question I couldn't answer, 1 answer marked not helpful"; !strings.Contains(gapsReply, want) {
		t.Errorf("after the restart, /gaps lacks %q:\n%s", want, gapsReply)
	}
	if m := askProcess(t, srv, answered); len(m.Embeds) != 1 {
		t.Errorf("no answer after the restart: %+v", m)
	}
	if err := second.terminate(t); err != nil {
		t.Errorf("second serve: %v\n%s", err, second.logs.String())
	}
}

// tokenParts are the strings whose presence would leak the token: the
// whole of it, and its signature, the part that is secret.
func tokenParts() []string {
	parts := strings.Split(discordtest.Token, ".")
	return []string{discordtest.Token, parts[len(parts)-1]}
}

// checkJSONLogs checks that every line of logs is a JSON object, that each
// question answered or declined has its one "answered" line with counts
// and a timing, and that none of words appears.
func checkJSONLogs(t *testing.T, logs string, words []string) {
	t.Helper()
	answers := 0
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("LOG_FORMAT=json wrote a line that is not JSON: %q", line)
			continue
		}
		if rec["msg"] == "answered" {
			answers++
			for _, field := range []string{"hits", "took_ms", "answered", "via"} {
				if _, ok := rec[field]; !ok {
					t.Errorf("an answer's log line lacks %q: %s", field, line)
				}
			}
		}
		for _, w := range words {
			if strings.Contains(strings.ToLower(line), w) {
				t.Errorf("a question's word %q reached the logs: %s", w, line)
			}
		}
	}
	if answers != 2 {
		t.Errorf("%d answer log lines for 2 questions:\n%s", answers, logs)
	}
}

// TestTokenStaysOutOfErrors starts serve with a token of the right shape
// that Discord refuses: it says the token is wrong, without printing it.
func TestTokenStaysOutOfErrors(t *testing.T) {
	srv := discordtest.NewServer(t)
	wrong := discordtest.Token[:len(discordtest.Token)-4] + "AAAA"
	c := newCLI(t)
	c.env["DISCORD_TOKEN"] = wrong
	c.env["DISCORD_API_URL"] = srv.APIURL()
	_, logs, err := c.run("", "serve")
	if err == nil {
		t.Fatal("serve with a refused token did not fail")
	}
	if !strings.Contains(err.Error(), "DISCORD_TOKEN is wrong") {
		t.Errorf("the error does not say the token is wrong: %v", err)
	}
	secret := wrong[strings.LastIndex(wrong, ".")+1:]
	for _, text := range []string{err.Error(), logs} {
		if strings.Contains(text, secret) {
			t.Errorf("the token's secret part appears in:\n%s", text)
		}
	}
}

// TestWarnsWhenOthersCanReadTheEnvFile runs sendbot in a folder whose
// .env, holding the token, other users can read: it says so and how to
// fix it, and says nothing once the file is private.
func TestWarnsWhenOthersCanReadTheEnvFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows keeps no such permission bits")
	}
	if testing.Short() {
		t.Skip("builds sendbot: skipped under -short")
	}
	bin := buildSendbot(t)
	dir := t.TempDir()
	env := filepath.Join(dir, ".env")
	if err := os.WriteFile(env, []byte("DISCORD_TOKEN="+discordtest.Token+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(env, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	run := func() string {
		cmd := exec.Command(bin, "version")
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatal(err)
			}
		}
		return stderr.String()
	}
	got := run()
	for _, want := range []string{".env holds your Discord token and other users of this computer can read it", "-rw-r--r--", "chmod 600 .env"} {
		if !strings.Contains(got, want) {
			t.Errorf("with a .env others can read, stderr lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, discordtest.Token) {
		t.Error("the warning shows the token")
	}
	if err := os.Chmod(env, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := run(); got != "" {
		t.Errorf("with a private .env, stderr = %q, want nothing", got)
	}
}
