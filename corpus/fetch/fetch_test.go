package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sendbot/sendbot/corpus"
)

const (
	testUA       = "sendbot/test (+https://github.com/sendbot/sendbot; SEND information bot)"
	testInterval = 50 * time.Millisecond
	testTimeout  = 500 * time.Millisecond
	testMaxBytes = 64 << 10
	notesDate    = "Wed, 20 Nov 2024 10:00:00 GMT"
)

const notesText = `Testshire school transport notes

Children in Testshire who live beyond walking distance of their nearest suitable school can get free travel to school. Parents apply to the Testshire travel team, who reply within twenty school days. Families can ask the team on 01632 960123 (a fictional number) for a review when they disagree with a decision.
`

// hit is one request as the test site saw it.
type hit struct {
	path, query   string
	at            time.Time
	userAgent     string
	ifNoneMatch   string
	ifModifiedSin string
}

// testSite is a small web site with every kind of answer fetch must
// handle. After failAgain is set, the flaky page and page 2 of the ORUK
// API break, as sites do between runs.
type testSite struct {
	*httptest.Server
	mu        sync.Mutex
	hits      []hit
	failAgain atomic.Bool
}

func newTestSite(t *testing.T) *testSite {
	s := &testSite{}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *testSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits = append(s.hits, hit{path: r.URL.Path, query: r.URL.RawQuery, at: time.Now(), userAgent: r.UserAgent(),
		ifNoneMatch: r.Header.Get("If-None-Match"), ifModifiedSin: r.Header.Get("If-Modified-Since")})
	s.mu.Unlock()
	text := func(ct, body string) {
		w.Header().Set("Content-Type", ct)
		fmt.Fprint(w, body)
	}
	switch p := r.URL.Path; {
	case p == "/robots.txt":
		text("text/plain", "# Testshire test site\nUser-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\nCrawl-delay: 0.01\n")
	case p == "/page.html":
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		text("text/html; charset=utf-8", "<html><head><title>Short breaks</title></head><body><h1>Short breaks in Testshire</h1><p>Short breaks give parent carers a rest.</p></body></html>")
	case p == "/notes.txt":
		w.Header().Set("Last-Modified", notesDate)
		if r.Header.Get("If-Modified-Since") == notesDate {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		text("text/plain; charset=utf-8", notesText)
	case p == "/flaky.txt":
		if s.failAgain.Load() {
			http.Error(w, "database down", http.StatusInternalServerError)
			return
		}
		text("text/plain", "Testshire flaky page\n\nThe Testshire parent carer forum meets on the first Tuesday of each month in the library.\n")
	case p == "/report.pdf":
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4\n% a tiny stand-in for a Testshire inspection report\n%%EOF\n"))
	case p == "/redirect":
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	case p == "/old-page":
		http.Redirect(w, r, "/page2.md", http.StatusMovedPermanently)
	case p == "/page2.md":
		text("text/markdown", "---\ntitle: A title the page chose for itself\nsource_url: https://elsewhere.example.org/\n---\n# Moved page\n\nThe Testshire SEND team moved this page to a new address last year.\n")
	case p == "/missing":
		http.NotFound(w, r)
	case p == "/broken":
		http.Error(w, "boom", http.StatusInternalServerError)
	case p == "/loop-a":
		http.Redirect(w, r, "/loop-b", http.StatusFound)
	case p == "/loop-b":
		http.Redirect(w, r, "/loop-a", http.StatusFound)
	case strings.HasPrefix(p, "/chain/"):
		n, _ := strconv.Atoi(strings.TrimPrefix(p, "/chain/"))
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n+1), http.StatusFound)
	case p == "/slow":
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	case p == "/huge":
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", strconv.Itoa(200<<10))
		w.Write(bytes.Repeat([]byte("a"), 200<<10))
	case p == "/huge-stream":
		w.Header().Set("Content-Type", "text/plain")
		for range 50 {
			w.Write(bytes.Repeat([]byte("word "), 1<<10))
			w.(http.Flusher).Flush()
		}
	case p == "/photo.png":
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n"))
	case strings.HasPrefix(p, "/private/"):
		text("text/html", "<p>robots.txt says this is off limits</p>")
	case p == "/oruk/services":
		s.serveORUK(w, r)
	default:
		http.NotFound(w, r)
	}
}

// serveORUK serves 6 invented services, 2 per page, with the UK
// profile's paging fields.
func (s *testSite) serveORUK(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 || page > 3 || r.URL.Query().Get("per_page") == "" {
		http.Error(w, "bad page", http.StatusBadRequest)
		return
	}
	if page == 2 && s.failAgain.Load() {
		http.Error(w, "boom", http.StatusBadGateway)
		return
	}
	var contents []map[string]string
	for i := 2*page - 1; i <= 2*page; i++ {
		contents = append(contents, map[string]string{"id": fmt.Sprintf("s%d", i), "name": fmt.Sprintf("Testshire service %d", i),
			"description": "An invented Testshire service for children with SEND."})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"total_items": 6, "total_pages": 3, "page_number": page, "size": 2,
		"first_page": page == 1, "last_page": page == 3, "empty": false, "contents": contents,
	})
}

func (s *testSite) requests() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hit(nil), s.hits...)
}

func (s *testSite) count(path string) int {
	n := 0
	for _, h := range s.requests() {
		if h.path == path {
			n++
		}
	}
	return n
}

// loopback is the SENDBOT_FETCH_ALLOW that lets fetch reach the test
// sites, which listen on 127.0.0.1.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}

func newTestFetcher(dir string) *Fetcher {
	return &Fetcher{Dir: dir, UserAgent: testUA, MinInterval: testInterval, Timeout: testTimeout,
		MaxBytes: testMaxBytes, Allow: loopback, Logger: slog.New(slog.DiscardHandler)}
}

// byURL indexes a report by the path of each source's URL on the test site.
func byURL(t *testing.T, site *testSite, rep Report) map[string]Result {
	t.Helper()
	out := map[string]Result{}
	for _, r := range rep.Results {
		out[strings.TrimPrefix(r.URL, site.URL)] = r
	}
	return out
}

func TestFetchATestSite(t *testing.T) {
	site := newTestSite(t)
	dir := t.TempDir()
	src := func(path, title string) corpus.Meta {
		return corpus.Meta{URL: site.URL + path, Title: title, Area: "Testshire", Publisher: "Testshire Council", Published: "2024-11-20"}
	}
	flaky := src("/flaky.txt", "Parent carer forum")
	flaky.SourceURL = "https://example.org/testshire/forum"
	flaky.Published = ""
	oruk := src("/oruk", "Testshire service directory")
	oruk.Format = "oruk"
	sources := []corpus.Meta{
		src("/page.html", "Short breaks"), src("/notes.txt", "Testshire transport notes"), flaky,
		src("/report.pdf", "Inspection report"), src("/old-page", "Moved page"),
		src("/missing", ""), src("/broken", ""), src("/loop-a", ""), src("/chain/1", ""), src("/slow", ""),
		src("/huge", ""), src("/huge-stream", ""), src("/photo.png", ""), src("/private/secret.html", ""), oruk,
	}
	f := newTestFetcher(dir)

	rep, err := f.Fetch(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	got := byURL(t, site, rep)
	tests := []struct {
		path    string
		outcome Outcome
		reason  string // part of Reason
		file    string
	}{
		{"/page.html", Fetched, "", "testshire/127-0-0-1-page.html"},
		{"/notes.txt", Fetched, "", "testshire/127-0-0-1-notes.txt"},
		{"/flaky.txt", Fetched, "", "testshire/127-0-0-1-flaky.txt"},
		{"/report.pdf", Fetched, "", "testshire/127-0-0-1-report.pdf"},
		{"/old-page", Fetched, "", "testshire/127-0-0-1-old-page.md"},
		{"/missing", Failed, "the server answered 404 Not Found", ""},
		{"/broken", Failed, "the server answered 500 Internal Server Error", ""},
		{"/loop-a", Failed, "redirect loop: " + site.URL + "/loop-a → " + site.URL + "/loop-b → " + site.URL + "/loop-a", ""},
		{"/chain/1", Failed, "more than 5 redirects (gave up at " + site.URL + "/chain/7)", ""},
		{"/slow", Failed, "no complete answer within 500ms", ""},
		{"/huge", Failed, "larger than 64 KiB (the server says 200 KiB)", ""},
		{"/huge-stream", Failed, "larger than 64 KiB", ""},
		{"/photo.png", Failed, "wrong content type image/png", ""},
		{"/private/secret.html", Blocked, "the site's robots.txt asks robots not to fetch /private/secret.html", ""},
		{"/oruk", Fetched, "", "testshire/127-0-0-1-oruk.json"},
	}
	for _, tt := range tests {
		t.Run("first run "+tt.path, func(t *testing.T) {
			r, ok := got[tt.path]
			if !ok {
				t.Fatalf("no result for %s", tt.path)
			}
			if r.Outcome != tt.outcome || !strings.Contains(r.Reason, tt.reason) || (tt.reason == "" && r.Reason != "") || r.File != tt.file {
				t.Errorf("got %s %q → %q, want %s %q → %q", r.Outcome, r.Reason, r.File, tt.outcome, tt.reason, tt.file)
			}
			if r.Outcome == Fetched && (r.Bytes == 0 || !r.KeptFrom.IsZero()) {
				t.Errorf("fetched: %d bytes, kept from %v", r.Bytes, r.KeptFrom)
			}
		})
	}
	if r := got["/old-page"]; r.FinalURL != site.URL+"/page2.md" {
		t.Errorf("redirected page: final URL %q", r.FinalURL)
	}
	if r := got["/oruk"]; r.Pages != 3 || r.Services != 6 {
		t.Errorf("ORUK: %d pages, %d services; want 3 and 6", r.Pages, r.Services)
	}
	if n := site.count("/private/secret.html"); n != 0 {
		t.Errorf("a page robots.txt forbids was requested %d times", n)
	}
	if rep.Count(Fetched) != 6 || rep.Count(Failed) != 8 || rep.Count(Blocked) != 1 {
		t.Errorf("counts: %d fetched, %d failed, %d blocked", rep.Count(Fetched), rep.Count(Failed), rep.Count(Blocked))
	}

	// The ORUK pages become one file holding every service, in order.
	var combined map[string][]struct{ ID string }
	data, err := os.ReadFile(filepath.Join(dir, "testshire/127-0-0-1-oruk.json"))
	if err != nil || json.Unmarshal(data, &combined) != nil {
		t.Fatalf("ORUK file: %v\n%s", err, data)
	}
	var ids []string
	for _, s := range combined["contents"] {
		ids = append(ids, s.ID)
	}
	if strings.Join(ids, " ") != "s1 s2 s3 s4 s5 s6" || len(combined) != 1 {
		t.Errorf("combined ORUK file: keys %d, services %v", len(combined), ids)
	}

	// Second run: the site has changed. Unchanged pages are not sent again;
	// broken ones keep their last good copy byte for byte.
	before := map[string][]byte{}
	for _, p := range []string{"testshire/127-0-0-1-flaky.txt", "testshire/127-0-0-1-oruk.json", "testshire/127-0-0-1-page.html"} {
		before[p], _ = os.ReadFile(filepath.Join(dir, p))
	}
	site.failAgain.Store(true)
	secondRun := time.Now()
	rep2, err := f.Fetch(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	got2 := byURL(t, site, rep2)
	second := []struct {
		path    string
		outcome Outcome
		reason  string
		file    string
	}{
		{"/page.html", NotModified, "", "testshire/127-0-0-1-page.html"},
		{"/notes.txt", NotModified, "", "testshire/127-0-0-1-notes.txt"},
		{"/flaky.txt", Failed, "the server answered 500 Internal Server Error", "testshire/127-0-0-1-flaky.txt"},
		{"/oruk", Failed, "page 2: the server answered 502 Bad Gateway", "testshire/127-0-0-1-oruk.json"},
		{"/old-page", Fetched, "", "testshire/127-0-0-1-old-page.md"},
		{"/missing", Failed, "404 Not Found", ""},
	}
	for _, tt := range second {
		t.Run("second run "+tt.path, func(t *testing.T) {
			r := got2[tt.path]
			if r.Outcome != tt.outcome || !strings.Contains(r.Reason, tt.reason) || r.File != tt.file {
				t.Errorf("got %s %q → %q, want %s %q → %q", r.Outcome, r.Reason, r.File, tt.outcome, tt.reason, tt.file)
			}
			if r.Outcome == Failed && r.File != "" && r.KeptFrom.IsZero() {
				t.Errorf("a kept copy should say when it was fetched")
			}
		})
	}
	for p, old := range before {
		now, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil || !bytes.Equal(now, old) {
			t.Errorf("%s changed after a failed or unmodified fetch (err %v)", p, err)
		}
	}

	// What the server saw: conditional requests, one robots.txt per run,
	// the User-Agent on every request, and the spacing between requests.
	var sawETag, sawDate bool
	for _, h := range site.requests() {
		sawETag = sawETag || (h.path == "/page.html" && h.ifNoneMatch == `"v1"`)
		sawDate = sawDate || (h.path == "/notes.txt" && h.ifModifiedSin == notesDate)
		if h.userAgent != testUA {
			t.Errorf("%s was asked for with User-Agent %q", h.path, h.userAgent)
		}
	}
	if !sawETag || !sawDate {
		t.Errorf("second run should ask conditionally: If-None-Match seen %v, If-Modified-Since seen %v", sawETag, sawDate)
	}
	if n := site.count("/robots.txt"); n != 2 {
		t.Errorf("robots.txt was asked for %d times in 2 runs, want once per run", n)
	}
	hits := site.requests()
	sort.Slice(hits, func(i, j int) bool { return hits[i].at.Before(hits[j].at) })
	least := time.Hour
	for i := 1; i < len(hits); i++ {
		if hits[i-1].at.Before(secondRun) && !hits[i].at.Before(secondRun) {
			continue // each run spaces its own requests
		}
		gap := hits[i].at.Sub(hits[i-1].at)
		least = min(least, gap)
		if gap < testInterval {
			t.Errorf("%s came %v after %s; MinInterval is %v", hits[i].path, gap, hits[i-1].path, testInterval)
		}
	}
	t.Logf("%d requests in 2 runs; least gap between two requests of a run %v (MinInterval %v)", len(hits), least, testInterval)

	// The cache folder is a corpus: every copy loads with the metadata of
	// its entry, cited with its URL (or the entry's source_url).
	c, err := corpus.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]corpus.Document{}
	for _, d := range c.Documents {
		docs[d.Path] = d
	}
	for _, p := range c.Problems {
		if strings.HasPrefix(p.Path, corpus.ManifestName) || strings.Contains(p.Path, "missing") {
			t.Errorf("cache problem: %s: %s", p.Path, p.Reason)
		}
	}
	notes := docs["testshire/127-0-0-1-notes.txt"]
	if notes.SourceURL != site.URL+"/notes.txt" || notes.Area != "Testshire" || notes.Title != "Testshire transport notes" ||
		notes.Publisher != "Testshire Council" || notes.Published.Format("2006-01-02") != "2024-11-20" ||
		len(notes.Passages) == 0 || !strings.Contains(notes.Passages[0].Text, "free travel to school") {
		t.Errorf("fetched notes as loaded: %+v", notes)
	}
	forum := docs["testshire/127-0-0-1-flaky.txt"]
	if forum.SourceURL != "https://example.org/testshire/forum" || forum.Title != "Parent carer forum" || !forum.Published.IsZero() {
		t.Errorf("the kept copy should be cited with the entry's source_url and no invented date: %+v", forum)
	}
	moved := docs["testshire/127-0-0-1-old-page.md"]
	if moved.Title != "Moved page" || moved.SourceURL != site.URL+"/old-page" {
		t.Errorf("a fetched Markdown page must not choose its own title or source: %q %q", moved.Title, moved.SourceURL)
	}

	// Third run with fewer sources: copies of sources no longer listed go,
	// so nothing is served without its metadata.
	if _, err := f.Fetch(context.Background(), sources[1:2]); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "testshire/127-0-0-1-page.html")); err == nil {
		t.Errorf("the copy of a source removed from sources.yaml is still there")
	}
	c, _ = corpus.Load(os.DirFS(dir))
	if len(c.Documents) != 1 || c.Documents[0].SourceURL != site.URL+"/notes.txt" || len(c.Problems) != 0 {
		t.Errorf("after the third run the cache should hold only the notes: %d documents, problems %+v", len(c.Documents), c.Problems)
	}
}
