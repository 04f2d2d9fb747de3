package fetch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/internal/testkit"
)

// directoryRecords is how many service records the test directory has.
const directoryRecords = 50

// directorySite serves a council's service directory of
// directoryRecords records, every page in the site's one template (a
// strapline, the records' labelled fields), and an area SEND inspection
// report as a PDF.
func directorySite(t *testing.T) *httptest.Server {
	t.Helper()
	report := testkit.PDF(
		"Area SEND inspection of Testshire Local Area Partnership",
		"Inspection dates: 4 to 8 March 2024",
		"The local area partnership's arrangements typically lead to positive experiences and outcomes",
		"for children and young people with special educational needs and/or disabilities.",
		"Leaders know their area well and work together to improve services for families.",
	)
	layout := func(title, body string) string {
		return "<!doctype html><html><head><title>" + title + " | Testshire Directory</title></head><body>" +
			`<div class="top"><p>` + directoryStrapline + `</p></div><div class="page"><h1>` + title + "</h1>" + body + "</div></body></html>"
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
		case p == "/reports/area-send-inspection.pdf":
			w.Header().Set("Content-Type", "application/pdf")
			w.Write(report)
		case p == "/directory":
			var b strings.Builder
			b.WriteString("<p>Services for children and young people with SEND and their families in Testshire, listed by name.</p><ul>")
			for n := 1; n <= directoryRecords; n++ {
				fmt.Fprintf(&b, `<li><a href="/directory/service-%d">Testshire service %d</a></li>`, n, n)
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, layout("Service directory", b.String()+"</ul>"))
		case strings.HasPrefix(p, "/directory/service-"):
			var n int
			if _, err := fmt.Sscanf(p, "/directory/service-%d", &n); err != nil || n < 1 || n > directoryRecords {
				http.NotFound(w, r)
				return
			}
			body := fmt.Sprintf(`<p>Testshire service %d offers %s for disabled children and their families, with staff trained in supporting children with autism and other needs.</p>
<dl><dt>Telephone</dt><dd>01632 960%03d</dd><dt>Email</dt><dd>service%d@testshire.example</dd>
<dt>Address</dt><dd>%d High Street, Testshire, TS1 %dAB</dd><dt>Cost</dt><dd>%s</dd><dt>Age range</dt><dd>%d to %d years</dd></dl>`,
				n, activities[n%len(activities)], n, n, n, n%9+1, []string{"Free", "£5 a session", "£12 a month"}[n%3], n%5, 11+n%15)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, layout(fmt.Sprintf("Testshire service %d", n), body))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

const directoryStrapline = "Find services and activities for children and young people in Testshire, and the help families can get."

var activities = []string{"swimming sessions", "holiday clubs", "speech and language groups", "short breaks", "youth clubs", "sensory play"}

// TestCrawlADirectoryAndAnInspection crawls a service directory in one
// template and fetches an inspection report: each record becomes a
// service with its contact details, the template is quoted nowhere, and
// the report is dated from its own text with its outcome first.
func TestCrawlADirectoryAndAnInspection(t *testing.T) {
	srv := directorySite(t)
	dir := t.TempDir()
	f := newTestFetcher(dir)
	f.MinInterval = 1
	sources, problems := corpus.RemoteSources(fstest.MapFS{corpus.ManifestName: {Data: []byte("documents:\n" +
		"  - site: " + srv.URL + "/directory\n    area: Testshire\n    kind: local-offer\n" +
		"  - url: " + srv.URL + "/reports/area-send-inspection.pdf\n    area: Testshire\n    kind: inspection\n    title: Testshire area SEND inspection\n")}})
	if len(problems) > 0 {
		t.Fatalf("sources.yaml: %+v", problems)
	}
	rep, err := f.Fetch(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	rep.WriteResults(&out)
	t.Logf("as a volunteer sees it:\n%s", out.String())
	if len(rep.Sites) != 1 || rep.Sites[0].Fetched != directoryRecords+1 {
		t.Fatalf("crawl: %+v", rep.Sites)
	}

	c, err := corpus.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) != 0 {
		t.Errorf("problems: %+v", c.Problems)
	}
	services := 0
	var report *corpus.Document
	for i, d := range c.Documents {
		text := ""
		for _, p := range d.Passages {
			text += p.Text + "\n"
		}
		if strings.Contains(text, directoryStrapline[:40]) {
			t.Errorf("%s quotes the site's strapline", d.Path)
		}
		if d.Kind == "inspection" {
			report = &c.Documents[i]
			continue
		}
		var n int
		if _, err := fmt.Sscanf(d.Title, "Testshire service %d", &n); err != nil {
			continue
		}
		if d.Kind != "service" {
			t.Errorf("%s: kind %q, want service", d.Title, d.Kind)
			continue
		}
		services++
		for _, want := range []string{fmt.Sprintf("01632 960%03d", n), fmt.Sprintf("service%d@testshire.example", n), fmt.Sprintf("%d High Street", n)} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q:\n%s", d.Title, want, text)
			}
		}
	}
	if services != directoryRecords {
		t.Errorf("%d services, want %d", services, directoryRecords)
	}
	if report == nil {
		t.Fatal("no inspection report loaded")
	}
	if want := time.Date(2024, 3, 8, 0, 0, 0, 0, time.UTC); !report.Published.Equal(want) {
		t.Errorf("report dated %v, want the inspection's last day, %v", report.Published, want)
	}
	if first := report.Passages[0]; first.Section != "Ofsted and CQC area SEND inspection of Testshire: outcome" ||
		!strings.Contains(first.Text, "typically lead to positive experiences and outcomes") {
		t.Errorf("report's first passage: %q: %q", first.Section, first.Text)
	}
}

// TestRefreshKeepsAPageThatTimesOut crawls a small site, then refreshes
// it while one page answers too slowly and another answers 410 Gone: the
// slow page counts as failed and its last copy stays; the gone one is
// dropped.
func TestRefreshKeepsAPageThatTimesOut(t *testing.T) {
	hang := make(chan struct{})
	defer close(hang)
	var slow atomic.Bool
	pages := map[string]string{
		"/help":          "Help for families in Testshire, listed by what you need.",
		"/help/breaks":   "Short breaks give parent carers of disabled children in Testshire a rest from caring.",
		"/help/learning": "Every school in Testshire has a special educational needs coordinator who can help.",
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
			return
		}
		text, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path == "/help/learning" && slow.Load() {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		if r.URL.Path == "/help/breaks" && slow.Load() {
			select { // longer than the fetcher waits
			case <-hang:
			case <-r.Context().Done():
			}
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>%s</title></head><body><main><h1>%s</h1><p>%s</p><a href="/help/breaks">Short breaks</a> <a href="/help/learning">Learning</a></main></body></html>`, r.URL.Path, r.URL.Path, text)
	}))
	defer srv.Close()
	dir := t.TempDir()
	f := newTestFetcher(dir)
	f.MinInterval = 1
	sources, problems := corpus.RemoteSources(fstest.MapFS{corpus.ManifestName: {Data: []byte("documents:\n  - site: " + srv.URL + "/help\n    area: Testshire\n")}})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if rep, err := f.Fetch(context.Background(), sources); err != nil || rep.Sites[0].Stored != 3 {
		t.Fatalf("first crawl: %v %+v", err, rep.Sites)
	}
	slow.Store(true)
	rep, err := f.Fetch(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	site := rep.Sites[0]
	var out strings.Builder
	rep.WriteResults(&out)
	if site.Failed != 1 || site.Dropped != 1 || site.Stored != 2 {
		t.Errorf("refresh with a page timing out: %+v\n%s", site, out.String())
	}
	if !strings.Contains(out.String(), "failed") || !strings.Contains(out.String(), "/help/breaks") {
		t.Errorf("the report does not name the page that failed:\n%s", out.String())
	}
	c, err := corpus.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	found, gone := false, false
	for _, d := range c.Documents {
		for _, p := range d.Passages {
			found = found || strings.Contains(p.Text, "Short breaks give parent carers")
			gone = gone || strings.Contains(p.Text, "special educational needs coordinator")
		}
	}
	if !found {
		t.Error("the page that timed out lost its last copy")
	}
	if gone {
		t.Error("the page that answered 410 Gone is still quoted")
	}
}
