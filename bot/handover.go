package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/sendbot/sendbot/library"
)

// On a replica with a shared store, /reindex, /add-source and
// /remove-source are handed to the builder copy (library.RemoteReindexer
// and library.RemoteSites) and waited for; what the builder did comes
// back as their own reindex's result and errors, which the commands word
// as ever, or as one of the errors below, which say what this copy has
// not seen.

// siteAwaiter is a SiteStore whose Confirm and Remove hand the change to
// the builder, which crawls or drops the site itself: a
// *library.RemoteSites. Await waits for it as Reindexer.Reindex would
// run the reindex.
type siteAwaiter interface {
	Await(ctx context.Context, site library.Site, progress func(library.Progress)) (library.Report, error)
}

// siteReindex is what crawls a site just added, or drops one just
// removed: the builder, when Sites hands it over, else the Reindexer.
func (b *Bot) siteReindex(site library.Site) func(context.Context, func(library.Progress)) (library.Report, error) {
	if a, ok := b.cfg.Sites.(siteAwaiter); ok {
		return func(ctx context.Context, p func(library.Progress)) (library.Report, error) {
			return a.Await(ctx, site, p)
		}
	}
	return b.cfg.Reindexer.Reindex
}

// sitesHandedOver reports whether Sites hands changes to the builder.
func (b *Bot) sitesHandedOver() bool {
	_, ok := b.cfg.Sites.(siteAwaiter)
	return ok
}

// msgNotSwitched ends a reply when the builder copy has made a change but
// the copy that answered has not switched to its new index yet.
const msgNotSwitched = "The builder copy has done it; the copy that answered you hasn't switched to the new index yet, and will within a few seconds."

// notSeen words how a change handed to the builder ended when it had not
// finished by the time this copy stopped waiting: what names it ("the
// reindex"). It returns "" for any other err.
func notSeen(err error, what string) string {
	switch {
	case errors.Is(err, library.ErrHandedOver):
		return fmt.Sprintf("I've handed %s to the builder copy, which changes the documents for every copy, but it hasn't started yet: "+
			"it may be busy with another reindex, or stopped. It is saved and will be done once the builder can, "+
			"and every copy switches to the new index within a few seconds of that. Until then I'm answering with the current documents.", what)
	case errors.Is(err, library.ErrStillRunning):
		return fmt.Sprintf("The builder copy, which changes the documents for every copy, is still working on %s (a crawl can take a while). "+
			"It will finish by itself, and every copy switches to the new index within a few seconds of that. Until then I'm answering with the current documents.", what)
	}
	return ""
}
