package bot

import (
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/answer"
)

// cannotPostNotice opens a reply the bot could not post in channelID,
// sent to the asker privately instead.
func cannotPostNotice(channelID string) string {
	where := "that channel"
	if channelID != "" {
		where = "<#" + channelID + ">"
	}
	return fmt.Sprintf("Sorry, I couldn't post my reply in %s: I don't have permission to post there. "+
		"Please ask a moderator to let me view the channel, send messages, embed links and read message history in it. "+
		"Here is my reply, just for you:", where)
}

// tellPrivately gives someone the reply r that Discord would not let the
// bot post in channelID (it lacks a permission there, 50013, or cannot
// see it, 50001): as a follow-up only they see, when they used a command
// (i, acknowledged), or else by direct message. It reports whether they
// were told.
func (b *Bot) tellPrivately(s *discordgo.Session, i *discordgo.Interaction, userID, channelID string, r reply) bool {
	content := cannotPostNotice(channelID)
	if r.content != "" {
		content += "\n\n" + r.content
	}
	content = answer.Shorten(content, maxContent)
	if i != nil {
		_, err := s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
			Content: content, Embeds: r.embeds, Components: r.components,
			Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
		})
		if err == nil {
			return true
		}
		b.logDiscordError("send a private follow-up instead", err)
	}
	if b.directMessage(s, userID, &discordgo.MessageSend{Content: content, Embeds: r.embeds, Components: r.components}) {
		return true
	}
	b.log.Error("could not tell someone their reply could not be posted: neither a follow-up nor a direct message went through", "channel", channelID)
	return false
}

// directMessage sends msg to userID in a direct message, with no
// mentions; it reports whether that worked (people can turn DMs off).
func (b *Bot) directMessage(s *discordgo.Session, userID string, msg *discordgo.MessageSend) bool {
	if userID == "" {
		return false
	}
	dm, err := s.UserChannelCreate(userID)
	if err != nil {
		b.logDiscordError("open a direct message", err)
		return false
	}
	if msg.AllowedMentions == nil {
		msg.AllowedMentions = noMentions()
	}
	if _, err := s.ChannelMessageSendComplex(dm.ID, msg); err != nil {
		b.logDiscordError("send a direct message", err)
		return false
	}
	return true
}
