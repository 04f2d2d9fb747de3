package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/gaps"
	"github.com/sendbot/sendbot/index"
)

// onAsk answers /ask: it acknowledges at once (Discord allows three
// seconds), searches, then edits the acknowledgement into the answer.
// When the bot may not post in the channel, the parent gets the answer
// privately instead.
func (b *Bot) onAsk(s *discordgo.Session, i *discordgo.Interaction) {
	var question, area string
	private := i.GuildID == "" // a direct message is private anyway
	for _, o := range i.ApplicationCommandData().Options {
		switch o.Name {
		case optQuestion:
			question = o.StringValue()
		case optArea:
			area = o.StringValue()
		case optPrivate:
			private = private || o.BoolValue()
		}
	}
	question = strings.TrimSpace(question)
	switch {
	case question == "":
		b.replyNow(s, i, msgEmpty)
		return
	case utf8.RuneCountInString(question) > index.MaxQueryRunes:
		b.replyNow(s, i, fmt.Sprintf(msgTooLong, index.MaxQueryRunes))
		return
	}
	if ok, wait := b.mayAsk(i); !ok {
		b.replyNow(s, i, slowDown(wait))
		return
	}
	ack := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	if private {
		// The answer that replaces the acknowledgement keeps its flags:
		// only the asker sees either.
		ack.Data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}
	}
	err := b.respond(s, i, ack)
	if err != nil {
		b.logDiscordError("acknowledge /ask", err)
		if cannotPost(err) {
			// No acknowledgement, so no follow-up either: the answer
			// goes by direct message.
			r := b.answer(question, b.areaFor(area, i.GuildID, i.ChannelID), "slash")
			b.tellPrivately(s, nil, userID(i), i.ChannelID, r)
		}
		return
	}
	r := b.answer(question, b.areaFor(area, i.GuildID, i.ChannelID), "slash")
	if r.failed && !private {
		// Errors are for the asker only: the public "thinking…" message
		// gives way to a private one.
		if err := s.InteractionResponseDelete(i); err != nil {
			b.logDiscordError("remove /ask acknowledgement", err)
		}
		_, err = s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
			Content: r.content, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
		})
		if err != nil {
			b.logDiscordError("send /ask error", err)
			if cannotPost(err) {
				b.tellPrivately(s, nil, userID(i), i.ChannelID, r)
			}
		}
		return
	}
	_, err = s.InteractionResponseEdit(i, &discordgo.WebhookEdit{
		Content:         &r.content,
		Embeds:          &r.embeds,
		Components:      &r.components,
		AllowedMentions: noMentions(),
	})
	if err == nil {
		return
	}
	b.logDiscordError("send /ask answer", err)
	if cannotPost(err) {
		// The parent gets the answer privately, and the "thinking…"
		// message nobody can fill in goes.
		if b.tellPrivately(s, i, userID(i), i.ChannelID, r) {
			if err := s.InteractionResponseDelete(i); err != nil {
				b.logDiscordError("remove /ask acknowledgement", err)
			}
		}
		return
	}
	if discordCode(err) == codeInvalidFormBody {
		// Discord refused the answer as rendered: say so rather than
		// leave the parent looking at "thinking…".
		text, none, noRows := msgNotShown, []*discordgo.MessageEmbed{}, []discordgo.MessageComponent{}
		if _, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{
			Content: &text, Embeds: &none, Components: &noRows, AllowedMentions: noMentions(),
		}); err != nil {
			b.logDiscordError("send /ask notice", err)
		}
	}
}

// moderatorPermissions are the permissions that exempt someone from the
// rate limit.
const moderatorPermissions = discordgo.PermissionManageMessages | discordgo.PermissionManageGuild | discordgo.PermissionAdministrator

// mayAsk applies the rate limit to an interaction's asker; moderators
// are exempt.
func (b *Bot) mayAsk(i *discordgo.Interaction) (bool, time.Duration) {
	if i.Member != nil && i.Member.Permissions&moderatorPermissions != 0 {
		return true, 0
	}
	return b.limits.allow(userID(i), b.cfg.Now())
}

// areaFor is the area a question is asked in: the one the parent chose,
// else the channel's, else the server's, else the default. A direct
// message (no server) uses the default only.
func (b *Bot) areaFor(chosen, guildID, channelID string) string {
	if chosen = strings.TrimSpace(chosen); chosen != "" {
		return chosen
	}
	if guildID != "" {
		if a := b.cfg.ChannelAreas[channelID]; a != "" {
			return a
		}
		if a := b.cfg.ServerAreas[guildID]; a != "" {
			return a
		}
	}
	return b.cfg.DefaultArea
}

// reply is what the bot sends for a question.
type reply struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
	// failed is set when the question could not be searched: such replies
	// are shown to the asker only.
	failed bool
}

// answer searches and renders the first page of the reply, keeping the
// passages for More results. It logs counts and timings, and the question
// only when LogQuestions is set.
func (b *Bot) answer(question, area, via string) reply {
	start := time.Now()
	ctx, cancel := context.WithTimeout(b.ctx, b.cfg.SearchTimeout)
	defer cancel()
	now := b.cfg.Now()
	if b.cfg.LogQuestions {
		b.log.Info("question", "via", via, "area", area, "text", question)
	}
	res, err := b.searcher.Search(ctx, index.Query{Text: question, Area: area, K: maxPassages})
	if err != nil {
		switch {
		case b.ctx.Err() != nil:
			// The shutdown deadline passed before the search ended.
			b.log.Info("question not searched", "via", via, "reason", "shutting down")
			b.cfg.Monitor.Question(false, true, time.Since(start))
			return reply{content: msgRestarting, failed: true}
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
			err = errTimeout
		}
		if reason := reasonOf(err); reason != "" {
			b.log.Info("question not searched", "via", via, "reason", reason)
		} else {
			b.log.Error("search failed", "via", via, "err", err)
		}
		b.cfg.Monitor.Question(false, true, time.Since(start))
		return reply{content: errorReply(err, b.searcher.Areas()), failed: true}
	}
	b.log.Info("answered", "via", via, "area", area, "answered", res.Answered, "confidence", res.Confidence, "uncovered", res.Uncovered,
		"hits", len(res.Hits), "took_ms", res.Took.Milliseconds())
	gap := b.questionGap(question)
	if !res.Answered {
		b.recordGap(gaps.Declined, gap, now)
	}
	a := &shownAnswer{id: newAnswerID(), res: res, d: dating{now: now, maxAge: b.cfg.MaxAge}, created: now, gap: gap}
	if res.Answered && len(res.Hits) > 0 {
		b.keepAnswer(a)
	}
	var r reply
	r.content, r.embeds, r.components = a.render(0, b.searcher.Areas())
	b.cfg.Monitor.Question(res.Answered, false, time.Since(start))
	return r
}

// reasonOf names the ways a question can be refused without anything
// going wrong, or returns "" for a real failure.
func reasonOf(err error) string {
	switch {
	case errors.Is(err, index.ErrNoWords):
		return "no words"
	case errors.Is(err, index.ErrTooLong):
		return "too long"
	case errors.Is(err, index.ErrUnknownArea):
		return "unknown area"
	}
	return ""
}
