package fetch

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"io"
	"strings"
	"time"
)

// maxSitemaps caps the sitemap files one crawl reads (robots.txt's,
// /sitemap.xml and those their indexes list), and maxSitemapDepth how
// deep sitemap indexes may nest.
const (
	maxSitemaps     = 50
	maxSitemapDepth = 3
)

// sitemapEntry is a <url> or <sitemap> of a sitemap file.
type sitemapEntry struct {
	Loc     string `xml:"loc"`
	Lastmod string `xml:"lastmod"`
}

// sitemapFile is a sitemap (<urlset>) or a sitemap index (<sitemapindex>).
type sitemapFile struct {
	XMLName  xml.Name
	URLs     []sitemapEntry `xml:"url"`
	Sitemaps []sitemapEntry `xml:"sitemap"`
}

// parseSitemap reads a sitemap or sitemap index (sitemaps.org), gzipped
// or not, reading at most limit bytes once unpacked. It returns the
// pages and the nested sitemaps it lists; ok is false when data is not
// a sitemap at all.
func parseSitemap(data []byte, limit int64) (pages, nested []sitemapEntry, ok bool) {
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, nil, false
		}
		data, err = io.ReadAll(io.LimitReader(zr, limit))
		if err != nil {
			return nil, nil, false
		}
	}
	var f sitemapFile
	if err := xml.Unmarshal(data, &f); err != nil {
		return nil, nil, false
	}
	switch f.XMLName.Local {
	case "urlset", "sitemapindex":
		return f.URLs, f.Sitemaps, true
	}
	return nil, nil, false
}

// parseLastmod reads a sitemap's <lastmod> (W3C date and time); the zero
// time when it has none or it cannot be read.
func parseLastmod(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
