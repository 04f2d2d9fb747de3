package bot

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"

	crawler "github.com/sendbot/sendbot/corpus/fetch"
	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/library"
)

// remoteSites is a SiteStore that hands sites to a builder, as
// library.RemoteSites does: Confirm and Remove return the site with the
// change to Await, which ends as err says.
type remoteSites struct {
	mu      sync.Mutex
	site    library.Site
	awaited []int64
	err     error
}

func (r *remoteSites) Propose(req library.SiteRequest) (library.Proposal, error) {
	return library.Proposal{ID: "17", Site: r.site}, nil
}

func (r *remoteSites) Confirm(id, by string) (library.Site, error) {
	s := r.site
	s.Change = 17
	return s, nil
}

func (r *remoteSites) Cancel(id string) (library.Site, error) { return r.site, nil }

func (r *remoteSites) Remove(id string) (library.Site, error) {
	s := r.site
	s.Change = 18
	return s, nil
}

func (r *remoteSites) Added() []library.Site                 { return []library.Site{r.site} }
func (r *remoteSites) Status() ([]library.SiteStatus, error) { return nil, nil }
func (r *remoteSites) Await(ctx context.Context, site library.Site, progress func(library.Progress)) (library.Report, error) {
	r.mu.Lock()
	r.awaited = append(r.awaited, site.Change)
	err := r.err
	r.mu.Unlock()
	progress(library.Progress{Stage: library.Fetching, Fetch: crawler.Progress{Sources: 1, Found: 3, Fetched: 2}})
	rep := library.Report{Documents: 4, Passages: 9, Fetched: &crawler.Report{Sites: []crawler.SiteResult{{Site: site.Start, Found: 3, Fetched: 2, Stored: 2}}}}
	if err != nil && err != library.ErrNotFollowed {
		return library.Report{}, err
	}
	return rep, err
}

// TestSitesOnAReplicaAreHandedToTheBuilder: a replica given Sites that
// hand them to the builder (library.RemoteSites, with DATABASE_URL)
// takes /add-source's Confirm and /remove-source, waits for the builder
// instead of reindexing itself, and says honestly how far the builder
// got, in the words the builder's own commands use.
func TestSitesOnAReplicaAreHandedToTheBuilder(t *testing.T) {
	sites := &remoteSites{site: library.Site{ID: "0a1b2c3d4e5f", Start: "https://testshire.example/local-offer",
		Scope: "https://testshire.example/local-offer", MaxPages: 500, Area: "Testshire"}}
	rx := &fakeReindexer{release: make(chan struct{})}
	close(rx.release)
	audit := &auditLog{}
	srv, _ := startBotWith(t, func(c *Config) { c.Sites, c.Reindexer, c.Audit, c.Replica = sites, rx, audit, true })
	tests := []struct {
		name                string
		err                 error
		wantAdd, wantRemove string
	}{
		{"made and switched to here", nil,
			"Crawled 2 pages of <https://testshire.example/local-offer> for Testshire; parents can ask about it now.",
			"Removed <https://testshire.example/local-offer> (Testshire): I no longer crawl it. Its pages are out of the index: I no longer quote them."},
		{"made, this copy not switched yet", library.ErrNotFollowed,
			"The builder copy has done it; the copy that answered you hasn't switched to the new index yet",
			"Its pages are out of the builder copy's index.\nThe builder copy has done it; the copy that answered you hasn't switched"},
		{"not started within the wait", library.ErrHandedOver,
			"I've handed adding and crawling <https://testshire.example/local-offer> to the builder copy, which changes the documents for every copy, but it hasn't started yet",
			"I've handed removing <https://testshire.example/local-offer> to the builder copy, which changes the documents for every copy, but it hasn't started yet"},
		{"refused by the builder", &library.Refusal{Why: library.SiteListed, Site: library.Site{Start: "https://testshire.example/local-offer"}},
			"I can't add that site: <https://testshire.example/local-offer> (or the part of the site it covers) is already crawled", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sites.mu.Lock()
			sites.err = tt.err
			sites.mu.Unlock()
			proposed := finalReply(t, srv, addSource(srv, discordgo.PermissionManageGuild,
				discordtest.SlashOption{Name: "url", Value: sites.site.Start}, discordtest.SlashOption{Name: "area", Value: "Testshire"}))
			ok := press(t, srv, proposed, "Confirm")
			resp := waitContent(t, srv, ok, tt.wantAdd)
			if e := edits(resp); !strings.HasPrefix(e[0], "Handed <https://testshire.example/local-offer> for Testshire to the builder copy") {
				t.Errorf("the Confirm's first update %q", e[0])
			}
			if tt.wantRemove == "" {
				return
			}
			rm := srv.SlashCommand("remove-source", discordtest.SlashOption{Name: "site", Value: sites.site.ID})
			rm.Member.User.ID, rm.Member.Permissions = moderatorID, discordgo.PermissionManageGuild
			srv.SendInteraction(rm)
			waitContent(t, srv, rm, tt.wantRemove)
		})
	}
	if rx.calls != 0 {
		t.Errorf("the replica reindexed itself %d times", rx.calls)
	}
	if got := sites.awaited; len(got) != 2*len(tests)-1 || got[0] != 17 || got[1] != 18 {
		t.Errorf("awaited changes %v, want the Confirm's (17) and the removal's (18) each time", got)
	}
}
