package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/gaps"
	"github.com/sendbot/sendbot/library"
)

// GapStore keeps the words of the questions the bot declined or whose
// answer was marked Not helpful, for /gaps: only words the documents use,
// never a name, number or address. A *gaps.Store is one.
type GapStore interface {
	// Reduce keeps of a question only what the store may keep.
	Reduce(question string) gaps.Gap
	Record(kind gaps.Kind, g gaps.Gap, at time.Time) error
	Report(since, now time.Time) (gaps.Report, error)
	// Remove deletes a word or two-word phrase from every record.
	Remove(entry string) (gaps.Removed, error)
	// Keep is how long words are kept; 0 means recording is off.
	Keep() time.Duration
}

const (
	cmdGaps   = "gaps"
	optDays   = "days"
	optRemove = "remove"
	// maxGapDays is the most days /gaps can look back.
	maxGapDays = 365
	// maxRemoveRunes is the longest text /gaps remove takes: two words of
	// at most 30 letters, with room for a count copied from the list.
	maxRemoveRunes = 80
)

// gapsCommand is /gaps, shown only to members who can manage the server.
func gapsCommand() *discordgo.ApplicationCommand {
	minDays := 1.0
	return &discordgo.ApplicationCommand{
		Name:                     cmdGaps,
		Description:              "Moderators: words of the questions I couldn't answer, or whose answers didn't help",
		DefaultMemberPermissions: &moderatorCommandPermissions,
		Contexts:                 &guildOnly,
		Options: []*discordgo.ApplicationCommandOption{
			{
				Type:        discordgo.ApplicationCommandOptionInteger,
				Name:        optDays,
				Description: "How many days to look back (default: all the days I keep)",
				MinValue:    &minDays,
				MaxValue:    maxGapDays,
			},
			{
				Type:        discordgo.ApplicationCommandOptionString,
				Name:        optRemove,
				Description: "Instead: delete this word or two-word phrase from all my records (a name, say)",
				MaxLength:   maxRemoveRunes,
			},
		},
	}
}

const (
	msgGapsOff = "Gap recording is off for this bot, so I have nothing to show. " +
		"Whoever runs the bot can switch it on with the SENDBOT_GAPS_KEEP setting (for example 30d)."
	msgGapsFailed     = "Sorry, I couldn't read the gaps just now. Please try again later."
	msgGapsNotAnEntry = "Tell me one word or a two-word phrase to delete, as `/gaps` lists them: for example `/gaps remove:zorbing` or `/gaps remove:jack smith`."
	msgGapsRemoveFail = "Sorry, I couldn't delete that just now. Please try again later."
)

// onGaps answers /gaps [days], or /gaps remove:<entry>, to moderators
// only and privately.
func (b *Bot) onGaps(s *discordgo.Session, i *discordgo.Interaction) {
	if !b.moderatorOnly(s, i, cmdGaps) {
		return
	}
	if b.cfg.Gaps == nil || b.cfg.Gaps.Keep() <= 0 {
		b.replyNow(s, i, msgGapsOff)
		return
	}
	kept := max(1, int(b.cfg.Gaps.Keep()/(24*time.Hour)))
	days := kept
	for _, o := range i.ApplicationCommandData().Options {
		switch {
		case o.Name == optDays && o.Type == discordgo.ApplicationCommandOptionInteger:
			days = int(max(1, min(o.IntValue(), maxGapDays)))
		case o.Name == optRemove && o.Type == discordgo.ApplicationCommandOptionString:
			b.removeGap(s, i, o.StringValue())
			return
		}
	}
	now := b.cfg.Now()
	r, err := b.cfg.Gaps.Report(now.AddDate(0, 0, -min(days, kept)), now)
	switch {
	case errors.Is(err, gaps.ErrOff):
		b.replyNow(s, i, msgGapsOff)
	case err != nil:
		b.log.Error("gaps report", "err", err)
		b.replyNow(s, i, msgGapsFailed)
	default:
		b.audit(library.AuditEntry{Who: userID(i), Action: cmdGaps, Detail: fmt.Sprintf("%d days", min(days, kept)),
			Result: fmt.Sprintf("shown: %d declined, %d not helpful", r.Declined, r.NotHelpful)})
		b.replyNow(s, i, gapsText(days, kept, r))
	}
}

// gapsText shows a report of the last days days to a moderator; kept is
// how many days the words are kept, and so the most it can cover.
func gapsText(days, kept int, r gaps.Report) string {
	var sb strings.Builder
	if days > kept {
		fmt.Fprintf(&sb, "I keep these words for %s only, so this is all I have.\n", plural(kept, "day"))
		days = kept
	}
	period := "In the last day"
	if days > 1 {
		period = fmt.Sprintf("In the last %d days", days)
	}
	if r.Empty() {
		fmt.Fprintf(&sb, "%s there were no questions I couldn't answer and no answers marked not helpful, so there's nothing to show. "+
			"Good news, or a quiet spell!", period)
		return sb.String()
	}
	fmt.Fprintf(&sb, "%s: %s I couldn't answer, %s marked not helpful.\n", period,
		plural(r.Declined, "question"), plural(r.NotHelpful, "answer"))
	if len(r.Words) == 0 {
		sb.WriteString("No word came up in more than one of those questions yet.")
	} else {
		sb.WriteString("Words asked about most: " + countList(r.Words))
		if len(r.Phrases) > 0 {
			sb.WriteString("; phrases: " + countList(r.Phrases))
		}
		sb.WriteString(".")
	}
	fmt.Fprintf(&sb, "\n_Only words used in more than one question are shown. I keep only words my documents use, for %s: "+
		"never whole questions, names, numbers, addresses or who asked. Delete one with `/gaps remove`._", plural(kept, "day"))
	return sb.String()
}

// countList is "spain (3), flights (2)". The texts are lower-case letters
// only (see gaps.Reduce), so they need no escaping.
func countList(cs []gaps.Count) string {
	parts := make([]string, len(cs))
	for n, c := range cs {
		parts[n] = fmt.Sprintf("%s (%d)", c.Text, c.Questions)
	}
	return strings.Join(parts, ", ")
}

// removeGap answers /gaps remove:<entry>: it deletes a word or phrase
// from every record, say a name that should not have been kept. The
// audit log says that a word or phrase was removed, and from how many
// questions, but not which: it would keep there what was deleted.
func (b *Bot) removeGap(s *discordgo.Session, i *discordgo.Interaction, entry string) {
	who := userID(i)
	rm, err := b.cfg.Gaps.Remove(entry)
	what := "remove a word"
	if rm.Phrase {
		what = "remove a phrase"
	}
	switch {
	case errors.Is(err, gaps.ErrNotAnEntry):
		b.audit(library.AuditEntry{Who: who, Action: cmdGaps, Detail: "remove", Result: "refused: not a word or two-word phrase"})
		b.replyNow(s, i, msgGapsNotAnEntry)
	case errors.Is(err, gaps.ErrOff):
		b.replyNow(s, i, msgGapsOff)
	case err != nil:
		b.log.Error("remove gap entry", "err", err)
		b.audit(library.AuditEntry{Who: who, Action: cmdGaps, Detail: "remove", Result: "failed: " + err.Error()})
		b.replyNow(s, i, msgGapsRemoveFail)
	case rm.Questions == 0:
		b.audit(library.AuditEntry{Who: who, Action: cmdGaps, Detail: what, Result: "not found"})
		b.replyNow(s, i, fmt.Sprintf("I keep no **%s** in any question's words, so there was nothing to delete. "+
			"Check it against what `/gaps` lists.", escapeMarkdown(rm.Entry)))
	default:
		b.audit(library.AuditEntry{Who: who, Action: cmdGaps, Detail: what, Result: "removed from " + plural(rm.Questions, "question")})
		b.replyNow(s, i, removedText(rm))
	}
}

// removedText confirms to a moderator what /gaps remove deleted.
func removedText(rm gaps.Removed) string {
	from := fmt.Sprintf("from the words of %s. It is deleted from my records, not only hidden", plural(rm.Questions, "question"))
	if rm.Phrase {
		return fmt.Sprintf("Deleted the phrase **%s** %s. Its words on their own are left as they were; delete them one by one if they should go too.",
			escapeMarkdown(rm.Entry), from)
	}
	return fmt.Sprintf("Deleted **%s**, and every phrase with it, %s.", escapeMarkdown(rm.Entry), from)
}

// questionGap is what an answer keeps of its question for /gaps: for a
// declined question at once, for a later Not helpful vote until then.
// It is empty when gaps are not recorded.
func (b *Bot) questionGap(question string) gaps.Gap {
	if b.cfg.Gaps == nil || b.cfg.Gaps.Keep() <= 0 {
		return gaps.Gap{}
	}
	return b.cfg.Gaps.Reduce(question)
}

// recordGap keeps what /gaps may keep of a question, when that is on.
func (b *Bot) recordGap(kind gaps.Kind, g gaps.Gap, at time.Time) {
	if b.cfg.Gaps == nil {
		return
	}
	if err := b.cfg.Gaps.Record(kind, g, at); err != nil {
		b.log.Error("record gap", "kind", kind.String(), "err", err)
	}
}

// recordNotHelpful records what /gaps may keep of an answer's question
// the first time one of its passages is marked Not helpful; once the
// answer has expired that is gone, and nothing is recorded.
func (b *Bot) recordNotHelpful(answerID string) {
	now := b.cfg.Now()
	if g := b.takeGap(answerID, now); len(g.Words()) > 0 {
		b.recordGap(gaps.NotHelpful, g, now)
	}
}
