// Command crawl measures sendbot fetch's crawl of a whole site: it
// serves a synthetic Local Offer of -pages pages on loopback (a sitemap
// with lastmod, and each page linking to two below it and to the first
// thirty, as a site's navigation does), crawls it with no pause between
// requests, then changes -changed pages and refreshes. run.sh runs it
// under /usr/bin/time for the peak memory. With -reindex it measures
// instead the reindex a refresh runs (see runReindex).
//
//	go run ./bench/crawl -pages 2000 -changed 20
//	go run ./bench/crawl -reindex -pages 2000 -changed 20 -repeat 3
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/corpus/fetch"
)

func main() {
	pages := flag.Int("pages", 2000, "pages on the synthetic site")
	changed := flag.Int("changed", 20, "pages changed before the refresh")
	reindex := flag.Bool("reindex", false, "measure the refresh's reindex: the index updated with the changed pages against rebuilt whole")
	repeat := flag.Int("repeat", 3, "with -reindex, how many times to measure each")
	flag.Parse()
	run := func() error { return run(*pages, *changed) }
	if *reindex {
		run = func() error { return runReindex(*pages, *changed, *repeat) }
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "crawl:", err)
		os.Exit(1)
	}
}

// site serves the synthetic Local Offer; after round is 2, the first
// changed pages have new text and a newer lastmod.
type site struct {
	pages, changed int
	round          atomic.Int32
	requests       atomic.Int64
}

func (s *site) isChanged(i int) bool { return s.round.Load() > 1 && i < s.changed }

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	switch p := r.URL.Path; {
	case p == "/robots.txt":
		fmt.Fprintf(w, "User-agent: *\nDisallow: /admin/\nSitemap: http://%s/sitemap.xml\n", r.Host)
	case p == "/sitemap.xml":
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for i := range s.pages {
			mod := "2024-01-01"
			if s.isChanged(i) {
				mod = "2024-06-01"
			}
			fmt.Fprintf(w, "<url><loc>http://%s/local-offer/page-%d</loc><lastmod>%s</lastmod></url>\n", r.Host, i, mod)
		}
		fmt.Fprint(w, "</urlset>")
	case strings.HasPrefix(p, "/local-offer/page-"):
		i, err := strconv.Atoi(strings.TrimPrefix(p, "/local-offer/page-"))
		if err != nil || i < 0 || i >= s.pages {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		var b strings.Builder
		fmt.Fprintf(&b, "<!doctype html><html><head><title>Support %d | Testshire Local Offer</title></head><body><nav>", i)
		for n := range min(30, s.pages) {
			fmt.Fprintf(&b, `<a href="/local-offer/page-%d">Section %d</a> `, n, n)
		}
		fmt.Fprintf(&b, "</nav><main><h1>Support service %d</h1>", i)
		for para := range 6 {
			fmt.Fprintf(&b, "<p>Service %d in Testshire helps children and young people with special educational needs and disabilities and their families. Paragraph %d describes who can use it, how to ask for help, and what happens next.</p>", i, para)
		}
		if s.isChanged(i) {
			fmt.Fprintf(&b, "<p>Updated: service %d now also runs on Saturdays.</p>", i)
		}
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < s.pages {
				fmt.Fprintf(&b, `<a href="/local-offer/page-%d?utm_source=menu">More support %d</a> `, c, c)
			}
		}
		b.WriteString("</main><footer>Testshire Council</footer></body></html>")
		fmt.Fprint(w, b.String())
	default:
		http.NotFound(w, r)
	}
}

func run(pages, changed int) error {
	s := &site{pages: pages, changed: changed}
	s.round.Store(1)
	srv := httptest.NewServer(s)
	defer srv.Close()
	dir, err := os.MkdirTemp("", "sendbot-crawl-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sources := []corpus.Meta{{Site: srv.URL + "/local-offer/page-0", Scope: srv.URL + "/local-offer", MaxPages: strconv.Itoa(pages), Area: "Testshire"}}
	f := &fetch.Fetcher{Dir: dir, MinInterval: time.Nanosecond, Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Logger: slog.New(slog.DiscardHandler)}

	for round, what := range []string{"crawl", "refresh"} {
		s.round.Store(int32(round + 1))
		before := s.requests.Load()
		start := time.Now()
		rep, err := f.Fetch(context.Background(), sources)
		if err != nil {
			return err
		}
		took := time.Since(start)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("%-7s %d pages: %s in %s (%d requests; Go heap in use %s)\n", what, pages, rep.Summary(),
			took.Round(time.Millisecond), s.requests.Load()-before, fetch.Size(int64(ms.HeapInuse)))
	}
	return nil
}
