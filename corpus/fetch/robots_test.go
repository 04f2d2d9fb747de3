package fetch

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sendbot/sendbot/corpus"
)

const siteRobots = `# A robots.txt with a group for sendbot, one for everyone and one for others.
User-agent: *
Disallow: /

User-agent: otherbot
User-Agent: SendBot/2.0   # product token, any case, version ignored
Disallow: /private/
Allow: /private/open-day$
Disallow: /*.pdf$
Disallow: /search?
Allow: /private/minutes/
Disallow: /private/minutes/draft
Crawl-delay: 2

User-agent: sendbot
Disallow: /tmp
`

func TestRobotsRules(t *testing.T) {
	r := parseRobots([]byte(siteRobots))
	tests := []struct {
		path    string
		allowed bool
	}{
		{"/", true}, // "*" forbids everything, but sendbot has groups of its own
		{"/robots.txt", true},
		{"/short-breaks", true},
		{"/private/", false},
		{"/private/report.html", false},
		{"/private/open-day", true},        // the longer Allow wins
		{"/private/open-day/extra", false}, // "$" anchors the Allow at the end
		{"/reports/inspection.pdf", false},
		{"/reports/inspection.pdf?v=2", true}, // "$" after ".pdf": the query makes it not end there
		{"/search?q=ehcp", false},
		{"/search", true},
		{"/private/minutes/2024", true},     // Allow /private/minutes/ is longer than Disallow /private/
		{"/private/minutes/draft-1", false}, // and the Disallow under it is longer still
		{"/tmp/x", false},                   // both groups naming sendbot apply
		{"/caf%c3%a9", true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			u, err := url.Parse("https://example.org" + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.allowed(u); got != tt.allowed {
				t.Errorf("allowed(%s) = %v, want %v", tt.path, got, tt.allowed)
			}
		})
	}
	if r.crawlDelay != 2*time.Second {
		t.Errorf("crawl delay %v, want 2s", r.crawlDelay)
	}
	star := parseRobots([]byte("User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /admin\nAllow: /admin/public\n"))
	for path, want := range map[string]bool{"/admin/x": false, "/admin/public/x": true, "/page": true} {
		u, _ := url.Parse("https://example.org" + path)
		if star.allowed(u) != want {
			t.Errorf("with only a * group: allowed(%s) = %v, want %v", path, !want, want)
		}
	}
	if none := parseRobots([]byte("Sitemap: https://example.org/sitemap.xml\nnonsense\n")); len(none.rules) != 0 {
		t.Errorf("a robots.txt without groups should allow everything: %+v", none)
	}
}

func TestPatternMatching(t *testing.T) {
	tests := []struct {
		pattern, target string
		want            bool
	}{
		{"/fish", "/fish.html", true},
		{"/fish", "/Fish.asp", false},
		{"/fish*", "/fishheads/yummy.html", true},
		{"/*.php", "/folder/filename.php?parameters", true},
		{"/*.php$", "/filename.php?parameters", false},
		{"/*.php$", "/folder/filename.php", true},
		{"/fish*.php", "/fishheads/catfish.php?parameters", true},
		{"/fish*.php", "/Fish.PHP", false},
		{"/a*b*c$", "/aXbYc", true},
		{"/a*b*c$", "/aXbYcZ", false},
		{"*", "/anything", true},
		{"/" + strings.Repeat("*a", 200) + "$", "/" + strings.Repeat("a", 5000) + "b", false},
	}
	for _, tt := range tests {
		if got := patternMatches(tt.pattern, tt.target); got != tt.want {
			t.Errorf("patternMatches(%.30q, %.30q) = %v, want %v", tt.pattern, tt.target, got, tt.want)
		}
	}
}

// TestRobotsAnswers runs fetch against sites whose robots.txt answers in
// each way RFC 9309 distinguishes.
func TestRobotsAnswers(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		outcome Outcome
		reason  string
	}{
		{"missing robots.txt allows all", http.StatusNotFound, "", Fetched, ""},
		{"forbidden robots.txt allows all", http.StatusForbidden, "", Fetched, ""},
		{"server error keeps sendbot out", http.StatusServiceUnavailable, "", Blocked,
			"the site's robots.txt answered 503 Service Unavailable; until it can be read sendbot treats the whole site as off limits (RFC 9309)"},
		{"a sendbot group is obeyed", http.StatusOK, "User-agent: *\nAllow: /\n\nUser-agent: sendbot\nDisallow: /page\n", Blocked,
			"the site's robots.txt asks robots not to fetch /page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					w.WriteHeader(tt.status)
					w.Write([]byte(tt.body))
					return
				}
				w.Header().Set("Content-Type", "text/plain")
				w.Write([]byte("Testshire page about short breaks for disabled children."))
			}))
			defer srv.Close()
			f := newTestFetcher(t.TempDir())
			f.MinInterval = time.Millisecond
			rep, err := f.Fetch(context.Background(), []corpus.Meta{{URL: srv.URL + "/page", Area: "Testshire"}})
			if err != nil {
				t.Fatal(err)
			}
			r := rep.Results[0]
			if r.Outcome != tt.outcome || r.Reason != tt.reason {
				t.Errorf("got %s %q, want %s %q", r.Outcome, r.Reason, tt.outcome, tt.reason)
			}
		})
	}
}

func TestCrawlDelayLongerThanMinIntervalIsObeyed(t *testing.T) {
	var (
		mu    sync.Mutex
		times []time.Time
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		if r.URL.Path == "/robots.txt" {
			w.Write([]byte("User-agent: *\nCrawl-delay: 0.2\n"))
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("A Testshire page."))
	}))
	defer srv.Close()
	f := newTestFetcher(t.TempDir())
	f.MinInterval = 10 * time.Millisecond
	sources := []corpus.Meta{{URL: srv.URL + "/a", Area: "Testshire"}, {URL: srv.URL + "/b", Area: "Testshire"}}
	if _, err := f.Fetch(context.Background(), sources); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(times) != 3 {
		t.Fatalf("want robots.txt and two pages, got %d requests", len(times))
	}
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < 200*time.Millisecond {
			t.Errorf("request %d came %v after the one before; Crawl-delay is 200ms", i+1, gap)
		}
	}
}

func TestStoredPathStaysInItsFolder(t *testing.T) {
	tests := []struct {
		area, url, want string
	}{
		{"Herefordshire", "https://www.herefordshire.gov.uk/local-offer/short-breaks", "herefordshire/herefordshire-gov-uk-local-offer-short-breaks.html"},
		{"North Lincolnshire", "https://example.org/docs/report.pdf", "north-lincolnshire/example-org-docs-report.html"},
		{"../../etc", "https://example.org/../../../etc/passwd", "etc/example-org-etc-passwd.html"},
		{"Testshire", "https://example.org/page?id=1", "testshire/example-org-page-" + shortHash("https://example.org/page?id=1") + ".html"},
		{"", "https://example.org/", "no-area/example-org.html"},
	}
	for _, tt := range tests {
		got := storedPath(tt.area, tt.url, ".html")
		if got != tt.want {
			t.Errorf("storedPath(%q, %q) = %q, want %q", tt.area, tt.url, got, tt.want)
		}
	}
	long := storedPath("Testshire", "https://example.org/"+strings.Repeat("very-long-segment/", 20), ".pdf")
	if len(long) > len("testshire/")+maxSlug+10+len(".pdf") || !strings.HasSuffix(long, ".pdf") {
		t.Errorf("a long URL gives %q", long)
	}
}

func TestDropFrontMatter(t *testing.T) {
	tests := []struct{ in, want string }{
		{"---\ntitle: x\n---\n# Page\n", "# Page\n"},
		{"\ufeff---\r\ntitle: x\r\n...\r\nBody", "Body"},
		{"# No front matter\n---\n", "# No front matter\n---\n"},
		{"---\nnever closed\n", "---\nnever closed\n"},
		{"--- not a fence\n", "--- not a fence\n"},
	}
	for _, tt := range tests {
		if got := string(dropFrontMatter([]byte(tt.in))); got != tt.want {
			t.Errorf("dropFrontMatter(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzRobots: whatever a robots.txt says, parsing and matching finish,
// never panic, and never forbid /robots.txt itself.
func FuzzRobots(f *testing.F) {
	f.Add([]byte(siteRobots), "/private/x?y=1")
	f.Add([]byte("User-agent: *\nDisallow: /*$\nAllow: /$\n"), "/")
	f.Add([]byte("User-agent:sendbot\nDisallow:*\nCrawl-delay: 1e308\n"), "/%zz")
	f.Add([]byte("\xff\x00User-agent: *\n\n\nDisallow: /\x00"), "/caf\xc3\xa9")
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		r := parseRobots(data)
		if r.crawlDelay < 0 || r.crawlDelay > maxCrawlDelay {
			t.Fatalf("crawl delay %v out of bounds", r.crawlDelay)
		}
		robotsURL, _ := url.Parse("https://example.org/robots.txt")
		if !r.allowed(robotsURL) {
			t.Fatal("robots.txt itself must always be allowed")
		}
		if u, err := url.Parse("https://example.org/" + strings.TrimPrefix(path, "/")); err == nil {
			r.allowed(u)
		}
	})
}

// FuzzStoredPath: no URL or area can name a file outside its area folder.
func FuzzStoredPath(f *testing.F) {
	f.Add("Herefordshire", "https://example.org/a/b.pdf?x=1")
	f.Add("../..", "https://example.org/../../../x")
	f.Add("", "%%%")
	f.Fuzz(func(t *testing.T, area, rawURL string) {
		p := storedPath(area, rawURL, ".html")
		dir, name, ok := strings.Cut(p, "/")
		if !ok || dir == "" || strings.Contains(name, "/") || !fs.ValidPath(p) || strings.Contains(p, "..") || strings.HasPrefix(name, ".") {
			t.Fatalf("storedPath(%q, %q) = %q", area, rawURL, p)
		}
		if p != storedPath(area, rawURL, ".html") {
			t.Fatal("not stable")
		}
	})
}
