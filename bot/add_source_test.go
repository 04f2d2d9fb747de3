package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	crawler "github.com/sendbot/sendbot/corpus/fetch"
	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/internal/filelock"
	"github.com/sendbot/sendbot/internal/testkit"
	"github.com/sendbot/sendbot/library"
)

// localOffer is a council's Local Offer on loopback: a start page that
// links to a page about a hydrotherapy pool and to a page that fails.
type localOffer struct {
	*httptest.Server
	mu   sync.Mutex
	hits int
}

func newLocalOffer(t *testing.T) *localOffer {
	lo := &localOffer{}
	lo.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lo.mu.Lock()
		lo.hits++
		lo.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/local-offer":
			io.WriteString(w, `<html><head><title>Testshire Local Offer</title></head><body><h1>Testshire Local Offer</h1>
<p>Everything for families of children with special educational needs in Testshire.</p>
<a href="/local-offer/hydrotherapy">Hydrotherapy</a> <a href="/local-offer/broken">Broken page</a></body></html>`)
		case "/local-offer/hydrotherapy":
			io.WriteString(w, `<html><head><title>Hydrotherapy pool</title></head><body><h1>Hydrotherapy pool</h1>
<p>The warm water hydrotherapy pool at Testshire Leisure Centre opens on Tuesday mornings for children with physical disabilities.</p></body></html>`)
		case "/local-offer/broken":
			http.Error(w, "the database is down", http.StatusInternalServerError)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(lo.Close)
	return lo
}

func (lo *localOffer) requests() int { lo.mu.Lock(); defer lo.mu.Unlock(); return lo.hits }

// siteBot runs a bot answering from a real library of a small Testshire
// corpus, with /add-source, /remove-source and /reindex, that may fetch
// from loopback.
func siteBot(t *testing.T) (*discordtest.Server, *library.Sites, *auditLog) {
	t.Helper()
	srv, sites, audit, _ := siteBotAllowing(t, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
	return srv, sites, audit
}

// siteBotAllowing is siteBot that may fetch from the addresses allow
// covers, and also returns its library.
func siteBotAllowing(t *testing.T, allow []netip.Prefix) (*discordtest.Server, *library.Sites, *auditLog, *library.Library) {
	t.Helper()
	dir := testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks in Testshire\n\nShort breaks give families a rest.\n",
	})
	lib, err := library.Open(library.Config{Corpus: dir, DataDir: t.TempDir(), NoBuiltinEngland: true, FetchAllow: allow})
	if err != nil {
		t.Fatal(err)
	}
	live, err := lib.OpenLive(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { live.Close() })
	sites := lib.OpenSites(live)
	audit := &auditLog{}
	srv := startBotSearching(t, live, func(c *Config) {
		c.Sites, c.Reindexer, c.Audit = sites, lib.Reindexer(live), audit
	})
	return srv, sites, audit, lib
}

// addSource sends /add-source as a member with perms.
func addSource(srv *discordtest.Server, perms int64, opts ...discordtest.SlashOption) *discordgo.Interaction {
	i := srv.SlashCommand("add-source", opts...)
	i.Member.User.ID = moderatorID
	i.Member.Permissions = perms
	srv.SendInteraction(i)
	return i
}

// press presses the button labelled label on msg as a moderator.
func press(t *testing.T, srv *discordtest.Server, msg *discordgo.Message, label string) *discordgo.Interaction {
	t.Helper()
	for _, row := range msg.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			if b, ok := c.(*discordgo.Button); ok && b.Label == label {
				i := srv.ComponentInteraction(msg, b.CustomID)
				i.Member.User.ID = moderatorID
				i.Member.Permissions = discordgo.PermissionManageGuild
				srv.SendInteraction(i)
				return i
			}
		}
	}
	t.Fatalf("no %s button on %+v", label, msg)
	return nil
}

// waitContent waits until the reply to i says want, and returns it.
func waitContent(t *testing.T, srv *discordtest.Server, i *discordgo.Interaction, want string) *discordtest.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var resp *discordtest.Response
	err := srv.WaitFor(ctx, func() bool {
		resp = srv.ResponseTo(i)
		return resp != nil && resp.Message != nil && strings.Contains(resp.Message.Content, want)
	})
	if err != nil {
		t.Fatalf("waiting for %q: %v; the reply is %+v", want, err, resp)
	}
	return resp
}

// edits are the contents of every edit of an interaction's reply.
func edits(resp *discordtest.Response) []string {
	var out []string
	for _, raw := range resp.Raw {
		var m struct {
			Content string `json:"content"`
			Data    struct {
				Content string `json:"content"`
			} `json:"data"`
		}
		json.Unmarshal(raw, &m)
		out = append(out, m.Content+m.Data.Content)
	}
	return out
}

func TestAddSource(t *testing.T) {
	site := newLocalOffer(t)
	srv, sites, audit := siteBot(t)
	start := site.URL + "/local-offer"
	url := discordtest.SlashOption{Name: "url", Value: start}
	testshire := discordtest.SlashOption{Name: "area", Value: "Testshire"}

	t.Run("not a moderator", func(t *testing.T) {
		m := finalReply(t, srv, addSource(srv, discordgo.PermissionSendMessages, url, testshire))
		if !strings.Contains(m.Content, "only the group's moderators") || len(sites.Added()) != 0 {
			t.Errorf("reply %q, added %+v", m.Content, sites.Added())
		}
	})
	t.Run("refused with the reason", func(t *testing.T) {
		tests := []struct {
			name string
			opts []discordtest.SlashOption
			want string
		}{
			{"not a web address", []discordtest.SlashOption{{Name: "url", Value: "testshire.example/local-offer"}, testshire},
				"I can't add that site: url must be the web address of the site's first page, starting with https:// (or http://)"},
			{"a misspelt area", []discordtest.SlashOption{url, {Name: "area", Value: "Testshrie"}},
				`There is no area "Testshrie" yet; did you mean Testshire?`},
			{"a scope that does not hold it", []discordtest.SlashOption{url, testshire, {Name: "scope", Value: site.URL + "/news"}},
				"scope must be the start address or a folder above it, such as <" + start + ">"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				m := finalReply(t, srv, addSource(srv, discordgo.PermissionManageGuild, tt.opts...))
				if !strings.Contains(m.Content, tt.want) || len(m.Components) != 0 || m.Flags&discordgo.MessageFlagsEphemeral == 0 {
					t.Errorf("reply %q\nwant %q, privately and without buttons", m.Content, tt.want)
				}
			})
		}
	})
	t.Run("Cancel does nothing", func(t *testing.T) {
		proposal := finalReply(t, srv, addSource(srv, discordgo.PermissionManageGuild, url, testshire))
		i := press(t, srv, proposal, "Cancel")
		m := finalReply(t, srv, i)
		if m.Content != "Cancelled: I won't crawl <"+start+">." || len(m.Components) != 0 {
			t.Errorf("after Cancel: %q %+v", m.Content, m.Components)
		}
		if len(sites.Added()) != 0 || site.requests() != 0 {
			t.Errorf("cancelled, yet added %+v and asked the site %d times", sites.Added(), site.requests())
		}
		// The proposal is gone: Confirm on the same message adds nothing.
		m = finalReply(t, srv, press(t, srv, proposal, "Confirm"))
		if !strings.Contains(m.Content, "confirmed or cancelled already") || len(sites.Added()) != 0 {
			t.Errorf("Confirm after Cancel: %q, added %+v", m.Content, sites.Added())
		}
	})
	t.Run("confirmed, crawled, and answered from", func(t *testing.T) {
		proposal := finalReply(t, srv, addSource(srv, discordgo.PermissionManageGuild, url, testshire,
			discordtest.SlashOption{Name: "max_pages", Value: 20}, discordtest.SlashOption{Name: "kind", Value: "local-offer"}))
		for _, want := range []string{"• Start at: <" + start + ">", "• Stay within: <" + start + ">", "• Read at most 20 pages", "• Area: Testshire", "• Kind: local-offer"} {
			if !strings.Contains(proposal.Content, want) {
				t.Errorf("the proposal lacks %q:\n%s", want, proposal.Content)
			}
		}
		if proposal.Flags&discordgo.MessageFlagsEphemeral == 0 || site.requests() != 0 {
			t.Errorf("proposal not private (%v), or the site was asked before Confirm (%d)", proposal.Flags, site.requests())
		}
		i := press(t, srv, proposal, "Confirm")
		resp := waitContent(t, srv, i, "It is known as")
		got := resp.Message.Content
		for _, want := range []string{
			"Crawled 2 pages of <" + start + "> for Testshire; parents can ask about it now.",
			"1 page failed (I'll try them again at the next reindex):\n• <" + site.URL + "/local-offer/broken>: ",
			"`/remove-source` takes it out again.",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("the result lacks %q:\n%s", want, got)
			}
		}
		if len(resp.Message.Components) != 0 {
			t.Errorf("the buttons stayed: %+v", resp.Message.Components)
		}
		var progress bool
		for _, e := range edits(resp) {
			progress = progress || (strings.Contains(e, "Reindexing: fetching remote sources…") && strings.Contains(e, "pages found") && strings.Contains(e, "failed"))
		}
		if !progress {
			t.Errorf("no progress of the crawl was shown: %q", edits(resp))
		}
		if added := sites.Added(); len(added) != 1 || added[0].AddedBy != moderatorID || added[0].MaxPages != 20 {
			t.Errorf("added %+v", added)
		}

		a := ask(t, srv, question("When is the hydrotherapy pool open?"))
		if len(a.Message.Embeds) == 0 || !strings.Contains(a.Message.Embeds[0].Description, "Tuesday mornings") ||
			!strings.Contains(a.Message.Embeds[0].Description, "("+site.URL+"/local-offer/hydrotherapy)") {
			t.Errorf("parents are not answered from the crawled page: %+v", a.Message)
		}
	})
	t.Run("a site added already", func(t *testing.T) {
		m := finalReply(t, srv, addSource(srv, discordgo.PermissionManageGuild, discordtest.SlashOption{Name: "url", Value: start + "/"}, testshire))
		if !strings.Contains(m.Content, "<"+start+"> (or the part of the site it covers) is already crawled: a moderator added it on") || len(m.Components) != 0 {
			t.Errorf("reply %q", m.Content)
		}
	})
	t.Run("/sources lists the site with its pages and last refresh", func(t *testing.T) {
		i := srv.SlashCommand("sources")
		srv.SendInteraction(i)
		m := finalReply(t, srv, i)
		if len(m.Embeds) != 1 {
			t.Fatalf("reply %+v", m)
		}
		desc := m.Embeds[0].Description
		line := regexp.MustCompile(`(?m)^• \[Testshire Local Offer\]\(` + regexp.QuoteMeta(start) + `\) · Testshire: 2 pages, refreshed \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d UTC, 1 failed$`)
		if !strings.HasPrefix(desc, "**Websites I read**\n") || !line.MatchString(desc) {
			t.Errorf("/sources does not list the site first:\n%s", desc)
		}
		if strings.Index(desc, "Short breaks in Testshire") < strings.Index(desc, "Websites I read") {
			t.Errorf("the documents come before the sites:\n%s", desc)
		}
		// The site's pages are counted on its line, not listed one by one.
		if strings.Contains(desc, "Hydrotherapy pool") {
			t.Errorf("a crawled page is listed among the documents:\n%s", desc)
		}
	})
	t.Run("/remove-source takes it out", func(t *testing.T) {
		ac := srv.Autocomplete("remove-source", discordtest.SlashOption{Name: "site", Value: "127", Focused: true})
		ac.Member.Permissions = discordgo.PermissionManageGuild
		srv.SendInteraction(ac)
		r, err := srv.WaitResponse(context.Background(), ac)
		id := sites.Added()[0].ID
		if err != nil || len(r.Choices) != 1 || r.Choices[0].Value != id || !strings.HasPrefix(r.Choices[0].Name, start+" (Testshire, added ") {
			t.Fatalf("autocomplete: %v %+v", err, r)
		}
		notMod := srv.SlashCommand("remove-source", discordtest.SlashOption{Name: "site", Value: id})
		notMod.Member.Permissions = discordgo.PermissionSendMessages
		srv.SendInteraction(notMod)
		if m := finalReply(t, srv, notMod); !strings.Contains(m.Content, "only the group's moderators") || len(sites.Added()) != 1 {
			t.Errorf("a member who is not a moderator: %q, added %d", m.Content, len(sites.Added()))
		}

		i := srv.SlashCommand("remove-source", discordtest.SlashOption{Name: "site", Value: id})
		i.Member.User.ID = moderatorID
		i.Member.Permissions = discordgo.PermissionManageGuild
		srv.SendInteraction(i)
		resp := waitContent(t, srv, i, "no longer quote")
		if want := "Removed <" + start + "> (Testshire): I no longer crawl it. Its pages are out of the index: I no longer quote them."; resp.Message.Content != want {
			t.Errorf("reply %q\nwant %q", resp.Message.Content, want)
		}
		if len(sites.Added()) != 0 {
			t.Errorf("still added: %+v", sites.Added())
		}
		a := askOrError(t, srv, question("When is the hydrotherapy pool open?"))
		for _, e := range a.Embeds {
			if strings.Contains(e.Description, "Tuesday mornings") {
				t.Errorf("still answered from the removed site: %s", e.Description)
			}
		}
		s := srv.SlashCommand("sources")
		srv.SendInteraction(s)
		if m := finalReply(t, srv, s); len(m.Embeds) != 1 || strings.Contains(m.Embeds[0].Description, "Websites I read") {
			t.Errorf("/sources after removal: %+v", m.Embeds)
		}

		again := srv.SlashCommand("remove-source", discordtest.SlashOption{Name: "site", Value: id})
		again.Member.Permissions = discordgo.PermissionManageGuild
		srv.SendInteraction(again)
		if m := finalReply(t, srv, again); !strings.Contains(m.Content, "No sites have been added from Discord, so there is nothing to remove.") {
			t.Errorf("removed twice: %q", m.Content)
		}
	})

	results := map[string]int{}
	for _, e := range audit.all() {
		if e.Action == "add-source" {
			results[strings.SplitN(e.Result, ":", 2)[0]]++
		}
	}
	for _, e := range audit.all() {
		if e.Action == "remove-source" {
			results["remove "+strings.SplitN(e.Result, ":", 2)[0]]++
		}
	}
	if results["remove refused"] != 2 || results["remove removed"] != 1 ||
		results["refused"] != 6 || results["cancelled"] != 1 || results["added; crawling"] != 1 || results["crawled"] != 1 {
		t.Errorf("audit results %v", results)
	}
}

// TestAddSourceRefusesASiteThatIsNotPublic: a site on this computer,
// which SENDBOT_FETCH_ALLOW does not allow, could never be crawled, so
// /add-source says why and how to allow it, and saves nothing: no Confirm
// button, no proposal, no entry, no request to the site; the documents
// answer as before.
func TestAddSourceRefusesASiteThatIsNotPublic(t *testing.T) {
	site := newLocalOffer(t)
	srv, sites, audit, lib := siteBotAllowing(t, nil)
	start := site.URL + "/local-offer"
	m := finalReply(t, srv, addSource(srv, discordgo.PermissionManageGuild,
		discordtest.SlashOption{Name: "url", Value: start}, discordtest.SlashOption{Name: "area", Value: "Testshire"}))
	for _, want := range []string{
		"I can't add that site: <" + start + "> leads to 127.0.0.1, a loopback address, not to a public website, so I could never crawl it, and I haven't saved it",
		"whoever runs the bot can allow its address with the setting `SENDBOT_FETCH_ALLOW=127.0.0.1/32` and restart the bot; then use `/add-source` again.",
	} {
		if !strings.Contains(m.Content, want) {
			t.Errorf("reply lacks %q:\n%s", want, m.Content)
		}
	}
	if len(m.Components) != 0 || m.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("want a private reply without buttons: %+v", m)
	}
	if len(sites.Added()) != 0 || site.requests() != 0 {
		t.Errorf("added %+v, and asked the site %d times", sites.Added(), site.requests())
	}
	for _, name := range []string{"sources.yaml", ".proposals.json"} {
		if data, err := os.ReadFile(filepath.Join(lib.SitesDir(), name)); err == nil && strings.Contains(string(data), site.URL) {
			t.Errorf("%s keeps the site:\n%s", name, data)
		}
	}
	if e := audit.all(); len(e) != 1 || e[0].Action != "add-source" || !strings.HasPrefix(e[0].Result, "refused: ") {
		t.Errorf("audit %+v", e)
	}
	a := ask(t, srv, question("What are short breaks?"))
	if len(a.Message.Embeds) == 0 || !strings.Contains(a.Message.Embeds[0].Description, "give families a rest") {
		t.Errorf("the documents no longer answer: %+v", a.Message)
	}
}

// TestAddSourceWhileAnotherFetchRuns: Confirm saves the site, and says it
// will be crawled at the next reindex, when another fetch (sendbot fetch
// on the computer) holds the fetch cache.
func TestAddSourceWhileAnotherFetchRuns(t *testing.T) {
	site := newLocalOffer(t)
	srv, sites, audit, lib := siteBotAllowing(t, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
	os.MkdirAll(filepath.Dir(lib.FetchDir()), 0o755)
	unlock, err := filelock.TryLock(lib.FetchDir() + ".lock") // as sendbot fetch takes it
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	start := site.URL + "/local-offer"
	proposal := finalReply(t, srv, addSource(srv, discordgo.PermissionManageGuild,
		discordtest.SlashOption{Name: "url", Value: start}, discordtest.SlashOption{Name: "area", Value: "Testshire"}))
	i := press(t, srv, proposal, "Confirm")
	want := fmt.Sprintf("Added <%s> for Testshire, but I couldn't crawl it yet: another fetch of the remote sources is running (process %d, perhaps `sendbot fetch` on the bot's computer). It will be crawled at the next reindex: run `/reindex` when that fetch has finished.", start, os.Getpid())
	if got := waitContent(t, srv, i, "couldn't crawl it yet").Message.Content; got != want {
		t.Errorf("Confirm while another fetch runs:\n%s\nwant\n%s", got, want)
	}
	if added := sites.Added(); len(added) != 1 || added[0].Start != start || site.requests() != 0 {
		t.Errorf("added %+v, and the site was asked %d times", added, site.requests())
	}
	if e := audit.all(); len(e) == 0 || !strings.HasPrefix(e[len(e)-1].Result, "saved; not crawled: another fetch") {
		t.Errorf("audit %+v", e)
	}
}

// TestCrawledMessage: how the first crawl of an added site went, as the
// moderator is told it, including a site the address guard refused.
func TestCrawledMessage(t *testing.T) {
	site := library.Site{ID: "0a1b2c3d4e5f", Start: "https://testshire.example/local-offer", Area: "Testshire"}
	tests := []struct {
		name string
		res  crawler.SiteResult
		want []string
	}{
		{"refused for its address", crawler.SiteResult{Reason: `refused: "intranet.example" is a private network address (10.0.0.7); set SENDBOT_FETCH_ALLOW to allow it`, Refused: true},
			[]string{"I saved <https://testshire.example/local-offer>, but couldn't crawl it: its address is not on the public internet", "SENDBOT_FETCH_ALLOW", "`0a1b2c3d4e5f`; `/remove-source`"}},
		{"unreachable", crawler.SiteResult{Reason: "the server answered 503 Service Unavailable"},
			[]string{"couldn't crawl it: the server answered 503 Service Unavailable. I'll try again at every reindex."}},
		{"nothing readable", crawler.SiteResult{Found: 3, Failed: 0},
			[]string{"found no pages I can read there (3 found, 0 failed)"}},
		{"capped, with failures", crawler.SiteResult{Found: 900, Stored: 500, Capped: true, MaxPages: 500, Failed: 7,
			Failures: []crawler.Result{{URL: "https://testshire.example/local-offer/a", Reason: "timed out"}, {URL: "https://testshire.example/local-offer/b", Reason: "503"},
				{URL: "https://testshire.example/local-offer/c", Reason: "503"}, {URL: "https://testshire.example/local-offer/d", Reason: "503"},
				{URL: "https://testshire.example/local-offer/e", Reason: "503"}, {URL: "https://testshire.example/local-offer/f", Reason: "503"}}},
			[]string{"Crawled 500 pages of <https://testshire.example/local-offer> for Testshire; parents can ask about it now. It stopped at 500 pages with more left.",
				"7 pages failed", "• <https://testshire.example/local-offer/a>: timed out", "…and 1 more"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := crawledMessage(site, tt.res)
			for _, want := range tt.want {
				if !strings.Contains(got, want) {
					t.Errorf("lacks %q:\n%s", want, got)
				}
			}
		})
	}
}
