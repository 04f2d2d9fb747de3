package bot

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

// Command and option names.
const (
	cmdAsk       = "ask"
	cmdHelp      = "help"
	cmdAbout     = "about"
	cmdReindex   = "reindex"
	cmdAdd       = "add-document"
	cmdRemove    = "remove-document"
	optFile      = "file"
	optTitle     = "title"
	optKind      = "kind"
	optSourceURL = "source_url"
	optDocument  = "document"
	cmdSources   = "sources"
	optQuestion  = "question"
	optArea      = "area"
	optPrivate   = "private"
	cmdAddSource = "add-source"
	cmdRmSource  = "remove-source"
	optURL       = "url"
	optScope     = "scope"
	optMaxPages  = "max_pages"
	optSite      = "site"
)

// maxChoices is Discord's limit on the choices an autocomplete answer offers.
const maxChoices = 25

// commands are the slash commands the bot registers. The area option is
// filled in as the parent types, from the areas the index holds.
func commands() []*discordgo.ApplicationCommand {
	return []*discordgo.ApplicationCommand{
		{
			Name:        cmdAsk,
			Description: "Ask about local SEND support: I quote published documents, with their sources",
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type:        discordgo.ApplicationCommandOptionString,
					Name:        optQuestion,
					Description: "Your question, e.g. How do I ask for an EHC needs assessment?",
					Required:    true,
					MaxLength:   index.MaxQueryRunes,
				},
				{
					Type:         discordgo.ApplicationCommandOptionString,
					Name:         optArea,
					Description:  "Look in this local area's documents first (instead of the channel's or server's area)",
					Autocomplete: true,
				},
				{
					Type:        discordgo.ApplicationCommandOptionBoolean,
					Name:        optPrivate,
					Description: "Show the answer to you only",
				},
			},
		},
		{Name: cmdHelp, Description: "How to ask, examples, what I can and cannot do, and where to get independent advice"},
		{Name: cmdAbout, Description: "Which version this is, when my documents were indexed, and what they cover"},
		{
			Name:        cmdSources,
			Description: "List the documents I quote from, with their links and dates",
			Options: []*discordgo.ApplicationCommandOption{{
				Type:         discordgo.ApplicationCommandOptionString,
				Name:         optArea,
				Description:  "Only this local area's documents",
				Autocomplete: true,
			}},
		},
		{
			Name:                     cmdReindex,
			Description:              "Moderators: read the documents again and rebuild my index, safely",
			DefaultMemberPermissions: &moderatorCommandPermissions,
			Contexts:                 &guildOnly,
		},
		{
			Name:                     cmdAdd,
			Description:              "Moderators: add a document (PDF, Markdown, web page, text or Open Referral feed)",
			DefaultMemberPermissions: &moderatorCommandPermissions,
			Contexts:                 &guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionAttachment, Name: optFile, Description: "The file to add", Required: true},
				{Type: discordgo.ApplicationCommandOptionString, Name: optTitle, Description: "Its title (default: the file's own)", MaxLength: 200},
				{Type: discordgo.ApplicationCommandOptionString, Name: optArea, Description: "The local area it is about", Autocomplete: true},
				{Type: discordgo.ApplicationCommandOptionString, Name: optKind, Description: "What sort of document it is", Choices: kindChoices()},
				{Type: discordgo.ApplicationCommandOptionString, Name: optSourceURL, Description: "Where it is published (https://…)", MaxLength: 500},
			},
		},
		{
			Name:                     cmdRemove,
			Description:              "Moderators: take out a document added with /add-document",
			DefaultMemberPermissions: &moderatorCommandPermissions,
			Contexts:                 &guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: optDocument, Description: "The document", Required: true, Autocomplete: true},
			},
		},
		{
			Name:                     cmdAddSource,
			Description:              "Moderators: add a whole site (a Local Offer) to crawl; I show what I'll do first",
			DefaultMemberPermissions: &moderatorCommandPermissions,
			Contexts:                 &guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: optURL, Description: "The site's first page (https://…)", Required: true, MaxLength: 500},
				{Type: discordgo.ApplicationCommandOptionString, Name: optArea, Description: "The local area it is about", Required: true, Autocomplete: true},
				{Type: discordgo.ApplicationCommandOptionString, Name: optScope, Description: "Only pages whose address starts with this (default: the first page's folder)", MaxLength: 500},
				{Type: discordgo.ApplicationCommandOptionInteger, Name: optMaxPages, Description: "The most pages to read (default 2000)", MinValue: &minPages, MaxValue: corpus.MaxSitePages},
				{Type: discordgo.ApplicationCommandOptionString, Name: optKind, Description: "What sort of site it is", Choices: kindChoices()},
			},
		},
		{
			Name:                     cmdRmSource,
			Description:              "Moderators: stop crawling a site added with /add-source, and take its pages out",
			DefaultMemberPermissions: &moderatorCommandPermissions,
			Contexts:                 &guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: optSite, Description: "The site", Required: true, Autocomplete: true},
			},
		},
		gapsCommand(),
	}
}

// minPages is the least max_pages /add-source takes.
var minPages = 1.0

// documentKinds are the kinds /add-document offers.
var documentKinds = []string{"local-offer", "inspection", "guidance", "news", "service", "minutes", "fact-sheet"}

func kindChoices() []*discordgo.ApplicationCommandOptionChoice {
	var out []*discordgo.ApplicationCommandOptionChoice
	for _, k := range documentKinds {
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: k, Value: k})
	}
	return out
}

// matchingChoices offers, of n things each with a name and a value, the
// first maxChoices whose name (shortened to Discord's 100 characters)
// contains what is typed.
func matchingChoices(typed string, n int, thing func(i int) (name, value string)) []*discordgo.ApplicationCommandOptionChoice {
	typed = strings.ToLower(strings.TrimSpace(typed))
	var out []*discordgo.ApplicationCommandOptionChoice
	for i := 0; i < n && len(out) < maxChoices; i++ {
		name, value := thing(i)
		name = answer.Shorten(name, 100)
		if typed == "" || strings.Contains(strings.ToLower(name), typed) {
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: value})
		}
	}
	return out
}

// guildOnly keeps the moderators' commands out of direct messages.
var guildOnly = []discordgo.InteractionContextType{discordgo.InteractionContextGuild}

// areaChoices are the areas that match what the parent has typed so far:
// those starting with it first, then those containing it.
func areaChoices(areas []string, typed string) []*discordgo.ApplicationCommandOptionChoice {
	typed = strings.ToLower(strings.TrimSpace(typed))
	var first, rest []string
	for _, a := range areas {
		l := strings.ToLower(a)
		switch {
		case strings.HasPrefix(l, typed):
			first = append(first, a)
		case strings.Contains(l, typed):
			rest = append(rest, a)
		}
	}
	var out []*discordgo.ApplicationCommandOptionChoice
	for _, a := range append(first, rest...) {
		if len(out) == maxChoices {
			break
		}
		name := answer.Shorten(a, 100)
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: name})
	}
	return out
}
