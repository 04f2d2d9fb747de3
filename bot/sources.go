package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

// /sources lists the documents the bot quotes from, a page at a time,
// with Previous and Next buttons that turn the page in place.
const (
	// sourcesPrefix starts the custom ID of the page buttons:
	// "sources:<page>:<area key>", with "" for all areas.
	sourcesPrefix = "sources"
	// sourcesPerPage is how many documents a page lists.
	sourcesPerPage = 10
	sourcesTitle   = "Documents I quote from"
	// maxCustomID is Discord's limit on a component's custom ID, in characters.
	maxCustomID = 100
	// maxAreasListed is how many areas the service directory line names.
	maxAreasListed = 10
)

const (
	msgPageGone = "*The list has changed since those buttons were made, so this is its last page now.*"
	msgAreaGone = "I no longer have documents for that area, so I can't turn the page. Use `/sources` to see the list as it is now."
	msgNoDocs   = "I have no documents here yet."
	msgOnlySvcs = "No documents here apart from the service directory entries below."
)

// onSources answers /sources: the first page of the area's documents,
// seen by the asker only. The list is in memory, so it answers at once.
func (b *Bot) onSources(s *discordgo.Session, i *discordgo.Interaction) {
	area := optionString(i.ApplicationCommandData(), optArea)
	docs, err := b.searcher.Documents(area)
	if err != nil {
		if !errors.Is(err, index.ErrUnknownArea) {
			b.log.Error("list documents", "err", err)
		}
		b.replyNow(s, i, errorReply(err, b.searcher.Areas()))
		return
	}
	shown := shownArea(area, b.searcher.Areas())
	sites, listed := b.sitesBlock(docs, shown)
	embed, buttons := sourcesPage(listed, shown, 1, sites)
	err = b.respond(s, i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Embeds:          []*discordgo.MessageEmbed{embed},
			Components:      buttons,
			Flags:           discordgo.MessageFlagsEphemeral,
			AllowedMentions: noMentions(),
		},
	})
	if err != nil {
		b.logDiscordError("send /sources", err)
	}
}

// turnSourcesPage answers a click on Previous or Next by showing the page
// its custom ID names in the same message. Everything it needs is in the
// ID, so buttons made before a restart work the same.
func (b *Bot) turnSourcesPage(s *discordgo.Session, i *discordgo.Interaction, rest string) {
	page, key, cut := parseSourcesID(rest)
	data := &discordgo.InteractionResponseData{
		Embeds:          []*discordgo.MessageEmbed{},
		Components:      []discordgo.MessageComponent{},
		AllowedMentions: noMentions(),
	}
	area, ok := areaFromKey(key, cut, b.searcher.Areas())
	var docs []index.DocumentInfo
	var err error
	if ok {
		docs, err = b.searcher.Documents(area)
	}
	switch {
	case !ok || errors.Is(err, index.ErrUnknownArea):
		data.Content = msgAreaGone
	case err != nil:
		b.log.Error("list documents", "err", err)
		data.Content = msgBroken
	default:
		sites, listed := b.sitesBlock(docs, area)
		embed, buttons := sourcesPage(listed, area, page, sites)
		data.Embeds = []*discordgo.MessageEmbed{embed}
		data.Components = buttons
	}
	err = b.respond(s, i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: data})
	if err != nil {
		b.logDiscordError("turn /sources page", err)
	}
}

// sourcesPage renders one page of the list: on the first page the sites
// crawled (sites, from sitesBlock; "" for none), then each document's
// linked title, its kind, date and area. page is clamped to the pages there are;
// one past the end, as a button made before the list shrank would ask
// for, shows the last page with a note saying why.
//
// Service directory entries are not listed one by one but counted per
// area on every page. A parent wants to see which reports, guides and
// Local Offer pages the answers come from; a directory can hold
// thousands of services, which would bury those few documents dozens of
// pages deep, and a service is better found by asking about it.
func sourcesPage(docs []index.DocumentInfo, area string, page int, sites string) (*discordgo.MessageEmbed, []discordgo.MessageComponent) {
	var listed []index.DocumentInfo
	var services []areaCount
	for _, d := range docs {
		if d.Kind != index.KindService {
			listed = append(listed, d)
			continue
		}
		if n := len(services); n > 0 && corpus.AreaKey(services[n-1].area) == corpus.AreaKey(d.Area) {
			services[n-1].n++
		} else {
			services = append(services, areaCount{area: d.Area, n: 1})
		}
	}
	pages := max(1, (len(listed)+sourcesPerPage-1)/sourcesPerPage)
	var note string
	switch {
	case page < 1:
		page = 1
	case page > pages:
		page, note = pages, msgPageGone
	}
	first := (page - 1) * sourcesPerPage
	shown := listed[first:min(first+sourcesPerPage, len(listed))]

	var head, tail []string
	if note != "" {
		head = append(head, note)
	}
	if sites != "" && page == 1 {
		head = append(head, sites)
	}
	switch {
	case len(listed) == 0 && len(services) == 0:
		head = append(head, msgNoDocs)
	case len(listed) == 0:
		head = append(head, msgOnlySvcs)
	}
	if len(services) > 0 {
		tail = append(tail, servicesLine(services))
	}
	// Share the description fairly between the documents on the page,
	// after the note and the services; each block costs two characters
	// to separate.
	budget := maxEmbedDescription - runeLen(strings.Join(append(head, tail...), "\n\n")) - 2*(len(head)+len(tail))
	blocks := head
	for k, d := range shown {
		room := budget/(len(shown)-k) - len("\n\n")
		block := documentEntry(first+k+1, d, room)
		budget -= runeLen(block) + len("\n\n")
		blocks = append(blocks, block)
	}
	desc := strings.Join(append(blocks, tail...), "\n\n")
	if runeLen(desc) > maxEmbedDescription { // cannot happen while entries keep to their room
		desc = answer.Shorten(desc, maxEmbedDescription)
	}

	title := sourcesTitle
	if area != "" {
		title += ": " + escapeMarkdown(answer.Shorten(area, 100))
	}
	footer := fmt.Sprintf("Page %d of %d · %s", page, pages, plural(len(listed), "document"))
	if n := len(docs) - len(listed); n > 0 {
		footer += " · " + plural(n, "service")
	}
	embed := &discordgo.MessageEmbed{
		Title:       title,
		Description: desc,
		Color:       answerColor,
		Footer:      &discordgo.MessageEmbedFooter{Text: footer},
	}
	if pages == 1 {
		return embed, []discordgo.MessageComponent{} // nothing to turn; empty (not nil) clears old buttons
	}
	key := corpus.AreaKey(area)
	return embed, []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Previous", Style: discordgo.SecondaryButton, CustomID: sourcesID(page-1, key), Disabled: page == 1},
		discordgo.Button{Label: "Next", Style: discordgo.SecondaryButton, CustomID: sourcesID(page+1, key), Disabled: page == pages},
	}}}
}

type areaCount struct {
	area string
	n    int
}

// servicesLine counts the service directory entries per area:
// "**Service directories**: Bristol: 815 services · Testshire: 3 services".
func servicesLine(services []areaCount) string {
	var parts []string
	for k, s := range services {
		if k == maxAreasListed {
			parts = append(parts, fmt.Sprintf("and %d more areas", len(services)-k))
			break
		}
		name := escapeMarkdown(answer.Shorten(s.area, 60))
		if name == "" {
			name = "No area"
		}
		parts = append(parts, name+": "+plural(s.n, "service"))
	}
	return "**Service directories**: " + strings.Join(parts, " · ") +
		"\nI quote these services too, but don't list them one by one: ask about one with `/ask`."
}

// documentEntry is "**11. [Title](url)**" and a line with the kind, the
// date and the area, in at most room characters: the link gives way
// first, then the title is shortened.
func documentEntry(n int, d index.DocumentInfo, room int) string {
	var meta []string
	if k := strings.TrimSpace(d.Kind); k != "" {
		meta = append(meta, escapeMarkdown(answer.Shorten(k, 30)))
	}
	meta = append(meta, d.ShownDate())
	if d.Area != "" {
		meta = append(meta, escapeMarkdown(answer.Shorten(d.Area, 40)))
	}
	line := "\n" + strings.Join(meta, " · ")
	raw := strings.TrimSpace(d.Title)
	if raw == "" {
		raw = "Untitled document"
	}
	u := linkTarget(d.SourceURL)
	if runeLen(u) > maxLinkRunes {
		u = ""
	}
	for cut := 150; ; cut -= 10 {
		title := escapeMarkdown(answer.Shorten(raw, max(cut, 10)))
		linked := fmt.Sprintf("**%d. [%s](%s)**", n, title, u)
		if u != "" && runeLen(linked+line) <= room {
			return linked + line
		}
		plain := fmt.Sprintf("**%d. %s**", n, title)
		if runeLen(plain+line) <= room || cut <= 10 {
			return plain + line
		}
	}
}

// sourcesID is the custom ID of a button that shows page of the list for
// the area with key ("" for all). A key too long for the ID is cut, on a
// character boundary; areaFromKey finds the area again from what is left.
func sourcesID(page int, key string) string {
	id := sourcesPrefix + ":" + strconv.Itoa(page) + ":"
	return id + string([]rune(key)[:min(runeLen(key), maxCustomID-runeLen(id))])
}

// parseSourcesID reads what follows "sources:" in a custom ID: the page
// (one that is not a number is read as the first), the area key, and
// whether the key may have been cut to fit.
func parseSourcesID(rest string) (page int, key string, cut bool) {
	p, key, _ := strings.Cut(rest, ":")
	page, err := strconv.Atoi(p)
	if err != nil {
		page = 1
	}
	return page, key, runeLen(sourcesPrefix+":"+rest) >= maxCustomID
}

// areaFromKey finds the area a button's custom ID names: by its whole key,
// else, when the key was cut to fit the ID, as the only area whose key
// starts with it. "" is all areas. ok is false when no area, or more
// than one, fits: a key that was not cut never stands for another area.
func areaFromKey(key string, cut bool, areas []string) (area string, ok bool) {
	if key == "" {
		return "", true
	}
	var found []string
	for _, a := range areas {
		k := corpus.AreaKey(a)
		if k == key {
			return a, true
		}
		if cut && strings.HasPrefix(k, key) {
			found = append(found, a)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

// shownArea writes an area as parents see it ("north-lincolnshire" →
// "North Lincolnshire"), or as given when the index does not know it.
func shownArea(area string, areas []string) string {
	for _, a := range areas {
		if corpus.AreaKey(a) == corpus.AreaKey(area) {
			return a
		}
	}
	return strings.TrimSpace(area)
}

// plural is "1 document" or "63 documents".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
