//go:build linux

package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/internal/testkit"
)

// TestReplicasTakeTheModeratorsCommands runs a builder and two replicas
// sharing an index folder and a PostgreSQL database, as
// TestReplicasServeOneBot does, and sends the moderators' commands that
// rebuild the index only to the replicas: a /reindex sent to a replica
// is made by the builder and both replicas switch to its index; a site
// proposed with /add-source on one replica and confirmed on the other
// is crawled by the builder (a site on loopback, which
// SENDBOT_FETCH_ALLOW lets it fetch), listed by /sources on a replica,
// and its page answered by the replica that did not confirm it;
// /remove-source on a replica takes its pages out of both; and a /reindex
// sent while the builder is down waits in the database and is made once
// by the restarted builder, while the replica still waits.
func TestReplicasTakeTheModeratorsCommands(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/local-offer":
			io.WriteString(w, `<html><head><title>Testshire Local Offer</title></head><body><h1>Testshire Local Offer</h1>
<p>Everything for families of children with special educational needs in Testshire.</p>
<a href="/local-offer/hydrotherapy">Hydrotherapy</a></body></html>`)
		case "/local-offer/hydrotherapy":
			io.WriteString(w, `<html><head><title>Hydrotherapy pool</title></head><body><h1>Hydrotherapy pool</h1>
<p>The warm water hydrotherapy pool at Testshire Leisure Centre opens on Tuesday mornings for children with physical disabilities.</p></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	c := newCluster(t, map[string]string{
		"testshire/breaks.md": "# Short breaks in Testshire\n\nShort breaks give disabled children and their families a rest: day care, overnight stays and clubs.\n",
	}, "SENDBOT_FETCH_ALLOW=127.0.0.0/8")
	srv, ctx, corpusDir, start, send := c.srv, c.ctx, c.corpusDir, c.start, c.send
	bp, _ := start("builder")
	a, urlA := start("replica")
	b, urlB := start("replica")
	logs := func() string {
		return fmt.Sprintf("builder:\n%s\nreplica A:\n%s\nreplica B:\n%s", bp.logs.String(), a.logs.String(), b.logs.String())
	}
	// until waits for the reply to i to contain one of want, and returns it.
	until := func(i *discordgo.Interaction, want ...string) *discordgo.Message {
		t.Helper()
		var got *discordgo.Message
		err := srv.WaitFor(ctx, func() bool {
			if r := srv.ResponseTo(i); r != nil && r.Message != nil {
				got = r.Message
				for _, w := range want {
					if strings.Contains(got.Content, w) {
						return true
					}
				}
			}
			return false
		})
		if err != nil {
			t.Fatalf("waiting for %q: %v; last reply %+v\n%s", want, err, got, logs())
		}
		return got
	}
	answers := func(url, q, want string) bool {
		t.Helper()
		time.Sleep(200 * time.Millisecond) // a replica looks every 5 s: no need to ask more often
		i := send(url, srv.SlashCommand("ask", discordtest.SlashOption{Name: "question", Value: q}))
		r, err := srv.WaitResponse(ctx, i)
		if err != nil || r.Message == nil {
			t.Fatalf("no answer: %v\n%s", err, logs())
		}
		return len(r.Message.Embeds) == 1 && strings.Contains(r.Message.Embeds[0].Description, want)
	}

	// 1. /reindex at A: the builder reindexes, and both replicas answer
	// from the document it found.
	os.WriteFile(filepath.Join(corpusDir, "testshire", "kites.md"),
		[]byte("# Kite club\n\nThe Testshire kite flying club for disabled children meets on Saturdays at the common.\n"), 0o644)
	ri := send(urlA, srv.SlashCommand("reindex"))
	if got := until(ri, "Done:", "only reads", "failed", "I didn't", "handed", "still working").Content; !strings.HasPrefix(got, "Done: I'm now answering from 2 documents") &&
		!strings.HasPrefix(got, "Done: the builder copy is now answering from 2 documents") {
		t.Fatalf("/reindex on replica A: %q\n%s", got, logs())
	}
	for name, url := range map[string]string{"A": urlA, "B": urlB} {
		testkit.WaitFor(t, "replica "+name+" to answer from the document the builder reindexed", func() bool {
			return answers(url, "kite flying club", "Saturdays")
		})
	}
	if !strings.Contains(bp.logs.String(), "reindexing, as a replica asked") {
		t.Errorf("the builder did not log the reindex it was handed:\n%s", bp.logs.String())
	}

	// 2. /add-source at A, confirmed at B: the builder crawls the site,
	// and A answers from its page.
	startURL := site.URL + "/local-offer"
	add := send(urlA, srv.SlashCommand("add-source", discordtest.SlashOption{Name: "url", Value: startURL},
		discordtest.SlashOption{Name: "area", Value: "Testshire"}))
	proposal := until(add, "I'll crawl this site", "I can't", "only reads")
	if !strings.Contains(proposal.Content, "I'll crawl this site") {
		t.Fatalf("/add-source on replica A: %q", proposal.Content)
	}
	ok := send(urlB, srv.ComponentInteraction(proposal, buttonID(t, proposal, "Confirm")))
	if got := until(ok, "parents can ask", "couldn't", "can't", "failed", "handed", "still working").Content; !strings.HasPrefix(got, "Crawled 2 pages of <"+startURL+"> for Testshire") {
		t.Fatalf("Confirm on replica B: %q\n%s", got, logs())
	}
	testkit.WaitFor(t, "replica A to answer from the site the builder crawled", func() bool {
		return answers(urlA, "hydrotherapy pool", "Tuesday mornings")
	})
	// /sources on a replica lists it, as the builder keeps it.
	src := send(urlB, srv.SlashCommand("sources"))
	r, err := srv.WaitResponse(ctx, src)
	if err != nil || r.Message == nil || len(r.Message.Embeds) == 0 {
		t.Fatalf("/sources on replica B: %v", err)
	}
	if got := r.Message.Embeds[0].Description; !strings.Contains(got, "**Websites I read**\n• [Testshire Local Offer]("+startURL+") · Testshire: 2 pages, refreshed") {
		t.Errorf("/sources on replica B does not list the site the builder crawled:\n%s", got)
	}

	// 3. /remove-source at B: the builder takes the site's pages out of
	// both replicas.
	confirmed := until(ok, "known as `").Content
	id := confirmed[strings.Index(confirmed, "known as `")+len("known as `"):]
	id = id[:strings.Index(id, "`")]
	rm := send(urlB, srv.SlashCommand("remove-source", discordtest.SlashOption{Name: "site", Value: id}))
	if got := until(rm, "Its pages are out", "only reads", "couldn't", "failed", "handed", "still working").Content; !strings.HasPrefix(got, "Removed <"+startURL+"> (Testshire): I no longer crawl it. Its pages are out") {
		t.Fatalf("/remove-source on replica B: %q\n%s", got, logs())
	}
	for name, url := range map[string]string{"A": urlA, "B": urlB} {
		testkit.WaitFor(t, "replica "+name+" to stop quoting the removed site", func() bool {
			return !answers(url, "hydrotherapy pool", "Tuesday mornings")
		})
	}

	// 4. /reindex at B while the builder is killed: it waits in the
	// database, and the restarted builder makes it, once.
	if err := bp.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-bp.done
	changes := func(action, state string) int {
		return c.count("SELECT count(*) FROM pending_changes WHERE action = $1 AND state = $2", action, state)
	}
	os.WriteFile(filepath.Join(corpusDir, "testshire", "canoes.md"),
		[]byte("# Canoe club\n\nThe Testshire canoe club for disabled children paddles on the lake on Sundays.\n"), 0o644)
	ri = send(urlB, srv.SlashCommand("reindex"))
	testkit.WaitFor(t, "B to hand the reindex over", func() bool { return changes("reindex", "pending") == 1 })
	bp, _ = start("builder")
	if got := until(ri, "Done:", "only reads", "failed", "I didn't", "handed", "still working").Content; !strings.Contains(got, "now answering from 3 documents") {
		t.Fatalf("/reindex on replica B while the builder was down: %q\n%s", got, logs())
	}
	if n := changes("reindex", "done"); n != 2 {
		t.Errorf("%d reindexes made, want the two replicas asked for", n)
	}
	testkit.WaitFor(t, "replica A to answer from the document of the reindex made after the restart", func() bool {
		return answers(urlA, "canoe club on the lake", "Sundays")
	})
}
