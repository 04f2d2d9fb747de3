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
)

// Uploader keeps the documents moderators add from Discord: it checks a
// file, saves it under a name it makes up, and indexes it without a full
// rebuild; Remove takes one out again.
type Uploader interface {
	// Add checks and saves u and indexes it. Its error, when the file is
	// refused, is a sentence for the moderator (what is wrong, what to do).
	Add(ctx context.Context, u Upload) (UploadResult, error)
	// Remove takes the uploaded document id out of the corpus and the index.
	Remove(ctx context.Context, id string) (UploadResult, error)
	// Uploaded lists the documents added from Discord, newest first.
	Uploaded() []UploadedDoc
}

// Upload is a file a moderator attached to /add-document.
type Upload struct {
	// Filename is the attachment's name as given; only its extension is
	// used (to tell the format), never as a path.
	Filename string
	Data     []byte
	// Title, Area, Kind and SourceURL are the optional command options;
	// empty ones are taken from the file where it has them.
	Title, Area, Kind, SourceURL string
	// By is the moderator's Discord user ID, kept with the document.
	By string
}

// UploadResult is what adding or removing a document did.
type UploadResult struct {
	ID     string // the generated name the document is known by
	Title  string
	Area   string
	Format string // "pdf", "markdown", "html", "text", "oruk"
	// Documents is more than one for a service directory feed.
	Documents int
	Passages  int
	// Problems are things in the file that could not be read, as sentences.
	Problems []string
}

// UploadedDoc is one document added from Discord.
type UploadedDoc struct {
	ID, Title, Area string
	Added           time.Time
}

// DefaultMaxUploadBytes is the largest file /add-document takes.
const DefaultMaxUploadBytes = 10 << 20

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

// formatBytes writes a size as people read it: "10 MB", "512 KB".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", (n+(1<<19))>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+(1<<9))>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// onAddDocument runs /add-document for a moderator.
func (b *Bot) onAddDocument(s *discordgo.Session, i *discordgo.Interaction) {
	who := userID(i)
	if !b.moderatorOnly(s, i, "add-document") {
		return
	}
	if b.cfg.Uploads == nil {
		b.replyNow(s, i, "Adding documents from Discord isn't set up for this bot.")
		return
	}
	data := i.ApplicationCommandData()
	var u Upload
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
		b.audit(AuditEntry{Who: who, Action: "add-document", Detail: att.Filename, Result: "refused: too big"})
		b.replyNow(s, i, fmt.Sprintf("That file is %s; the most I take is %s. Try a smaller copy, or only the pages that matter.", formatBytes(int64(att.Size)), formatBytes(max)))
		return
	}
	if !b.deferPrivately(s, i, "/add-document") {
		return
	}
	reply := b.modReply(s, i, "/add-document").result
	var err error
	if u.Data, err = b.download(b.ctx, att.URL, max); err != nil {
		b.audit(AuditEntry{Who: who, Action: "add-document", Detail: att.Filename, Result: "refused: " + err.Error()})
		reply("I couldn't add that file: " + escapeMarkdown(err.Error()) + ".")
		return
	}
	res, err := b.cfg.Uploads.Add(b.ctx, u)
	if err != nil {
		b.audit(AuditEntry{Who: who, Action: "add-document", Detail: att.Filename, Result: "refused: " + err.Error()})
		reply("I couldn't add that file: " + escapeMarkdown(err.Error()))
		return
	}
	b.audit(AuditEntry{Who: who, Action: "add-document", Detail: res.ID + " " + att.Filename,
		Result: fmt.Sprintf("ok: %d documents, %d passages", res.Documents, res.Passages)})
	reply(addedMessage(res))
}

// addedMessage confirms an added document with what was found in it.
func addedMessage(r UploadResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Added **%s** (%s, %s): ", escapeMarkdown(truncateRunes(r.Title, 200)), escapeMarkdown(r.Area), r.Format)
	if r.Documents > 1 {
		fmt.Fprintf(&b, "%d entries, ", r.Documents)
	}
	fmt.Fprintf(&b, "%d passages. Parents can ask about it now.", r.Passages)
	for n, p := range r.Problems {
		if n == maxProblemsShown {
			fmt.Fprintf(&b, "\n…and %d more", len(r.Problems)-n)
			break
		}
		b.WriteString("\n• " + escapeMarkdown(truncateRunes(p, 200)))
	}
	fmt.Fprintf(&b, "\nIt is known as `%s`; `/remove-document` takes it out again.", r.ID)
	return b.String()
}

// onRemoveDocument runs /remove-document for a moderator.
func (b *Bot) onRemoveDocument(s *discordgo.Session, i *discordgo.Interaction) {
	who := userID(i)
	if !b.moderatorOnly(s, i, "remove-document") {
		return
	}
	if b.cfg.Uploads == nil {
		b.replyNow(s, i, "Adding documents from Discord isn't set up for this bot.")
		return
	}
	var id string
	for _, o := range i.ApplicationCommandData().Options {
		if o.Name == optDocument {
			id = strings.TrimSpace(o.StringValue())
		}
	}
	if !b.deferPrivately(s, i, "/remove-document") {
		return
	}
	text := ""
	res, err := b.cfg.Uploads.Remove(b.ctx, id)
	if err != nil {
		b.audit(AuditEntry{Who: who, Action: "remove-document", Detail: id, Result: "failed: " + err.Error()})
		text = "I couldn't remove that: " + escapeMarkdown(err.Error())
	} else {
		b.audit(AuditEntry{Who: who, Action: "remove-document", Detail: id, Result: "ok"})
		text = fmt.Sprintf("Removed **%s** (%s). I no longer quote it.", escapeMarkdown(truncateRunes(res.Title, 200)), escapeMarkdown(res.Area))
	}
	b.modReply(s, i, "/remove-document").result(text)
}

// uploadedChoices offers the uploaded documents matching what is typed.
func (b *Bot) uploadedChoices(typed string) []*discordgo.ApplicationCommandOptionChoice {
	if b.cfg.Uploads == nil {
		return nil
	}
	typed = strings.ToLower(strings.TrimSpace(typed))
	var out []*discordgo.ApplicationCommandOptionChoice
	for _, d := range b.cfg.Uploads.Uploaded() {
		name := truncateRunes(fmt.Sprintf("%s (%s, added %s)", d.Title, d.Area, d.Added.Format("2 Jan 2006")), 100)
		if typed != "" && !strings.Contains(strings.ToLower(name), typed) {
			continue
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: d.ID})
		if len(out) == maxChoices {
			break
		}
	}
	return out
}
