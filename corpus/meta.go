package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Meta is the metadata a document carries in its front matter, or that
// sources.yaml gives for it. Every field is optional.
type Meta struct {
	Path      string `yaml:"path"`
	Title     string `yaml:"title"`
	SourceURL string `yaml:"source_url"`
	Publisher string `yaml:"publisher"`
	Published string `yaml:"published"`
	// Modified is the date a site says a page last changed (its sitemap's
	// lastmod, its Last-Modified header), as sendbot fetch records it: the
	// document's date when nothing better dates it. A published date, or
	// an inspection report's own text, wins over it.
	Modified string `yaml:"modified"`
	Area     string `yaml:"area"`
	Kind     string `yaml:"kind"`
	Licence  string `yaml:"licence"`
	// URL is a remote source for `sendbot fetch` to download; Format says
	// what it serves when that is not plain from the response ("oruk" for
	// an Open Referral UK API base).
	URL    string `yaml:"url"`
	Format string `yaml:"format"`
	// Site is the start address of a whole site (a council's Local Offer)
	// for `sendbot fetch` to crawl: its pages, and the documents they link
	// to, are found from its sitemaps and links. Scope is the address
	// prefix the crawl stays within; RemoteSources fills it in with the
	// start address's folder when it is left out. MaxPages caps the pages
	// read, as written in sources.yaml; RemoteSources leaves it a whole
	// number, DefaultMaxPages when left out (see PageLimit).
	Site     string `yaml:"site"`
	Scope    string `yaml:"scope"`
	MaxPages string `yaml:"max_pages"`
	// Override, in a sources.yaml entry only, makes the entry's title,
	// source_url, area and kind win over the file's own (front matter, a
	// PDF's or a web page's title), as for a document a moderator added
	// and described; the other fields still only fill gaps. In a file of
	// many entries (a service directory) only area wins: each service
	// keeps its own name, link and kind.
	Override bool `yaml:"override"`
}

// fill copies into m every field that m leaves empty and other sets.
func (m *Meta) fill(other Meta) {
	for _, f := range []struct{ dst, src *string }{
		{&m.Title, &other.Title}, {&m.SourceURL, &other.SourceURL},
		{&m.Publisher, &other.Publisher}, {&m.Published, &other.Published}, {&m.Modified, &other.Modified},
		{&m.Area, &other.Area}, {&m.Kind, &other.Kind}, {&m.Licence, &other.Licence},
	} {
		if strings.TrimSpace(*f.dst) == "" {
			*f.dst = *f.src
		}
	}
}

// merged is the metadata of an entry whose own is m, given listed from
// sources.yaml: m's fields first, except those listed overrides.
func (m Meta) merged(listed Meta, manyEntries bool) Meta {
	if listed.Override {
		over := []struct{ dst, src *string }{{&m.Area, &listed.Area}}
		if !manyEntries {
			over = append(over, []struct{ dst, src *string }{{&m.Title, &listed.Title}, {&m.SourceURL, &listed.SourceURL}, {&m.Kind, &listed.Kind}}...)
		}
		for _, f := range over {
			if strings.TrimSpace(*f.src) != "" {
				*f.dst = *f.src
			}
		}
	}
	m.fill(listed)
	return m
}

// ManifestName is the optional metadata file at the root of a corpus.
const ManifestName = "sources.yaml"

type manifestFile struct {
	Documents []Meta `yaml:"documents"`
}

// readManifestFile parses sources.yaml. A corpus without one has no entries.
func readManifestFile(fsys fs.FS) (manifestFile, *Problem) {
	var mf manifestFile
	data, err := fs.ReadFile(fsys, ManifestName)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return mf, nil
		}
		return mf, &Problem{Path: ManifestName, Reason: "cannot read: " + err.Error(), Err: err}
	}
	if err := yaml.Unmarshal(data, &mf); err != nil {
		return mf, &Problem{Path: ManifestName, Reason: "not valid YAML: " + err.Error(), Err: err}
	}
	return mf, nil
}

// manifestEntry names an entry of sources.yaml in a Problem.
func manifestEntry(i int) string {
	return fmt.Sprintf("%s (documents entry %d)", ManifestName, i+1)
}

// isRemote reports whether a sources.yaml entry is a remote source for
// `sendbot fetch` rather than metadata for a file in the corpus.
func (m Meta) isRemote() bool {
	return strings.TrimSpace(m.Path) == "" && (strings.TrimSpace(m.URL) != "" || strings.TrimSpace(m.Site) != "")
}

// DefaultMaxPages is how many pages a site entry's crawl reads when its
// max_pages is left out; MaxSitePages is the most it may ask for.
const (
	DefaultMaxPages = 2000
	MaxSitePages    = 100_000
)

// PageLimit is a site entry's max_pages as a number: DefaultMaxPages
// when it is left out or not a positive whole number (RemoteSources
// reports those).
func (m Meta) PageLimit() int {
	n, err := strconv.Atoi(strings.TrimSpace(m.MaxPages))
	if err != nil || n <= 0 {
		return DefaultMaxPages
	}
	return min(n, MaxSitePages)
}

// readManifest reads sources.yaml, if there is one, and returns the metadata
// it gives per file path. Entries it cannot use are returned as problems;
// the rest still apply. Remote sources (url without path) are left to
// RemoteSources: Load reads what `sendbot fetch` stored, not the web.
func readManifest(fsys fs.FS) (map[string]Meta, []Problem) {
	mf, prob := readManifestFile(fsys)
	if prob != nil {
		return nil, []Problem{*prob}
	}
	entries := make(map[string]Meta, len(mf.Documents))
	var problems []Problem
	for i, m := range mf.Documents {
		where := manifestEntry(i)
		switch {
		case m.isRemote():
			continue
		case m.Path == "":
			problems = append(problems, Problem{Path: where, Reason: "entry has no path", Err: errBadMeta})
			continue
		}
		p, ok := cleanCorpusPath(m.Path)
		if !ok {
			problems = append(problems, Problem{Path: where, Reason: fmt.Sprintf("path %q is outside the corpus folder", m.Path), Err: errBadMeta})
			continue
		}
		if _, dup := entries[p]; dup {
			problems = append(problems, Problem{Path: where, Reason: fmt.Sprintf("path %q is listed twice; the first entry is used", m.Path), Err: errBadMeta})
			continue
		}
		if _, err := fs.Stat(fsys, p); err != nil {
			problems = append(problems, Problem{Path: where, Reason: fmt.Sprintf("path %q: no such file in the corpus", m.Path), Err: errBadMeta})
			continue
		}
		m.Path = p
		entries[p] = m
	}
	return entries, problems
}

// RemoteSources lists the remote sources in fsys's sources.yaml: entries
// with a url and no path, for `sendbot fetch` to download, and entries
// with a site and no path, for it to crawl. Each needs an absolute http
// or https address without a user name or password in it, and an area
// (so parents can filter by it); format is empty or "oruk" (an Open
// Referral UK API base). A site's scope, when given, must hold its start
// address, and its max_pages must be a positive whole number. Entries
// that break these rules, and second entries for an address or scope
// already listed, are returned as problems and left out.
func RemoteSources(fsys fs.FS) ([]Meta, []Problem) {
	mf, prob := readManifestFile(fsys)
	if prob != nil {
		return nil, []Problem{*prob}
	}
	var (
		sources  []Meta
		problems []Problem
		seen     = map[string]bool{}
		scopes   = map[string]int{} // a site's scope → its entry number
	)
	for i, m := range mf.Documents {
		if !m.isRemote() {
			continue
		}
		bad := func(reason string) {
			problems = append(problems, Problem{Path: manifestEntry(i), Reason: reason, Err: errBadMeta})
		}
		if strings.TrimSpace(m.Site) != "" {
			if p := checkSite(&m); p != nil {
				bad(p.Reason)
				continue
			}
			if seen["site "+m.Site] {
				bad(fmt.Sprintf("site %s is listed twice; the first entry is used", m.Site))
				continue
			}
			if first, dup := scopes[m.Scope]; dup {
				bad(fmt.Sprintf("site %s crawls %s, as entry %d already does; the first entry is used", m.Site, m.Scope, first+1))
				continue
			}
			scopes[m.Scope] = i
			seen["site "+m.Site] = true
			sources = append(sources, m)
			continue
		}
		u, reason := checkSourceURL(m.URL)
		m.Format = strings.ToLower(strings.TrimSpace(m.Format))
		switch {
		case reason != "":
			bad(reason)
		case m.Format != "" && m.Format != "oruk":
			bad(fmt.Sprintf("url %s: format %q is not one sendbot fetches; use format: oruk for an Open Referral UK API, or leave format out", u, m.Format))
		case strings.TrimSpace(m.Area) == "":
			bad(fmt.Sprintf("url %s has no area; add area: (e.g. area: Herefordshire) so parents can find it", u))
		case seen[u]:
			bad(fmt.Sprintf("url %s is listed twice; the first entry is used", u))
		default:
			seen[u] = true
			m.URL = u
			sources = append(sources, m)
		}
	}
	return sources, problems
}

// SiteProblem is why a site entry will not be crawled: Field names the
// entry's field at fault ("site", "url", "format", "area", "max_pages"
// or "scope"), and Reason says what to fix, for sources.yaml's author.
type SiteProblem struct {
	Field, Reason string
}

func (p *SiteProblem) Error() string { return p.Reason }

// CheckSite checks a site entry as RemoteSources does, and returns it
// cleaned: its start address tidied, its scope filled in (SiteFolder of
// the start address) or tidied, and its max_pages a whole number. An
// entry RemoteSources would leave out is refused with a *SiteProblem.
// It does not look for other entries listing the same site.
func CheckSite(m Meta) (Meta, error) {
	if p := checkSite(&m); p != nil {
		return Meta{}, p
	}
	return m, nil
}

// checkSite cleans a site entry (its start address, scope and max_pages)
// in place, or says what to fix.
func checkSite(m *Meta) *SiteProblem {
	bad := func(field, format string, args ...any) *SiteProblem {
		return &SiteProblem{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	start, reason := checkSourceURL(m.Site)
	if reason != "" {
		return bad("site", "%s", "site"+strings.TrimPrefix(reason, "url"))
	}
	m.Site = start
	switch {
	case strings.TrimSpace(m.URL) != "":
		return bad("url", "site %s also has a url; an entry is either one page (url:) or a whole site (site:), so split it in two", start)
	case strings.TrimSpace(m.Format) != "":
		return bad("format", "site %s: format %q does not apply to a site; list an Open Referral UK API as its own url entry with format: oruk", start, m.Format)
	case strings.TrimSpace(m.Area) == "":
		return bad("area", "site %s has no area; add area: (e.g. area: Herefordshire) so parents can find its pages", start)
	}
	if raw := strings.TrimSpace(m.MaxPages); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n <= 0 || n > MaxSitePages {
			return bad("max_pages", "site %s: max_pages %q is not a whole number from 1 to %d; leave it out for %d", start, raw, MaxSitePages, DefaultMaxPages)
		}
		m.MaxPages = strconv.Itoa(n)
	} else {
		m.MaxPages = strconv.Itoa(DefaultMaxPages)
	}
	su, _ := url.Parse(start)
	if strings.TrimSpace(m.Scope) == "" {
		m.Scope = SiteFolder(su)
		return nil
	}
	scope, reason := checkSourceURL(m.Scope)
	if reason != "" {
		return bad("scope", "site %s: scope%s", start, strings.TrimPrefix(reason, "url"))
	}
	sc, _ := url.Parse(scope)
	scope = strings.ToLower(sc.Scheme) + "://" + siteHost(sc) + strings.TrimRight(sc.EscapedPath(), "/")
	if !InScope(scope, su) {
		return bad("scope", "site %s is outside its scope %s; the scope must be the start address or a folder above it (e.g. %s)", start, scope, SiteFolder(su))
	}
	m.Scope = scope
	return nil
}

// SiteFolder is the scope a site entry without one is crawled within:
// the folder of its start address, without a trailing slash. A last
// path segment without a dot is taken as a folder (https://example.org/local-offer
// covers /local-offer/…); one with a dot is a file (/send/index.html
// covers /send/…). A start address at the top of its site covers the
// whole host.
func SiteFolder(u *url.URL) string {
	p := u.EscapedPath()
	if i := strings.LastIndexByte(p, '/'); i >= 0 && strings.Contains(p[i+1:], ".") {
		p = p[:i]
	}
	return strings.ToLower(u.Scheme) + "://" + siteHost(u) + strings.TrimRight(p, "/")
}

// siteHost is u's host, lower-cased, without the scheme's default port.
func siteHost(u *url.URL) string {
	h := strings.ToLower(u.Host)
	switch {
	case u.Scheme == "http" && strings.HasSuffix(h, ":80"):
		return strings.TrimSuffix(h, ":80")
	case u.Scheme == "https" && strings.HasSuffix(h, ":443"):
		return strings.TrimSuffix(h, ":443")
	}
	return h
}

// InScope reports whether u lies within scope (an address prefix without
// a trailing slash, as SiteFolder gives): on the same host, by http or
// https, at the scope's path or below it.
func InScope(scope string, u *url.URL) bool {
	sc, err := url.Parse(scope)
	if err != nil || siteHost(sc) != siteHost(u) || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	base := strings.TrimRight(sc.EscapedPath(), "/")
	p := u.EscapedPath()
	return base == "" || p == base || strings.HasPrefix(p, base+"/")
}

// checkSourceURL cleans a remote source's URL, or says why sendbot will not fetch it.
func checkSourceURL(raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", fmt.Sprintf("url %q is not a web address", raw)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Sprintf("url %q must start with https:// (or http://)", raw)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Sprintf("url %q has no host name", raw)
	case u.User != nil:
		return "", fmt.Sprintf("url for host %s holds a user name or password; sendbot fetches public pages only, so remove it", u.Hostname())
	}
	u.Host = strings.ToLower(u.Host)
	u.Fragment, u.RawFragment = "", ""
	return u.String(), ""
}

// cleanCorpusPath turns a path from sources.yaml into an fs.FS path, refusing
// anything that would leave the corpus folder.
func cleanCorpusPath(p string) (string, bool) {
	p = strings.ReplaceAll(strings.TrimSpace(p), "\\", "/")
	if p == "" || strings.HasPrefix(p, "/") {
		return "", false
	}
	clean := path.Clean(p)
	if !fs.ValidPath(clean) || clean == "." {
		return "", false
	}
	return clean, true
}

// splitFrontMatter separates a leading "---" YAML block from the body.
// A document without one returns empty metadata and the whole input.
func splitFrontMatter(data []byte) (Meta, []byte, error) {
	rest, ok := cutLine(data, "---")
	if !ok {
		return Meta{}, data, nil
	}
	end := -1
	for off := 0; off < len(rest); {
		nl := bytes.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if nl >= 0 {
			line = rest[off : off+nl]
		}
		if t := strings.TrimRight(string(line), " \t\r"); t == "---" || t == "..." {
			end = off
			break
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	if end < 0 {
		return Meta{}, data, fmt.Errorf("front matter starts with --- but never ends")
	}
	var m Meta
	if err := yaml.Unmarshal(rest[:end], &m); err != nil {
		return Meta{}, data, fmt.Errorf("front matter is not valid YAML: %w", err)
	}
	body := rest[end:]
	if nl := bytes.IndexByte(body, '\n'); nl >= 0 {
		body = body[nl+1:]
	} else {
		body = nil
	}
	return m, body, nil
}

// cutLine reports whether data starts with the given line, and returns what follows it.
func cutLine(data []byte, line string) ([]byte, bool) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 || strings.TrimRight(string(data[:nl]), " \t\r") != line {
		return nil, false
	}
	return data[nl+1:], true
}

// parseDate reads the published dates found in front matter and sources.yaml.
// "unknown" and "" mean not known and return the zero time without error.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "unknown", "n/a", "none", "date not stated":
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02 15:04:05", "2006-01", "2 January 2006", "January 2006", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("published date %q is not a date like 2024-05-31 or \"unknown\"", s)
}
