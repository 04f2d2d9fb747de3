package bot

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/library"
)

// onRemoveDocument runs /remove-document for a moderator.
func (b *Bot) onRemoveDocument(s *discordgo.Session, i *discordgo.Interaction) {
	who := userID(i)
	if !b.mayChange(s, i, "remove-document", b.cfg.Uploads != nil, "Adding documents from Discord isn't set up for this bot.") {
		return
	}
	var id string
	for _, o := range i.ApplicationCommandData().Options {
		if o.Name == optDocument {
			id = strings.TrimSpace(o.StringValue())
		}
	}
	if !b.deferPrivately(s, i, "/remove-document") {
		return
	}
	text := ""
	res, err := b.cfg.Uploads.Remove(b.ctx, id)
	switch {
	case errors.Is(err, library.ErrHandedOver):
		b.audit(library.AuditEntry{Who: who, Action: "remove-document", Detail: id, Result: "handed to the builder; not yet removed"})
		text = "I saved the removal for the copy of the bot that indexes the documents, which has not made it yet. " +
			"I may quote the document until it has; if it is still listed in a few minutes, ask whoever runs the bot to look at the builder's log."
	case errors.Is(err, library.ErrNotFollowed):
		b.audit(library.AuditEntry{Who: who, Action: "remove-document", Detail: id, Result: "ok; this replica not yet switched"})
		text = fmt.Sprintf("Removed **%s** (%s). %s", escapeMarkdown(answer.Shorten(res.Title, 200)), escapeMarkdown(res.Area), msgNotSwitched)
	case errors.Is(err, library.ErrNotSwitched):
		b.audit(library.AuditEntry{Who: who, Action: "remove-document", Detail: id, Result: "ok; not yet served: " + err.Error()})
		text = fmt.Sprintf("Removed **%s** (%s). %s I may still quote it until the next `/reindex` or a restart.",
			escapeMarkdown(answer.Shorten(res.Title, 200)), escapeMarkdown(res.Area), "It is out of the documents and the index, "+notSwitchedYet)
	case err != nil:
		why := uploadError(err)
		b.audit(library.AuditEntry{Who: who, Action: "remove-document", Detail: id, Result: "failed: " + why})
		text = "I couldn't remove that: " + escapeMarkdown(why)
	default:
		b.audit(library.AuditEntry{Who: who, Action: "remove-document", Detail: id, Result: "ok"})
		text = fmt.Sprintf("Removed **%s** (%s). I no longer quote it.", escapeMarkdown(answer.Shorten(res.Title, 200)), escapeMarkdown(res.Area))
	}
	b.modReply(s, i, "/remove-document").result(text)
}

// uploadedChoices offers the uploaded documents matching what is typed.
func (b *Bot) uploadedChoices(typed string) []*discordgo.ApplicationCommandOptionChoice {
	if b.cfg.Uploads == nil {
		return nil
	}
	docs := b.cfg.Uploads.Uploaded()
	return matchingChoices(typed, len(docs), func(i int) (string, string) {
		d := docs[i]
		if d.Added.IsZero() { // listed from the index, on a replica
			return fmt.Sprintf("%s (%s)", d.Title, d.Area), d.ID
		}
		return fmt.Sprintf("%s (%s, added %s)", d.Title, d.Area, d.Added.Format("2 Jan 2006")), d.ID
	})
}
