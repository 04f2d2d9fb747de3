// Package fetch downloads the remote sources listed in a corpus's
// sources.yaml (url entries) and crawls its sites (site entries) into a
// cache folder that is itself a corpus:
//
//	<Dir>/herefordshire/example-org-short-breaks.html   one file per source
//	<Dir>/herefordshire/example-org-local-offer/…       one folder per site, a file per page
//	<Dir>/sources.yaml                                  their metadata, generated
//	<Dir>/.fetch-state.json                             validators and dates (skipped by corpus.Load)
//
// It is polite: it names itself in the User-Agent, obeys robots.txt (RFC
// 9309, read once per site per run; a robots.txt the server fails to give
// keeps sendbot out), makes one request at a time with at least a second
// (or the site's Crawl-delay) between requests to a host, asks again only
// conditionally (If-None-Match, If-Modified-Since), and bounds every
// request's time, size and redirects. An Open Referral UK API (format:
// oruk) is read page by page into one file of services.
//
// A site is crawled from its sitemaps (robots.txt's Sitemap lines,
// /sitemap.xml, nested indexes, gzipped or not) and its links, breadth
// first, within its scope and up to its max_pages, through the same
// polite session. Addresses are canonicalised (canonicalURL) and pages
// with the same text are stored once; documents the pages link to are
// titled with the page that links to them. A refresh skips pages whose
// sitemap lastmod is not newer, asks the rest conditionally, drops pages
// that answer 404 or 410 (or, after a complete crawl, are no longer
// linked), and keeps the copy of pages that fail. Fetcher.Progress is
// told how far it has got.
//
// A source that fails keeps its last good copy: new copies are written to
// a temporary file and renamed into place only when complete.
//
// It connects only to public internet addresses. The check is made by
// the dialer on the address of each connection, after DNS, so it covers
// every source, redirect and robots.txt, every spelling of an address
// (127.1, 0x7f000001, [::ffff:127.0.0.1]) and every name that resolves
// to one. Fetcher.Allow lets in chosen ranges (SENDBOT_FETCH_ALLOW), such
// as a council intranet mirror.
//
//	sources, problems := corpus.RemoteSources(fsys) // fsys, _ := corpus.OpenDir("corpus")
//	f := &fetch.Fetcher{Dir: cacheDir, UserAgent: fetch.UserAgent("1.2.0"), Allow: allow, Logger: log}
//	report, err := f.Fetch(ctx, sources)
//	if err != nil { ... }                 // the cache folder itself is unusable
//	for _, r := range report.Results { ... } // r.Outcome, r.Reason, r.File
//	cached, err := corpus.Load(cacheFS) // cacheFS, _ := corpus.OpenDir(cacheDir)
package fetch
