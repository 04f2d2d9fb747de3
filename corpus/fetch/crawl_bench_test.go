package fetch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sendbot/sendbot/corpus"
)

// benchSite is a Local Offer of n pages, each linking to two below it,
// listed in a sitemap with lastmod; from version 2 on, the first changed
// pages have new text and a newer lastmod. bench/crawl is the same site
// measured as a whole program.
type benchSite struct {
	n, changed int
	version    atomic.Int32
}

func (s *benchSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v := int(s.version.Load())
	isChanged := func(i int) bool { return i < s.changed && v > 1 }
	switch p := r.URL.Path; {
	case p == "/sitemap.xml":
		fmt.Fprint(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for i := range s.n {
			mod := "2024-01-01"
			if isChanged(i) {
				mod = time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, v).Format("2006-01-02")
			}
			fmt.Fprintf(w, "<url><loc>http://%s/lo/p%d</loc><lastmod>%s</lastmod></url>", r.Host, i, mod)
		}
		fmt.Fprint(w, "</urlset>")
	case strings.HasPrefix(p, "/lo/p"):
		i, err := strconv.Atoi(strings.TrimPrefix(p, "/lo/p"))
		if err != nil || i >= s.n {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		extra := ""
		if isChanged(i) {
			extra = fmt.Sprintf(" Changed in version %d.", v)
		}
		fmt.Fprintf(w, `<html><head><title>Page %d</title></head><body><main><h1>Support %d</h1><p>Service %d helps children with SEND in Testshire and their families.%s</p>
<a href="/lo/p%d">next</a> <a href="/lo/p%d">next</a></main></body></html>`, i, i, i, extra, 2*i+1, 2*i+2)
	default:
		http.NotFound(w, r)
	}
}

func benchFetcher(b *testing.B, srv *httptest.Server, dir string) (*Fetcher, []corpus.Meta) {
	f := newTestFetcher(dir)
	f.MinInterval = 1
	return f, []corpus.Meta{{Site: srv.URL + "/lo/p0", Scope: srv.URL + "/lo", MaxPages: "2000", Area: "Testshire"}}
}

// BenchmarkCrawl2000 crawls a 2,000-page site into an empty cache.
func BenchmarkCrawl2000(b *testing.B) {
	site := &benchSite{n: 2000}
	srv := httptest.NewServer(site)
	defer srv.Close()
	b.ReportAllocs()
	for b.Loop() {
		f, sources := benchFetcher(b, srv, b.TempDir())
		rep, err := f.Fetch(context.Background(), sources)
		if err != nil || rep.Sites[0].Fetched != 2000 {
			b.Fatalf("%v %+v", err, rep.Sites[0])
		}
	}
}

// BenchmarkRefresh2000With20Changed refreshes the crawled site after 20
// pages changed: only those are asked for.
func BenchmarkRefresh2000With20Changed(b *testing.B) {
	site := &benchSite{n: 2000, changed: 20}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	f, sources := benchFetcher(b, srv, b.TempDir())
	if _, err := f.Fetch(context.Background(), sources); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		site.version.Add(1)
		rep, err := f.Fetch(context.Background(), sources)
		if err != nil || rep.Sites[0].Fetched != 20 || rep.Sites[0].Unchanged != 1980 {
			b.Fatalf("%v %+v", err, rep.Sites[0])
		}
	}
}
