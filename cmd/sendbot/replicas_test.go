//go:build linux

package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/jackc/pgx/v5"

	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/internal/testkit"
)

// TestReplicasServeOneBot runs three sendbot processes as docs/scaling.md
// describes: a builder and two replicas on one shared index folder and
// one PostgreSQL database, each with its own interactions endpoint, and
// Discord sending interactions to the replicas in turn. What a parent
// sees does not depend on which replica answers: More results and a
// Helpful vote work on an answer the other replica gave, both replicas
// answer from a document the builder indexed after they started, and
// a document added on one replica while the builder is down (handed to
// the builder through the database, and made by it once restarted) is
// answered from at the other and removed there, and when
// one replica is killed the other answers every question sent to it and
// the votes already given are still kept.
func TestReplicasServeOneBot(t *testing.T) {
	files := map[string]string{}
	for _, area := range []string{"north", "south", "east", "west", "central", "coast", "hills"} {
		files["testshire/breaks-"+area+".md"] = fmt.Sprintf("# Short breaks in %s Testshire\n\n"+
			"Short breaks give disabled children and their families a rest: day care, overnight stays and clubs in %s Testshire.\n", area, area)
	}
	c := newCluster(t, files)
	srv, ctx, corpusDir, start, send, count := c.srv, c.ctx, c.corpusDir, c.start, c.send, c.count
	bp, builder := start("builder")
	a, urlA := start("replica")
	b, urlB := start("replica")

	reply := func(i *discordgo.Interaction) *discordgo.Message {
		t.Helper()
		r, err := srv.WaitResponse(ctx, i)
		if err != nil || r.Message == nil {
			t.Fatalf("no reply: %v\nreplica A:\n%s\nreplica B:\n%s", err, a.logs.String(), b.logs.String())
		}
		return r.Message
	}
	ask := func(url, q string) *discordgo.Message {
		t.Helper()
		return reply(send(url, srv.SlashCommand("ask", discordtest.SlashOption{Name: "question", Value: q})))
	}
	click := func(url string, m *discordgo.Message, label string) *discordgo.Message {
		t.Helper()
		return reply(send(url, srv.ComponentInteraction(m, buttonID(t, m, label))))
	}
	votes := func() int { return count("SELECT count(*) FROM feedback_votes") }

	// 1. An answer from A, paged and voted on at B.
	m := ask(urlA, "short breaks for disabled children")
	if len(m.Embeds) != 1 {
		t.Fatalf("A did not answer: %q %+v", m.Content, m.Embeds)
	}
	page2 := click(urlB, m, "More results")
	if strings.Contains(page2.Content, "expired") || len(page2.Embeds) != 1 || !strings.Contains(page2.Embeds[0].Footer.Text, "Passages 4–") {
		t.Fatalf("More results at B on A's answer: %q %+v", page2.Content, page2.Embeds)
	}
	if got := click(urlB, page2, "Helpful (4)").Content; !strings.HasPrefix(got, "Thank you! I've noted that this passage helped.") {
		t.Fatalf("Helpful at B: %q", got)
	}
	if got := click(urlA, page2, "Helpful (4)").Content; !strings.Contains(got, "already told me") {
		t.Errorf("the same vote again at A: %q", got)
	}
	if n := votes(); n != 1 {
		t.Errorf("%d votes in the database, want 1", n)
	}

	// 2. A document indexed by the builder is answered from by both.
	os.WriteFile(filepath.Join(corpusDir, "testshire", "kites.md"),
		[]byte("# Kite club\n\nThe Testshire kite flying club for disabled children meets on Saturdays at the common.\n"), 0o644)
	ri := send(builder, srv.SlashCommand("reindex"))
	if err := srv.WaitFor(ctx, func() bool {
		r := srv.ResponseTo(ri)
		return r != nil && r.Message != nil && strings.HasPrefix(r.Message.Content, "Done:")
	}); err != nil {
		t.Fatalf("/reindex on the builder: %v", err)
	}
	for name, url := range map[string]string{"A": urlA, "B": urlB} {
		testkit.WaitFor(t, "replica "+name+" to answer from the new document", func() bool {
			time.Sleep(200 * time.Millisecond) // a replica looks every 5 s: no need to ask more often
			m := ask(url, "kite flying club")
			return len(m.Embeds) == 1 && strings.Contains(m.Embeds[0].Description, "Saturdays")
		})
	}

	// 3. A document added on A (which hands it to the builder) is
	// answered from at B; removed at B, A no longer quotes it. The
	// builder is killed first: the change waits in the database, and the
	// restarted builder makes it while A is still waiting.
	if err := bp.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-bp.done
	pending := func() int { return count("SELECT count(*) FROM pending_changes WHERE state = 'pending'") }
	fileSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("# Canoe club\n\nThe Testshire canoe club for disabled children paddles on the lake on Sundays.\n"))
	}))
	defer fileSrv.Close()
	add := srv.SlashCommand("add-document", discordtest.SlashOption{Name: "file", Value: "5000000000000000001"},
		discordtest.SlashOption{Name: "area", Value: "testshire"})
	d := add.Data.(discordgo.ApplicationCommandInteractionData)
	d.Options[0].Type = discordgo.ApplicationCommandOptionAttachment
	d.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{
		"5000000000000000001": {ID: "5000000000000000001", Filename: "canoes.md", Size: 90, URL: fileSrv.URL + "/attachments/1/2/canoes.md"}}}
	add.Data = d
	done := func(i *discordgo.Interaction, starts ...string) string {
		t.Helper()
		var got string
		if err := srv.WaitFor(ctx, func() bool {
			r := srv.ResponseTo(i)
			if r == nil || r.Message == nil {
				return false
			}
			got = r.Message.Content
			return slices.ContainsFunc(starts, func(s string) bool { return strings.HasPrefix(got, s) })
		}); err != nil {
			t.Fatalf("%v: last reply %q\nreplica A:\n%s", err, got, a.logs.String())
		}
		return got
	}
	// A waits (library.DefaultHandoverWait, two minutes) for the builder
	// to index it and for its own index to show it.
	send(urlA, add)
	testkit.WaitFor(t, "A to hand the document over", func() bool { return pending() == 1 })
	// The restarted builder is killed again mid-change: a lock held here
	// lets it take the change and make it (save the file, update and
	// publish the index) but holds it at recording that it did.
	hold, err := pgx.Connect(ctx, c.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close(ctx)
	if _, err := hold.Exec(ctx, "BEGIN; LOCK TABLE pending_changes IN SHARE MODE"); err != nil {
		t.Fatal(err)
	}
	bp, _ = start("builder")
	testkit.WaitFor(t, "the builder to wait to record the change", func() bool {
		var waiting int
		hold.QueryRow(ctx, `SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			WHERE c.relname = 'pending_changes' AND NOT l.granted`).Scan(&waiting)
		return waiting == 1
	})
	if err := bp.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-bp.done
	if _, err := hold.Exec(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	savedUploads := func() []string {
		saved, _ := filepath.Glob(filepath.Join(c.builderData, "uploads", "*", "testshire", "*.md"))
		return saved
	}
	if n, saved := pending(), savedUploads(); n != 1 || len(saved) != 1 {
		t.Fatalf("after the builder was killed mid-change: %d changes pending, want 1; files %q, want the one it made", n, saved)
	}
	bp, _ = start("builder")
	added := done(add, "Added", "I checked", "I couldn't")
	if !strings.HasPrefix(added, "Added **Canoe club** (Testshire, markdown): 1 passages. Parents can ask about it now.") {
		t.Fatalf("/add-document on replica A: %q\nA:\n%s\nbuilder:\n%s", added, a.logs.String(), bp.logs.String())
	}
	if n := pending(); n != 0 {
		t.Errorf("%d changes still pending once A said the document was added", n)
	}
	// Made twice, by the killed builder and the restarted one, it was
	// added once.
	if saved := savedUploads(); len(saved) != 1 {
		t.Errorf("the builder's uploads folder holds %q, want one file", saved)
	}
	testkit.WaitFor(t, "replica B to answer from the document added on A", func() bool {
		time.Sleep(200 * time.Millisecond)
		m := ask(urlB, "canoe club on the lake")
		return len(m.Embeds) == 1 && strings.Contains(m.Embeds[0].Description, "Sundays")
	})
	id := added[strings.Index(added, "`")+1:]
	id = id[:strings.Index(id, "`")]
	rm := send(urlB, srv.SlashCommand("remove-document", discordtest.SlashOption{Name: "document", Value: id}))
	if got := done(rm, "Removed", "I saved", "I couldn't"); got != "Removed **Canoe club** (Testshire). I no longer quote it." {
		t.Errorf("/remove-document on replica B: %q", got)
	}
	testkit.WaitFor(t, "replica A to stop quoting the removed document", func() bool {
		time.Sleep(200 * time.Millisecond)
		m := ask(urlA, "canoe club on the lake")
		return len(m.Embeds) == 0 || !strings.Contains(m.Embeds[0].Description, "Sundays")
	})

	// 4. B is killed while questions go to A and B in turn; after the
	// kill they all go to A, which answers each.
	var toA []*discordgo.Interaction
	for k := range 20 {
		q := srv.SlashCommand("ask", discordtest.SlashOption{Name: "question", Value: "short breaks overnight stays"})
		switch {
		case k == 10:
			if err := b.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			<-b.done
			fallthrough
		case k > 10 || k%2 == 0:
			toA = append(toA, send(urlA, q))
		default:
			send(urlB, q)
		}
	}
	for _, i := range toA {
		if m := reply(i); len(m.Embeds) != 1 {
			t.Errorf("A did not answer after B was killed: %q", m.Content)
		}
	}
	if got := click(urlA, page2, "Helpful (4)").Content; !strings.Contains(got, "already told me") {
		t.Errorf("the vote given at B, after B was killed: %q", got)
	}
	if n := votes(); n != 1 {
		t.Errorf("%d votes in the database after B was killed, want 1", n)
	}
}

// buttonID is the custom ID of m's button labelled label.
func buttonID(t *testing.T, m *discordgo.Message, label string) string {
	t.Helper()
	for _, row := range m.Components {
		if r, ok := row.(*discordgo.ActionsRow); ok {
			for _, c := range r.Components {
				if b, ok := c.(*discordgo.Button); ok && b.Label == label {
					return b.CustomID
				}
			}
		}
	}
	t.Fatalf("no %q button in %+v", label, m.Components)
	return ""
}
