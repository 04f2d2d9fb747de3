package bot

import (
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
	b.audit(library.AuditEntry{Who: who, Action: "remove-source", Detail: site.ID + " " + site.Start, Result: "removed"})
	removed := fmt.Sprintf("Removed <%s> (%s): I no longer crawl it.", site.Start, escapeMarkdown(site.Area))
	ok, _ := b.reindexing.start(b.cfg.Now())
	if !ok {
		b.replyNow(s, i, removed+" A reindex is under way; its pages go at the next one, and until then I may still quote them.")
		return
	}
	defer b.reindexing.done()
	if !b.deferPrivately(s, i, "/remove-source") {
		return
	}
	reply := b.modReply(s, i, "/remove-source")
	reply.progress(removed + " Reindexing to take its pages out…")
	var last string
	_, err = b.cfg.Reindexer.Reindex(b.ctx, func(p library.Progress) {
		if line := removed + "\n" + progressLine(p); line != last {
			last = line
			reply.progress(line)
		}
	})
	switch {
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
	typed = strings.ToLower(strings.TrimSpace(typed))
	var out []*discordgo.ApplicationCommandOptionChoice
	for _, s := range b.cfg.Sites.Added() {
		name := answer.Shorten(fmt.Sprintf("%s (%s, added %s)", s.Start, s.Area, s.AddedAt.Format("2 Jan 2006")), 100)
		if typed != "" && !strings.Contains(strings.ToLower(name), typed) {
			continue
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: s.ID})
		if len(out) == maxChoices {
			break
		}
	}
	return out
}
