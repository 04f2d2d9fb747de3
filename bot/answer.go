package bot

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/index"
)

const (
	answerTitle = "What the published documents say"
	answerColor = 0x2b6cb0
	// notAdvice is the footer on every answer.
	notAdvice = answer.NotAdvice + " Check the source before acting, and ask your local SENDIASS for free, independent advice."
)

// Replies for questions that cannot be searched. They are kind, short and
// never show internal error text.
const (
	msgEmpty      = "Please type a question after the command, for example: *How do I ask for an EHC needs assessment?*"
	msgNoWords    = "I couldn't find any words to search for in that. Try a question in words, for example: *What are short breaks?*"
	msgTooLong    = "That question is a bit long for me. Please ask about one thing, in fewer than %d characters."
	msgBroken     = "Sorry, something went wrong while I was searching. Please try again in a minute."
	msgRestarting = "Sorry, I'm restarting, so I couldn't answer that. Please ask again in a minute."
	msgTimeout    = "Sorry, that search took too long. Please try again, perhaps with fewer words."
	msgExpired    = "Sorry, that answer has expired, so its buttons no longer work. Please ask again with `/ask`."
	msgNotShown   = "Sorry, I found an answer but Discord wouldn't let me show it. Please try again in a minute; if it keeps happening, please tell a moderator."
	msgMentionQ   = "Hello! Mention me with a question, for example: *@sendbot how do I ask for an EHC needs assessment?* You can also use the `/ask` command."
)

// Limits Discord puts on a message, in characters.
const (
	// maxEmbedDescription is the limit on an embed's description.
	maxEmbedDescription = 4096
	// maxContent is the limit on a message's text outside its embeds.
	maxContent = 2000
)

// Sizes that keep an answer readable and within Discord's limits.
const (
	// minQuoteRunes is the least of a passage an answer shows: a jargon
	// line is dropped before the quote is cut shorter than this.
	minQuoteRunes = 200
	// maxLinkRunes is the longest source address shown as a link; a
	// longer one is left out rather than cut, which would break it.
	maxLinkRunes = 512
)

// dating is what answers are dated against.
type dating struct {
	now    time.Time
	maxAge time.Duration
}

// answerReply turns a search result into what the bot posts: an embed of
// the passages when the search answered, with a note above it when words
// were corrected or the area asked in has no documents of its own (the
// passages are then England-wide); otherwise a kind message that says
// so, how to ask differently and where else to ask.
// first is how many passages earlier pages showed, so numbering goes on.
func answerReply(res index.Result, areas []string, d dating, first int) (content string, embeds []*discordgo.MessageEmbed) {
	if !res.Answered || len(res.Hits) == 0 {
		return declineMessage(res, areas), nil
	}
	var notes []string
	if note := answer.RephrasedNote(res, markdown); note != "" {
		notes = append(notes, note)
	}
	if note := answer.SearchedNote(res.Corrections, markdown); note != "" {
		notes = append(notes, note)
	}
	if note := answer.UncoveredNote(res); note != "" {
		notes = append(notes, escapeMarkdown(note))
	}
	return answer.Shorten(strings.Join(notes, "\n"), maxContent), []*discordgo.MessageEmbed{answerEmbed(res.Hits, first, d)}
}

// markdown shows what parents typed and documents say in Discord's
// Markdown: escaped, so nothing formats or mentions, and words in
// italics: "*autism* (you typed *autisim*)".
var markdown = answer.Marks{
	Text: escapeMarkdown,
	Word: func(w string) string { return "*" + escapeMarkdown(w) + "*" },
}

// errorReply turns a search error into a message for the parent.
func errorReply(err error, areas []string) string {
	switch {
	case errors.Is(err, index.ErrNoWords):
		return msgNoWords
	case errors.Is(err, index.ErrTooLong):
		return fmt.Sprintf(msgTooLong, index.MaxQueryRunes)
	case errors.Is(err, index.ErrUnknownArea):
		return "I don't have documents for that area yet. " + areasSentence(areas)
	case errors.Is(err, errTimeout):
		return msgTimeout
	}
	return msgBroken
}

var errTimeout = errors.New("search timed out")

// slowDown is the notice for someone over the rate limit.
func slowDown(wait time.Duration) string {
	secs := int(wait.Round(time.Second) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return fmt.Sprintf("You've asked a lot of questions in the last minute, so I'm taking a short break from yours. Please ask again in %d seconds. (This keeps me quick for everyone.)", secs)
}

// declineMessage says the bot will not guess, what it made of the words,
// how to ask differently, and where to ask instead: the area's Local
// Offer and advice service as the documents give them, and never a
// service the documents do not name.
func declineMessage(res index.Result, areas []string) string {
	lines := []string{escapeMarkdown(answer.DeclineSentence(res))}
	for _, note := range []string{answer.InsteadNote(res.Corrections, markdown), answer.UnknownNote(res.Unknown, markdown)} {
		if note != "" {
			lines = append(lines, note)
		}
	}
	switch {
	case res.Uncovered == "":
		lines = append(lines, strings.TrimSpace("Try other words, for example *EHCP*, *short breaks* or *autism assessment*, or choose an area. "+areasSentence(areas)))
	default: // the place is what the documents lack
		if a := areasSentence(areas); a != "" {
			lines = append(lines, a)
		}
	}
	switch {
	case len(res.Signposts) == 0 && res.Uncovered != "":
		// The first sentence has said the documents do not cover it.
	case len(res.Signposts) == 0:
		lines = append(lines, "", answer.NoSignposts(res.Area, markdown))
	default:
		lines = append(lines, "", answer.WhereInstead)
		for _, g := range answer.Signposts(res.Signposts) {
			var whats []string
			for _, w := range g.Whats {
				whats = append(whats, "**"+escapeMarkdown(w)+"**")
			}
			lines = append(lines, strings.Join(whats, " and ")+": "+sourceLink(g.Hit, true))
		}
	}
	return answer.Shorten(strings.Join(lines, "\n"), maxContent)
}

// sourceLink is a document's title linked to its source, or the title
// alone when it has no usable address. In a message's text (not an
// embed) the address is in <…> so Discord shows no preview of it.
func sourceLink(h index.Hit, inText bool) string {
	title := escapeMarkdown(answer.Shorten(h.Title, 150))
	if title == "" {
		title = "Untitled document"
	}
	u := linkTarget(h.SourceURL)
	switch {
	case u == "" || runeLen(u) > maxLinkRunes:
		return title
	case inText:
		return "[" + title + "](<" + u + ">)"
	}
	return "[" + title + "](" + u + ")"
}

func areasSentence(areas []string) string {
	if len(areas) == 0 {
		return ""
	}
	return "Areas I have documents for: " + escapeMarkdown(answer.Shorten(strings.Join(areas, ", "), 600)) + "."
}

// answerEmbed shows each hit as its linked source title, a line of
// section, area and dated page, the quoted text with matched words in
// bold, and a line explaining the jargon it uses; a glossary meaning
// comes first, unnumbered. Each hit gets a fair share of Discord's
// description limit, and the quote gives way first.
func answerEmbed(hits []index.Hit, first int, d dating) *discordgo.MessageEmbed {
	numbers := answer.Numbers(hits, first)
	// Said once, under the passages, and kept whatever else gives way.
	stale := escapeMarkdown(answer.StaleNote(hits, numbers, d.now, d.maxAge))
	limit := maxEmbedDescription
	if stale != "" {
		limit -= runeLen(stale) + len("\n\n")
	}
	budget := limit
	var blocks []string
	for i, h := range hits {
		var header string
		if numbers[i] == 0 {
			header = meaningHeader(h)
		} else {
			header = sourceHeader(numbers[i], h)
		}
		jargon := answer.Jargon(h.Jargon, markdown)
		// Share what is left fairly between this hit and those after it;
		// each block but the first costs two characters to separate.
		room := budget/(len(hits)-i) - runeLen(header) - len("\n") - len("\n\n")
		if jargon != "" {
			if room-runeLen(jargon)-1 >= minQuoteRunes {
				room -= runeLen(jargon) + 1
			} else {
				jargon = ""
			}
		}
		q := quote(h, max(room, minQuoteRunes))
		block := header + "\n" + q
		if jargon != "" {
			// A shortened quote may no longer show every term.
			if line := answer.Jargon(shownJargon(h.Jargon, q), markdown); line != "" {
				block += "\n" + line
			}
		}
		budget -= runeLen(block) + len("\n\n")
		blocks = append(blocks, block)
	}
	// Headers are bounded, not small: should a few long ones still not
	// fit, the last passages give way.
	desc := strings.Join(blocks, "\n\n")
	for len(blocks) > 1 && runeLen(desc) > limit {
		blocks = blocks[:len(blocks)-1]
		desc = strings.Join(blocks, "\n\n")
	}
	if runeLen(desc) > limit {
		desc = cutMarkdown(desc, limit)
	}
	if stale != "" {
		desc += "\n\n" + stale
	}
	return &discordgo.MessageEmbed{
		Title:       answerTitle,
		Description: desc,
		Color:       answerColor,
		Footer:      &discordgo.MessageEmbedFooter{Text: notAdvice},
	}
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// sourceHeader is "**1. [Title](url)**" and a line with the section, the
// area, the date and the page.
func sourceHeader(n int, h index.Hit) string {
	title := escapeMarkdown(answer.Shorten(h.Title, 200))
	if title == "" {
		title = "Untitled document"
	}
	line := fmt.Sprintf("**%d. %s**", n, title)
	if u := linkTarget(h.SourceURL); u != "" && runeLen(u) <= maxLinkRunes {
		line = fmt.Sprintf("**%d. [%s](%s)**", n, title, u)
	}
	var meta []string
	if h.Section != "" {
		meta = append(meta, escapeMarkdown(answer.Shorten(h.Section, 150)))
	}
	if h.Area != "" {
		meta = append(meta, escapeMarkdown(h.Area))
	}
	meta = append(meta, h.ShownDate())
	if h.Page > 0 {
		meta = append(meta, fmt.Sprintf("page %d", h.Page))
	}
	return line + "\n" + strings.Join(meta, " · ")
}

// meaningHeader heads a glossary meaning: "**What EHCP means**" and its
// linked source with the date.
func meaningHeader(h index.Hit) string {
	section := h.Section
	if section == "" {
		section = "What it means"
	}
	return "**" + escapeMarkdown(answer.Shorten(section, 150)) + "**\nFrom " + sourceLink(h, false) + " · " + h.ShownDate()
}

// shownJargon keeps the terms a rendered quote still shows.
func shownJargon(js []index.Jargon, quoted string) []index.Jargon {
	plain := strings.ReplaceAll(quoted, "**", "")
	var out []index.Jargon
	for _, j := range js {
		if strings.Contains(plain, escapeMarkdown(j.Term)) {
			out = append(out, j)
		}
	}
	return out
}

// linkTarget returns u if it is safe to use as a Markdown link target.
func linkTarget(u string) string {
	u = strings.TrimSpace(u)
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return ""
	}
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E").Replace(u)
}

var splitMention = regexp.MustCompile(`@((?:\*\*)?(?:everyone|here))`)

var bareURL = regexp.MustCompile(`https?://[^\s)<>]+`)

// quote renders a hit's text as a Discord block quote of at most maxRunes:
// escaped so it cannot format or mention anything, its matched words in
// bold, and web addresses left intact so they stay clickable.
func quote(h index.Hit, maxRunes int) string {
	text, matches := h.Text, h.Matches
	urls := bareURL.FindAllStringIndex(text, -1)
	var b strings.Builder
	pos := 0
	for _, m := range matches {
		if m.Start < pos || insideAny(m.Start, m.End, urls) {
			continue
		}
		b.WriteString(escapeWithURLs(text[pos:m.Start]))
		b.WriteString("**" + escapeMarkdown(text[m.Start:m.End]) + "**")
		pos = m.End
	}
	b.WriteString(escapeWithURLs(text[pos:]))
	body := strings.ReplaceAll(b.String(), "****", "")      // adjacent bold runs
	body = splitMention.ReplaceAllString(body, "@\u200b$1") // bold may have split "@everyone"
	var lines []string
	for _, l := range strings.Split(body, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, "> "+l)
		}
	}
	out := strings.Join(lines, "\n")
	if maxRunes > 0 && utf8.RuneCountInString(out) > maxRunes {
		out = cutMarkdown(out, maxRunes)
	}
	return out
}

// cutMarkdown shortens rendered text to at most max runes on a word
// boundary, closing a bold run it cuts through.
func cutMarkdown(s string, max int) string {
	s = answer.Shorten(s, max-3)
	if strings.Count(s, "**")%2 == 1 {
		s += "**"
	}
	return s + "…"
}

func insideAny(start, end int, ranges [][]int) bool {
	for _, r := range ranges {
		if start < r[1] && end > r[0] {
			return true
		}
	}
	return false
}

func escapeWithURLs(s string) string {
	var b strings.Builder
	pos := 0
	for _, r := range bareURL.FindAllStringIndex(s, -1) {
		b.WriteString(escapeMarkdown(s[pos:r[0]]))
		b.WriteString("<" + s[r[0]:r[1]] + ">") // <…> marks exactly where the link ends
		pos = r[1]
	}
	b.WriteString(escapeMarkdown(s[pos:]))
	return b.String()
}

var markdownSpecial = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, `~`, `\~`, "`", "\\`", `|`, `\|`,
	`>`, `\>`, `<`, `\<`, `#`, `\#`, `[`, `\[`, `]`, `\]`, `(`, `\(`, `)`, `\)`,
	"@everyone", "@\u200beveryone", "@here", "@\u200bhere",
)

// escapeMarkdown makes text show as typed: no bold, links, headings, block
// quotes or mentions. A list marker at the start of a line is escaped too.
func escapeMarkdown(s string) string {
	s = markdownSpecial.Replace(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "+ ") {
			lines[i] = `\` + l
		}
	}
	return strings.Join(lines, "\n")
}

// noMentions allows no mentions at all. Parse must be an empty list, not
// nil: nil is sent as "parse": null, which Discord does not read as "none".
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}
