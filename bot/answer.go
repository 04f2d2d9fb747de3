package bot

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/index"
)

// maxEmbedDescription is Discord's limit on an embed's description, in characters.
const maxEmbedDescription = 4096

const (
	answerTitle = "What the published documents say"
	answerColor = 0x2b6cb0
	// notAdvice is the footer on every answer.
	notAdvice = "sendbot quotes published documents with their sources; it is not advice. " +
		"Check the source before acting, and ask your local SENDIASS for free, independent advice."
)

// Replies for questions that cannot be searched. They are kind, short and
// never show internal error text.
const (
	msgEmpty    = "Please type a question after the command, for example: *How do I ask for an EHC needs assessment?*"
	msgNoWords  = "I couldn't find any words to search for in that. Try a question in words, for example: *What are short breaks?*"
	msgTooLong  = "That question is a bit long for me. Please ask about one thing, in fewer than %d characters."
	msgBroken   = "Sorry, something went wrong while I was searching. Please try again in a minute."
	msgTimeout  = "Sorry, that search took too long. Please try again, perhaps with fewer words."
	msgMentionQ = "Hello! Mention me with a question, for example: *@sendbot how do I ask for an EHC needs assessment?* You can also use the `/ask` command."
)

// answerReply turns a search result into what the bot posts: an embed of
// the passages when the search answered, otherwise a kind message that
// says so and how to ask differently.
func answerReply(res index.Result, areas []string) (content string, embeds []*discordgo.MessageEmbed) {
	if !res.Answered || len(res.Hits) == 0 {
		return declineMessage(areas), nil
	}
	return "", []*discordgo.MessageEmbed{answerEmbed(res.Hits)}
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

func declineMessage(areas []string) string {
	return "I couldn't find an answer to that in the documents I have, so I won't guess. " +
		"Try other words, for example *EHCP*, *short breaks* or *autism assessment*, or choose an area. " +
		areasSentence(areas) + " Your local SENDIASS gives free, independent advice."
}

func areasSentence(areas []string) string {
	if len(areas) == 0 {
		return ""
	}
	return "Areas I have documents for: " + escapeMarkdown(strings.Join(areas, ", ")) + "."
}

// answerEmbed shows each hit as its linked source title, a line of
// section, area, date and page, and the quoted text with matched words in
// bold, within Discord's embed limits.
func answerEmbed(hits []index.Hit) *discordgo.MessageEmbed {
	budget := maxEmbedDescription
	var blocks []string
	for i, h := range hits {
		header := sourceHeader(i+1, h)
		// Share what is left fairly between this hit and those after it.
		share := budget/(len(hits)-i) - utf8.RuneCountInString(header) - 2
		q := quote(h, share)
		block := header + "\n" + q
		budget -= utf8.RuneCountInString(block) + 2
		blocks = append(blocks, block)
	}
	return &discordgo.MessageEmbed{
		Title:       answerTitle,
		Description: strings.Join(blocks, "\n\n"),
		Color:       answerColor,
		Footer:      &discordgo.MessageEmbedFooter{Text: notAdvice},
	}
}

// sourceHeader is "**1. [Title](url)**" and a line with the section, area,
// date and page.
func sourceHeader(n int, h index.Hit) string {
	title := escapeMarkdown(truncateRunes(h.Title, 200))
	if title == "" {
		title = "Untitled document"
	}
	line := fmt.Sprintf("**%d. %s**", n, title)
	if u := linkTarget(h.SourceURL); u != "" {
		line = fmt.Sprintf("**%d. [%s](%s)**", n, title, u)
	}
	var meta []string
	if h.Section != "" {
		meta = append(meta, escapeMarkdown(truncateRunes(h.Section, 150)))
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
	s = truncateRunes(s, max-3)
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

// truncateRunes cuts s to at most max runes, on a word boundary when it can.
func truncateRunes(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max]
	cut := strings.LastIndexAny(string(r), " \n")
	if cut > len(string(r))/2 {
		return strings.TrimRight(string(r)[:cut], " \n")
	}
	return string(r)
}

// noMentions allows no mentions at all. Parse must be an empty list, not
// nil: nil is sent as "parse": null, which Discord does not read as "none".
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}
