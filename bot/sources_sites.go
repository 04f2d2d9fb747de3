package bot

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/library"
)

// maxSitesListed is how many sites the first page of /sources lists; the
// rest are counted, so the documents keep room in the embed.
const maxSitesListed = 5

// sitesBlock lists the whole sites crawled for area ("" for all), with
// how each one's last crawl went, for the first page of /sources: "" when
// there are none (or Config.Sites is not set). It returns docs without
// the sites' pages, which the sites' lines count instead of listing them
// one by one: a site of four hundred pages would bury the rest.
func (b *Bot) sitesBlock(docs []index.DocumentInfo, area string) (string, []index.DocumentInfo) {
	if b.cfg.Sites == nil {
		return "", docs
	}
	all, err := b.cfg.Sites.Status()
	if err != nil {
		b.log.Error("list the sites crawled", "err", err)
		return "", docs
	}
	var listed []index.DocumentInfo
	for _, d := range docs {
		if !onSite(d, all) {
			listed = append(listed, d)
		}
	}
	var sites []library.SiteStatus
	for _, s := range all {
		if area == "" || corpus.AreaKey(s.Area) == corpus.AreaKey(area) {
			sites = append(sites, s)
		}
	}
	if len(sites) == 0 {
		return "", listed
	}
	titles := map[string]string{}
	for _, d := range docs {
		if _, ok := titles[d.SourceURL]; !ok && d.SourceURL != "" {
			titles[d.SourceURL] = d.Title
		}
	}
	lines := []string{"**Websites I read**"}
	for n, s := range sites {
		if n == maxSitesListed {
			lines = append(lines, fmt.Sprintf("…and %d more", len(sites)-n))
			break
		}
		lines = append(lines, siteLine(s, titles[s.Start]))
	}
	return strings.Join(lines, "\n"), listed
}

// onSite reports whether d is a page of one of sites, which /sources
// counts on the site's line rather than listing.
func onSite(d index.DocumentInfo, sites []library.SiteStatus) bool {
	for _, s := range sites {
		if s.Folder != "" && strings.HasPrefix(d.Path, s.Folder+"/") {
			return true
		}
	}
	return false
}

// siteLine is one site crawled: "• [Testshire Local Offer](https://…):
// 412 pages, refreshed 3 Dec 2026 14:02 UTC, 2 failed", named by its
// start page's title when that page is indexed, else by its address.
func siteLine(s library.SiteStatus, title string) string {
	name := strings.TrimSpace(title)
	if name == "" {
		name = s.Start
		if u, err := url.Parse(s.Start); err == nil {
			name = strings.TrimPrefix(u.Host, "www.") + strings.TrimRight(u.Path, "/")
		}
	}
	line := "• " + escapeMarkdown(answer.Shorten(name, 80))
	if u := linkTarget(s.Start); u != "" && runeLen(u) <= 200 {
		line = fmt.Sprintf("• [%s](%s)", escapeMarkdown(answer.Shorten(name, 80)), u)
	}
	if s.Area != "" {
		line += " · " + escapeMarkdown(answer.Shorten(s.Area, 40))
	}
	switch {
	case s.Crawled.IsZero():
		return line + ": not read yet (at the next reindex)"
	case s.Reason != "":
		line += fmt.Sprintf(": %s kept; the last refresh, %s, could not reach the site", plural(s.Pages, "page"), s.Crawled.UTC().Format("2 Jan 2006 15:04 UTC"))
	default:
		line += fmt.Sprintf(": %s, refreshed %s", plural(s.Pages, "page"), s.Crawled.UTC().Format("2 Jan 2006 15:04 UTC"))
	}
	if s.Failed > 0 {
		line += fmt.Sprintf(", %d failed", s.Failed)
	}
	return line
}
