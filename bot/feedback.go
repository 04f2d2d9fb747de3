package bot

import (
	"errors"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/feedback"
)

// onFeedback records a Helpful / Not helpful vote and thanks the voter,
// privately. Votes are stored anonymously; this works after a restart,
// since the button names the answer and the passage.
func (b *Bot) onFeedback(s *discordgo.Session, i *discordgo.Interaction, rest string) {
	parts := strings.Split(rest, ":")
	if len(parts) != 3 || (parts[2] != "y" && parts[2] != "n") {
		b.replyNow(s, i, msgExpired)
		return
	}
	if b.cfg.Feedback == nil {
		b.replyNow(s, i, "Thank you, but feedback isn't switched on for this bot.")
		return
	}
	voter := userID(i)
	helpful := parts[2] == "y"
	err := b.cfg.Feedback.Vote(feedback.Vote{Voter: voter, Answer: parts[0], Passage: parts[1], Helpful: helpful})
	switch {
	case errors.Is(err, feedback.ErrAlreadyVoted):
		b.replyNow(s, i, "You've already told me that about this passage. Thank you!")
	case err != nil:
		b.log.Error("record feedback", "err", err)
		b.replyNow(s, i, "Sorry, I couldn't record that just now. Please try again later.")
	case helpful:
		b.cfg.Monitor.Vote(true)
		b.replyNow(s, i, "Thank you! I've noted that this passage helped. Feedback is anonymous, and you have one vote per answer.")
	default:
		b.cfg.Monitor.Vote(false)
		b.recordNotHelpful(parts[0])
		b.replyNow(s, i, "Thank you for saying so. I've noted that this passage didn't help, so the group's moderators can improve my documents. Feedback is anonymous, and you have one vote per answer.")
	}
}
