package library

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/testkit"
)

// TestProposedSitesAreCheckedAsSourcesYAMLEntries: what /add-source
// proposes is refused for the reasons a sources.yaml site entry would be,
// and for a misspelt area or a site listed already.
func TestProposedSitesAreCheckedAsSourcesYAMLEntries(t *testing.T) {
	corpusDir := testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest.\n",
		"sources.yaml":        "documents:\n  - site: https://council.example/local-offer\n    area: Testshire\n",
	})
	lib := open(t, Config{Corpus: corpusDir, DataDir: t.TempDir(), NoBuiltinEngland: true})
	sites := lib.OpenSites(nil)
	tests := []struct {
		name string
		req  SiteRequest
		why  Why
	}{
		{"not a web address", SiteRequest{URL: "council.example/send", Area: "Testshire"}, BadSiteURL},
		{"a password in it", SiteRequest{URL: "https://me:secret@council.example/send", Area: "Testshire"}, BadSiteURL},
		{"a scope that does not hold it", SiteRequest{URL: "https://other.example/send/start.html", Scope: "https://other.example/news", Area: "Testshire"}, BadScope},
		{"max_pages not a number", SiteRequest{URL: "https://other.example/send", MaxPages: "all", Area: "Testshire"}, BadMaxPages},
		{"a bad kind", SiteRequest{URL: "https://other.example/send", Kind: "local offer!", Area: "Testshire"}, BadKind},
		{"a misspelt area", SiteRequest{URL: "https://other.example/send", Area: "Testshrie"}, AreaTypo},
		{"no area", SiteRequest{URL: "https://other.example/send"}, NoArea},
		{"listed in the corpus", SiteRequest{URL: "https://COUNCIL.example/local-offer", Area: "Testshire"}, SiteListed},
		{"the corpus's scope", SiteRequest{URL: "https://council.example/local-offer/start.html", Area: "Testshire"}, SiteListed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sites.Propose(tt.req)
			var r *Refusal
			if !errors.As(err, &r) || r.Why != tt.why {
				t.Fatalf("got %v, want refusal %d", err, tt.why)
			}
			if tt.why == BadScope && r.Site.Scope != "https://other.example/send" {
				t.Errorf("suggested scope %q", r.Site.Scope)
			}
			if tt.why == SiteListed && (r.Site.Start != "https://council.example/local-offer" || r.Site.AddedBy != "") {
				t.Errorf("listed by %+v, want the corpus's entry", r.Site)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(lib.SitesDir(), "sources.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused site was saved: %v", err)
	}

	// Confirmed once; a second proposal of it is refused, naming who added it.
	p, err := sites.Propose(SiteRequest{URL: "https://other.example/send", Area: "testshire", MaxPages: "30", Kind: "Local-Offer"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Site.Area != "Testshire" || p.Site.Scope != "https://other.example/send" || p.Site.MaxPages != 30 || p.Site.Kind != "local-offer" {
		t.Errorf("proposed %+v", p.Site)
	}
	if _, err := sites.Confirm(p.ID, "4000000000000000099"); err != nil {
		t.Fatal(err)
	}
	var r *Refusal
	if _, err := sites.Confirm(p.ID, "4000000000000000099"); !errors.As(err, &r) || r.Why != ProposalGone {
		t.Errorf("confirmed twice: %v", err)
	}
	if _, err := sites.Propose(SiteRequest{URL: "https://other.example/send/", Area: "Testshire"}); !errors.As(err, &r) || r.Why != SiteListed || r.Site.AddedBy != "4000000000000000099" {
		t.Errorf("proposed again: %v", err)
	}
	// A cancelled proposal cannot be confirmed.
	p, err = sites.Propose(SiteRequest{URL: "https://third.example/", Area: "Testshire"})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := sites.Cancel(p.ID); err != nil || s.Start != "https://third.example/" {
		t.Errorf("cancel: %+v %v", s, err)
	}
	if _, err := sites.Confirm(p.ID, "1"); !errors.As(err, &r) || r.Why != ProposalGone {
		t.Errorf("confirmed after cancel: %v", err)
	}
	if added := sites.Added(); len(added) != 1 || added[0].Start != "https://other.example/send" {
		t.Errorf("added %+v", added)
	}
}

// TestAddedSiteIsCrawledAndRemoved: a confirmed site changes the corpus's
// fingerprint, the next reindex crawls it (Status says how that went),
// and once removed the next reindex takes its pages out.
func TestAddedSiteIsCrawledAndRemoved(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/local-offer":
			io.WriteString(w, `<html><head><title>Local Offer</title></head><body><h1>Local Offer</h1><p>Everything for families in Testshire.</p><a href="/local-offer/hydrotherapy">Hydrotherapy</a></body></html>`)
		case "/local-offer/hydrotherapy":
			io.WriteString(w, `<html><head><title>Hydrotherapy pool</title></head><body><h1>Hydrotherapy pool</h1><p>The warm water hydrotherapy pool opens on Tuesday mornings for children with physical disabilities.</p></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	corpusDir := testkit.WriteCorpus(t, map[string]string{
		"testshire/breaks.md": "# Short breaks\n\nShort breaks give families a rest.\n",
	})
	lib := open(t, Config{Corpus: corpusDir, DataDir: t.TempDir(), NoBuiltinEngland: true,
		FetchAllow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	sites := lib.OpenSites(nil)
	before, err := lib.Source()
	if err != nil {
		t.Fatal(err)
	}
	p, err := sites.Propose(SiteRequest{URL: site.URL + "/local-offer", Area: "Testshire"})
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := lib.Source(); after.Fingerprint != before.Fingerprint {
		t.Error("a proposal changed the fingerprint")
	}
	if _, err := sites.Confirm(p.ID, "42"); err != nil {
		t.Fatal(err)
	}
	if after, _ := lib.Source(); after.Fingerprint == before.Fingerprint {
		t.Error("the fingerprint did not change when a site was added")
	}
	st, err := sites.Status()
	if err != nil || len(st) != 1 || !st[0].Crawled.IsZero() || st[0].AddedBy != "42" {
		t.Errorf("status before a crawl: %+v %v", st, err)
	}

	rx := lib.Reindexer(&fakeLive{})
	rep, err := rx.Reindex(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fetched == nil || len(rep.Fetched.Sites) != 1 || rep.Fetched.Sites[0].Stored != 2 {
		t.Fatalf("fetched %+v", rep.Fetched)
	}
	st, err = sites.Status()
	if err != nil || len(st) != 1 || st[0].Pages != 2 || st[0].Failed != 0 || st[0].Crawled.IsZero() || time.Since(st[0].Crawled) > time.Hour {
		t.Errorf("status after a crawl: %+v %v", st, err)
	}
	if !searchFinds(t, lib, "hydrotherapy pool Tuesday mornings") {
		t.Error("the crawled page is not in the index")
	}

	if _, err := sites.Remove(st[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := rx.Reindex(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if searchFinds(t, lib, "hydrotherapy pool Tuesday mornings") {
		t.Error("the removed site's page is still in the index")
	}
	if st, _ := sites.Status(); len(st) != 0 {
		t.Errorf("status after removal: %+v", st)
	}
	var r *Refusal
	if _, err := sites.Remove(p.Site.ID); !errors.As(err, &r) || r.Why != NothingAdded {
		t.Errorf("removed twice: %v", err)
	}
}

// searchFinds reports whether the library's index has a passage for text.
func searchFinds(t *testing.T, lib *Library, text string) bool {
	t.Helper()
	ix, err := index.Open(lib.IndexDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(context.Background(), index.Query{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return res.Answered && strings.Contains(res.Hits[0].Text, "Tuesday mornings")
}
