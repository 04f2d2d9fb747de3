package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/corpus"
	crawler "github.com/sendbot/sendbot/corpus/fetch"
	"github.com/sendbot/sendbot/library"
)

// SiteStore keeps the whole sites moderators add from Discord, which
// every reindex crawls. A *library.Sites is one.
type SiteStore interface {
	// Propose checks a site and keeps it until Confirm or Cancel; one it
	// will not take is refused with a *library.Refusal, which the bot words.
	Propose(library.SiteRequest) (library.Proposal, error)
	// Confirm adds the proposed site id, as added by the moderator by.
	Confirm(id, by string) (library.Site, error)
	// Cancel forgets the proposed site id.
	Cancel(id string) (library.Site, error)
	// Remove takes out the added site id; the next reindex drops its pages.
	Remove(id string) (library.Site, error)
	// Added lists the sites added from Discord, newest first.
	Added() []library.Site
	// Status lists every site crawled, with how its last crawl went.
	Status() ([]library.SiteStatus, error)
}

// addSourcePrefix starts the custom ID of the Confirm and Cancel buttons:
// "addsrc:ok:<proposal>" and "addsrc:no:<proposal>". The proposal is kept
// on disk by the SiteStore, so the buttons work after a restart.
const addSourcePrefix = "addsrc"

// msgNoSites answers /add-source and /remove-source when they are off.
const msgNoSites = "Adding sites from Discord isn't set up for this bot."

// onAddSource runs /add-source for a moderator: it checks the site and
// shows what will be crawled, with Confirm and Cancel buttons.
func (b *Bot) onAddSource(s *discordgo.Session, i *discordgo.Interaction) {
	who := userID(i)
	if !b.mayChange(s, i, "add-source", b.cfg.Sites != nil && b.cfg.Reindexer != nil, msgNoSites) {
		return
	}
	req := library.SiteRequest{By: who}
	for _, o := range i.ApplicationCommandData().Options {
		switch o.Name {
		case optURL:
			req.URL = o.StringValue()
		case optArea:
			req.Area = o.StringValue()
		case optScope:
			req.Scope = o.StringValue()
		case optKind:
			req.Kind = o.StringValue()
		case optMaxPages:
			req.MaxPages = strconv.FormatInt(o.IntValue(), 10)
		}
	}
	p, err := b.cfg.Sites.Propose(req)
	if err != nil {
		why := siteError(err)
		b.audit(library.AuditEntry{Who: who, Action: "add-source", Detail: answer.Shorten(req.URL, 200), Result: "refused: " + why})
		b.replyNow(s, i, "I can't add that site: "+why)
		return
	}
	err = b.respond(s, i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content:         proposalText(p.Site),
			Components:      proposalButtons(p.ID),
			Flags:           discordgo.MessageFlagsEphemeral,
			AllowedMentions: noMentions(),
		},
	})
	if err != nil {
		b.logDiscordError("propose a site", err)
	}
}

// proposalText says what Confirm will do.
func proposalText(site library.Site) string {
	var b strings.Builder
	b.WriteString("I'll crawl this site and add its pages for parents to ask about:\n")
	fmt.Fprintf(&b, "• Start at: <%s>\n", site.Start)
	fmt.Fprintf(&b, "• Stay within: <%s> (pages whose address starts with that)\n", site.Scope)
	fmt.Fprintf(&b, "• Read at most %d pages\n", site.MaxPages)
	fmt.Fprintf(&b, "• Area: %s", escapeMarkdown(site.Area))
	if site.Kind != "" {
		fmt.Fprintf(&b, "\n• Kind: %s", escapeMarkdown(site.Kind))
	}
	b.WriteString("\nIt is crawled again at every reindex. Crawling takes about a second a page, and I'll show how it goes here.")
	return answer.Shorten(b.String(), maxContent)
}

func proposalButtons(id string) []discordgo.MessageComponent {
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Confirm", Style: discordgo.PrimaryButton, CustomID: addSourcePrefix + ":ok:" + id},
		discordgo.Button{Label: "Cancel", Style: discordgo.SecondaryButton, CustomID: addSourcePrefix + ":no:" + id},
	}}}
}

// onAddSourceButton answers Confirm or Cancel on a proposed site.
func (b *Bot) onAddSourceButton(s *discordgo.Session, i *discordgo.Interaction, rest string) {
	who := userID(i)
	if !b.mayChange(s, i, "add-source", b.cfg.Sites != nil && b.cfg.Reindexer != nil, msgNoSites) {
		return
	}
	action, id, _ := strings.Cut(rest, ":")
	if action != "ok" {
		site, err := b.cfg.Sites.Cancel(id)
		text := "Cancelled: I won't crawl <" + site.Start + ">."
		if err != nil {
			text = siteError(err)
		} else {
			b.audit(library.AuditEntry{Who: who, Action: "add-source", Detail: site.Start, Result: "cancelled"})
		}
		b.updateMessage(s, i, text)
		return
	}
	// Handed to the builder, a site waits there for any reindex running.
	remote := b.sitesHandedOver()
	if !remote {
		ok, since := b.reindexing.start(b.cfg.Now())
		if !ok {
			b.replyNow(s, i, fmt.Sprintf("A reindex is already under way (started %s ago), and the site is crawled by a reindex. Press Confirm again when it has finished.", roughAge(b.cfg.Now().Sub(since))))
			return
		}
		defer b.reindexing.done()
	}
	site, err := b.cfg.Sites.Confirm(id, who)
	if err != nil {
		why := siteError(err)
		b.audit(library.AuditEntry{Who: who, Action: "add-source", Detail: "proposal " + id, Result: "refused: " + why})
		b.updateMessage(s, i, "I can't add that site: "+why)
		return
	}
	intro := fmt.Sprintf("Added <%s> for %s. Crawling it now…", site.Start, escapeMarkdown(site.Area))
	if remote {
		b.audit(library.AuditEntry{Who: who, Action: "add-source", Detail: site.ID + " " + site.Start, Result: "handed to the builder to add and crawl"})
		intro = fmt.Sprintf("Handed <%s> for %s to the builder copy, which adds it and crawls it for every copy…", site.Start, escapeMarkdown(site.Area))
	} else {
		b.audit(library.AuditEntry{Who: who, Action: "add-source", Detail: site.ID + " " + site.Start, Result: "added; crawling"})
	}
	if !b.updateMessage(s, i, intro) {
		return
	}
	reply := b.modReply(s, i, "/add-source")
	var last string
	rep, err := b.siteReindex(site)(b.ctx, func(p library.Progress) {
		if line := intro + "\n" + progressLine(p); line != last {
			last = line
			reply.progress(line)
		}
	})
	var refused *library.Refusal
	if text := notSeen(err, fmt.Sprintf("adding and crawling <%s>", site.Start)); text != "" {
		b.audit(library.AuditEntry{Who: who, Action: "add-source", Detail: site.ID, Result: "handed to the builder: " + err.Error()})
		reply.result(text)
		return
	}
	switch {
	case errors.As(err, &refused):
		why := siteError(err)
		b.audit(library.AuditEntry{Who: who, Action: "add-source", Detail: site.ID, Result: "refused by the builder: " + why})
		reply.result("I can't add that site: " + why)
		return
	case errors.Is(err, library.ErrReindexing):
		b.audit(library.AuditEntry{Who: who, Action: "add-source", Detail: site.ID, Result: "saved; not crawled: a reindex was running"})
		reply.result(fmt.Sprintf("Added <%s> for %s, but another reindex had just started, so it will be crawled at the next one: run `/reindex` when that has finished.", site.Start, escapeMarkdown(site.Area)))
		return
	case errors.Is(err, library.ErrFetching):
		b.audit(library.AuditEntry{Who: who, Action: "add-source", Detail: site.ID, Result: "saved; not crawled: " + err.Error()})
		reply.result(fmt.Sprintf("Added <%s> for %s, but I couldn't crawl it yet: %s. It will be crawled at the next reindex: run `/reindex` when that fetch has finished.",
			site.Start, escapeMarkdown(site.Area), anotherFetch(err)))
		return
	case err != nil && !errors.Is(err, library.ErrNotFollowed):
		b.log.Error("reindex after /add-source failed", "err", err)
		b.audit(library.AuditEntry{Who: who, Action: "add-source", Detail: site.ID, Result: "saved; reindex failed: " + err.Error()})
		reply.result(fmt.Sprintf("Added <%s> for %s, but the reindex failed, so I'm still answering with the previous documents; it will be crawled at the next reindex.\nWhy: %s",
			site.Start, escapeMarkdown(site.Area), escapeMarkdown(err.Error())))
		return
	}
	crawled := findSite(rep.Fetched, site.Start)
	if errors.Is(err, library.ErrNotFollowed) {
		b.audit(library.AuditEntry{Who: who, Action: "add-source", Detail: site.ID, Result: fmt.Sprintf("crawled by the builder: %d pages, %d failed; not switched here yet", crawled.Stored, crawled.Failed)})
		reply.result(crawledMessage(site, crawled) + "\n" + msgNotSwitched)
		return
	}
	b.audit(library.AuditEntry{Who: who, Action: "add-source", Detail: site.ID, Result: fmt.Sprintf("crawled: %d pages, %d failed", crawled.Stored, crawled.Failed)})
	reply.result(crawledMessage(site, crawled))
}

// updateMessage replaces the message a button is on with text and no
// buttons; it reports whether that worked.
func (b *Bot) updateMessage(s *discordgo.Session, i *discordgo.Interaction, text string) bool {
	err := b.respond(s, i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{
			Content:         answer.Shorten(text, maxContent),
			Components:      []discordgo.MessageComponent{},
			AllowedMentions: noMentions(),
		},
	})
	if err != nil {
		b.logDiscordError("update a proposed site", err)
		return false
	}
	return true
}

// findSite is how the reindex's fetch (package fetch, imported as
// crawler) crawled the site start; a SiteResult with Reason set when it
// did not.
func findSite(rep *crawler.Report, start string) crawler.SiteResult {
	if rep != nil {
		for _, r := range rep.Sites {
			if r.Site == start {
				return r
			}
		}
	}
	return crawler.SiteResult{Site: start, Reason: "the reindex did not crawl it"}
}

// maxFailuresShown bounds the failed pages a crawl's result lists.
const maxFailuresShown = 5

// crawledMessage says how the first crawl of an added site went.
func crawledMessage(site library.Site, r crawler.SiteResult) string {
	var b strings.Builder
	area := escapeMarkdown(site.Area)
	switch {
	case r.Refused:
		fmt.Fprintf(&b, "I saved <%s>, but couldn't crawl it: its address is not on the public internet, and I only fetch public sites (whoever runs the bot can allow an address with SENDBOT_FETCH_ALLOW).", site.Start)
	case r.Reason != "":
		fmt.Fprintf(&b, "I saved <%s>, but couldn't crawl it: %s. I'll try again at every reindex.", site.Start, escapeMarkdown(answer.Shorten(r.Reason, 300)))
	case r.Stored == 0:
		fmt.Fprintf(&b, "I crawled <%s> for %s but found no pages I can read there (%d found, %d failed). Check the address, or the scope.", site.Start, area, r.Found, r.Failed)
	default:
		fmt.Fprintf(&b, "Crawled %s of <%s> for %s; parents can ask about it now.", plural(r.Stored, "page"), site.Start, area)
		if r.Capped {
			fmt.Fprintf(&b, " It stopped at %d pages with more left.", r.MaxPages)
		}
	}
	if r.Failed > 0 {
		fmt.Fprintf(&b, "\n%s failed (I'll try them again at the next reindex):", plural(r.Failed, "page"))
		for n, f := range r.Failures {
			if n == maxFailuresShown {
				fmt.Fprintf(&b, "\n…and %d more", len(r.Failures)-n)
				break
			}
			fmt.Fprintf(&b, "\n• <%s>: %s", answer.Shorten(f.URL, 200), escapeMarkdown(answer.Shorten(f.Reason, 150)))
		}
	}
	fmt.Fprintf(&b, "\nIt is known as `%s`; `/remove-source` takes it out again.", site.ID)
	return answer.Shorten(b.String(), maxContent)
}

// siteError says why a site was not added or removed: a refusal in a
// sentence for the moderator, anything else as it is. It is Markdown
// ready to send: what came from the moderator or an error is escaped,
// and addresses (checked, so without spaces or markup) are in <…>.
func siteError(err error) string {
	var r *library.Refusal
	if !errors.As(err, &r) {
		return escapeMarkdown(err.Error())
	}
	switch r.Why {
	case library.BadSiteURL:
		return "url must be the web address of the site's first page, starting with https:// (or http://), without a user name or password."
	case library.BadScope:
		return fmt.Sprintf("scope must be the start address or a folder above it, such as <%s>; leave it out to crawl that folder.", r.Site.Scope)
	case library.BadMaxPages:
		return fmt.Sprintf("max_pages must be a whole number from 1 to %d; leave it out for %d.", r.Max, corpus.DefaultMaxPages)
	case library.SiteListed:
		if r.Site.AddedBy == "" {
			return fmt.Sprintf("<%s> (or the part of the site it covers) is already crawled: the corpus's sources.yaml lists it, so there is nothing to add.", r.Site.Start)
		}
		return fmt.Sprintf("<%s> (or the part of the site it covers) is already crawled: a moderator added it on %s. `/sources` shows how its last crawl went.", r.Site.Start, r.Site.AddedAt.Format("2 Jan 2006"))
	case library.ProposalGone:
		return "This site was confirmed or cancelled already, or waited too long; use `/add-source` again if you still want it."
	case library.NothingAdded:
		return "No sites have been added from Discord, so there is nothing to remove. Sites the corpus's sources.yaml lists are removed there."
	case library.NoSuchSite:
		return "That is not a site added from Discord. The sites added, newest first: " + sitesList(r.Sites) + "."
	case library.NotPublic:
		return notPublicText(r)
	}
	return escapeMarkdown(uploadError(err))
}

// notPublicText says why a site whose address is not public was not
// saved, and how whoever runs the bot can allow it.
func notPublicText(r *library.Refusal) string {
	np, bits := r.NotPublic, 32
	if np == nil {
		return fmt.Sprintf("<%s> is not on the public internet, so I could never fetch it, and I haven't saved it.", r.Site.Start)
	}
	if np.Addr.Is6() {
		bits = 128
	}
	return fmt.Sprintf("<%s> leads to %s, %s, not to a public website, so I could never crawl it, and I haven't saved it: I only fetch public sites, so that nothing from the bot's computer or a private network is quoted to parents. "+
		"If it really is a site to read (a test site, or an intranet page meant for parents), whoever runs the bot can allow its address with the setting `SENDBOT_FETCH_ALLOW=%s/%d` and restart the bot; then use `/add-source` again.",
		r.Site.Start, np.Addr, np.What, np.Addr, bits)
}

// sitesList lists sites, at most ten: "<https://…> (Testshire); …".
func sitesList(sites []library.Site) string {
	return firstTen(sites, func(s library.Site) string { return fmt.Sprintf("<%s> (%s)", s.Start, escapeMarkdown(s.Area)) })
}
