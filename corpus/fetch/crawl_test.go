package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	"github.com/sendbot/sendbot/corpus"
)

// localOffer is a small council Local Offer served on loopback: a
// sitemap index with a gzipped sitemap, pages linked several levels
// deep, off-scope, external and robots-forbidden links, redirects, a
// linked PDF, and pages that repeat others. round 2 is the same site a
// while later: a page changed, one broke and one went.
type localOffer struct {
	*httptest.Server
	external *httptest.Server
	round    atomic.Int32
	pdf      []byte
	mu       sync.Mutex
	hits     map[string][]int32 // path → the rounds it was asked for in
}

func newLocalOffer(t *testing.T) *localOffer {
	pdf, err := os.ReadFile("../testdata/pdf/testshire-guide.pdf")
	if err != nil {
		t.Fatal(err)
	}
	lo := &localOffer{pdf: pdf, hits: map[string][]int32{}}
	lo.round.Store(1)
	lo.Server = httptest.NewServer(http.HandlerFunc(lo.serve))
	lo.external = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lo.mu.Lock()
		lo.hits["external "+r.URL.Path] = append(lo.hits["external "+r.URL.Path], lo.round.Load())
		lo.mu.Unlock()
		http.NotFound(w, r)
	}))
	t.Cleanup(lo.Close)
	t.Cleanup(lo.external.Close)
	return lo
}

// asked is the rounds in which path was asked for.
func (lo *localOffer) asked(path string) []int32 {
	lo.mu.Lock()
	defer lo.mu.Unlock()
	return append([]int32(nil), lo.hits[path]...)
}

// page is a Local Offer page: a heading, a paragraph about it, and links.
func page(title, text string, links ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html><html><head><title>%s | Testshire Local Offer</title></head><body>", title)
	b.WriteString(`<nav><a href="/local-offer">Home</a> <a href="/contact-us">Contact the council</a></nav>`)
	// The site's own template, in plain elements that only its repeating
	// on every page gives away.
	b.WriteString(`<div class="x1"><p>` + siteBanner + `</p></div><div class="content">`)
	fmt.Fprintf(&b, "<h1>%s</h1><p>%s</p><ul>", title, text)
	for _, l := range links {
		href, label, _ := strings.Cut(l, " ")
		fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, href, label)
	}
	b.WriteString(`</ul></div><div class="x2"><p>` + siteFeedback + `</p></div>`)
	b.WriteString("<footer>Testshire Council</footer></body></html>")
	return b.String()
}

// siteBanner and siteFeedback are on every page of the test Local Offer,
// in elements no name marks as a banner or a footer.
const (
	siteBanner   = "The Testshire Local Offer brings together information for families of children and young people with special educational needs."
	siteFeedback = "Tell us what you think of these pages, so that we can make them better for the families who read them."
)

const (
	shortBreaksText = "Short breaks give parent carers of disabled children in Testshire a rest from caring, from a few hours to a weekend away."
	transportText   = "Children with an education, health and care plan who live beyond walking distance of school can get free travel in Testshire."
	transportText2  = "From September the Testshire travel team also offers independent travel training to young people aged 14 to 19."
)

func (lo *localOffer) serve(w http.ResponseWriter, r *http.Request) {
	round := lo.round.Load()
	lo.mu.Lock()
	lo.hits[r.URL.Path] = append(lo.hits[r.URL.Path], round)
	lo.mu.Unlock()
	html := func(body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}
	xml := func(body string) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>`+body)
	}
	transportMod := "2024-01-01"
	if round > 1 {
		transportMod = "2024-06-01T09:00:00+01:00"
	}
	switch p := r.URL.Path; p {
	case "/robots.txt":
		fmt.Fprintf(w, "User-agent: *\nDisallow: /local-offer/private/\nSitemap: %s/sitemap-index.xml\n", lo.URL)
	case "/sitemap-index.xml":
		xml(fmt.Sprintf(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>%[1]s/sitemaps/pages.xml.gz</loc></sitemap><sitemap><loc>%[1]s/sitemaps/more.xml</loc></sitemap></sitemapindex>`, lo.URL))
	case "/sitemaps/pages.xml.gz":
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		fmt.Fprintf(zw, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>%[1]s/local-offer</loc><lastmod>2024-01-01</lastmod></url>
<url><loc>%[1]s/local-offer/short-breaks</loc><lastmod>2024-01-01</lastmod></url>
<url><loc>%[1]s/local-offer/transport</loc><lastmod>%[2]s</lastmod></url>
<url><loc>%[1]s/other/outside</loc></url></urlset>`, lo.URL, transportMod)
		zw.Close()
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(buf.Bytes())
	case "/sitemaps/more.xml":
		xml(fmt.Sprintf(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s/local-offer/orphan</loc><lastmod>2024-01-01</lastmod></url></urlset>`, lo.URL))
	case "/local-offer":
		html(page("Local Offer", "The Testshire Local Offer describes the support for children and young people with SEND in Testshire.",
			"/local-offer/short-breaks Short breaks",
			"/local-offer/transport?utm_source=newsletter&utm_medium=email Travel to school",
			"/local-offer/transport/#apply Apply for travel",
			"/local-offer/transport?fbclid=abc123 Travel (shared)",
			"/local-offer/private/staff-notes Staff notes",
			"/other/outside Council tax",
			lo.external.URL+"/elsewhere Another site",
			"/local-offer/old-address Moved page",
			"/local-offer/away Leaves the Local Offer",
			"/media/short-breaks-guide.pdf Short breaks guide (PDF, 13 KB)",
			"/local-offer/print?page=short-breaks Print this page",
			"/local-offer/sb-copy Short breaks (copy)",
			"/local-offer/level1 Support at school",
			"/local-offer/contact Contact the SEND team",
			"/local-offer/missing A broken link",
			"/local-offer/photo.jpg A photo"))
	case "/local-offer/short-breaks", "/local-offer/print":
		html(page("Short breaks", shortBreaksText))
	case "/local-offer/sb-copy":
		html(strings.Replace(page("Short breaks copy", shortBreaksText+" This copy names the original as its canonical page."),
			"<head>", `<head><link rel="canonical" href="/local-offer/short-breaks">`, 1))
	case "/local-offer/transport":
		if round > 1 {
			html(page("Travel to school", transportText+" "+transportText2))
			return
		}
		html(page("Travel to school", transportText))
	case "/local-offer/orphan":
		html(page("Holiday clubs", "Holiday clubs in Testshire welcome children with SEND during the summer holidays."))
	case "/local-offer/old-address":
		http.Redirect(w, r, "/local-offer/new-address", http.StatusMovedPermanently)
	case "/local-offer/new-address":
		html(page("Moved page", "The SEND information, advice and support service in Testshire answers parents' questions in confidence."))
	case "/local-offer/away":
		http.Redirect(w, r, "/other/away", http.StatusFound)
	case "/local-offer/level1":
		if round > 1 {
			http.Error(w, "database down", http.StatusInternalServerError)
			return
		}
		html(page("Support at school", "Every Testshire school has a SENCO who plans support with parents.", "/local-offer/level1/level2 Support plans"))
	case "/local-offer/level1/level2":
		if round > 1 {
			http.NotFound(w, r)
			return
		}
		html(page("Support plans", "An education, health and care needs assessment can be asked for by parents in Testshire.", "/local-offer/level1/level2/level3 Tribunal"))
	case "/local-offer/level1/level2/level3":
		html(page("Tribunal", "Parents who disagree with an EHC plan can appeal to the SEND tribunal after mediation advice.", "/local-offer Home"))
	case "/local-offer/contact":
		w.Header().Set("ETag", `"contact-v1"`)
		if r.Header.Get("If-None-Match") == `"contact-v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		html(page("Contact the SEND team", "Call the Testshire SEND team on 01632 960000 (a fictional number) on weekdays."))
	case "/media/short-breaks-guide.pdf":
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(lo.pdf)
	default:
		http.NotFound(w, r)
	}
}

// cachedEntry is an entry of the cache's generated sources.yaml.
type cachedEntry struct {
	Path, Title, Area, Kind, Modified string
	SourceURL                         string `yaml:"source_url"`
	Override                          bool
}

// readCachedManifest reads the cache's sources.yaml, by source URL
// without the site's address.
func readCachedManifest(t *testing.T, dir, site string) map[string]cachedEntry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, corpus.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var mf struct{ Documents []cachedEntry }
	if err := yaml.Unmarshal(data, &mf); err != nil {
		t.Fatal(err)
	}
	out := map[string]cachedEntry{}
	for _, e := range mf.Documents {
		out[strings.TrimPrefix(e.SourceURL, site)] = e
	}
	return out
}

func siteSources(t *testing.T, lo *localOffer, extra string) []corpus.Meta {
	t.Helper()
	sources, problems := corpus.RemoteSources(fstest.MapFS{corpus.ManifestName: {Data: []byte("documents:\n  - site: " + lo.URL + "/local-offer\n    area: Testshire\n    kind: local-offer\n    publisher: Testshire Council\n" + extra)}})
	if len(problems) > 0 || len(sources) != 1 {
		t.Fatalf("sources.yaml: %+v", problems)
	}
	return sources
}

func TestCrawlALocalOffer(t *testing.T) {
	lo := newLocalOffer(t)
	dir := t.TempDir()
	f := newTestFetcher(dir)
	f.MinInterval = 1 // no pause: the spacing is tested in TestFetchATestSite
	var progress []Progress
	f.Progress = func(p Progress) { progress = append(progress, p) }
	sources := siteSources(t, lo, "")

	rep, err := f.Fetch(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Sites) != 1 {
		t.Fatalf("%d site results", len(rep.Sites))
	}
	site := rep.Sites[0]
	var out bytes.Buffer
	rep.WriteResults(&out)
	t.Logf("first crawl:\n%s", out.String())
	folder := "testshire/" + slug(strings.TrimPrefix(lo.URL, "http://")) + "-local-offer" // 127-0-0-1-<port>-local-offer
	wantLine := fmt.Sprintf("crawled site %s/local-offer: 15 pages found, 10 fetched, 0 unchanged, 0 failed, 0 dropped → %s/ (10 stored)", lo.URL, folder)
	if !strings.Contains(squashSpace(out.String()), wantLine) {
		t.Errorf("report lacks %q", wantLine)
	}
	if want := "2 duplicates stored once; 1 blocked by robots.txt; 2 skipped"; !strings.Contains(out.String(), want) {
		t.Errorf("report lacks %q", want)
	}
	if site.Duplicates != 2 || site.Blocked != 1 || site.Skipped != 2 || site.Capped {
		t.Errorf("first crawl: %+v", site)
	}

	// What was and was not asked for.
	for _, p := range []string{"/local-offer/private/staff-notes", "/other/outside", "/other/away", "/local-offer/photo.jpg", "external /elsewhere"} {
		if n := lo.asked(p); len(n) != 0 {
			t.Errorf("%s was asked for; it is off limits, off the scope or on another site", p)
		}
	}
	if n := lo.asked("/local-offer/transport"); len(n) != 1 {
		t.Errorf("the travel page, linked three ways with tracking parameters and a fragment, was asked for %d times", len(n))
	}
	if n := lo.asked("/sitemaps/pages.xml.gz"); len(n) != 1 {
		t.Errorf("the gzipped sitemap in the index was asked for %d times", len(n))
	}

	// The files and their entries.
	entries := readCachedManifest(t, dir, lo.URL)
	wantFiles := map[string]string{
		"/local-offer":                      folder + "/local-offer.html",
		"/local-offer/short-breaks":         folder + "/local-offer-short-breaks.html",
		"/local-offer/transport":            folder + "/local-offer-transport.html",
		"/local-offer/orphan":               folder + "/local-offer-orphan.html",
		"/local-offer/new-address":          folder + "/local-offer-new-address.html",
		"/local-offer/level1":               folder + "/local-offer-level1.html",
		"/local-offer/level1/level2":        folder + "/local-offer-level1-level2.html",
		"/local-offer/level1/level2/level3": folder + "/local-offer-level1-level2-level3.html",
		"/local-offer/contact":              folder + "/local-offer-contact.html",
		"/media/short-breaks-guide.pdf":     folder + "/media-short-breaks-guide.pdf",
	}
	var got []string
	for p, e := range entries {
		got = append(got, p+" → "+e.Path)
		if e.Area != "Testshire" || e.Kind != "local-offer" {
			t.Errorf("%s: area %q kind %q", p, e.Area, e.Kind)
		}
		if _, err := os.Stat(filepath.Join(dir, e.Path)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	sort.Strings(got)
	var want []string
	for p, f := range wantFiles {
		want = append(want, p+" → "+f)
	}
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("cached entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if e := entries["/local-offer/transport"]; e.Modified != "2024-01-01" || e.Title != "Travel to school" {
		t.Errorf("the travel page should be dated by its sitemap lastmod and titled by its heading: %+v", e)
	}
	guide := entries["/media/short-breaks-guide.pdf"]
	if guide.Title != "Short breaks in Testshire: a guide for families (from: Local Offer)" || !guide.Override {
		t.Errorf("the linked PDF should keep its title and name the page linking to it: %+v", guide)
	}

	// corpus.Load reads the cache unchanged, citing canonical addresses.
	c, err := corpus.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) != 0 {
		t.Errorf("problems loading the cache: %+v", c.Problems)
	}
	cited := map[string]corpus.Document{}
	for _, d := range c.Documents {
		cited[strings.TrimPrefix(d.SourceURL, lo.URL)] = d
	}
	if len(cited) != len(wantFiles) {
		t.Errorf("loaded %d documents citing %d addresses, want %d", len(c.Documents), len(cited), len(wantFiles))
	}
	for p := range wantFiles {
		if _, ok := cited[p]; !ok {
			t.Errorf("no loaded document cites %s", p)
		}
	}
	// The site's template was learnt from its pages, and no passage
	// quotes it.
	if _, err := os.Stat(filepath.Join(dir, folder, corpus.SiteTemplateFile)); err != nil {
		t.Errorf("no site template after the crawl: %v", err)
	}
	for _, d := range c.Documents {
		for _, p := range d.Passages {
			if strings.Contains(p.Text, "brings together information") || strings.Contains(p.Text, "Tell us what you think") {
				t.Errorf("%s quotes the site's template: %q", d.Path, p.Text)
			}
		}
	}
	if d := cited["/local-offer/short-breaks"]; len(d.Passages) == 0 || !strings.Contains(d.Passages[0].Text, "Short breaks give parent carers") {
		t.Errorf("the short breaks page lost its own text: %+v", d.Passages)
	}
	if d := cited["/media/short-breaks-guide.pdf"]; d.Format != "pdf" || d.Area != "Testshire" || !strings.Contains(d.Title, "(from: Local Offer)") {
		t.Errorf("loaded PDF: format %q area %q title %q", d.Format, d.Area, d.Title)
	}
	if ch := rep.Changes; !ch.Known || len(ch.Added) != 10 || len(ch.Changed) != 0 || len(ch.Removed) != 0 || !slices.Equal(ch.Templates, []string{folder}) {
		t.Errorf("first crawl's changes: %+v", ch)
	}
	if len(progress) < 10 || progress[len(progress)-1].Fetched != 10 || progress[len(progress)-1].Done != 1 {
		t.Errorf("progress: %d calls, last %+v", len(progress), progress[len(progress)-1])
	}

	// A while later: the travel page changed (a newer lastmod), the
	// support page fails, the plans page has gone, and with it the only
	// link to the tribunal page.
	before, _ := os.ReadFile(filepath.Join(dir, folder, "local-offer-level1.html"))
	lo.round.Store(2)
	rep, err = f.Fetch(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	site = rep.Sites[0]
	out.Reset()
	rep.WriteResults(&out)
	t.Logf("second crawl:\n%s", out.String())
	wantLine = fmt.Sprintf("crawled site %s/local-offer: 14 pages found, 1 fetched, 6 unchanged, 1 failed, 2 dropped → %s/ (8 stored)", lo.URL, folder)
	if !strings.Contains(squashSpace(out.String()), wantLine) {
		t.Errorf("report lacks %q", wantLine)
	}
	for _, line := range []string{
		"failed  " + lo.URL + "/local-offer/level1  : the server answered 500 Internal Server Error (kept the copy from ",
		"dropped  " + lo.URL + "/local-offer/level1/level2  : the site answered 404 Not Found (removed " + folder + "/local-offer-level1-level2.html)",
		"dropped  " + lo.URL + "/local-offer/level1/level2/level3  : no longer linked from the site or listed in its sitemaps",
	} {
		if !strings.Contains(squashSpace(out.String()), squashSpace(line)) {
			t.Errorf("report lacks %q", line)
		}
	}
	if s := rep.Summary(); s != "1 site: 14 pages found, 1 fetched, 6 unchanged, 1 failed, 2 dropped" {
		t.Errorf("summary %q", s)
	}
	// Only the changed page is to be read again (its copy and its date
	// changed), and the dropped ones taken out: the failed page keeps its
	// copy, and the site's template is what it was.
	t.Logf("second crawl's changes: %+v", rep.Changes)
	if ch := rep.Changes; !ch.Known || len(ch.Added) != 0 || len(ch.Templates) != 0 ||
		!slices.Equal(ch.Changed, []string{folder + "/local-offer-transport.html"}) ||
		!slices.Equal(ch.Removed, []string{folder + "/local-offer-level1-level2-level3.html", folder + "/local-offer-level1-level2.html"}) {
		t.Errorf("second crawl's changes: %+v", ch)
	}
	// Pages whose sitemap lastmod is not newer are not asked for again.
	for _, p := range []string{"/local-offer", "/local-offer/short-breaks", "/local-offer/orphan"} {
		if rounds := lo.asked(p); len(rounds) != 1 || rounds[0] != 1 {
			t.Errorf("%s was asked for in rounds %v; its lastmod did not change", p, rounds)
		}
	}
	if rounds := lo.asked("/local-offer/transport"); len(rounds) != 2 {
		t.Errorf("the changed travel page was asked for in rounds %v", rounds)
	}
	after, _ := os.ReadFile(filepath.Join(dir, folder, "local-offer-level1.html"))
	if !bytes.Equal(before, after) || len(after) == 0 {
		t.Errorf("the page that failed should keep its copy byte for byte")
	}
	entries = readCachedManifest(t, dir, lo.URL)
	if _, ok := entries["/local-offer/level1/level2"]; ok {
		t.Errorf("the page that answered 404 is still in sources.yaml")
	}
	if e := entries["/local-offer/transport"]; e.Modified != "2024-06-01" {
		t.Errorf("the changed page's date: %+v", e)
	}
	for _, gone := range []string{"local-offer-level1-level2.html", "local-offer-level1-level2-level3.html"} {
		if _, err := os.Stat(filepath.Join(dir, folder, gone)); err == nil {
			t.Errorf("%s is still in the cache", gone)
		}
	}
	c, _ = corpus.Load(os.DirFS(dir))
	var changed bool
	for _, d := range c.Documents {
		for _, p := range d.Passages {
			changed = changed || strings.Contains(p.Text, "independent travel training")
		}
	}
	if len(c.Documents) != 8 || len(c.Problems) != 0 || !changed {
		t.Errorf("after the refresh: %d documents (want 8), problems %+v, new travel text read %v", len(c.Documents), c.Problems, changed)
	}

	// Taken out of sources.yaml, the site's copies go.
	if _, err := f.Fetch(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if c, _ := corpus.Load(os.DirFS(dir)); len(c.Documents) != 0 {
		t.Errorf("%d documents left after the site was taken out", len(c.Documents))
	}
}

func TestCrawlStopsAtMaxPages(t *testing.T) {
	lo := newLocalOffer(t)
	dir := t.TempDir()
	f := newTestFetcher(dir)
	f.MinInterval = 1
	rep, err := f.Fetch(context.Background(), siteSources(t, lo, "    max_pages: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	site := rep.Sites[0]
	var out bytes.Buffer
	rep.WriteResults(&out)
	if !site.Capped || site.Fetched != 3 || site.Stored != 3 || !strings.Contains(out.String(), "stopped at max_pages (3) with pages left") {
		t.Errorf("max_pages 3: %+v\n%s", site, out.String())
	}
	// Breadth first: the start page and the first pages its sitemap lists.
	entries := readCachedManifest(t, dir, lo.URL)
	for _, p := range []string{"/local-offer", "/local-offer/short-breaks", "/local-offer/transport"} {
		if _, ok := entries[p]; !ok {
			t.Errorf("%s not crawled; got %v", p, entries)
		}
	}
}
