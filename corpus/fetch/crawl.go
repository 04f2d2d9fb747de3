package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing/fstest"
	"time"

	"github.com/sendbot/sendbot/corpus"
)

// siteState is what the cache knows about one crawled site.
type siteState struct {
	// Folder holds the site's copies, relative to the cache folder.
	Folder string `json:"folder"`
	// Pages are the pages and documents found, by canonical address.
	Pages map[string]*pageState `json:"pages"`
}

// pageState is what the cache knows about one page of a site. A page
// with no File was read but not stored: a page of links only, or the
// same text as another page (DuplicateOf).
type pageState struct {
	sourceState
	Title string `json:"title,omitempty"`
	// Published is the page's date (YYYY-MM-DD), from its sitemap
	// lastmod, else its Last-Modified header.
	Published string `json:"published,omitempty"`
	// Lastmod is the sitemap's lastmod when the copy was fetched.
	Lastmod string `json:"lastmod,omitempty"`
	// Hash identifies the page's text (a document's bytes).
	Hash string `json:"hash,omitempty"`
	// Document marks a file linked from the site (a PDF…), whose title
	// names the page that links to it.
	Document    bool   `json:"document,omitempty"`
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// Links are the in-scope links of a page that has no stored copy to
	// read them from again.
	Links []string `json:"links,omitempty"`
}

// SiteResult is what crawling one site entry did.
type SiteResult struct {
	Site, Scope string
	// Folder holds the site's copies, relative to Dir.
	Folder string
	// Found counts the distinct pages and documents known within the
	// scope; the others count what became of those the crawl reached.
	Found, Fetched, Unchanged, Failed, Dropped int
	// Duplicates have the same text as a page already stored (or name
	// it as their canonical address); Blocked are off limits by
	// robots.txt; Skipped are pages with only links, answers sendbot does
	// not read, redirects out of scope and broken links.
	Duplicates, Blocked, Skipped int
	// Stored is how many copies the site has in the cache afterwards.
	Stored int
	// Capped is set when max_pages stopped the crawl with pages left.
	Capped   bool
	MaxPages int
	// Reason says why the site could not be crawled at all; "" otherwise.
	Reason string
	// Refused is set when that is because its address is not a public
	// one (see Fetcher.Allow).
	Refused bool
	// Failures are the pages that failed (their last copy is kept), and
	// Gone the addresses of the copies dropped, with why.
	Failures []Result
	Gone     []Result
}

// Progress is how far a Fetch has got, for a line on a terminal or a
// reply in Discord.
type Progress struct {
	// Source is the url entry or site being fetched; Done of Sources
	// are finished.
	Source        string
	Done, Sources int
	// The counts of the site being crawled (see SiteResult); zero for a
	// url entry.
	Found, Fetched, Unchanged, Failed, Dropped int
}

// crawl is one site's crawl within a session.
type crawl struct {
	s       *session
	m       corpus.Meta
	scope   string
	host    string // the scope's host, lower-cased, without a default port
	ss      *siteState
	res     *SiteResult
	queue   []target
	known   map[string]bool   // canonical addresses queued or read
	seen    map[string]bool   // canonical addresses read this run
	byHash  map[string]string // text hash → the canonical address stored with it
	files   map[string]string // stored file → canonical address
	report  func()
	lastmod map[string]time.Time
}

// target is a page or document waiting in the crawl's queue.
type target struct {
	url     *url.URL // as asked for
	key     string   // canonical address
	from    string   // the name of the page that links to it
	text    string   // the link's text
	lastmod time.Time
}

// documentExts are the file types a crawl fetches as documents when a
// page links to them; other files (images, Word, archives) are not read.
var documentExts = map[string]bool{".pdf": true, ".md": true, ".txt": true, ".json": true, ".csv": true}

// skipExts are links a crawl does not follow: files sendbot cannot read.
var skipExts = map[string]bool{
	".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".svg": true, ".webp": true, ".ico": true,
	".doc": true, ".docx": true, ".xls": true, ".xlsx": true, ".ppt": true, ".pptx": true, ".odt": true, ".rtf": true,
	".zip": true, ".gz": true, ".mp3": true, ".mp4": true, ".avi": true, ".mov": true, ".css": true, ".js": true,
	".xml": true, ".ics": true, ".vcf": true, ".exe": true, ".dmg": true,
}

// crawlSite crawls a site entry: the pages its sitemaps list and those
// reached by following links breadth first, within its scope and up to
// its max_pages, storing each in the site's folder.
func (s *session) crawlSite(ctx context.Context, m corpus.Meta, st *state, progress func(SiteResult)) SiteResult {
	res := SiteResult{Site: m.Site, Scope: m.Scope, MaxPages: m.PageLimit()}
	sc, err := url.Parse(m.Scope)
	start, err2 := url.Parse(m.Site)
	if err != nil || err2 != nil || canonicalURL(start) == nil {
		res.Reason = "the site's address or scope is not a web address"
		return res
	}
	ss := st.Sites[m.Site]
	if ss == nil {
		ss = &siteState{Pages: map[string]*pageState{}}
		st.Sites[m.Site] = ss
	}
	folder := slug(m.Area)
	if folder == "" {
		folder = "no-area"
	}
	site := slug(strings.TrimPrefix(canonicalURL(sc).Host, "www.") + "/" + sc.Path)
	if len(site) > maxSlug {
		site = strings.TrimRight(site[:maxSlug], "-") + "-" + shortHash(m.Scope)
	}
	if want := folder + "/" + site; ss.Folder != want {
		// The area changed: the copies move with the next fetch of each.
		ss.Folder = want
	}
	res.Folder = ss.Folder
	c := &crawl{
		s: s, m: m, scope: m.Scope, host: canonicalURL(sc).Host, ss: ss, res: &res,
		known: map[string]bool{}, seen: map[string]bool{}, byHash: map[string]string{},
		files: map[string]string{}, lastmod: map[string]time.Time{},
		report: func() { progress(res) },
	}
	for key, p := range ss.Pages {
		if p.File != "" {
			c.files[p.File] = key
		}
	}

	if f := s.checkRobots(ctx, start); f != nil {
		res.Reason, res.Refused = f.reason, f.refused
		c.finish(false)
		return res
	}
	c.enqueue(target{url: withoutTracking(start), key: canonicalURL(start).String()})
	c.readSitemaps(ctx, start)
	c.run(ctx)
	complete := ctx.Err() == nil && !res.Capped
	c.finish(complete)
	s.learnSiteTemplate(res)
	return res
}

// learnSiteTemplate learns a crawled site's own template from its stored
// pages (the navigation, footers, banners and labels that repeat on
// them) and saves it in the site's folder, where corpus's reader drops
// it from every page. A crawl that fetched and dropped nothing leaves it
// as it was. When it cannot, the pages are read without it, as
// any saved page is, and the log says why.
func (s *session) learnSiteTemplate(res SiteResult) {
	if res.Folder == "" {
		return
	}
	dir := filepath.Join(s.cfg.Dir, filepath.FromSlash(res.Folder))
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return // nothing stored
	}
	if _, err := os.Stat(filepath.Join(dir, corpus.SiteTemplateFile)); err == nil && res.Fetched == 0 && res.Dropped == 0 {
		return // the same pages teach the same template: no need to read them all again
	}
	t, err := corpus.LearnSiteTemplate(os.DirFS(s.cfg.Dir), res.Folder)
	if err == nil {
		err = t.WriteFile(dir)
	}
	if err != nil {
		s.log.Warn("could not learn the site's template; its pages are read without it", "site", res.Site, "err", err)
	}
}

// inScope reports whether u is a page of the site.
func (c *crawl) inScope(u *url.URL) bool { return corpus.InScope(c.scope, u) }

// wanted says whether the crawl reads u, linked from a page of the site:
// pages within the scope, and documents (PDF…) within it or elsewhere on
// its host; never files sendbot cannot read, nor other sites.
func (c *crawl) wanted(u *url.URL) bool {
	ext := strings.ToLower(path.Ext(u.Path))
	switch {
	case skipExts[ext]:
		return false
	case c.inScope(u):
		return true
	}
	cu := canonicalURL(u)
	return documentExts[ext] && cu != nil && cu.Host == c.host
}

// enqueue adds t to the queue unless its address is already known.
func (c *crawl) enqueue(t target) {
	if c.known[t.key] {
		if lm, ok := c.lastmod[t.key]; !ok || t.lastmod.After(lm) {
			c.lastmod[t.key] = t.lastmod
		}
		return
	}
	c.known[t.key] = true
	c.res.Found++
	if !t.lastmod.IsZero() {
		c.lastmod[t.key] = t.lastmod
	}
	c.queue = append(c.queue, t)
}

// readSitemaps queues the pages of the site's sitemaps: those robots.txt
// names on the site's host, and /sitemap.xml, with the sitemaps their
// indexes list. A site without sitemaps is crawled by its links alone.
func (c *crawl) readSitemaps(ctx context.Context, start *url.URL) {
	site := start.Scheme + "://" + strings.ToLower(start.Host)
	type pending struct {
		url   string
		depth int
	}
	var todo []pending
	for _, sm := range c.s.robots[site].sitemaps {
		todo = append(todo, pending{sm, 0})
	}
	todo = append(todo, pending{site + "/sitemap.xml", 0})
	done := map[string]bool{}
	for len(todo) > 0 && len(done) < maxSitemaps && ctx.Err() == nil {
		p := todo[0]
		todo = todo[1:]
		u, err := url.Parse(p.url)
		cu := canonicalURL(u)
		if err != nil || cu == nil || cu.Host != c.host || done[cu.String()] || p.depth > maxSitemapDepth {
			continue
		}
		done[cu.String()] = true
		resp, f := c.s.get(ctx, u, request{accept: "application/xml, text/xml;q=0.9, */*;q=0.1", maxBytes: c.s.cfg.MaxBytes, robots: true})
		if f != nil || resp.status != http.StatusOK {
			continue // a missing or broken sitemap leaves the links to find the pages
		}
		pages, nested, ok := parseSitemap(resp.body, c.s.cfg.MaxBytes)
		if !ok {
			continue
		}
		for _, n := range nested {
			todo = append(todo, pending{strings.TrimSpace(n.Loc), p.depth + 1})
		}
		for _, e := range pages {
			u, err := url.Parse(strings.TrimSpace(e.Loc))
			if err != nil {
				continue
			}
			cu := canonicalURL(u)
			if cu == nil || !c.inScope(cu) || skipExts[strings.ToLower(path.Ext(cu.Path))] {
				continue
			}
			c.enqueue(target{url: withoutTracking(u), key: cu.String(), lastmod: parseLastmod(e.Lastmod)})
		}
	}
}

// run reads the queue breadth first until it is empty or max_pages
// pages have been read.
func (c *crawl) run(ctx context.Context) {
	taken := 0
	for len(c.queue) > 0 && ctx.Err() == nil {
		if taken == c.res.MaxPages {
			c.res.Capped = true
			c.s.log.Warn("site has more pages than its max_pages", "site", c.m.Site, "max_pages", c.res.MaxPages, "left", len(c.queue))
			return
		}
		t := c.queue[0]
		c.queue[0] = target{}
		c.queue = c.queue[1:]
		if c.seen[t.key] {
			continue // read already, under the canonical address another page named
		}
		taken++
		c.visit(ctx, t)
		c.report()
	}
}

// visit reads one page or document.
func (c *crawl) visit(ctx context.Context, t target) {
	c.seen[t.key] = true
	prev := c.ss.Pages[t.key]
	lastmod := c.lastmod[t.key]
	if prev != nil && !lastmod.IsZero() && c.hasCopy(prev) && !lastmod.After(prev.since()) {
		c.unchanged(t.key, prev)
		return
	}
	var validators *sourceState
	if prev != nil {
		validators = &prev.sourceState
	}
	resp, f := c.s.get(ctx, t.url, request{
		accept:     "text/html, application/pdf, text/plain, text/markdown, text/csv, application/json;q=0.9, */*;q=0.1",
		validators: validators,
		maxBytes:   c.s.cfg.MaxBytes,
		robots:     true,
		follow: func(next *url.URL) *failure {
			if c.wanted(next) {
				return nil
			}
			return &failure{outcome: Skipped, reason: "redirected outside the site's scope, to " + next.String()}
		},
	})
	switch {
	case f != nil && f.outcome == Blocked:
		c.res.Blocked++
		c.linksFromCopy(t.key, prev)
		return
	case f != nil && f.outcome == Skipped:
		c.res.Skipped++
		return
	case f != nil:
		c.failed(t, prev, f.reason)
		return
	case resp.status == http.StatusNotModified && prev != nil:
		c.unchanged(t.key, prev)
		return
	case resp.status == http.StatusNotFound || resp.status == http.StatusGone:
		if prev != nil {
			c.drop(t.key, "the site answered "+statusText(resp.status))
		} else {
			c.res.Skipped++ // a broken link on the site
		}
		return
	case resp.status != http.StatusOK:
		c.failed(t, prev, "the server answered "+statusText(resp.status))
		return
	}
	mt, _, _ := mime.ParseMediaType(resp.header.Get("Content-Type"))
	ext, ok := extensions[mt]
	if !ok || len(strings.TrimSpace(string(resp.body))) == 0 {
		c.res.Skipped++
		return
	}
	key := t.key
	if fu := canonicalURL(resp.url); fu != nil && fu.String() != key {
		// Redirected: the page is known by where it ended up.
		if c.seen[fu.String()] {
			c.res.Duplicates++
			c.forget(t.key)
			return
		}
		c.forget(t.key)
		key = fu.String()
		c.seen[key], c.known[key] = true, true
	}
	page := &pageState{sourceState: sourceState{
		FinalURL: resp.url.String(), ETag: resp.header.Get("ETag"), LastModified: resp.header.Get("Last-Modified"),
		Fetched: time.Now().UTC().Truncate(time.Second), Bytes: int64(len(resp.body)),
	}}
	if lm := c.lastmod[t.key]; !lm.IsZero() {
		page.Lastmod = lm.Format(time.RFC3339)
		page.Published = lm.Format("2006-01-02")
	} else if lm, err := http.ParseTime(page.LastModified); err == nil {
		page.Published = lm.UTC().Format("2006-01-02")
	}
	data := resp.body
	var text string
	if ext == ".html" {
		pl := readLinks(data, resp.url)
		if cu := canonicalURL(pl.canonical); cu != nil && cu.Host == canonicalURL(resp.url).Host && cu.String() != key {
			if c.seen[cu.String()] {
				c.res.Duplicates++
				c.forget(t.key)
				c.forget(key)
				c.follow(pl)
				return
			}
			c.forget(t.key)
			key = cu.String()
			c.seen[key], c.known[key] = true, true
		}
		c.follow(pl)
		page.Title, text = readText("page.html", data)
		if page.Title == "" {
			page.Title = pl.name()
		}
		if text == "" {
			// Only links, or nothing sendbot can read: nothing to store,
			// but its links are kept for the next run.
			c.res.Skipped++
			page.Links = c.ownLinks(pl)
			c.replace(key, page)
			return
		}
	} else {
		if ext == ".md" {
			data = dropFrontMatter(data)
		}
		page.Document = true
		own, read := readText("document"+ext, data)
		text = read
		if text == "" {
			text = string(data) // scanned or unreadable: duplicates by their bytes
		}
		page.Title = documentTitle(resp.url, own, t.text, t.from)
	}
	sum := sha256.Sum256([]byte(text))
	page.Hash = hex.EncodeToString(sum[:12])
	if owner, dup := c.byHash[page.Hash]; dup && owner != key {
		c.res.Duplicates++
		page.DuplicateOf = owner
		if ext == ".html" {
			page.Links = c.ownLinks(readLinks(data, resp.url))
		}
		c.replace(key, page)
		return
	}
	c.byHash[page.Hash] = key
	old := c.ss.Pages[key]
	if old != nil && old.Hash == page.Hash && c.hasCopy(old) && old.File != "" {
		// Sent again, but the same text: the copy stays as it is.
		page.File, page.Published, page.Title = old.File, orDefault(old.Published, page.Published), orDefault(page.Title, old.Title)
		c.ss.Pages[key] = page
		c.res.Unchanged++
		return
	}
	file := c.fileFor(key, ext)
	if err := writeAtomic(filepath.Join(c.s.cfg.Dir, filepath.FromSlash(file)), data); err != nil {
		c.failed(t, prev, fmt.Sprintf("could not save the copy: %v", err))
		return
	}
	page.File = file
	c.replace(key, page)
	c.files[file] = key
	c.res.Fetched++
}

// follow queues the links of a page that the crawl reads.
func (c *crawl) follow(pl pageLinks) {
	from := pl.name()
	for _, l := range pl.links {
		cu := canonicalURL(l.url)
		if cu == nil || !c.wanted(cu) {
			continue
		}
		c.enqueue(target{url: withoutTracking(l.url), key: cu.String(), from: from, text: l.text})
	}
}

// ownLinks are the addresses a page links to that the crawl reads, kept
// for a page with no stored copy to read them from again.
func (c *crawl) ownLinks(pl pageLinks) []string {
	var out []string
	for _, l := range pl.links {
		if cu := canonicalURL(l.url); cu != nil && c.wanted(cu) {
			out = append(out, withoutTracking(l.url).String())
		}
	}
	return out
}

// linksFromCopy queues the links of a page not read this run (unchanged,
// failed, blocked), from its stored copy or its remembered links, so
// that the pages below it are still reached.
func (c *crawl) linksFromCopy(key string, p *pageState) {
	if p == nil {
		return
	}
	if p.DuplicateOf != "" || p.File == "" {
		for _, raw := range p.Links {
			if u, err := url.Parse(raw); err == nil {
				if cu := canonicalURL(u); cu != nil {
					c.enqueue(target{url: u, key: cu.String(), from: p.Title})
				}
			}
		}
		return
	}
	if !strings.HasSuffix(p.File, ".html") {
		return
	}
	data, err := os.ReadFile(filepath.Join(c.s.cfg.Dir, filepath.FromSlash(p.File)))
	base, err2 := url.Parse(orDefault(p.FinalURL, key))
	if err != nil || err2 != nil {
		return
	}
	c.follow(readLinks(data, base))
}

// hasCopy reports whether p's stored copy (or, for a page not stored,
// what was learnt of it) is still there to fall back on.
func (c *crawl) hasCopy(p *pageState) bool {
	if p.File == "" {
		return p.Hash != "" || len(p.Links) > 0 || p.DuplicateOf != ""
	}
	info, err := os.Stat(filepath.Join(c.s.cfg.Dir, filepath.FromSlash(p.File)))
	return err == nil && info.Mode().IsRegular()
}

// since is when p's copy was current: its sitemap lastmod, else when it
// was fetched.
func (p *pageState) since() time.Time {
	if t := parseLastmod(p.Lastmod); !t.IsZero() {
		return t
	}
	return p.Fetched
}

func (c *crawl) unchanged(key string, p *pageState) {
	c.res.Unchanged++
	if p.Hash != "" && p.DuplicateOf == "" && p.File != "" {
		if _, taken := c.byHash[p.Hash]; !taken {
			c.byHash[p.Hash] = key
		}
	}
	c.linksFromCopy(key, p)
}

func (c *crawl) failed(t target, prev *pageState, reason string) {
	c.res.Failed++
	r := Result{URL: t.url.String(), Outcome: Failed, Reason: reason}
	if prev != nil && prev.File != "" && c.hasCopy(prev) {
		r.File, r.Bytes, r.KeptFrom = prev.File, prev.Bytes, prev.Fetched
	}
	c.res.Failures = append(c.res.Failures, r)
	c.linksFromCopy(t.key, prev)
}

// drop removes a page's copy and its entry.
func (c *crawl) drop(key, why string) {
	p := c.ss.Pages[key]
	if p == nil {
		return
	}
	if p.File != "" {
		c.res.Dropped++
		c.res.Gone = append(c.res.Gone, Result{URL: key, Outcome: Dropped, Reason: why, File: p.File})
	}
	c.forget(key)
}

// forget removes what the cache holds for an address: its copy, if any,
// and its entry.
func (c *crawl) forget(key string) {
	p := c.ss.Pages[key]
	if p == nil {
		return
	}
	if p.File != "" && fs.ValidPath(p.File) {
		os.Remove(filepath.Join(c.s.cfg.Dir, filepath.FromSlash(p.File)))
		delete(c.files, p.File)
	}
	delete(c.ss.Pages, key)
}

// replace records page as key's, removing the copy it had before if the
// new one lives elsewhere or there is none.
func (c *crawl) replace(key string, page *pageState) {
	if old := c.ss.Pages[key]; old != nil && old.File != "" && old.File != page.File {
		os.Remove(filepath.Join(c.s.cfg.Dir, filepath.FromSlash(old.File)))
		delete(c.files, old.File)
	}
	c.ss.Pages[key] = page
}

// fileFor is where a page's copy is stored: the site's folder and a name
// made from the address's path, as storedPath makes them.
func (c *crawl) fileFor(key, ext string) string {
	if p := c.ss.Pages[key]; p != nil && strings.HasSuffix(p.File, ext) && c.files[p.File] == key {
		return p.File
	}
	u, _ := url.Parse(key)
	p := u.Path
	if e := path.Ext(p); e != "" && len(e) <= 6 {
		p = strings.TrimSuffix(p, e)
	}
	name := slug(p)
	if name == "" {
		name = "index"
	}
	if u.RawQuery != "" || len(name) > maxSlug {
		if len(name) > maxSlug {
			name = strings.TrimRight(name[:maxSlug], "-")
		}
		name += "-" + shortHash(key)
	}
	file := c.ss.Folder + "/" + name + ext
	if owner, taken := c.files[file]; taken && owner != key {
		file = c.ss.Folder + "/" + name + "-" + shortHash(key) + ext
	}
	return file
}

// finish counts what the site holds, and drops the copies of pages the
// crawl no longer finds, when it read the whole site: a page neither
// linked nor in a sitemap has gone from the site.
func (c *crawl) finish(complete bool) {
	if complete {
		for key := range c.ss.Pages {
			if !c.seen[key] {
				c.drop(key, "no longer linked from the site or listed in its sitemaps")
			}
		}
	}
	for _, p := range c.ss.Pages {
		if p.File != "" {
			c.res.Stored++
		}
	}
}

// readText is what corpus reads from a fetched page or document, named
// name: its title ("" when it gives none of its own) and its text as one
// string, "" when it finds none (a page of links, a page built by
// JavaScript, a scanned PDF). Pages with the same text are the same page
// to a parent.
func readText(name string, data []byte) (title, text string) {
	c, err := corpus.Load(fstest.MapFS{name: {Data: data}})
	if err != nil || len(c.Documents) == 0 {
		return "", ""
	}
	var b strings.Builder
	for _, d := range c.Documents {
		for _, p := range d.Passages {
			b.WriteString(p.Section)
			b.WriteByte('\n')
			b.WriteString(p.Text)
			b.WriteByte('\n')
		}
	}
	title = c.Documents[0].Title
	if strings.EqualFold(title, strings.TrimSuffix(name, path.Ext(name))) {
		title = ""
	}
	return title, b.String()
}

// documentTitle names a document linked from a site for a parent: its
// own title, else the link's text, else the file's name; then the page
// that links to it: "Short breaks statement 2024 (from: Short breaks)".
func documentTitle(u *url.URL, own, linkText, from string) string {
	name := own
	if name == "" {
		name = pdfNote.ReplaceAllString(linkText, "")
	}
	if isVagueLinkText(name) {
		name = fileTitle(u)
	}
	if from != "" && !strings.EqualFold(from, name) {
		return name + " (from: " + from + ")"
	}
	return name
}

// pdfNote is the "(PDF, 120 KB)" a link's text often ends with.
var pdfNote = regexp.MustCompile(`(?i)\s*[(\[]\s*(pdf|csv|txt|[0-9.]+\s*[km]b)\b[^)\]]*[)\]]\s*$`)

// isVagueLinkText reports whether a link's text says nothing of what it
// links to ("click here", "download", "PDF").
func isVagueLinkText(s string) bool {
	switch strings.ToLower(strings.Trim(s, " .:()[]")) {
	case "", "here", "click here", "download", "download here", "download pdf", "pdf", "link", "this link", "read more", "more", "view", "open":
		return true
	}
	return false
}

// fileTitle is a file's name as words: "short-breaks_statement-2024.pdf"
// is "short breaks statement 2024".
func fileTitle(u *url.URL) string {
	name := path.Base(u.Path)
	name = strings.TrimSuffix(name, path.Ext(name))
	name = strings.NewReplacer("-", " ", "_", " ", "+", " ").Replace(name)
	if name = squashSpace(name); name == "" || name == "." || name == "/" {
		return u.Host
	}
	return name
}
