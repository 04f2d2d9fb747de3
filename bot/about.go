package bot

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/index"
)

// onAbout answers /about, privately; moderators also see which channels
// the bot cannot answer in.
func (b *Bot) onAbout(s *discordgo.Session, i *discordgo.Interaction) {
	text := aboutText(b.cfg.Version, b.searcher.Info())
	if b.canModerate(i) {
		text += "\n\n" + channelReport(s, i.GuildID)
	}
	b.replyNow(s, i, answer.Shorten(text, maxContent))
}

// aboutText is the /about reply: the version, when the index was built
// and from what, and what it holds per area.
func aboutText(version string, info index.Info) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**sendbot** %s\n", escapeMarkdown(version))
	if !info.BuiltAt.IsZero() {
		fmt.Fprintf(&b, "Documents indexed on %s (UTC).\n", info.BuiltAt.UTC().Format("2 January 2006 at 15:04"))
	}
	fmt.Fprintf(&b, "%d documents, %d passages.\n", info.Documents, info.Passages)
	for _, a := range info.Areas {
		fmt.Fprintf(&b, "• %s: %d documents, %d passages\n", escapeMarkdown(a.Name), a.Documents, a.Passages)
	}
	b.WriteString("I quote published documents with their sources; I am not advice.")
	return b.String()
}

// answerPermissions are what the bot needs in a channel to answer there,
// named as Discord's settings name them. Replies to a mention need Read
// Message History; answers are embeds, which need Embed Links.
var answerPermissions = []struct {
	bit  int64
	name string
}{
	{discordgo.PermissionViewChannel, "View Channel"},
	{discordgo.PermissionSendMessages, "Send Messages"},
	{discordgo.PermissionEmbedLinks, "Embed Links"},
	{discordgo.PermissionReadMessageHistory, "Read Message History"},
}

// maxChannelsListed bounds the channels /about lists for moderators.
const maxChannelsListed = 15

// channelReport tells a moderator, in /about, which of the server's text
// channels the bot cannot answer in and what it lacks there, as
// discordgo's state (kept from the gateway) knows them. Channels hidden
// from the bot are listed apart: that is often on purpose.
func channelReport(s *discordgo.Session, guildID string) string {
	if s.State == nil || guildID == "" {
		return ""
	}
	me := selfID(s)
	var channels []string
	if g, err := s.State.Guild(guildID); err == nil {
		s.State.RLock() // a GUILD_CREATE or CHANNEL_CREATE may be changing the list
		for _, c := range g.Channels {
			if c.Type == discordgo.ChannelTypeGuildText || c.Type == discordgo.ChannelTypeGuildNews {
				channels = append(channels, c.ID)
			}
		}
		s.State.RUnlock()
	}
	if len(channels) == 0 || me == "" {
		return "**Channels** (moderators only): I can't tell just now which channels I can answer in; try again in a minute."
	}
	var lacking, hidden []string
	for _, id := range channels {
		perms, err := s.State.UserChannelPermissions(me, id)
		if err != nil {
			continue
		}
		if perms&discordgo.PermissionViewChannel == 0 {
			hidden = append(hidden, "<#"+id+">")
			continue
		}
		var missing []string
		for _, p := range answerPermissions {
			if perms&p.bit == 0 {
				missing = append(missing, p.name)
			}
		}
		if len(missing) > 0 {
			lacking = append(lacking, fmt.Sprintf("• <#%s>: no %s", id, strings.Join(missing, ", ")))
		}
	}
	var b strings.Builder
	if len(lacking) == 0 {
		b.WriteString("**Channels** (moderators only): I can answer in every text channel I can see.")
	} else {
		b.WriteString("**Channels where I can't answer** (moderators only): parents who ask me there get my answer privately instead.\n")
		for n, l := range lacking {
			if n == maxChannelsListed {
				fmt.Fprintf(&b, "…and %d more\n", len(lacking)-n)
				break
			}
			b.WriteString(l + "\n")
		}
		b.WriteString("To fix it, give me those permissions in each channel's settings (Edit Channel → Permissions).")
	}
	if len(hidden) > 0 {
		if len(hidden) > maxChannelsListed {
			hidden = append(hidden[:maxChannelsListed], fmt.Sprintf("and %d more", len(hidden)-maxChannelsListed))
		}
		b.WriteString("\nI can't see " + strings.Join(hidden, ", ") + ", which is fine if that is on purpose.")
	}
	return b.String()
}
