package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/internal/testkit"
	"github.com/sendbot/sendbot/library"
)

func logsContain(logs fmt.Stringer, s string) bool { return strings.Contains(logs.String(), s) }

func TestReindexWhileFiftyQuestionsArrive(t *testing.T) {
	corpusDir := testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md":   "# Short breaks\n\nShort breaks give disabled children and their families a rest, with clubs and overnight stays.\n",
		"testshire/plans.md":    "# Plans\n\nThe council writes the education, health and care plan within twenty weeks.\n",
		"otherton/respite.md":   "# Respite\n\nRespite care in Otherton is arranged by the children's disability team.\n",
		"otherton/transport.md": "# Transport\n\nChildren who live beyond walking distance of school can have free transport.\n",
	})
	srv, logs := startServe(t, map[string]string{"SENDBOT_CORPUS": corpusDir})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// A new document arrives, then a moderator reindexes while parents ask.
	os.WriteFile(filepath.Join(corpusDir, "testshire", "swimming.md"), []byte("# Swimming\n\nQuiet swimming sessions for disabled children run on Sundays.\n"), 0o644)
	ri := srv.SlashCommand("reindex")
	ri.Member.Permissions = discordgo.PermissionManageGuild
	var asks []*discordgo.Interaction
	for n := 0; n < 50; n++ {
		i := srv.SlashCommand("ask", discordtest.SlashOption{Name: "question", Value: "short breaks for disabled children"})
		i.Member.User = &discordgo.User{ID: fmt.Sprintf("40000000000001%04d", n), Username: fmt.Sprintf("parent%d", n)}
		asks = append(asks, i)
	}
	var wg sync.WaitGroup
	srv.SendInteraction(ri)
	for _, i := range asks {
		wg.Add(1)
		go func(i *discordgo.Interaction) { defer wg.Done(); srv.SendInteraction(i) }(i)
	}
	wg.Wait()
	for n, i := range asks {
		resp, err := srv.WaitResponse(ctx, i)
		if err != nil {
			t.Fatalf("question %d: %v\nlogs:\n%s", n, err, logs.String())
		}
		if len(resp.Message.Embeds) != 1 || !strings.Contains(resp.Message.Embeds[0].Description, "Short breaks") {
			t.Errorf("question %d got %q %+v", n, resp.Message.Content, resp.Message.Embeds)
		}
	}
	testkit.WaitFor(t, "the reindex to finish", func() bool {
		r := srv.ResponseTo(ri)
		return r != nil && r.Message != nil && strings.HasPrefix(r.Message.Content, "Done:")
	})
	if r := srv.ResponseTo(ri); !strings.Contains(r.Message.Content, "from 5 documents") {
		t.Errorf("reindex result: %q", r.Message.Content)
	}
	// The new document is answered from.
	i := srv.SlashCommand("ask", discordtest.SlashOption{Name: "question", Value: "quiet swimming sessions"})
	i.Member.User = &discordgo.User{ID: "4000000000000200001", Username: "late"}
	srv.SendInteraction(i)
	resp, err := srv.WaitResponse(ctx, i)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Message.Embeds) != 1 || !strings.Contains(resp.Message.Embeds[0].Description, "Sundays") {
		t.Errorf("after the reindex: %+v", resp.Message)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", logs.String())
	}
}

func TestServePicksUpARebuildFromTheShellAndSIGHUP(t *testing.T) {
	corpusDir := testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give disabled children and their families a rest.\n",
	})
	data := t.TempDir()
	env := map[string]string{"SENDBOT_CORPUS": corpusDir, "SENDBOT_DATA": data}
	srv, logs := startServe(t, env)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	askAbout := func(q, want string) {
		t.Helper()
		i := srv.SlashCommand("ask", discordtest.SlashOption{Name: "question", Value: q})
		i.Member.Permissions = discordgo.PermissionManageMessages // not rate limited
		srv.SendInteraction(i)
		resp, err := srv.WaitResponse(ctx, i)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Message.Embeds) != 1 || !strings.Contains(resp.Message.Embeds[0].Description, want) {
			t.Errorf("%q: %q %+v", q, resp.Message.Content, resp.Message.Embeds)
		}
	}

	// sendbot index from the shell, while serve runs.
	os.WriteFile(filepath.Join(corpusDir, "testshire", "swimming.md"), []byte("# Swimming\n\nQuiet swimming sessions run on Sundays.\n"), 0o644)
	c := newCLI(t)
	for k, v := range env {
		c.env[k] = v
	}
	if out, errOut, err := c.run("", "index"); err != nil {
		t.Fatalf("index: %v\n%s%s", err, out, errOut)
	}
	testkit.WaitFor(t, "serve to switch to the rebuilt index", func() bool { return logsContain(logs, "switched to the index rebuilt from outside") })
	askAbout("quiet swimming sessions", "Sundays")

	// SIGHUP reindexes.
	os.WriteFile(filepath.Join(corpusDir, "testshire", "drama.md"), []byte("# Drama\n\nA drama club for disabled teenagers meets on Thursdays.\n"), 0o644)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, "the SIGHUP reindex", func() bool {
		return logsContain(logs, `msg=reindexed component=reindex why=SIGHUP`) || logsContain(logs, "reindex failed")
	})
	if logsContain(logs, "reindex failed") {
		t.Fatalf("SIGHUP reindex failed:\n%s", logs.String())
	}
	askAbout("drama club for teenagers", "Thursdays")
}

func TestAddAndRemoveADocumentFromDiscord(t *testing.T) {
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("# Kite club\n\nThe Testshire kite flying club for disabled children meets on Saturdays at the common.\n"))
	}))
	defer files.Close()
	corpusDir := testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give disabled children and their families a rest.\n",
	})
	data := t.TempDir()
	srv, logs := startServe(t, map[string]string{"SENDBOT_CORPUS": corpusDir, "SENDBOT_DATA": data})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	moderator := func(i *discordgo.Interaction) *discordgo.Interaction {
		i.Member.Permissions = discordgo.PermissionManageGuild
		srv.SendInteraction(i)
		return i
	}
	ask := func(q string) *discordgo.Message {
		t.Helper()
		i := moderator(srv.SlashCommand("ask", discordtest.SlashOption{Name: "question", Value: q}))
		resp, err := srv.WaitResponse(ctx, i)
		if err != nil {
			t.Fatalf("%v\n%s", err, logs.String())
		}
		return resp.Message
	}

	add := srv.SlashCommand("add-document", discordtest.SlashOption{Name: "file", Value: "5000000000000000001"},
		discordtest.SlashOption{Name: "area", Value: "testshire"}, discordtest.SlashOption{Name: "title", Value: "Kite club"})
	d := add.Data.(discordgo.ApplicationCommandInteractionData)
	d.Options[0].Type = discordgo.ApplicationCommandOptionAttachment
	d.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{
		"5000000000000000001": {ID: "5000000000000000001", Filename: "../../kites.md", Size: 90, URL: files.URL + "/attachments/1/2/kites.md"}}}
	add.Data = d
	resp, err := srv.WaitResponse(ctx, moderator(add))
	if err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	if !strings.Contains(resp.Message.Content, "Added **Kite club** (Testshire, markdown)") {
		t.Fatalf("add: %q\n%s", resp.Message.Content, logs.String())
	}
	if m := ask("kite flying club"); len(m.Embeds) != 1 || !strings.Contains(m.Embeds[0].Description, "Saturdays") {
		t.Errorf("after adding: %q %+v", m.Content, m.Embeds)
	}
	// Nothing from the file's name reached the disk.
	filepath.WalkDir(data, func(p string, _ os.DirEntry, _ error) error {
		if strings.Contains(p, "kites") {
			t.Errorf("the attachment's name reached the disk: %s", p)
		}
		return nil
	})
	id := resp.Message.Content[strings.Index(resp.Message.Content, "`")+1:]
	id = id[:strings.Index(id, "`")]
	rm := moderator(srv.SlashCommand("remove-document", discordtest.SlashOption{Name: "document", Value: id}))
	if resp, err = srv.WaitResponse(ctx, rm); err != nil || !strings.Contains(resp.Message.Content, "Removed **Kite club**") {
		t.Fatalf("remove: %v %q", err, resp.Message.Content)
	}
	if m := ask("kite flying club"); len(m.Embeds) != 0 {
		t.Errorf("still answered after removing: %+v", m.Embeds[0].Description)
	}
	lib, err := library.Open(library.Config{Corpus: corpusDir, DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	a, err := lib.OpenAudit()
	if err != nil {
		t.Fatal(err)
	}
	audit, err := os.ReadFile(a.Path())
	if err != nil || !strings.Contains(string(audit), `"action":"add-document"`) || !strings.Contains(string(audit), `"action":"remove-document"`) {
		t.Errorf("audit log: %v\n%s", err, audit)
	}
}
