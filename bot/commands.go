package bot

import (
	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/index"
)

// Command and option names.
const (
	cmdAsk      = "ask"
	optQuestion = "question"
	optArea     = "area"
)

// maxChoices is Discord's limit on an option's fixed choices.
const maxChoices = 25

// commands are the slash commands the bot registers. The area option offers
// the index's areas as choices when there are few enough to list.
func commands(areas []string) []*discordgo.ApplicationCommand {
	area := &discordgo.ApplicationCommandOption{
		Type:        discordgo.ApplicationCommandOptionString,
		Name:        optArea,
		Description: "Look in this local area's documents first (instead of the channel's or server's area)",
	}
	if len(areas) <= maxChoices {
		for _, a := range areas {
			area.Choices = append(area.Choices, &discordgo.ApplicationCommandOptionChoice{Name: truncateRunes(a, 100), Value: truncateRunes(a, 100)})
		}
	}
	return []*discordgo.ApplicationCommand{{
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
			area,
		},
	}}
}
