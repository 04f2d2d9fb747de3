package bot

import (
	"fmt"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/library"
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

func roleSet(ids []string) map[string]bool {
	out := map[string]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out
}

// msgNotModerator is the reply to a member who may not use a moderators' command.
const msgNotModerator = "Sorry, only the group's moderators can do that (Manage Server, or a moderator role set by whoever runs this bot)."

// moderatorOnly refuses, kindly and privately, a member who may not use a
// moderators' command, and audits the attempt; it reports whether to go on.
func (b *Bot) moderatorOnly(s *discordgo.Session, i *discordgo.Interaction, action string) bool {
	if b.canModerate(i) {
		return true
	}
	b.audit(library.AuditEntry{Who: userID(i), Action: action, Result: "refused: not a moderator"})
	b.replyNow(s, i, msgNotModerator)
	return false
}

// MsgReplica answers, on a replica (Config.Replica), the moderators'
// commands that change the documents.
const MsgReplica = "This bot runs as several copies, and the one that answered you only reads the documents: " +
	"reindexing, and adding or removing documents and sites, are done by the builder copy (on its schedule, or when its operator runs them). " +
	"Every copy switches to the builder's new index within a few seconds of it finishing."

// onReplica answers a moderators' command that changes the documents
// with MsgReplica on a replica, and audits it; it reports whether it did.
func (b *Bot) onReplica(s *discordgo.Session, i *discordgo.Interaction, action string) bool {
	if !b.cfg.Replica {
		return false
	}
	b.audit(library.AuditEntry{Who: userID(i), Action: action, Result: "refused: a replica; the builder does that"})
	b.replyNow(s, i, MsgReplica)
	return true
}

// mayChange lets through a moderator's command that changes the
// documents (action, as the audit log names it), on a bot where it is set
// up (setUp); it answers anyone else, a replica, and a bot without it
// (with notSetUp), and reports false. A replica given what the command
// needs (Uploads, Reindexer and Sites that hand the change to the builder
// through a shared store) takes it.
func (b *Bot) mayChange(s *discordgo.Session, i *discordgo.Interaction, action string, setUp bool, notSetUp string) bool {
	if !b.moderatorOnly(s, i, action) || (!setUp && b.onReplica(s, i, action)) {
		return false
	}
	if !setUp {
		b.replyNow(s, i, notSetUp)
		return false
	}
	return true
}

// maxProblemsShown bounds the per-file problems a reindex reply lists.
const maxProblemsShown = 15

// Auditor records moderator actions. A *library.Audit is one.
type Auditor interface {
	Record(library.AuditEntry) error
}

// audit writes a moderator action to the audit log, if there is one.
func (b *Bot) audit(e library.AuditEntry) {
	if b.cfg.Audit == nil {
		return
	}
	if e.At.IsZero() {
		e.At = b.cfg.Now().UTC()
	}
	if err := b.cfg.Audit.Record(e); err != nil {
		b.log.Error("write audit log", "err", err)
	}
}

// modReply is a moderator's private reply to a command that can take
// long (/reindex, /add-document, /remove-document), acknowledged with
// deferPrivately. It is edited while the interaction's token lasts;
// Discord ends that token 15 minutes after the command, after which its
// edits fail with Unknown Webhook (10015) or Invalid Webhook Token
// (50027). Progress is then no longer shown, and the result is posted
// in the channel the command was used in instead, or sent to the
// moderator by direct message if the bot cannot post there.
type modReply struct {
	b    *Bot
	s    *discordgo.Session
	i    *discordgo.Interaction
	what string // the command, as "/reindex"

	mu   sync.Mutex
	gone bool // the token was refused: edits are pointless
}

func (b *Bot) modReply(s *discordgo.Session, i *discordgo.Interaction, what string) *modReply {
	return &modReply{b: b, s: s, i: i, what: what}
}

// edit replaces the reply's text, and notes when the token is gone.
func (r *modReply) edit(text string) error {
	text = answer.Shorten(text, maxContent)
	_, err := r.s.InteractionResponseEdit(r.i, &discordgo.WebhookEdit{Content: &text, AllowedMentions: noMentions()})
	if err != nil && tokenGone(err) {
		r.mu.Lock()
		first := !r.gone
		r.gone = true
		r.mu.Unlock()
		if first {
			r.b.log.Info("interaction token expired: "+r.what+" goes on, and its result will be posted in the channel",
				"code", discordCode(err), "channel", r.i.ChannelID)
		}
	}
	return err
}

func (r *modReply) tokenGone() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.gone
}

// progress shows how the work is going, while the reply can be edited.
func (r *modReply) progress(text string) {
	if r.tokenGone() {
		return
	}
	if err := r.edit(text); err != nil && !tokenGone(err) {
		r.b.logDiscordError("edit "+r.what+" reply", err)
	}
}

// result shows how the work ended: in the reply if it can still be
// edited, else in the channel, else by direct message.
func (r *modReply) result(text string) {
	var err error
	if !r.tokenGone() {
		if err = r.edit(text); err == nil {
			return
		}
		if !tokenGone(err) {
			r.b.logDiscordError("edit "+r.what+" reply", err)
		}
	}
	why := "I couldn't update my private reply"
	if r.tokenGone() {
		why = "it took longer than the 15 minutes Discord lets me update my private reply"
	}
	mod := userID(r.i)
	intro := fmt.Sprintf("%s finished, but %s, so here is how it ended:\n", r.what, why)
	msg := &discordgo.MessageSend{
		Content: answer.Shorten("<@"+mod+">, your "+intro+text, maxContent),
		// Only the moderator who asked is pinged.
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Users: []string{mod}},
	}
	_, err = r.s.ChannelMessageSendComplex(r.i.ChannelID, msg)
	if err == nil {
		return
	}
	r.b.logDiscordError("post "+r.what+" result in the channel", err)
	dm := &discordgo.MessageSend{Content: answer.Shorten("Your "+intro+text, maxContent)}
	if !r.b.directMessage(r.s, mod, dm) {
		r.b.log.Error("the result of "+r.what+" could not be given to the moderator: not in the reply, the channel or a direct message",
			"channel", r.i.ChannelID)
	}
}
