package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/library"
)

// Uploader keeps the documents moderators add from Discord: it checks a
// file, saves it under a name it makes up, and indexes it without a full
// rebuild; Remove takes one out again. A *library.Uploads is one.
type Uploader interface {
	// Add checks and saves u and indexes it. A file it will not take is
	// refused with a *library.Refusal, which the bot words.
	Add(ctx context.Context, u library.Upload) (library.UploadResult, error)
	// Remove takes the uploaded document id out of the corpus and the index.
	Remove(ctx context.Context, id string) (library.UploadResult, error)
	// Uploaded lists the documents added from Discord, newest first.
	Uploaded() []library.UploadedDoc
}

// onAddDocument runs /add-document for a moderator.
func (b *Bot) onAddDocument(s *discordgo.Session, i *discordgo.Interaction) {
	who := userID(i)
	if !b.mayChange(s, i, "add-document", b.cfg.Uploads != nil, "Adding documents from Discord isn't set up for this bot.") {
		return
	}
	data := i.ApplicationCommandData()
	var u library.Upload
	var att *discordgo.MessageAttachment
	for _, o := range data.Options {
		switch o.Name {
		case optFile:
			if id, ok := o.Value.(string); ok && data.Resolved != nil {
				att = data.Resolved.Attachments[id]
			}
		case optTitle:
			u.Title = strings.TrimSpace(o.StringValue())
		case optArea:
			u.Area = strings.TrimSpace(o.StringValue())
		case optKind:
			u.Kind = strings.TrimSpace(o.StringValue())
		case optSourceURL:
			u.SourceURL = strings.TrimSpace(o.StringValue())
		}
	}
	if att == nil {
		b.replyNow(s, i, "Please attach the file to add, with the `file` option.")
		return
	}
	u.Filename, u.By = att.Filename, who
	max := b.cfg.MaxUploadBytes
	if int64(att.Size) > max {
		b.audit(library.AuditEntry{Who: who, Action: "add-document", Detail: att.Filename, Result: "refused: too big"})
		b.replyNow(s, i, fmt.Sprintf("That file is %s; the most I take is %s. Try a smaller copy, or only the pages that matter.", formatBytes(int64(att.Size)), formatBytes(max)))
		return
	}
	if !b.deferPrivately(s, i, "/add-document") {
		return
	}
	reply := b.modReply(s, i, "/add-document").result
	var err error
	if u.Data, err = b.download(b.ctx, att.URL, max); err != nil {
		b.audit(library.AuditEntry{Who: who, Action: "add-document", Detail: att.Filename, Result: "refused: " + err.Error()})
		reply("I couldn't add that file: " + escapeMarkdown(err.Error()) + ".")
		return
	}
	res, err := b.cfg.Uploads.Add(b.ctx, u)
	switch {
	case errors.Is(err, library.ErrHandedOver):
		b.audit(library.AuditEntry{Who: who, Action: "add-document", Detail: att.Filename, Result: "handed to the builder; not yet indexed"})
		reply(fmt.Sprintf("I checked **%s** and saved it for the copy of the bot that indexes the documents, which has not finished with it yet. "+
			"Parents can ask about it once it has; `/sources` lists it then. If it never appears, ask whoever runs the bot to look at the builder's log.",
			escapeMarkdown(answer.Shorten(att.Filename, 200))))
		return
	case errors.Is(err, library.ErrNotFollowed):
		b.audit(library.AuditEntry{Who: who, Action: "add-document", Detail: res.ID + " " + att.Filename,
			Result: fmt.Sprintf("ok: %d documents, %d passages; this replica not yet switched", res.Documents, res.Passages)})
		reply(addedMessage(res, msgIndexedElsewhere))
		return
	}
	notServed := errors.Is(err, library.ErrNotSwitched)
	if err != nil && !notServed {
		why := uploadError(err)
		b.audit(library.AuditEntry{Who: who, Action: "add-document", Detail: att.Filename, Result: "refused: " + why})
		reply("I couldn't add that file: " + escapeMarkdown(why))
		return
	}
	result := fmt.Sprintf("ok: %d documents, %d passages", res.Documents, res.Passages)
	if notServed {
		result += "; not yet served: " + err.Error()
	}
	b.audit(library.AuditEntry{Who: who, Action: "add-document", Detail: res.ID + " " + att.Filename, Result: result})
	status := msgServed
	if notServed {
		status = notSwitched + " parents will get answers from it after the next `/reindex` or a restart."
	}
	reply(addedMessage(res, status))
}

// addedMessage confirms an added document with what was found in it;
// status says whether parents can ask about it yet (msgServed, or why
// not).
func addedMessage(r library.UploadResult, status string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Added **%s** (%s, %s): ", escapeMarkdown(answer.Shorten(r.Title, 200)), escapeMarkdown(r.Area), r.Format)
	if r.Documents > 1 {
		fmt.Fprintf(&b, "%d entries, ", r.Documents)
	}
	fmt.Fprintf(&b, "%d passages. ", r.Passages)
	b.WriteString(status)
	problems := problemSentences(r.Problems, r.Skips)
	for n, p := range problems {
		if n == maxProblemsShown {
			fmt.Fprintf(&b, "\n…and %d more", len(problems)-n)
			break
		}
		b.WriteString("\n• " + escapeMarkdown(answer.Shorten(p, 200)))
	}
	fmt.Fprintf(&b, "\nIt is known as `%s`; `/remove-document` takes it out again.", r.ID)
	return b.String()
}

// msgServed says an added document is searchable; msgIndexedElsewhere
// says so instead on a replica whose index does not show it yet.
const (
	msgServed           = "Parents can ask about it now."
	msgIndexedElsewhere = "The builder has indexed it, and every copy of the bot answers from it within a few seconds (the one that answered you had not switched yet)."
)

// notSwitched begins what moderators are told when a change is saved and
// indexed but the bot could not switch to the updated index.
const notSwitched = "It is saved and indexed, " + notSwitchedYet

// notSwitchedYet is the end of notSwitched, after what was done.
const notSwitchedYet = "but I couldn't switch to the updated index, so"

// discordFileHosts are where Discord serves attachments; the bot downloads
// from nowhere else (plus the host of Config.APIURL, for a test server).
var discordFileHosts = map[string]bool{"cdn.discordapp.com": true, "media.discordapp.net": true}

// errNotDiscordFile means an attachment's address is not Discord's.
var errNotDiscordFile = errors.New("that attachment's address is not on Discord's file server, so I won't download it")

// download fetches an attachment, refusing other hosts and anything over max bytes.
func (b *Bot) download(ctx context.Context, rawURL string, max int64) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !b.fileHostAllowed(u.Hostname()) {
		return nil, errNotDiscordFile
	}
	ctx, cancel := context.WithTimeout(ctx, downloadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("I couldn't download the file from Discord (%v); please try again", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("Discord's file server said %s when I downloaded it; please try again", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("the download broke off (%v); please try again", err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("the file is over %s, the most I take", formatBytes(max))
	}
	return data, nil
}

// downloadTimeout bounds one attachment download.
const downloadTimeout = time.Minute

func (b *Bot) fileHostAllowed(host string) bool {
	if discordFileHosts[host] {
		return true
	}
	if b.cfg.APIURL != "" {
		if api, err := url.Parse(b.cfg.APIURL); err == nil && api.Hostname() == host {
			return true
		}
	}
	return false
}

// formatBytes writes a size as people read it: "1.5 MB", "10 MB", "512 KB".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MB"
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+(1<<9))>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// acceptedFormats names the formats /add-document takes
// (library.UploadExtensions), as moderators know them.
const acceptedFormats = "PDF (.pdf), Markdown (.md), web pages (.html, .htm), plain text (.txt) and Open Referral UK service feeds (.json)"

// uploadError says why an upload or removal did not happen: a refusal in
// a sentence for the moderator (what is wrong, what to do), anything else
// as it is.
func uploadError(err error) string {
	var r *library.Refusal
	if !errors.As(err, &r) {
		return err.Error()
	}
	switch r.Why {
	case library.UnknownFormat:
		what := "this file has no extension"
		if r.Ext != "" {
			what = "this file is not one of them"
			// Shown only when it cannot be markup or a mention.
			if len(r.Ext) <= 10 && strings.Trim(r.Ext[1:], "abcdefghijklmnopqrstuvwxyz0123456789") == "" {
				what = "this file is " + r.Ext
			}
		}
		return fmt.Sprintf("sendbot reads %s; %s. Save it as one of those (a PDF, say) and add it again.", acceptedFormats, what)
	case library.EmptyFile:
		return "The file is empty."
	case library.TooBig:
		return fmt.Sprintf("The file is %s; the largest sendbot accepts is %s.", formatBytes(r.Size), formatBytes(r.Max))
	case library.TitleTooLong:
		return fmt.Sprintf("The title is longer than %d characters; shorten it.", r.Max)
	case library.BadKind:
		return "A kind is one word, or words joined by hyphens, such as guidance, local-offer, news or inspection."
	case library.BadSourceURL:
		return "source_url must be the web address the document comes from, starting with https:// (or http://)."
	case library.NoText:
		return "sendbot could not read any text in this file: " + strings.Join(problemSentences(r.Problems, r.Skips), "; ") + "."
	case library.NoTitle:
		return "This file has no title of its own; give it one with the title option."
	case library.NoArea:
		return "Choose an area for this document with the area option" + areasHint(r.Areas) + "."
	case library.NotAPlace:
		return "An area is a place name, of letters, spaces and hyphens, such as North Lincolnshire" + areasHint(r.Areas) + "."
	case library.AreaTypo:
		return fmt.Sprintf("There is no area %q yet; did you mean %s? To start a new area, spell its name out in full.", r.Area, r.Suggest)
	case library.Rebuilding:
		return "The index is being rebuilt (a /reindex is running); nothing was changed. Try again when it has finished."
	case library.NothingUploaded:
		return "No documents have been added from Discord, so there is nothing to remove."
	case library.NoSuchUpload:
		list := uploadedList(r.Uploaded)
		// An ID is shown back only when it looks like one.
		if len(r.ID) > 40 || strings.ContainsFunc(r.ID, func(c rune) bool { return !strings.ContainsRune("0123456789abcdef", c) }) {
			return "That is not the ID of a document added from Discord. The documents added, newest first: " + list + "."
		}
		return fmt.Sprintf("No document added from Discord has the ID %s. The documents added, newest first: %s.", r.ID, list)
	}
	return err.Error()
}

// areasHint lists the areas for a refusal: " (the areas are …)".
func areasHint(areas []string) string {
	if len(areas) == 0 {
		return ""
	}
	return " (the areas are " + strings.Join(areas, ", ") + ")"
}

// uploadedList lists the documents added from Discord, at most ten:
// "0a1b2c3d4e5f (Hydrotherapy, Testshire); …; and 3 more".
func uploadedList(docs []library.UploadedDoc) string {
	return firstTen(docs, func(d library.UploadedDoc) string { return fmt.Sprintf("%s (%s, %s)", d.ID, d.Title, d.Area) })
}

// firstTen joins the first ten items as word words them, and says how
// many more there are: "a; b; …; and 3 more".
func firstTen[T any](items []T, word func(T) string) string {
	const most = 10
	var list []string
	for n, it := range items {
		if n == most {
			list = append(list, fmt.Sprintf("and %d more", len(items)-most))
			break
		}
		list = append(list, word(it))
	}
	return strings.Join(list, "; ")
}

// problemSentences are what could not be read in an upload, and the
// entries of a feed left out, as sentences without the file's made-up
// name.
func problemSentences(problems []corpus.Problem, skips []corpus.Skip) []string {
	var out []string
	for _, p := range problems {
		out = append(out, p.Reason)
	}
	const most = 10
	for n, sk := range skips {
		if n == most {
			out = append(out, fmt.Sprintf("and %d more entries left out", len(skips)-most))
			break
		}
		out = append(out, fmt.Sprintf("left out the entry %s: %s", sk.Entry, sk.Reason))
	}
	return out
}
