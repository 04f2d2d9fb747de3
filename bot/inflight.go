package bot

import (
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/bwmarrin/discordgo"
)

// work counts what the bot is doing for people (questions, commands,
// button presses) so that a shutdown can let it finish. Once closed it
// takes nothing new: a WaitGroup cannot, as its Add must not race Wait.
type work struct {
	mu      sync.Mutex
	n       int
	closing bool
	idle    chan struct{} // closed when n reaches 0 after close
}

// begin reports whether a new piece of work may start; if it does, the
// caller must call end when it is done.
func (w *work) begin() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closing {
		return false
	}
	w.n++
	return true
}

func (w *work) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n--
	if w.n == 0 && w.idle != nil {
		close(w.idle)
		w.idle = nil
	}
}

// close stops new work and returns a channel closed once the work in
// progress is done.
func (w *work) close() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closing = true
	done := make(chan struct{})
	if w.n == 0 {
		close(done)
	} else {
		w.idle = done
	}
	return done
}

// stopping reports whether close was called.
func (w *work) stopping() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closing
}

// survive recovers a panic in the handling of one question or button, so
// that one bug does not take the bot down with every other question in
// flight: it logs the panic (its value cut short, which never holds the
// token; the question is not logged) and tells the asker.
func (b *Bot) survive(tell func(string)) {
	r := recover()
	if r == nil {
		return
	}
	v := fmt.Sprint(r)
	if len(v) > 200 {
		v = v[:200] + "…"
	}
	b.log.Error("panic while answering; the bot carries on", "panic", v, "stack", string(debug.Stack()))
	b.cfg.Monitor.Question(false, true, 0)
	tell(msgBroken)
}

// tellInteraction replaces an acknowledged interaction's reply with text,
// or replies with it if there was no acknowledgement yet.
func (b *Bot) tellInteraction(s *discordgo.Session, i *discordgo.Interaction) func(string) {
	return func(text string) {
		if _, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &text, AllowedMentions: noMentions()}); err == nil {
			return
		}
		b.replyNow(s, i, text)
	}
}
