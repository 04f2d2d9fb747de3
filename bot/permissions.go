package bot

import (
	"github.com/bwmarrin/discordgo"
)

// moderatorCommandPermissions is the default_member_permissions of the
// moderators' commands: Discord shows them only to members who can manage
// the server, unless a server admin changes that in Integrations.
var moderatorCommandPermissions = int64(discordgo.PermissionManageGuild)

// canModerate reports whether the member behind an interaction may use
// the moderators' commands. Discord's own check can be overridden by a
// server admin, so the bot checks again: Manage Server (or Administrator),
// or one of the roles in Config.ModRoles.
func (b *Bot) canModerate(i *discordgo.Interaction) bool {
	m := i.Member
	if m == nil { // a DM: no server to moderate
		return false
	}
	if m.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0 {
		return true
	}
	for _, r := range m.Roles {
		if b.modRoles[r] {
			return true
		}
	}
	return false
}

// msgNotModerator is the reply to a member who may not use a moderators' command.
const msgNotModerator = "Sorry, only the group's moderators can do that (Manage Server, or a moderator role set by whoever runs this bot)."

// moderatorOnly refuses, kindly and privately, a member who may not use a
// moderators' command, and audits the attempt; it reports whether to go on.
func (b *Bot) moderatorOnly(s *discordgo.Session, i *discordgo.Interaction, action string) bool {
	if b.canModerate(i) {
		return true
	}
	b.audit(AuditEntry{Who: userID(i), Action: action, Result: "refused: not a moderator"})
	b.replyNow(s, i, msgNotModerator)
	return false
}

// deferPrivately acknowledges a moderator's command with a reply only they
// see, to be filled in with editReply; it reports whether that worked.
func (b *Bot) deferPrivately(s *discordgo.Session, i *discordgo.Interaction, what string) bool {
	err := b.respond(s, i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	})
	if err != nil {
		b.logDiscordError("acknowledge "+what, err)
		return false
	}
	return true
}

// editReply replaces the text of an interaction's reply.
func (b *Bot) editReply(s *discordgo.Session, i *discordgo.Interaction, what, text string) {
	text = truncateRunes(text, maxContent)
	if _, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &text, AllowedMentions: noMentions()}); err != nil {
		b.logDiscordError("edit "+what+" reply", err)
	}
}
