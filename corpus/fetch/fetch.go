package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sendbot/sendbot/corpus"
)

// Fetcher downloads remote sources into a cache folder that corpus.Load
// can read. Every field but Dir is optional; the zero value of each means
// the default given. A Fetcher may be reused; only one Fetch at a time may
// use the same Dir.
type Fetcher struct {
	// Dir is the cache folder. It is created when missing. Required.
	Dir string
	// Allow lists address ranges Fetch may connect to although they are
	// not public internet addresses: a council intranet mirror, a test
	// site on loopback. nil allows none: whatever a source or a redirect
	// names, Fetch connects only to public addresses, and refuses
	// loopback, private (RFC 1918, fc00::/7), link-local, carrier-grade
	// NAT (100.64.0.0/10), unspecified, multicast, broadcast and reserved
	// ones, in IPv4 and in every IPv6 form that carries an IPv4 address.
	// sendbot sets it from SENDBOT_FETCH_ALLOW.
	Allow []netip.Prefix
	// Resolver looks up the sites' names; nil means net.DefaultResolver.
	// Every address it gives is checked as it is connected to, so a name
	// that resolves to a private address is refused like the address.
	Resolver *net.Resolver
	// Proxy chooses a proxy for each request, as http.Transport's Proxy
	// does; nil means http.ProxyFromEnvironment (HTTPS_PROXY, HTTP_PROXY,
	// NO_PROXY). The proxy is trusted; a site asked for through it is
	// checked by resolving its name here first, and is not fetched when
	// its name does not resolve here.
	Proxy func(*http.Request) (*url.URL, error)
	// UserAgent names sendbot to the sites it visits; "" means
	// UserAgent("dev"). Its first word is the product token that
	// robots.txt groups are matched against ("sendbot").
	UserAgent string
	// MinInterval is the least time between the end of one request to a
	// host and the start of the next within a Fetch, robots.txt and API
	// pages included; 0 means one second. A longer Crawl-delay in the
	// host's robots.txt wins (up to one minute). Each Fetch starts afresh
	// (sendbot fetch makes one per process).
	MinInterval time.Duration
	// MaxBytes is the largest document (or whole ORUK service list)
	// stored; bigger ones fail. 0 means corpus.MaxFileBytes, the largest
	// file corpus.Load reads.
	MaxBytes int64
	// Timeout bounds each request, reading the body included; 0 means 30
	// seconds. Fetch's context bounds the whole run.
	Timeout time.Duration
	// MaxRedirects is how many redirects one request may follow; 0 means 5.
	MaxRedirects int
	// MaxPages caps the pages read from one ORUK API; 0 means 200.
	MaxPages int
	// Logger gets a line per source (Info) and per request (Debug); nil
	// means no logging.
	Logger *slog.Logger
	// Progress, when set, is told how far Fetch has got after each url
	// entry and after each page of a site it crawls. It is called from
	// Fetch's goroutine and should return quickly.
	Progress func(Progress)
}

// Defaults for the zero values of Fetcher's fields.
const (
	DefaultMinInterval  = time.Second
	DefaultTimeout      = 30 * time.Second
	DefaultMaxRedirects = 5
	DefaultMaxPages     = 200
)

// UserAgent is the User-Agent header sendbot sends, for the given version.
func UserAgent(version string) string {
	return "sendbot/" + version + " (+https://github.com/sendbot/sendbot; SEND information bot)"
}

func (f Fetcher) withDefaults() Fetcher {
	if f.UserAgent == "" {
		f.UserAgent = UserAgent("dev")
	}
	if f.MinInterval <= 0 {
		f.MinInterval = DefaultMinInterval
	}
	if f.MaxBytes <= 0 {
		f.MaxBytes = corpus.MaxFileBytes
	}
	if f.Timeout <= 0 {
		f.Timeout = DefaultTimeout
	}
	if f.MaxRedirects <= 0 {
		f.MaxRedirects = DefaultMaxRedirects
	}
	if f.MaxPages <= 0 {
		f.MaxPages = DefaultMaxPages
	}
	if f.Logger == nil {
		f.Logger = slog.New(slog.DiscardHandler)
	}
	return f
}

// Outcome is what became of one source.
type Outcome string

const (
	// Fetched: a new copy was downloaded and stored.
	Fetched Outcome = "fetched"
	// NotModified: the server said the stored copy is still current.
	NotModified Outcome = "not modified"
	// Failed: no new copy; Reason says why. A previous copy is kept.
	Failed Outcome = "failed"
	// Blocked: the site's robots.txt forbids it. A previous copy is kept.
	Blocked Outcome = "blocked by robots.txt"
	// Dropped: a crawled page has gone from its site; its copy was removed.
	Dropped Outcome = "dropped"
	// Skipped: a crawl left the page alone (it redirects off the site).
	Skipped Outcome = "skipped"
)

// Result is what happened to one source.
type Result struct {
	URL string
	// FinalURL is where the copy came from, after redirects.
	FinalURL string
	Outcome  Outcome
	// Reason says why a source failed or was blocked, as a sentence for
	// the person running fetch; "" otherwise.
	Reason string
	// Note adds something worth knowing about a fetched source (an ORUK
	// API cut off at MaxPages); usually "".
	Note string
	// File is the stored copy, relative to Dir with slashes; "" when
	// there is none. After a failure it is the previous good copy.
	File string
	// Bytes is the stored copy's size.
	Bytes int64
	// Pages and Services count what an ORUK API gave; 0 for documents.
	Pages, Services int
	// KeptFrom is when the copy kept after a failure was fetched; the
	// zero time when there is no copy or nothing failed.
	KeptFrom time.Time
}

// Report lists what happened to each source, in the order given: url
// entries in Results, site entries in Sites.
type Report struct {
	Results []Result
	Sites   []SiteResult
	// Changes are the files of the cache the Fetch added, changed or
	// removed, for an index to update from.
	Changes Changes
}

// Count is how many results had the outcome.
func (r Report) Count(o Outcome) int {
	n := 0
	for _, res := range r.Results {
		if res.Outcome == o {
			n++
		}
	}
	return n
}

// Summary counts the outcomes, as sendbot fetch and /reindex tell them:
// "3 fetched, 1 not modified, 0 failed, 0 blocked by robots.txt", then,
// when sites were crawled, their pages: "; sites: 120 pages found, 4
// fetched, 113 unchanged, 1 failed, 2 dropped".
func (r Report) Summary() string {
	var sum string
	if len(r.Results) > 0 || len(r.Sites) == 0 {
		sum = fmt.Sprintf("%d fetched, %d not modified, %d failed, %d blocked by robots.txt",
			r.Count(Fetched), r.Count(NotModified), r.Count(Failed), r.Count(Blocked))
	}
	if len(r.Sites) == 0 {
		return sum
	}
	var t SiteResult
	for _, s := range r.Sites {
		t.Found, t.Fetched, t.Unchanged, t.Failed, t.Dropped = t.Found+s.Found, t.Fetched+s.Fetched, t.Unchanged+s.Unchanged, t.Failed+s.Failed, t.Dropped+s.Dropped
	}
	what := "sites"
	if len(r.Sites) == 1 {
		what = "site"
	}
	if sum != "" {
		sum += "; "
	}
	return sum + fmt.Sprintf("%d %s: %s", len(r.Sites), what, t.counts())
}

// counts is "120 pages found, 4 fetched, 113 unchanged, 1 failed, 2 dropped".
func (s SiteResult) counts() string {
	return fmt.Sprintf("%d pages found, %d fetched, %d unchanged, %d failed, %d dropped", s.Found, s.Fetched, s.Unchanged, s.Failed, s.Dropped)
}

// SitesFailed counts the sites that could not be crawled at all.
func (r Report) SitesFailed() int {
	n := 0
	for _, s := range r.Sites {
		if s.Reason != "" {
			n++
		}
	}
	return n
}

// WriteResults writes a line per source, as sendbot fetch shows them:
// the outcome, the URL, and where the copy is or why there is none; for
// a site, a line of counts, then a line per page that failed or was
// dropped.
func (r Report) WriteResults(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, res := range r.Results {
		fmt.Fprintln(tw, res.line())
	}
	tw.Flush()
	for _, s := range r.Sites {
		s.write(w)
	}
}

// write is a site's lines in sendbot fetch's output.
func (s SiteResult) write(w io.Writer) {
	if s.Reason != "" {
		fmt.Fprintf(w, "failed  site %s: %s (%d copies kept)\n", s.Site, s.Reason, s.Stored)
		return
	}
	fmt.Fprintf(w, "crawled site %s: %s → %s/ (%d stored)\n", s.Site, s.counts(), s.Folder, s.Stored)
	var extra []string
	if s.Duplicates > 0 {
		extra = append(extra, fmt.Sprintf("%d duplicates stored once", s.Duplicates))
	}
	if s.Blocked > 0 {
		extra = append(extra, fmt.Sprintf("%d blocked by robots.txt", s.Blocked))
	}
	if s.Skipped > 0 {
		extra = append(extra, fmt.Sprintf("%d skipped (links only, broken links, or nothing sendbot reads)", s.Skipped))
	}
	if s.Capped {
		extra = append(extra, fmt.Sprintf("stopped at max_pages (%d) with pages left", s.MaxPages))
	}
	if len(extra) > 0 {
		fmt.Fprintf(w, "        %s\n", strings.Join(extra, "; "))
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, res := range s.Failures {
		fmt.Fprintln(tw, "  "+res.line())
	}
	for _, res := range s.Gone {
		fmt.Fprintf(tw, "  %s\t%s\t: %s (removed %s)\n", res.Outcome, res.URL, res.Reason, res.File)
	}
	tw.Flush()
}

// line is one source's line: outcome, URL and where the copy is, or why not.
func (r Result) line() string {
	var detail string
	switch {
	case r.Outcome == Fetched || r.Outcome == NotModified:
		what := Size(r.Bytes)
		if r.Pages > 0 {
			what = fmt.Sprintf("%d pages, %d services, %s", r.Pages, r.Services, what)
		}
		detail = fmt.Sprintf("→ %s (%s)", r.File, what)
		if r.Note != "" {
			detail += "; " + r.Note
		}
	case r.File != "":
		detail = fmt.Sprintf(": %s (kept the copy from %s)", r.Reason, r.KeptFrom.Format("2006-01-02"))
	default:
		detail = fmt.Sprintf(": %s (no copy yet)", r.Reason)
	}
	return fmt.Sprintf("%s\t%s\t%s", r.Outcome, r.URL, detail)
}

// Fetch downloads each source into Dir, one request at a time, and
// rewrites Dir's sources.yaml to describe every stored copy. A source
// that fails keeps its previous copy untouched; copies of sources no
// longer listed are removed, so the cache holds exactly the listed
// sources. The error is non-nil only when Dir itself cannot be used.
func (f *Fetcher) Fetch(ctx context.Context, sources []corpus.Meta) (Report, error) {
	cfg := f.withDefaults()
	if cfg.Dir == "" {
		return Report{}, errors.New("fetch: no cache folder given")
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return Report{}, fmt.Errorf("create the fetch cache %s: %w", cfg.Dir, err)
	}
	st, err := readState(cfg.Dir)
	if err != nil {
		return Report{}, err
	}
	before, err := takeSnapshot(cfg.Dir)
	if err != nil {
		// Only the list of changes is lost: an index is then rebuilt whole.
		cfg.Logger.Warn("could not list the fetch cache's files before fetching", "dir", cfg.Dir, "err", err)
	}
	listed := map[string]bool{}
	sites := map[string]bool{}
	for _, m := range sources {
		if m.Site != "" {
			sites[m.Site] = true
			continue
		}
		listed[strings.TrimSpace(m.URL)] = true
	}
	for start, ss := range st.Sites {
		if sites[start] {
			continue
		}
		for _, p := range ss.Pages {
			if p.File != "" && fs.ValidPath(p.File) {
				os.Remove(filepath.Join(cfg.Dir, filepath.FromSlash(p.File)))
			}
		}
		os.Remove(filepath.Join(cfg.Dir, filepath.FromSlash(ss.Folder))) // only if empty
		delete(st.Sites, start)
		cfg.Logger.Info("removed the copies of a site no longer listed", "site", start, "folder", ss.Folder)
	}
	owner := map[string]string{} // stored file → URL
	for u, s := range st.Sources {
		if listed[u] {
			owner[s.File] = u
			continue
		}
		if fs.ValidPath(s.File) {
			os.Remove(filepath.Join(cfg.Dir, filepath.FromSlash(s.File)))
		}
		delete(st.Sources, u)
		cfg.Logger.Info("removed the copy of a source no longer listed", "url", u, "file", s.File)
	}

	s := newSession(cfg)
	defer s.client.CloseIdleConnections()
	var rep Report
	progress := cfg.Progress
	if progress == nil {
		progress = func(Progress) {}
	}
	for i, m := range sources {
		if m.Site != "" {
			res := s.crawlSite(ctx, m, st, func(r SiteResult) {
				progress(Progress{Source: m.Site, Done: i, Sources: len(sources),
					Found: r.Found, Fetched: r.Fetched, Unchanged: r.Unchanged, Failed: r.Failed, Dropped: r.Dropped})
			})
			rep.Sites = append(rep.Sites, res)
			cfg.Logger.Info("crawl", "site", res.Site, "found", res.Found, "fetched", res.Fetched, "unchanged", res.Unchanged,
				"failed", res.Failed, "dropped", res.Dropped, "duplicates", res.Duplicates, "reason", res.Reason)
			progress(Progress{Source: m.Site, Done: i + 1, Sources: len(sources),
				Found: res.Found, Fetched: res.Fetched, Unchanged: res.Unchanged, Failed: res.Failed, Dropped: res.Dropped})
			continue
		}
		res := s.fetchSource(ctx, m, st, owner)
		rep.Results = append(rep.Results, res)
		cfg.Logger.Info("fetch", "url", res.URL, "outcome", string(res.Outcome), "reason", res.Reason, "file", res.File, "bytes", res.Bytes)
		progress(Progress{Source: res.URL, Done: i + 1, Sources: len(sources)})
	}
	if err := writeState(cfg.Dir, st); err != nil {
		return rep, fmt.Errorf("save the fetch state in %s: %w", cfg.Dir, err)
	}
	if err := writeManifest(cfg.Dir, sources, st); err != nil {
		return rep, fmt.Errorf("write %s in %s: %w", corpus.ManifestName, cfg.Dir, err)
	}
	if before != nil {
		after, err := takeSnapshot(cfg.Dir)
		if err != nil {
			cfg.Logger.Warn("could not list the fetch cache's files after fetching", "dir", cfg.Dir, "err", err)
		} else {
			rep.Changes = changesSince(before, after)
		}
	}
	return rep, nil
}

// fetchSource fetches one source and stores it, or explains why not.
func (s *session) fetchSource(ctx context.Context, m corpus.Meta, st *state, owner map[string]string) Result {
	raw := strings.TrimSpace(m.URL)
	res := Result{URL: raw}
	prev := st.copyOf(s.cfg.Dir, raw)
	fail := func(f *failure) Result {
		res.Outcome, res.Reason = f.outcome, f.reason
		if prev != nil {
			res.File, res.Bytes, res.KeptFrom = prev.File, prev.Bytes, prev.Fetched
		}
		return res
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fail(failed("%q is not an http or https address", raw))
	case u.User != nil:
		return fail(failed("the address holds a user name or password; sendbot fetches public pages only"))
	case strings.TrimSpace(m.Area) == "":
		return fail(failed("the entry has no area"))
	}

	var (
		got *stored
		f   *failure
	)
	if strings.EqualFold(strings.TrimSpace(m.Format), "oruk") {
		got, f = s.fetchORUK(ctx, u)
	} else {
		got, f = s.fetchDocument(ctx, u, prev)
	}
	if f != nil {
		return fail(f)
	}
	if got.notModified {
		owner[prev.File] = raw
		res.Outcome, res.FinalURL, res.File, res.Bytes = NotModified, prev.FinalURL, prev.File, prev.Bytes
		return res
	}

	file := storedPath(m.Area, raw, got.ext)
	if o, taken := owner[file]; taken && o != raw {
		file = strings.TrimSuffix(file, got.ext) + "-" + shortHash(raw) + got.ext
	}
	if err := writeAtomic(filepath.Join(s.cfg.Dir, filepath.FromSlash(file)), got.data); err != nil {
		return fail(failed("could not save the copy: %v", err))
	}
	if prev != nil && prev.File != file {
		os.Remove(filepath.Join(s.cfg.Dir, filepath.FromSlash(prev.File)))
		delete(owner, prev.File)
	}
	owner[file] = raw
	st.Sources[raw] = &sourceState{
		File: file, FinalURL: got.finalURL, ETag: got.etag, LastModified: got.lastModified,
		Fetched: time.Now().UTC().Truncate(time.Second), Bytes: int64(len(got.data)),
	}
	res.Outcome, res.FinalURL, res.File, res.Bytes = Fetched, got.finalURL, file, int64(len(got.data))
	res.Pages, res.Services, res.Note = got.pages, got.services, got.note
	return res
}

// stored is a downloaded copy ready to store.
type stored struct {
	data               []byte
	ext                string
	finalURL           string
	etag, lastModified string
	notModified        bool
	pages, services    int
	note               string
}

// extensions maps the content types sendbot stores to file extensions
// corpus.Load knows.
var extensions = map[string]string{
	"text/html":             ".html",
	"application/xhtml+xml": ".html",
	"application/pdf":       ".pdf",
	"application/json":      ".json",
	"text/plain":            ".txt",
	"text/markdown":         ".md",
	"text/csv":              ".csv",
}

// fetchDocument fetches a web page or file, conditionally when there is a
// previous copy.
func (s *session) fetchDocument(ctx context.Context, u *url.URL, prev *sourceState) (*stored, *failure) {
	resp, f := s.get(ctx, u, request{
		accept:     "text/html, application/pdf, text/plain, text/markdown, text/csv, application/json;q=0.9, */*;q=0.1",
		validators: prev,
		maxBytes:   s.cfg.MaxBytes,
		robots:     true,
	})
	if f != nil {
		return nil, f
	}
	switch {
	case resp.status == http.StatusNotModified && prev != nil:
		return &stored{notModified: true}, nil
	case resp.status != http.StatusOK:
		return nil, failed("the server answered %s", statusText(resp.status))
	}
	ct := resp.header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	ext, ok := extensions[mt]
	switch {
	case ct == "":
		return nil, failed("wrong content type: the server did not say what kind of document it sent")
	case !ok:
		return nil, failed("wrong content type %s: sendbot stores web pages, PDF, JSON, CSV, Markdown and plain text", mt)
	case len(bytes.TrimSpace(resp.body)) == 0:
		return nil, failed("the server sent an empty document")
	}
	data := resp.body
	if ext == ".md" {
		data = dropFrontMatter(data)
	}
	return &stored{
		data: data, ext: ext, finalURL: resp.url.String(),
		etag: resp.header.Get("ETag"), lastModified: resp.header.Get("Last-Modified"),
	}, nil
}

// dropFrontMatter removes a leading "---" block from a fetched Markdown
// file. corpus.Load lets front matter override sources.yaml, and a remote
// page must not choose the title or source URL it is cited with.
func dropFrontMatter(data []byte) []byte {
	rest, ok := bytes.CutPrefix(bytes.TrimPrefix(data, []byte("\ufeff")), []byte("---"))
	if !ok {
		return data
	}
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 || len(bytes.TrimSpace(rest[:nl])) != 0 {
		return data
	}
	rest = rest[nl+1:]
	for len(rest) > 0 {
		line, after, _ := bytes.Cut(rest, []byte("\n"))
		if t := string(bytes.TrimRight(line, " \t\r")); t == "---" || t == "..." {
			return after
		}
		rest = after
	}
	return data // never closed: not front matter, and Load will say so
}
