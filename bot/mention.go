package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/index"
)

// onMessage answers a message that mentions the bot, or any direct message.
func (b *Bot) onMessage(s *discordgo.Session, m *discordgo.MessageCreate) {
	me := selfID(s)
	if m.Author == nil || m.Author.Bot || me == "" {
		return
	}
	direct := m.GuildID == ""
	if !direct && !mentions(m.Message, me) {
		return
	}
	question := stripMentions(m.Content, me)
	send := &discordgo.MessageSend{
		Reference:       m.Reference(),
		AllowedMentions: noMentions(),
	}
	// tell replies with text alone: "restarting", or "something went wrong".
	tell := func(text string) {
		send.Content, send.Embeds, send.Components = text, nil, nil
		if _, err := s.ChannelMessageSendComplex(m.ChannelID, send); err != nil {
			b.logDiscordError("send notice to mention", err)
			if cannotPost(err) {
				b.tellPrivately(s, nil, m.Author.ID, m.ChannelID, reply{content: text})
			}
		}
	}
	if !b.inFlight.begin() {
		tell(msgRestarting)
		return
	}
	defer b.inFlight.end()
	defer b.survive(tell)
	switch {
	case question == "":
		send.Content = msgMentionQ
	case utf8.RuneCountInString(question) > index.MaxQueryRunes:
		send.Content = fmt.Sprintf(msgTooLong, index.MaxQueryRunes)
	default:
		if ok, wait := b.limits.allow(m.Author.ID, b.cfg.Now()); !ok && !isModerator(s, m.Message) {
			if !b.limits.shouldWarn(m.Author.ID, b.cfg.Now()) {
				return
			}
			send.Content = slowDown(wait)
			break
		}
		if err := s.ChannelTyping(m.ChannelID); err != nil {
			b.log.Debug("typing indicator", "err", err)
		}
		r := b.answer(question, b.areaFor("", m.GuildID, m.ChannelID), "mention")
		send.Content, send.Embeds, send.Components = r.content, r.embeds, r.components
	}
	_, err := s.ChannelMessageSendComplex(m.ChannelID, send)
	if err == nil {
		return
	}
	b.logDiscordError("send answer to mention", err)
	switch {
	case cannotPost(err):
		b.tellPrivately(s, nil, m.Author.ID, m.ChannelID, reply{content: send.Content, embeds: send.Embeds, components: send.Components})
	case discordCode(err) == codeInvalidFormBody:
		tell(msgNotShown)
	}
}

// isModerator reports whether a message's author moderates its server,
// from the roles discordgo's state holds; in a DM, or if the state does
// not know the server, nobody is.
func isModerator(s *discordgo.Session, m *discordgo.Message) bool {
	if m.GuildID == "" || s.State == nil {
		return false
	}
	perms, err := s.State.MessagePermissions(m)
	return err == nil && perms&moderatorPermissions != 0
}

// selfID is the bot's user ID, read under the state's lock: a READY after
// a reconnect may be rewriting it.
func selfID(s *discordgo.Session) string {
	if s.State == nil {
		return ""
	}
	s.State.RLock()
	defer s.State.RUnlock()
	if s.State.User == nil {
		return ""
	}
	return s.State.User.ID
}

func mentions(m *discordgo.Message, userID string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == userID {
			return true
		}
	}
	return strings.Contains(m.Content, "<@"+userID+">") || strings.Contains(m.Content, "<@!"+userID+">")
}

func stripMentions(content, userID string) string {
	content = strings.NewReplacer("<@"+userID+">", " ", "<@!"+userID+">", " ").Replace(content)
	return strings.TrimSpace(content)
}
