package bot

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/index"
)

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
	// maxListed is how many corrections or unknown words a reply lists.
	maxListed = 8
)

// StaleNote says, once under an answer, which of its passages are from
// documents published longer ago than maxAge: "⚠ 2 is from a document
// over 2 years old: check it is still current." It is "" when none is.
// numbers are the passages' numbers as shown, by hit; a hit numbered 0
// (a glossary meaning) is not counted. The terminal answers use it too.
func StaleNote(hits []index.Hit, numbers []int, now time.Time, maxAge time.Duration) string {
	var stale []string
	reason := ""
	for i, h := range hits {
		if i >= len(numbers) || numbers[i] == 0 {
			continue
		}
		if st := h.Staleness(now, maxAge); st.Stale {
			stale = append(stale, fmt.Sprint(numbers[i]))
			reason = st.Reason
		}
	}
	switch len(stale) {
	case 0:
		return ""
	case 1:
		return "⚠ " + stale[0] + " is from a document " + reason + ": check it is still current."
	}
	return "⚠ " + strings.Join(stale[:len(stale)-1], ", ") + " and " + stale[len(stale)-1] + " are from documents " + reason + ": check they are still current."
}

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
	if len(res.Corrections) > 0 {
		notes = append(notes, "Searched for "+correctionList(res.Corrections, "%s (you typed %s)")+".")
	}
	if note := UncoveredNote(res); note != "" {
		notes = append(notes, escapeMarkdown(note))
	}
	return truncateRunes(strings.Join(notes, "\n"), maxContent), []*discordgo.MessageEmbed{answerEmbed(res.Hits, first, d)}
}

// correctionList writes corrections with format, given the searched word
// and the typed one in italics: "*autism* (you typed *autisim*)".
func correctionList(cs []index.Correction, format string) string {
	var parts []string
	for i, c := range cs {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(cs)-i))
			break
		}
		parts = append(parts, fmt.Sprintf(format, italic(c.To), italic(c.From)))
	}
	return strings.Join(parts, ", ")
}

// italic shows a word, as typed or searched, in italics.
func italic(word string) string {
	return "*" + escapeMarkdown(truncateRunes(strings.TrimSpace(word), 40)) + "*"
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
	lines := []string{escapeMarkdown(DeclineSentence(res))}
	if len(res.Corrections) > 0 {
		lines = append(lines, "I searched for "+correctionList(res.Corrections, "%s instead of %s")+".")
	}
	if len(res.Unknown) > 0 {
		lines = append(lines, "My documents don't mention: "+wordList(res.Unknown)+".")
	}
	if res.Uncovered == "" {
		lines = append(lines, strings.TrimSpace("Try other words, for example *EHCP*, *short breaks* or *autism assessment*, or choose an area. "+areasSentence(areas)))
	} else if a := areasSentence(areas); a != "" {
		lines = append(lines, a)
	}
	switch {
	case len(res.Signposts) == 0 && res.Uncovered != "":
		// The first sentence has said the documents do not cover it.
	case len(res.Signposts) == 0:
		lines = append(lines, "", "My documents don't include "+signpostOwner(res.Area)+" Local Offer or independent SEND advice service (SENDIASS), so I can't point you to them.")
	default:
		lines = append(lines, "", "Where to ask instead:")
		for _, g := range groupSignposts(res.Signposts) {
			var whats []string
			for _, w := range g.whats {
				whats = append(whats, "**"+escapeMarkdown(w)+"**")
			}
			lines = append(lines, strings.Join(whats, " and ")+": "+sourceLink(g.hit, true))
		}
	}
	return truncateRunes(strings.Join(lines, "\n"), maxContent)
}

// DeclineSentence is the first sentence of a decline: plainly, why. The
// terminal answers use it too.
func DeclineSentence(res index.Result) string {
	switch {
	case res.Uncovered == "":
		return "I couldn't find an answer to that in the documents I have, so I won't guess."
	case index.InEngland(res.Country):
	case index.InUK(res.Country) && res.Country != res.Uncovered:
		return "My documents are about support for SEND in England, and " + res.Uncovered + " is in " + res.Country + ", which has its own system, so I can't answer that."
	case !index.InUK(res.Country):
		return "My documents are about support for SEND in England, so I can't answer about " + res.Uncovered + "."
	}
	return "I don't have documents about this for " + placeName(res) + " yet, so I won't guess."
}

// UncoveredNote says, above an answer asked in a place with no documents
// of its own, that its passages are England-wide; it is "" otherwise. The
// terminal answers use it too.
func UncoveredNote(res index.Result) string {
	if res.Uncovered == "" {
		return ""
	}
	return "I don't have documents about " + placeName(res) + " yet, so these are from documents for all of England."
}

// placeName is the place a result is about, with its council's area when
// that is named otherwise: "Cheltenham (Gloucestershire)".
func placeName(res index.Result) string {
	if res.UncoveredArea != "" && res.UncoveredArea != res.Uncovered {
		return res.Uncovered + " (" + res.UncoveredArea + ")"
	}
	return res.Uncovered
}

// signpostGroup is one document to ask instead, with what it is for: a
// page that is both the Local Offer and the advice service's is listed once.
type signpostGroup struct {
	whats []string
	hit   index.Hit
}

// groupSignposts lists each signposted document once, in order.
func groupSignposts(ss []index.Signpost) []signpostGroup {
	var out []signpostGroup
	at := map[string]int{}
	for _, s := range ss {
		key := s.Hit.Path + "|" + s.Hit.Title + "|" + s.Hit.SourceURL
		if i, ok := at[key]; ok {
			out[i].whats = append(out[i].whats, s.What)
			continue
		}
		at[key] = len(out)
		out = append(out, signpostGroup{whats: []string{s.What}, hit: s.Hit})
	}
	return out
}

// signpostOwner is whose Local Offer the documents lack: "Testshire's",
// or "a" when no area was asked about.
func signpostOwner(area string) string {
	if area == "" {
		return "a"
	}
	return escapeMarkdown(area) + "'s"
}

// wordList lists words the parent typed, escaped, at most maxListed.
func wordList(words []string) string {
	var parts []string
	for i, w := range words {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(words)-i))
			break
		}
		parts = append(parts, escapeMarkdown(truncateRunes(w, 40)))
	}
	return strings.Join(parts, ", ")
}

// sourceLink is a document's title linked to its source, or the title
// alone when it has no usable address. In a message's text (not an
// embed) the address is in <…> so Discord shows no preview of it.
func sourceLink(h index.Hit, inText bool) string {
	title := escapeMarkdown(truncateRunes(h.Title, 150))
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
	return "Areas I have documents for: " + escapeMarkdown(truncateRunes(strings.Join(areas, ", "), 600)) + "."
}

// answerEmbed shows each hit as its linked source title, a line of
// section, area and dated page, the quoted text with matched words in
// bold, and a line explaining the jargon it uses; a glossary meaning
// comes first, unnumbered. Each hit gets a fair share of Discord's
// description limit, and the quote gives way first.
func answerEmbed(hits []index.Hit, first int, d dating) *discordgo.MessageEmbed {
	numbers := Numbers(hits, first)
	// Said once, under the passages, and kept whatever else gives way.
	stale := escapeMarkdown(StaleNote(hits, numbers, d.now, d.maxAge))
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
		jargon := jargonLine(h.Jargon)
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
			if line := jargonLine(shownJargon(h.Jargon, q)); line != "" {
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

// Numbers are the numbers hits are shown with, going on from first: a
// glossary meaning shown first is not numbered (0). The terminal answers
// use them too.
func Numbers(hits []index.Hit, first int) []int {
	out := make([]int, len(hits))
	n := first
	for i, h := range hits {
		if i == 0 && h.Kind == index.KindGlossary {
			continue
		}
		n++
		out[i] = n
	}
	return out
}

// sourceHeader is "**1. [Title](url)**" and a line with the section, the
// area, the date and the page.
func sourceHeader(n int, h index.Hit) string {
	title := escapeMarkdown(truncateRunes(h.Title, 200))
	if title == "" {
		title = "Untitled document"
	}
	line := fmt.Sprintf("**%d. %s**", n, title)
	if u := linkTarget(h.SourceURL); u != "" && runeLen(u) <= maxLinkRunes {
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

// meaningHeader heads a glossary meaning: "**What EHCP means**" and its
// linked source with the date.
func meaningHeader(h index.Hit) string {
	section := h.Section
	if section == "" {
		section = "What it means"
	}
	return "**" + escapeMarkdown(truncateRunes(section, 150)) + "**\nFrom " + sourceLink(h, false) + " · " + h.ShownDate()
}

// jargonLine explains glossary terms in a line under a quote:
// "EHCP: Education, Health and Care plan · SENCO: …".
func jargonLine(js []index.Jargon) string {
	var parts []string
	for _, j := range js {
		parts = append(parts, escapeMarkdown(truncateRunes(j.Term, 60))+": "+escapeMarkdown(truncateRunes(j.Meaning, 150)))
	}
	return strings.Join(parts, " · ")
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
