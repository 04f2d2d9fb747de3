package bot

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// onInteraction answers an interaction: autocomplete at once, and slash
// commands and button presses as work that a shutdown lets finish, that
// is refused once the bot is stopping, and whose panic the person is told
// about rather than left waiting. Each command is answered by a handler
// of its own, in the file named after it.
func (b *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	i := ic.Interaction
	b.arrivals.arrive(i.ID, time.Now())
	defer b.arrivals.done(i.ID)
	var handle func(*discordgo.Session, *discordgo.Interaction)
	switch i.Type {
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.autocomplete(s, i)
		return
	case discordgo.InteractionApplicationCommand:
		handle = b.onCommand
	case discordgo.InteractionMessageComponent:
		handle = b.onComponent
	default:
		return
	}
	if !b.inFlight.begin() {
		b.refuseWhileStopping(s, i)
		return
	}
	defer b.inFlight.end()
	defer b.survive(b.tellInteraction(s, i))
	handle(s, i)
}

// msgUnknownCommand answers a command the bot does not have (any more).
const msgUnknownCommand = "I don't know that command. Try `/ask`, `/help`, `/about` or `/sources`; moderators also have `/reindex`, `/gaps`, `/add-document`, `/remove-document`, `/add-source` and `/remove-source`."

// onCommand hands a slash command to its handler.
func (b *Bot) onCommand(s *discordgo.Session, i *discordgo.Interaction) {
	switch i.ApplicationCommandData().Name {
	case cmdAsk:
		b.onAsk(s, i)
	case cmdHelp:
		b.onHelp(s, i)
	case cmdAbout:
		b.onAbout(s, i)
	case cmdSources:
		b.onSources(s, i)
	case cmdReindex:
		b.onReindex(s, i)
	case cmdAdd:
		b.onAddDocument(s, i)
	case cmdRemove:
		b.onRemoveDocument(s, i)
	case cmdGaps:
		b.onGaps(s, i)
	case cmdAddSource:
		b.onAddSource(s, i)
	case cmdRmSource:
		b.onRemoveSource(s, i)
	default:
		b.replyNow(s, i, msgUnknownCommand)
	}
}

// onComponent answers a button click, routed by the prefix of the
// button's custom ID ("prefix:rest"). Custom IDs carry everything a click
// needs that is not personal data, so buttons go on working after a
// restart; one the bot no longer knows is answered as expired.
func (b *Bot) onComponent(s *discordgo.Session, i *discordgo.Interaction) {
	prefix, rest, _ := strings.Cut(i.MessageComponentData().CustomID, ":")
	switch prefix {
	case "more":
		b.onMore(s, i, rest)
	case "fb":
		b.onFeedback(s, i, rest)
	case sourcesPrefix:
		b.turnSourcesPage(s, i, rest)
	case addSourcePrefix:
		b.onAddSourceButton(s, i, rest)
	default:
		b.replyNow(s, i, msgExpired)
	}
}

// refuseWhileStopping tells someone who used the bot as it shuts down to
// try again in a minute, so that nothing they sent goes unanswered.
func (b *Bot) refuseWhileStopping(s *discordgo.Session, i *discordgo.Interaction) {
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		b.suggest(s, i, nil) // suggestions: none while restarting
		return
	}
	b.replyNow(s, i, msgRestarting)
}

// autocomplete offers choices as an option is typed: the areas matching
// what has been typed, for the area option of /ask, /sources and
// /add-document and /add-source, and for moderators the documents and
// sites added from Discord, for /remove-document and /remove-source.
func (b *Bot) autocomplete(s *discordgo.Session, i *discordgo.Interaction) {
	var choices []*discordgo.ApplicationCommandOptionChoice
	for _, o := range i.ApplicationCommandData().Options {
		switch {
		case o.Focused && o.Name == optArea:
			choices = areaChoices(b.searcher.Areas(), o.StringValue())
		case o.Focused && o.Name == optDocument && b.canModerate(i):
			choices = b.uploadedChoices(o.StringValue())
		case o.Focused && o.Name == optSite && b.canModerate(i):
			choices = b.addedSiteChoices(o.StringValue())
		}
	}
	b.suggest(s, i, choices)
}

// autocompleteResult is the body of an autocomplete answer (callback type
// 8) as Discord documents it: "choices" is required, so it is sent even
// when empty. discordgo's InteractionResponseData drops an empty list
// (omitempty), which is why the bot sends this one itself.
type autocompleteResult struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data struct {
		Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	} `json:"data"`
}

// suggest answers an autocomplete interaction with choices, [] for none,
// sent through respond like every first response.
func (b *Bot) suggest(s *discordgo.Session, i *discordgo.Interaction, choices []*discordgo.ApplicationCommandOptionChoice) {
	r := autocompleteResult{Type: discordgo.InteractionApplicationCommandAutocompleteResult}
	r.Data.Choices = choices
	if r.Data.Choices == nil {
		r.Data.Choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	if err := b.respond(s, i, r); err != nil {
		b.logDiscordError("suggest choices", err)
	}
}

// replyNow answers an interaction immediately, visible only to the asker.
func (b *Bot) replyNow(s *discordgo.Session, i *discordgo.Interaction, content string) {
	err := b.respond(s, i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content:         content,
			Flags:           discordgo.MessageFlagsEphemeral,
			AllowedMentions: noMentions(),
		},
	})
	if err != nil {
		b.logDiscordError("reply to interaction", err)
		if cannotPost(err) {
			b.tellPrivately(s, nil, userID(i), i.ChannelID, reply{content: content})
		}
	}
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

// userID is the Discord ID of whoever made an interaction.
func userID(i *discordgo.Interaction) string {
	switch {
	case i.Member != nil && i.Member.User != nil:
		return i.Member.User.ID
	case i.User != nil:
		return i.User.ID
	}
	return ""
}

// optionString is the value of a command's string option, or "".
func optionString(data discordgo.ApplicationCommandInteractionData, name string) string {
	for _, o := range data.Options {
		if o.Name == name {
			return o.StringValue()
		}
	}
	return ""
}

// survive recovers a panic in the handling of one question or button, so
// that one bug does not take the bot down with every other question in
// flight: it logs the panic (its value cut short, which never holds the
// token; the question is not logged) and tells the asker.
func (b *Bot) survive(tell func(string)) {
	r := recover()
	if r == nil {
		return
	}
	v := fmt.Sprint(r)
	if len(v) > 200 {
		v = v[:200] + "…"
	}
	b.log.Error("panic while answering; the bot carries on", "panic", v, "stack", string(debug.Stack()))
	b.cfg.Monitor.Question(false, true, 0)
	tell(msgBroken)
}

// tellInteraction replaces an acknowledged interaction's reply with text,
// or replies with it if there was no acknowledgement yet.
func (b *Bot) tellInteraction(s *discordgo.Session, i *discordgo.Interaction) func(string) {
	return func(text string) {
		if _, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &text, AllowedMentions: noMentions()}); err == nil {
			return
		}
		b.replyNow(s, i, text)
	}
}
