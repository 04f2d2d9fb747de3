package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/gaps"
)

// GapStore keeps the words of the questions the bot declined or whose
// answer was marked Not helpful, for /gaps: only words the documents use,
// never a name, number or address. A *gaps.Store is one.
type GapStore interface {
	// Reduce keeps of a question only what the store may keep.
	Reduce(question string) gaps.Gap
	Record(kind gaps.Kind, g gaps.Gap, at time.Time) error
	Report(since, now time.Time) (gaps.Report, error)
	// Keep is how long words are kept; 0 means recording is off.
	Keep() time.Duration
}

const (
	cmdGaps = "gaps"
	optDays = "days"
	// maxGapDays is the most days /gaps can look back.
	maxGapDays = 365
)

// gapsCommand is /gaps, shown only to members who can manage the server.
func gapsCommand() *discordgo.ApplicationCommand {
	minDays := 1.0
	return &discordgo.ApplicationCommand{
		Name:                     cmdGaps,
		Description:              "Moderators: words of the questions I couldn't answer, or whose answers didn't help",
		DefaultMemberPermissions: &moderatorCommandPermissions,
		Contexts:                 &guildOnly,
		Options: []*discordgo.ApplicationCommandOption{{
			Type:        discordgo.ApplicationCommandOptionInteger,
			Name:        optDays,
			Description: "How many days to look back (default: all the days I keep)",
			MinValue:    &minDays,
			MaxValue:    maxGapDays,
		}},
	}
}

const (
	msgGapsOff = "Gap recording is off for this bot, so I have nothing to show. " +
		"Whoever runs the bot can switch it on with the SENDBOT_GAPS_KEEP setting (for example 30d)."
	msgGapsFailed = "Sorry, I couldn't read the gaps just now. Please try again later."
)

// showGaps answers /gaps [days], to moderators only and privately.
func (b *Bot) showGaps(s *discordgo.Session, i *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) {
	if !b.moderatorOnly(s, i, cmdGaps) {
		return
	}
	if b.cfg.Gaps == nil || b.cfg.Gaps.Keep() <= 0 {
		b.replyNow(s, i, msgGapsOff)
		return
	}
	kept := max(1, int(b.cfg.Gaps.Keep()/(24*time.Hour)))
	days := kept
	for _, o := range data.Options {
		if o.Name == optDays && o.Type == discordgo.ApplicationCommandOptionInteger {
			days = int(max(1, min(o.IntValue(), maxGapDays)))
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
		b.audit(AuditEntry{Who: userID(i), Action: cmdGaps, Detail: fmt.Sprintf("%d days", min(days, kept)),
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
		"never whole questions, names, numbers, addresses or who asked._", plural(kept, "day"))
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
	if g := b.answers.takeGap(answerID, now); len(g.Words()) > 0 {
		b.recordGap(gaps.NotHelpful, g, now)
	}
}
