package bot

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/gaps"
	"github.com/sendbot/sendbot/index"
)

const (
	// perPage is how many passages one page of an answer shows.
	perPage = index.DefaultK
	// maxPassages is how many passages a question fetches for paging.
	maxPassages = 15
	// answerTTL is how long the More results button of an answer works.
	answerTTL = time.Hour
	// maxAnswers bounds the answers kept for paging; the oldest go first.
	maxAnswers = 1000
)

// shownAnswer is an answer kept in memory so More results can page
// through it. It holds the passages found, never the question: when gaps
// are recorded, only what /gaps may keep of it, for a Not helpful vote.
type shownAnswer struct {
	id      string
	res     index.Result
	d       dating
	created time.Time
	// gap is what /gaps may keep of the question (GapStore.Reduce), until
	// a Not helpful vote records it; empty when gaps are not recorded.
	gap gaps.Gap
}

// answerCache keeps recent answers in memory only: after a restart their
// More results buttons say kindly that the answer has expired.
type answerCache struct {
	mu    sync.Mutex
	byID  map[string]*shownAnswer
	order []string
}

func newAnswerCache() *answerCache { return &answerCache{byID: map[string]*shownAnswer{}} }

func (c *answerCache) put(a *shownAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byID[a.id] = a
	c.order = append(c.order, a.id)
	for len(c.order) > maxAnswers {
		delete(c.byID, c.order[0])
		c.order = c.order[1:]
	}
}

func (c *answerCache) get(id string, now time.Time) *shownAnswer {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.byID[id]
	if a == nil || now.Sub(a.created) > answerTTL {
		return nil
	}
	return a
}

// takeGap returns what /gaps may keep of an answer's question and forgets
// it, so an answer is counted as not helpful once however often it is
// voted on; the empty Gap if the answer has expired.
func (c *answerCache) takeGap(id string, now time.Time) gaps.Gap {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.byID[id]
	if a == nil || now.Sub(a.created) > answerTTL {
		return gaps.Gap{}
	}
	g := a.gap
	a.gap = gaps.Gap{}
	return g
}

// newAnswerID is a random name for an answer, used in its buttons.
func newAnswerID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// pages is how many pages the answer's passages fill.
func (a *shownAnswer) pages() int { return (len(a.res.Hits) + perPage - 1) / perPage }

// render shows page p (0-based) of an answer: the note above, the
// passages numbered on from earlier pages, a Helpful / Not helpful pair
// for each passage, and Previous / More results when there are more pages.
func (a *shownAnswer) render(p int, areas []string) (string, []*discordgo.MessageEmbed, []discordgo.MessageComponent) {
	p = max(0, min(p, a.pages()-1))
	page := a.res
	from, to := p*perPage, min((p+1)*perPage, len(a.res.Hits))
	page.Hits = a.res.Hits[from:to]
	content, embeds := answerReply(page, areas, a.d, from)
	if len(embeds) == 0 {
		return content, nil, nil
	}
	if a.pages() > 1 {
		embeds[0].Footer.Text = fmt.Sprintf("Passages %d–%d of %d · %s", from+1, to, len(a.res.Hits), notAdvice)
	}
	var rows []discordgo.MessageComponent
	n := from
	for _, h := range page.Hits {
		if h.Kind == index.KindGlossary {
			continue
		}
		n++
		pid := passageKey(h)
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: fmt.Sprintf("Helpful (%d)", n), Style: discordgo.SecondaryButton, Emoji: &discordgo.ComponentEmoji{Name: "👍"}, CustomID: "fb:" + a.id + ":" + pid + ":y"},
			discordgo.Button{Label: fmt.Sprintf("Not helpful (%d)", n), Style: discordgo.SecondaryButton, Emoji: &discordgo.ComponentEmoji{Name: "👎"}, CustomID: "fb:" + a.id + ":" + pid + ":n"},
		}})
	}
	if a.pages() > 1 {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Previous", Style: discordgo.SecondaryButton, CustomID: fmt.Sprintf("more:%s:%d", a.id, p-1), Disabled: p == 0},
			discordgo.Button{Label: "More results", Style: discordgo.PrimaryButton, CustomID: fmt.Sprintf("more:%s:%d", a.id, p+1), Disabled: p == a.pages()-1},
		}})
	}
	return content, embeds, rows
}

// passageKey names a hit's passage in a button.
func passageKey(h index.Hit) string { return answer.Shorten(h.PassageID(), 40) }

// onMore shows another page of an answer by editing its message.
func (b *Bot) onMore(s *discordgo.Session, i *discordgo.Interaction, rest string) {
	id, pageText, _ := strings.Cut(rest, ":")
	p, err := strconv.Atoi(pageText)
	a := b.answers.get(id, b.cfg.Now())
	if err != nil || a == nil {
		b.replyNow(s, i, msgExpired)
		return
	}
	content, embeds, rows := a.render(p, b.searcher.Areas())
	err = b.respond(s, i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: content, Embeds: embeds, Components: rows, AllowedMentions: noMentions()},
	})
	if err != nil {
		b.logDiscordError("show more results", err)
	}
}
