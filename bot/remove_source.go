package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/library"
)

// onRemoveSource runs /remove-source for a moderator: it takes the site
// out of those crawled, then reindexes at once, which removes its pages,
// unless a reindex is running already (the next one removes them).
func (b *Bot) onRemoveSource(s *discordgo.Session, i *discordgo.Interaction) {
	who := userID(i)
	if !b.mayChange(s, i, "remove-source", b.cfg.Sites != nil && b.cfg.Reindexer != nil, msgNoSites) {
		return
	}
	id := strings.TrimSpace(optionString(i.ApplicationCommandData(), optSite))
	site, err := b.cfg.Sites.Remove(id)
	if err != nil {
		why := siteError(err)
		b.audit(library.AuditEntry{Who: who, Action: "remove-source", Detail: answer.Shorten(id, 200), Result: "refused: " + why})
		b.replyNow(s, i, "I couldn't remove that: "+why)
		return
	}
	removed := fmt.Sprintf("Removed <%s> (%s): I no longer crawl it.", site.Start, escapeMarkdown(site.Area))
	reindex := b.siteReindex(site)
	if b.sitesHandedOver() {
		// Handed to the builder, which removes it and reindexes, after
		// any reindex running.
		b.audit(library.AuditEntry{Who: who, Action: "remove-source", Detail: site.ID + " " + site.Start, Result: "handed to the builder to remove"})
		b.removeSource(s, i, who, site, removed, fmt.Sprintf("Handed the removal of <%s> (%s) to the builder copy, which removes it and reindexes for every copy…", site.Start, escapeMarkdown(site.Area)), reindex)
		return
	}
	b.audit(library.AuditEntry{Who: who, Action: "remove-source", Detail: site.ID + " " + site.Start, Result: "removed"})
	ok, _ := b.reindexing.start(b.cfg.Now())
	if !ok {
		b.replyNow(s, i, removed+" A reindex is under way; its pages go at the next one, and until then I may still quote them.")
		return
	}
	defer b.reindexing.done()
	b.removeSource(s, i, who, site, removed, removed+" Reindexing to take its pages out…", reindex)
}

// removeSource reindexes, with reindex, to take out the pages of the
// site removed, and says how it went: removed says the site is removed,
// intro is shown meanwhile.
func (b *Bot) removeSource(s *discordgo.Session, i *discordgo.Interaction, who string, site library.Site, removed, intro string,
	reindex func(context.Context, func(library.Progress)) (library.Report, error)) {
	if !b.deferPrivately(s, i, "/remove-source") {
		return
	}
	reply := b.modReply(s, i, "/remove-source")
	reply.progress(intro)
	var last string
	_, err := reindex(b.ctx, func(p library.Progress) {
		if line := intro + "\n" + progressLine(p); line != last {
			last = line
			reply.progress(line)
		}
	})
	if text := notSeen(err, fmt.Sprintf("removing <%s>", site.Start)); text != "" {
		b.audit(library.AuditEntry{Who: who, Action: "remove-source", Detail: site.ID, Result: "handed to the builder: " + err.Error()})
		reply.result(text)
		return
	}
	if b.sitesHandedOver() && (err == nil || errors.Is(err, library.ErrNotFollowed)) {
		b.audit(library.AuditEntry{Who: who, Action: "remove-source", Detail: site.ID, Result: "removed by the builder"})
	}
	switch {
	case errors.Is(err, library.ErrNotFollowed):
		reply.result(removed + " Its pages are out of the builder copy's index.\n" + msgNotSwitched)
	case errors.Is(err, library.ErrReindexing):
		reply.result(removed + " Another reindex had just started; its pages go at the next one, and until then I may still quote them.")
	case err != nil:
		b.log.Error("reindex after /remove-source failed", "err", err)
		b.audit(library.AuditEntry{Who: who, Action: "remove-source", Detail: site.ID, Result: "reindex failed: " + err.Error()})
		reply.result(removed + " But the reindex failed, so I may still quote its pages until the next one.\nWhy: " + escapeMarkdown(err.Error()))
	default:
		reply.result(removed + " Its pages are out of the index: I no longer quote them.")
	}
}

// addedSiteChoices offers the sites added from Discord matching what is typed.
func (b *Bot) addedSiteChoices(typed string) []*discordgo.ApplicationCommandOptionChoice {
	if b.cfg.Sites == nil {
		return nil
	}
	sites := b.cfg.Sites.Added()
	return matchingChoices(typed, len(sites), func(i int) (string, string) {
		s := sites[i]
		return fmt.Sprintf("%s (%s, added %s)", s.Start, s.Area, s.AddedAt.Format("2 Jan 2006")), s.ID
	})
}
