package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
)

// TestFetchThenAskCitesTheFetchedPage runs fetch against a local site
// listed in a corpus's sources.yaml, then asks a question that only the
// fetched page answers.
func TestFetchThenAskCitesTheFetchedPage(t *testing.T) {
	var (
		broken atomic.Bool
		asked  atomic.Int32
	)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		switch r.URL.Path {
		case "/transport":
			if broken.Load() {
				http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
				return
			}
			if !strings.HasPrefix(r.UserAgent(), "sendbot/") {
				http.Error(w, "who are you?", http.StatusForbidden)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprint(w, "Travel to school in Testshire\n\nChildren in Testshire who live beyond walking distance of their nearest suitable school can get free travel to school. Parents apply to the Testshire travel team, who reply within twenty school days.\n")
		default:
			http.NotFound(w, r) // robots.txt too: none means all is allowed
		}
	}))
	defer site.Close()

	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "testshire"), 0o755)
	os.WriteFile(filepath.Join(dir, "testshire", "short-breaks.md"), []byte("# Short breaks\n\nShort breaks give parent carers in Testshire a rest from caring.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sources.yaml"), []byte(fmt.Sprintf(`documents:
  - url: %[1]s/transport
    title: Travel to school in Testshire
    area: Testshire
    publisher: Testshire Council
  - url: %[1]s/gone
    area: Testshire
  - url: %[1]s/no-area
`, site.URL)), 0o644)
	c := newCLI(t)
	c.env["SENDBOT_CORPUS"] = dir

	// An index built before the fetch must be rebuilt after it.
	if out, _, err := c.run("", "ask", "how far from school for free travel"); err != nil || strings.Contains(out, site.URL) {
		t.Fatalf("before fetch nothing should cite the site: %v\n%s", err, out)
	}

	// The site is on loopback, so it is fetched only once
	// SENDBOT_FETCH_ALLOW says so; a mistake there stops fetch at once.
	out, _, err := c.run("", "fetch")
	refused := "failed " + site.URL + `/transport : refused: "127.0.0.1" is a loopback address (127.0.0.1); set SENDBOT_FETCH_ALLOW to allow it (no copy yet)`
	if !errors.Is(err, errFetchFailed) || !strings.Contains(squash(out), refused) || asked.Load() != 0 {
		t.Errorf("without SENDBOT_FETCH_ALLOW: %v, %d requests, want %q in\n%s", err, asked.Load(), refused, out)
	}
	c.env["SENDBOT_FETCH_ALLOW"] = "10.20.0.0/16, intranet"
	want := `SENDBOT_FETCH_ALLOW: "intranet" is not an address range; write address ranges in CIDR form, comma-separated, such as 10.20.0.0/16 or 127.0.0.0/8`
	if out, _, err := c.run("", "fetch"); err == nil || err.Error() != want || out != "" {
		t.Errorf("a bad SENDBOT_FETCH_ALLOW: %v, want %q\n%s", err, want, out)
	}
	c.env["SENDBOT_FETCH_ALLOW"] = "127.0.0.0/8"

	out, logs, err := c.run("", "fetch")
	out = squash(out)
	if !errors.Is(err, errFetchFailed) {
		t.Errorf("a failed source should make fetch exit 1: %v\n%s\n%s", err, out, logs)
	}
	for _, want := range []string{
		"error sources.yaml (documents entry 3): url " + site.URL + "/no-area has no area",
		"fetched " + site.URL + "/transport → testshire/127-0-0-1-transport.txt (",
		"failed " + site.URL + "/gone : the server answered 404 Not Found (no copy yet)",
		"1 fetched, 0 not modified, 1 failed, 0 blocked by robots.txt",
		// The index ask built before is updated with the page, not left
		// to be rebuilt whole.
		"Index: updated with the fetched changes: 1 file read again (1 document), 0 files removed (",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("fetch output lacks %q:\n%s", want, out)
		}
	}

	out, logs, err = c.run("", "ask", "how far from school for free travel", "--area", "testshire")
	if err != nil || !strings.Contains(out, "Travel to school in Testshire") || !strings.Contains(out, site.URL+"/transport") ||
		!strings.Contains(out, "free travel to school") || strings.Contains(logs, "building the index") {
		t.Errorf("ask should quote the fetched page and cite its URL, from the index fetch updated: %v\n%s\n%s", err, out, logs)
	}
	out, _, err = c.run("", "check")
	if err != nil || !strings.Contains(out, "fetched/testshire/127-0-0-1-transport.txt") || !strings.Contains(out, "testshire/short-breaks.md") {
		t.Errorf("check should list the fetched document with the corpus's own: %v\n%s", err, out)
	}

	// The site breaks: the last good copy stays, and nothing on disk
	// changes, so the index is not rebuilt.
	broken.Store(true)
	out, _, _ = c.run("", "fetch")
	kept := regexp.MustCompile(`failed ` + regexp.QuoteMeta(site.URL) + `/transport : the server answered 503 Service Unavailable \(kept the copy from \d{4}-\d\d-\d\d\)`)
	if !kept.MatchString(squash(out)) {
		t.Errorf("fetch output lacks %s:\n%s", kept, out)
	}
	out, logs, err = c.run("", "ask", "how far from school for free travel")
	if err != nil || !strings.Contains(out, site.URL+"/transport") || strings.Contains(logs, "building the index") {
		t.Errorf("after a failed refetch ask should still cite the kept copy, without a rebuild: %v\n%s\n%s", err, out, logs)
	}
}

// squash collapses runs of spaces, so tests do not depend on column widths.
func squash(s string) string {
	return regexp.MustCompile(` +`).ReplaceAllString(s, " ")
}

// TestFetchCrawlsASiteThenAskCitesItsPage crawls a site entry with
// sendbot fetch, then asks a question only a page found by its links
// answers.
func TestFetchCrawlsASiteThenAskCitesItsPage(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/send":
			fmt.Fprint(w, `<html><head><title>Testshire Local Offer</title></head><body><main><h1>Local Offer</h1>
<p>The Testshire Local Offer lists support for children with SEND.</p><a href="/send/portage?utm_source=x">Portage</a></main></body></html>`)
		case "/send/portage":
			fmt.Fprint(w, `<html><head><title>Portage home visiting</title></head><body><main><h1>Portage home visiting</h1>
<p>Portage home visitors in Testshire support pre-school children with SEND and their families at home every fortnight.</p></main></body></html>`)
		default:
			http.NotFound(w, r) // robots.txt and sitemap.xml too
		}
	}))
	defer site.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "sources.yaml"), []byte("documents:\n  - site: "+site.URL+"/send\n    area: Testshire\n    kind: local-offer\n"), 0o644)
	c := newCLI(t)
	c.env["SENDBOT_CORPUS"] = dir
	c.env["SENDBOT_FETCH_ALLOW"] = "127.0.0.0/8"

	out, logs, err := c.run("", "fetch")
	if err != nil {
		t.Fatalf("fetch: %v\n%s\n%s", err, out, logs)
	}
	for _, want := range []string{
		"crawled site " + site.URL + "/send: 2 pages found, 2 fetched, 0 unchanged, 0 failed, 0 dropped → testshire/127-0-0-1-",
		"1 site: 2 pages found, 2 fetched, 0 unchanged, 0 failed, 0 dropped",
	} {
		if !strings.Contains(squash(out), want) {
			t.Errorf("fetch output lacks %q:\n%s", want, out)
		}
	}
	// Not a terminal: plain progress lines, no carriage returns.
	if !strings.Contains(logs, "1 of 1 sources done; "+site.URL+"/send: 2 pages found, 2 fetched") || strings.Contains(logs, "\r") {
		t.Errorf("progress on stderr:\n%q", logs)
	}
	out, _, err = c.run("", "ask", "portage home visits for pre-school children", "--area", "testshire")
	if err != nil || !strings.Contains(out, site.URL+"/send/portage") || !strings.Contains(out, "every fortnight") {
		t.Errorf("ask should quote the crawled page and cite its canonical address: %v\n%s", err, out)
	}
}
