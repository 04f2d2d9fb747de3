package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/internal/testkit"
)

// askServe asks serve a question as a parent who is not rate limited, and
// returns the text of the answer's embeds ("" when it declined), without
// the bold of the question's words.
func askServe(t *testing.T, srv *discordtest.Server, q string) string {
	t.Helper()
	i := srv.SlashCommand("ask", discordtest.SlashOption{Name: "question", Value: q})
	i.Member.Permissions = discordgo.PermissionManageMessages
	srv.SendInteraction(i)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := srv.WaitResponse(ctx, i)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, e := range resp.Message.Embeds {
		text = append(text, e.Description)
	}
	return strings.ReplaceAll(strings.Join(text, "\n"), "**", "")
}

// TestFetchFromTheShellUpdatesTheIndexServeAnswersFrom: a site on
// loopback is fetched from the shell before there is an index (fetch
// says so), serve builds the index and answers from the page; the page
// changes, `sendbot fetch` runs again from the shell while serve runs,
// and serve answers the new text, not the old, from the index fetch
// updated, without a rebuild.
func TestFetchFromTheShellUpdatesTheIndexServeAnswersFrom(t *testing.T) {
	var clubs atomic.Value
	clubs.Store("The Testshire holiday club for disabled children meets at Brook Park every Wednesday in August.")
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/send":
			fmt.Fprint(w, `<html><head><title>Testshire Local Offer</title></head><body><main><h1>Local Offer</h1>
<p>The Testshire Local Offer lists support for children with SEND.</p><a href="/send/clubs">Clubs</a></main></body></html>`)
		case "/send/clubs":
			fmt.Fprintf(w, `<html><head><title>Holiday clubs</title></head><body><main><h1>Holiday clubs</h1><p>%s</p></main></body></html>`, clubs.Load())
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	corpusDir := testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give disabled children and their families a rest.\n",
		"sources.yaml":        "documents:\n  - site: " + site.URL + "/send\n    area: Testshire\n    kind: local-offer\n",
	})
	env := map[string]string{"SENDBOT_CORPUS": corpusDir, "SENDBOT_DATA": t.TempDir(), "SENDBOT_FETCH_ALLOW": "127.0.0.0/8"}
	c := newCLI(t)
	for k, v := range env {
		c.env[k] = v
	}

	out, logs, err := c.run("", "fetch")
	if err != nil || !strings.Contains(out, "Index: none yet in ") || !strings.Contains(out, "run sendbot index to build it") {
		t.Fatalf("fetch before any index: %v\n%s\n%s", err, out, logs)
	}
	srv, serveLogs := startServe(t, env)
	if got := askServe(t, srv, "when does the holiday club meet at Brook Park"); !strings.Contains(got, "every Wednesday in August") {
		t.Fatalf("serve does not answer from the fetched page: %q", got)
	}

	clubs.Store("From this summer the Testshire holiday club meets at the Meadow Centre on Friday mornings.")
	out, logs, err = c.run("", "fetch")
	if want := "Index: updated with the fetched changes: 1 file read again (1 document), 0 files removed ("; err != nil || !strings.Contains(out, want) {
		t.Fatalf("fetch after the page changed: %v, want %q in\n%s\n%s", err, want, out, logs)
	}
	testkit.WaitFor(t, "serve to switch to the index fetch updated", func() bool {
		return logsContain(serveLogs, "switched to the index rebuilt from outside (sendbot index, or updated by sendbot fetch)")
	})
	if got := askServe(t, srv, "holiday club at the Meadow Centre on Friday mornings"); !strings.Contains(got, "From this summer the Testshire holiday club meets at the Meadow Centre on Friday mornings.") {
		t.Errorf("serve does not answer the new text: %q", got)
	}
	for _, q := range []string{"holiday club at the Meadow Centre on Friday mornings", "when does the holiday club meet at Brook Park"} {
		if got := askServe(t, srv, q); strings.Contains(got, "every Wednesday in August") {
			t.Errorf("%q is still answered with the old text: %q", q, got)
		}
	}
	// The index holds what it should: ask does not rebuild it.
	out, logs, err = c.run("", "ask", "holiday club at the Meadow Centre on Friday mornings", "--area", "testshire")
	if err != nil || !strings.Contains(out, "Friday mornings") || strings.Contains(logs, "building the index") {
		t.Errorf("ask after the fetch: %v\n%s\n%s", err, out, logs)
	}

	// A fetch that changes nothing leaves the index as it is.
	out, _, err = c.run("", "fetch")
	if err != nil || !strings.Contains(out, "Index: up to date; the fetch changed nothing it holds") {
		t.Errorf("a fetch with nothing new: %v\n%s", err, out)
	}
	// When the corpus folder changed too, fetch does not rebuild: it says
	// to run sendbot index.
	os.WriteFile(filepath.Join(corpusDir, "testshire", "forum.md"), []byte("# Forum\n\nThe parent carer forum meets monthly.\n"), 0o644)
	clubs.Store("The Testshire holiday club is closed this summer while the Meadow Centre is repaired.")
	out, _, err = c.run("", "fetch")
	if want := "Index: not updated, because the corpus, uploads or built-in documents had changed since the index was built; run sendbot index to rebuild it"; err != nil || !strings.Contains(out, want) {
		t.Errorf("a fetch when the corpus changed too: %v, want %q in\n%s", err, want, out)
	}
}

// TestTwoFetchesAtOnce: while one `sendbot fetch` process crawls, a
// second `sendbot fetch` process, and serve's /reindex, are refused with
// the first one's process ID and left the cache alone; once it finishes,
// a fetch runs again.
func TestTwoFetchesAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs sendbot: skipped under -short")
	}
	bin := buildSendbot(t)
	var (
		arrived = make(chan struct{})
		release = make(chan struct{})
		once    sync.Once
		slow    atomic.Int32
	)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/transport" {
			http.NotFound(w, r)
			return
		}
		slow.Add(1)
		once.Do(func() { close(arrived) })
		<-release
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "Travel to school in Testshire\n\nChildren in Testshire who live beyond walking distance of school get free travel.\n")
	}))
	defer site.Close()
	defer once.Do(func() { close(arrived) })
	corpusDir := testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give disabled children and their families a rest.\n",
		"sources.yaml":        "documents:\n  - url: " + site.URL + "/transport\n    area: Testshire\n",
	})
	env := map[string]string{"SENDBOT_CORPUS": corpusDir, "SENDBOT_DATA": t.TempDir(), "SENDBOT_FETCH_ALLOW": "127.0.0.0/8"}
	srv, serveLogs := startServe(t, env)
	fetchProcess := func() *exec.Cmd {
		cmd := exec.Command(bin, "fetch")
		cmd.Env = hostEnv()
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		return cmd
	}

	first := fetchProcess()
	var firstOut bytes.Buffer
	first.Stdout, first.Stderr = &firstOut, &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	released := false
	defer func() {
		if !released {
			close(release)
		}
		first.Wait()
	}()
	select {
	case <-arrived:
	case <-time.After(time.Minute):
		t.Fatalf("the first fetch never asked for the page:\n%s", firstOut.String())
	}

	want := "another fetch of the remote sources is running (pid " + strconv.Itoa(first.Process.Pid) + "); try again when it finishes"
	out, err := fetchProcess().CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), want) {
		t.Errorf("a second sendbot fetch: %v, want exit status 1 and %q in\n%s", err, want, out)
	}

	ri := srv.SlashCommand("reindex")
	ri.Member.Permissions = discordgo.PermissionManageGuild
	srv.SendInteraction(ri)
	testkit.WaitFor(t, "the /reindex reply", func() bool {
		r := srv.ResponseTo(ri)
		return r != nil && r.Message != nil && strings.HasPrefix(r.Message.Content, "I didn't reindex")
	})
	wantReply := "I didn't reindex: another fetch of the remote sources is running (process " + strconv.Itoa(first.Process.Pid) +
		", perhaps `sendbot fetch` on the bot's computer), and only one runs at a time. I'm answering with the current documents meanwhile"
	if got := srv.ResponseTo(ri).Message.Content; !strings.HasPrefix(got, wantReply) {
		t.Errorf("/reindex during a fetch:\n%s\nwant it to start\n%s", got, wantReply)
	}
	if n := slow.Load(); n != 1 {
		t.Errorf("the page was asked for %d times while the first fetch ran; only it should have", n)
	}

	close(release)
	released = true
	if err := first.Wait(); err != nil || !strings.Contains(squash(firstOut.String()), "fetched "+site.URL+"/transport") {
		t.Fatalf("the first fetch: %v\n%s", err, firstOut.String())
	}
	// Its lock went with it.
	out, err = fetchProcess().CombinedOutput()
	if err != nil || strings.Contains(string(out), "another fetch") {
		t.Errorf("a fetch after the first one finished: %v\n%s", err, out)
	}
	testkit.WaitFor(t, "serve to switch to the index the fetches updated", func() bool {
		return logsContain(serveLogs, "updated by sendbot fetch")
	})
	if got := askServe(t, srv, "free travel to school in Testshire beyond walking distance"); !strings.Contains(got, site.URL+"/transport") {
		t.Errorf("serve does not answer from the fetched page: %q", got)
	}
}
