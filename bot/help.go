package bot

import (
	"strings"

	"github.com/bwmarrin/discordgo"
)

// onHelp answers /help, privately.
func (b *Bot) onHelp(s *discordgo.Session, i *discordgo.Interaction) {
	b.replyNow(s, i, helpText(b.searcher.Areas()))
}

// helpText is the /help reply: how to ask well, examples, what the bot
// can and cannot do, and where independent advice comes from. It names
// no particular service: the advice line restates the glossary's cited
// SENDIASS meaning and points to asking the bot, which quotes documents.
func helpText(areas []string) string {
	var b strings.Builder
	b.WriteString("**How to ask**\n")
	b.WriteString("Use `/ask` and write your question as you would say it. Name the thing you want to know about, and your area if it matters: " +
		"*How do I ask for an EHC needs assessment in Herefordshire?* · *What are short breaks?* · *How long is the wait for an autism assessment?* · *What is a SENCO?*\n")
	b.WriteString("Choose an `area` to look in that area's documents first; tick `private` to see the answer yourself only. You can also mention me in a channel, or message me directly.\n\n")
	b.WriteString("**What I can do**\n")
	b.WriteString("I search published documents (inspection reports, council pages, Local Offer entries) and quote the passages that answer, each with its source, link and date. " +
		"I explain SEND words (EHCP, SENCO, CAMHS…) and I mark passages that may be out of date.\n\n")
	b.WriteString("**What I cannot do**\n")
	b.WriteString("I don't give advice, know about your child, or make anything up: when nothing in my documents answers, I say so. Always check the source before acting.\n\n")
	b.WriteString("**Independent advice**\n")
	b.WriteString("Every local authority must provide an impartial SEND information, advice and support service (SENDIASS) for families. Ask me *what is SENDIASS?* for where that comes from, and *where can I get independent SEND advice?* to see what my documents say about yours.")
	if len(areas) > 0 {
		b.WriteString("\n\nAreas I have documents for: " + escapeMarkdown(strings.Join(areas, ", ")) + ".")
	}
	return b.String()
}
