package bot

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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
	// AnswerTTL is how long the More results button of an answer works,
	// and so how long AnswerPages keep it.
	AnswerTTL = time.Hour
	// maxAnswers bounds the answers kept for paging; the oldest go first.
	maxAnswers = 1000
)

// AnswerPages keeps recent answers, encoded by the bot, for their More
// results and Not helpful buttons. A *store.Pages (in memory, the
// default) and a *postgres.Pages (shared by replicas) are two.
type AnswerPages interface {
	// Put keeps an answer, and what /gaps may keep of its question (nil
	// when nothing), under id.
	Put(id string, answer, gap []byte, created time.Time) error
	// Get returns the answer under id; nil when it is unknown or has
	// expired at now.
	Get(id string, now time.Time) ([]byte, error)
	// TakeGap returns what /gaps may keep of the answer's question, and
	// forgets it, so that it is taken once; nil when it is gone or the
	// answer has expired.
	TakeGap(id string, now time.Time) ([]byte, error)
}

// shownAnswer is an answer the bot gave, kept so More results can page
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

// keptAnswer is what AnswerPages keep of a shownAnswer: the passages and
// what the notes above them need, but none of the question's own words
// (its corrections, unknown words and search terms), which the first
// page showed; the question's gap is kept beside it.
type keptAnswer struct {
	Hits          []index.Hit   `json:"hits"`
	Area          string        `json:"area,omitempty"`
	Uncovered     string        `json:"uncovered,omitempty"`
	UncoveredArea string        `json:"uncovered_area,omitempty"`
	Country       string        `json:"country,omitempty"`
	Now           time.Time     `json:"now"`
	MaxAge        time.Duration `json:"max_age"`
}

// keepAnswer hands a to the pages.
func (b *Bot) keepAnswer(a *shownAnswer) {
	k := keptAnswer{Hits: a.res.Hits, Area: a.res.Area, Uncovered: a.res.Uncovered, UncoveredArea: a.res.UncoveredArea,
		Country: a.res.Country, Now: a.d.now, MaxAge: a.d.maxAge}
	data, err := json.Marshal(k)
	var gap []byte
	if err == nil && len(a.gap.Words()) > 0 {
		gap, err = json.Marshal(a.gap)
	}
	if err == nil {
		err = b.pages.Put(a.id, data, gap, a.created)
	}
	if err != nil {
		b.log.Error("keep answer for paging", "err", err)
	}
}

// keptAnswerOf is the answer kept under id, nil when it has expired.
func (b *Bot) keptAnswerOf(id string, now time.Time) (*shownAnswer, error) {
	data, err := b.pages.Get(id, now)
	if err != nil || data == nil {
		return nil, err
	}
	var k keptAnswer
	if err := json.Unmarshal(data, &k); err != nil {
		return nil, fmt.Errorf("answer %s: %w", id, err)
	}
	res := index.Result{Hits: k.Hits, Answered: true, Area: k.Area, Uncovered: k.Uncovered, UncoveredArea: k.UncoveredArea, Country: k.Country}
	return &shownAnswer{id: id, res: res, d: dating{now: k.Now, maxAge: k.MaxAge}}, nil
}

// takeGap returns what /gaps may keep of an answer's question and forgets
// it, so an answer is counted as not helpful once however often it is
// voted on; the empty Gap if the answer has expired.
func (b *Bot) takeGap(id string, now time.Time) gaps.Gap {
	var g gaps.Gap
	data, err := b.pages.TakeGap(id, now)
	if err == nil && data != nil {
		err = json.Unmarshal(data, &g)
	}
	if err != nil {
		b.log.Error("take an answer's gap", "err", err)
	}
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
	a, getErr := b.keptAnswerOf(id, b.cfg.Now())
	if getErr != nil {
		b.log.Error("read answer for paging", "err", getErr)
	}
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
