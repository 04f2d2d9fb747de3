package fetch

import (
	"net/url"
	"path"
	"sort"
	"strings"
)

// trackingParams are query parameters that say how a visitor arrived,
// not what page they asked for; addresses that differ only in them are
// the same page.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true, "msclkid": true,
	"mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true, "yclid": true, "igshid": true,
	"_hsenc": true, "_hsmi": true, "mkt_tok": true, "ref_src": true,
}

func isTracking(name string) bool {
	name = strings.ToLower(name)
	return strings.HasPrefix(name, "utm_") || trackingParams[name]
}

// canonicalURL is the one spelling of a page's address a crawl keys it
// by: scheme and host lower-cased, the scheme's default port dropped,
// dot segments resolved, a trailing slash dropped (but for the root),
// no fragment, no tracking parameters, and the other query parameters
// sorted. It returns nil for anything but an http or https address.
func canonicalURL(u *url.URL) *url.URL {
	if u == nil || u.Opaque != "" || u.User != nil {
		return nil
	}
	c := *u
	c.Scheme = strings.ToLower(c.Scheme)
	if c.Scheme != "http" && c.Scheme != "https" || c.Hostname() == "" {
		return nil
	}
	c.Host = strings.ToLower(c.Host)
	if c.Scheme == "http" {
		c.Host = strings.TrimSuffix(c.Host, ":80")
	} else {
		c.Host = strings.TrimSuffix(c.Host, ":443")
	}
	c.Fragment, c.RawFragment = "", ""
	p := c.EscapedPath()
	if p == "" {
		p = "/"
	}
	if strings.Contains(p, "/.") || strings.Contains(p, "//") {
		p = path.Clean(p)
	}
	if len(p) > 1 {
		p = strings.TrimRight(p, "/")
	}
	if p == "" {
		p = "/"
	}
	if unescaped, err := url.PathUnescape(p); err == nil {
		c.Path, c.RawPath = unescaped, p
		if c.EscapedPath() != p {
			c.RawPath = ""
		}
	}
	c.RawQuery = canonicalQuery(c.RawQuery)
	c.ForceQuery = false
	return &c
}

// canonicalQuery drops tracking parameters and empty parts and sorts
// the rest, keeping each part's own escaping.
func canonicalQuery(q string) string {
	if q == "" {
		return ""
	}
	var keep []string
	for _, part := range strings.Split(q, "&") {
		if part == "" {
			continue
		}
		name, _, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if isTracking(name) {
			continue
		}
		keep = append(keep, part)
	}
	sort.Strings(keep)
	return strings.Join(keep, "&")
}

// withoutTracking is u as a crawl asks for it: without its fragment and
// tracking parameters, but otherwise as the site wrote it, so a server
// that cares about a trailing slash is not sent round a redirect.
func withoutTracking(u *url.URL) *url.URL {
	c := *u
	c.Fragment, c.RawFragment = "", ""
	if c.RawQuery != "" {
		var keep []string
		for _, part := range strings.Split(c.RawQuery, "&") {
			name, _, _ := strings.Cut(part, "=")
			if n, err := url.QueryUnescape(name); err == nil {
				name = n
			}
			if part != "" && !isTracking(name) {
				keep = append(keep, part)
			}
		}
		c.RawQuery = strings.Join(keep, "&")
	}
	c.ForceQuery = false
	return &c
}
