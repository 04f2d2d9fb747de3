package discordtest

import (
	"context"
	"encoding/json"

	"github.com/bwmarrin/discordgo"
)

// textChannel is a text channel added with AddChannel.
type textChannel struct {
	id      string
	name    string
	botDeny int64
}

// AddChannel adds a text channel called name to GuildID, in which a
// member permission overwrite denies the bot the permissions botDeny
// (e.g. discordgo.PermissionSendMessages|discordgo.PermissionEmbedLinks),
// and returns its id. Connected clients get CHANNEL_CREATE; the
// GUILD_CREATE after a later READY lists it too.
//
// As on Discord, a message the bot posts there is refused with 403
// Missing Access (code 50001) without View Channel, and with 403 Missing
// Permissions (code 50013) without Send Messages, without Embed Links
// when it has embeds, or without Read Message History when it replies to
// a message. Interaction responses are not affected: Discord lets an app
// answer its interactions wherever they come from.
func (s *Server) AddChannel(name string, botDeny int64) string {
	c := &textChannel{id: s.nextID(), name: name, botDeny: botDeny}
	s.mu.Lock()
	s.channels = append(s.channels, c)
	s.notifyLocked()
	s.mu.Unlock()
	s.Dispatch("CHANNEL_CREATE", s.channelJSON(c.id))
	return c.id
}

// addedChannel returns the channel added with AddChannel as id, or nil.
func (s *Server) addedChannel(id string) *textChannel {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.channels {
		if c.id == id {
			return c
		}
	}
	return nil
}

// guildChannelsJSON lists GuildID's channels: ChannelID, then those added
// with AddChannel.
func (s *Server) guildChannelsJSON() []map[string]any {
	s.mu.Lock()
	ids := []string{ChannelID}
	for _, c := range s.channels {
		ids = append(ids, c.id)
	}
	s.mu.Unlock()
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.channelJSON(id))
	}
	return out
}

// mayPost checks the bot's permissions for a message it posts in
// channelID; it returns nil or Discord's error.
func (s *Server) mayPost(channelID string, fields map[string]json.RawMessage) *apiError {
	c := s.addedChannel(channelID)
	if c == nil {
		return nil
	}
	denied := func(p int64) bool { return c.botDeny&p != 0 }
	switch {
	case denied(discordgo.PermissionViewChannel):
		return errMissingAccess
	case denied(discordgo.PermissionSendMessages),
		denied(discordgo.PermissionEmbedLinks) && present(fields, "embeds"),
		denied(discordgo.PermissionReadMessageHistory) && present(fields, "message_reference"):
		return errMissingPerms
	}
	return nil
}

// ExpireInteractionToken ends i's interaction token as Discord does 15
// minutes after the interaction: from now on its follow-ups and the
// edits, reads and deletions of its messages get 401 Invalid Webhook
// Token (code 50027), and a late callback 404 Unknown interaction.
func (s *Server) ExpireInteractionToken(i *discordgo.Interaction) {
	rec := s.register(i)
	s.mu.Lock()
	rec.expired = true
	s.mu.Unlock()
}

// WaitDirectMessage returns the next message the bot sent userID in a
// direct message (a DM channel it opened with POST users/@me/channels).
// Messages are returned in order, each once, sharing WaitChannelMessage's
// place in that channel.
func (s *Server) WaitDirectMessage(ctx context.Context, userID string) (*PostedMessage, error) {
	var out *PostedMessage
	err := s.waitLocked(ctx, "a direct message to "+userID, func() bool {
		for ch, rcpt := range s.dmChannels {
			if rcpt != userID {
				continue
			}
			next := s.channelNext[ch]
			if next < len(s.channelMsgs[ch]) {
				out = s.channelMsgs[ch][next]
				s.channelNext[ch] = next + 1
				return true
			}
		}
		return false
	})
	return out, err
}

// DirectMessages returns every message the bot sent userID by DM so far.
func (s *Server) DirectMessages(userID string) []*PostedMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*PostedMessage
	for ch, rcpt := range s.dmChannels {
		if rcpt == userID {
			out = append(out, s.channelMsgs[ch]...)
		}
	}
	return out
}
