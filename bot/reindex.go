package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/answer"
	"github.com/sendbot/sendbot/library"
)

// Reindexer rebuilds the index from the corpus (fetching remote sources
// first when there are any) and swaps it in; the current index answers
// until the swap, and keeps answering if the build fails. A
// *library.Reindexer is one.
type Reindexer interface {
	Reindex(ctx context.Context, progress func(library.Progress)) (library.Report, error)
}

// reindexGuard lets one reindex run at a time, whoever started it.
type reindexGuard struct {
	mu      sync.Mutex
	running bool
	since   time.Time
}

func (g *reindexGuard) start(now time.Time) (ok bool, since time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.running {
		return false, g.since
	}
	g.running, g.since = true, now
	return true, now
}

func (g *reindexGuard) done() {
	g.mu.Lock()
	g.running = false
	g.mu.Unlock()
}

// onReindex runs /reindex for a moderator: it acknowledges privately,
// edits the reply as the reindex goes, and ends with what it found.
func (b *Bot) onReindex(s *discordgo.Session, i *discordgo.Interaction) {
	who := userID(i)
	if !b.mayChange(s, i, "reindex", b.cfg.Reindexer != nil, "Reindexing from Discord isn't set up for this bot.") {
		return
	}
	ok, since := b.reindexing.start(b.cfg.Now())
	if !ok {
		b.audit(library.AuditEntry{Who: who, Action: "reindex", Result: "refused: one already under way"})
		b.replyNow(s, i, fmt.Sprintf("A reindex is already under way (started %s ago); I'm answering with the current documents meanwhile.", roughAge(b.cfg.Now().Sub(since))))
		return
	}
	if !b.deferPrivately(s, i, "/reindex") {
		b.reindexing.done()
		return
	}
	reply := b.modReply(s, i, "/reindex")
	if b.cfg.Replica {
		reply.progress("Handed the reindex to the builder copy, which builds the index for every copy; I'll show how it goes. I keep answering with the current documents until the new index is ready.")
	} else {
		reply.progress("Reindexing… I keep answering with the current documents until the new index is ready.")
	}
	var last string
	rep, err := b.cfg.Reindexer.Reindex(b.ctx, func(p library.Progress) {
		if line := progressLine(p); line != last {
			last = line
			reply.progress(line)
		}
	})
	// Finished: another reindex may start while this one's result is posted.
	b.reindexing.done()
	if text := notSeen(err, "the reindex"); text != "" {
		b.audit(library.AuditEntry{Who: who, Action: "reindex", Result: "handed to the builder: " + err.Error()})
		reply.result(text)
		return
	}
	if errors.Is(err, library.ErrNotFollowed) {
		b.audit(library.AuditEntry{Who: who, Action: "reindex", Result: fmt.Sprintf("made by the builder: %d documents, %d passages, %d problems; not switched here yet", rep.Documents, rep.Passages, len(rep.Problems))})
		reply.result(reindexSummary(rep, "the builder copy is") + "\n" + msgNotSwitched)
		return
	}
	if errors.Is(err, library.ErrFetching) {
		// Not a failure: another fetch (a `sendbot fetch` on the bot's
		// computer) has the cache, and its result is picked up anyway.
		b.log.Warn("reindex refused", "err", err)
		b.audit(library.AuditEntry{Who: who, Action: "reindex", Result: "refused: " + err.Error()})
		reply.result("I didn't reindex: " + anotherFetch(err) + ", and only one runs at a time. I'm answering with the current documents meanwhile, and I switch by myself to the index that fetch updates; use `/reindex` again when it has finished if you still need to.")
		return
	}
	if err != nil {
		b.log.Error("reindex failed", "err", err)
		b.audit(library.AuditEntry{Who: who, Action: "reindex", Result: "failed: " + err.Error()})
		reply.result("The reindex failed, so I'm still answering with the previous documents.\nWhy: " + escapeMarkdown(err.Error()))
		return
	}
	b.audit(library.AuditEntry{Who: who, Action: "reindex", Result: fmt.Sprintf("ok: %d documents, %d passages, %d problems", rep.Documents, rep.Passages, len(rep.Problems))})
	reply.result(reindexSummary(rep, "I'm"))
}

// anotherFetch says who is fetching when err is a *library.FetchingError:
// "another fetch of the remote sources is running (process 1234, perhaps
// `sendbot fetch` on the bot's computer)".
func anotherFetch(err error) string {
	var f *library.FetchingError
	if errors.As(err, &f) && f.PID > 0 {
		return fmt.Sprintf("%v (process %d, perhaps `sendbot fetch` on the bot's computer)", library.ErrFetching, f.PID)
	}
	return library.ErrFetching.Error() + " (perhaps `sendbot fetch` on the bot's computer)"
}

// stages say what a reindex is doing.
var stages = map[library.Stage]string{
	library.Fetching:  "fetching remote sources",
	library.Building:  "reading the corpus and building the index",
	library.Switching: "switching to the new index",
	library.Updating:  "reading the pages that changed and updating the index",
}

// progressLine is the reply while a reindex runs.
func progressLine(p library.Progress) string {
	line := "Reindexing: " + stages[p.Stage] + "…"
	if f := p.Fetch; p.Stage == library.Fetching && f.Found > 0 {
		line += fmt.Sprintf("\n%d of %d sources done; this site: %d pages found, %d fetched, %d unchanged, %d failed, %d dropped so far.",
			f.Done, f.Sources, f.Found, f.Fetched, f.Unchanged, f.Failed, f.Dropped)
	}
	if p.Files > 0 {
		line += fmt.Sprintf("\n%d files read, %d passages, %d errors so far.", p.Files, p.Passages, p.Errors)
	}
	return line + "\nI keep answering with the current documents until the new index is ready."
}

// reindexSummary is the reply when a reindex has finished; answering
// says who answers from the new index: "I'm", or "the builder copy is".
func reindexSummary(rep library.Report, answering string) string {
	var b strings.Builder
	if u := rep.Updated; u != nil {
		fmt.Fprintf(&b, "Only fetched pages had changed, so I updated the index instead of rebuilding it: %s read again (%s), %s removed.\n",
			plural(u.Files, "file"), plural(u.Documents, "document"), plural(u.Removed, "file"))
	}
	fmt.Fprintf(&b, "Done: %s now answering from %d documents (%d passages)", answering, rep.Documents, rep.Passages)
	if rep.Builtin > 0 {
		fmt.Fprintf(&b, ", and from %d built-in documents about England for what they don't answer", rep.Builtin)
	}
	fmt.Fprintf(&b, ". That took %s.", rep.Took.Round(100*time.Millisecond))
	if rep.Fetched != nil {
		b.WriteString("\nRemote sources: " + escapeMarkdown(rep.Fetched.Summary()))
	}
	switch {
	case len(rep.Problems) == 0 && rep.Updated != nil:
		b.WriteString("\nEvery file read again was read without problems.")
		return b.String()
	case len(rep.Problems) == 0:
		b.WriteString("\nEvery file was read without problems.")
		return b.String()
	}
	fmt.Fprintf(&b, "\n%d files had problems (run `sendbot check` on the machine for the full list):", len(rep.Problems))
	for n, p := range rep.Problems {
		if n == maxProblemsShown {
			fmt.Fprintf(&b, "\n…and %d more", len(rep.Problems)-n)
			break
		}
		b.WriteString("\n• " + escapeMarkdown(answer.Shorten(p.Path+": "+p.Reason, 200)))
	}
	return answer.Shorten(b.String(), maxContent)
}

// roughAge says how long ago, as "40 seconds" or "3 minutes".
func roughAge(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d seconds", int(d.Seconds()))
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()))
}
