// Package library owns what sendbot keeps on disk for one corpus: where
// the corpus, its index, the copies fetched from remote sources, the
// documents added from Discord and the audit log are; reading them all
// as one corpus; building the index and opening it (building it first
// when it is missing or out of date); the reindex that fetches, reads,
// builds beside the index in use and swaps the new one in; adding and
// removing uploads without a full rebuild; the whole sites moderators
// add from Discord (Sites), which every reindex crawls with the corpus's
// own remote sources; and the lock that keeps uploads and reindexes
// apart.
//
// It returns typed results and errors (Report, UploadResult, *Refusal
// with its Why); package bot words them for moderators, and cmd/sendbot
// for the terminal.
//
//	lib, err := library.Open(library.Config{Corpus: dir, DataDir: data})
//	ix, err := lib.OpenIndex(ctx)                    // built first if it must be
//	live, err := index.OpenLive(lib.IndexDir())      // what the bot searches
//	rx := lib.Reindexer(live)                        // /reindex, SIGHUP, the schedule
//	go rx.Watch(ctx, 24*time.Hour, hup)
//	up, err := lib.OpenUploads(live)                 // /add-document, /remove-document
//	res, err := up.Add(ctx, library.Upload{Filename: "guide.pdf", Data: data, Area: "Herefordshire"})
//	sites := lib.OpenSites(live)                     // /add-source, /remove-source
//	p, err := sites.Propose(library.SiteRequest{URL: "https://testshire.gov.uk/local-offer", Area: "Testshire"})
//	site, err := sites.Confirm(p.ID, moderatorID)    // saved; the next reindex crawls it
//	var r *library.Refusal
//	if errors.As(err, &r) { /* r.Why says what the moderator can put right */ }
//
// Everything is kept per corpus under the data folder (Config.DataDir):
// indexes/<corpus>, fetched/<corpus>, uploads/<corpus>,
// sources/<corpus> (the sites added from Discord, their proposals and
// how each site's last crawl went), audit/<corpus>/audit.log, and DataFile for other packages' files such
// as feedback/<corpus>/feedback.db. Uploaded files live in a corpus
// folder of their own, never in the corpus folder, which may be
// read-only or built into sendbot; a full build reads them after the
// corpus under UploadedPrefix, and the fetched copies under
// FetchedPrefix, so every full build keeps them. A build reads these
// folders a file at a time as it indexes them (corpus.Reader), so its
// memory does not grow with the corpus; Read holds them whole, for
// sendbot check.
package library
