package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// maxInteractionBytes is the largest interaction body the endpoint reads.
// An interaction is a few kilobytes, a button on a full answer some tens;
// anything near this is not from Discord.
const maxInteractionBytes = 1 << 20

// An exchange is one interaction that came over HTTP, whose first
// response goes back as the body of the HTTP response Discord is waiting
// for. respond hands it over (once); if the handler has not by the
// deadline, the HTTP response is a deferral and what respond is given
// later follows it over REST.
type exchange struct {
	mu       sync.Mutex
	answered bool // a first response is decided: the handler's or a deferral
	deferral []byte
	answer   chan []byte   // the handler's first response; buffered 1
	sent     chan struct{} // closed once the HTTP response is written
}

// exchanges are the interactions over HTTP being handled, by ID.
type exchanges struct {
	mu sync.Mutex
	by map[string]*exchange
}

func (xs *exchanges) open(id string) *exchange {
	x := &exchange{answer: make(chan []byte, 1), sent: make(chan struct{})}
	xs.mu.Lock()
	defer xs.mu.Unlock()
	if xs.by == nil {
		xs.by = map[string]*exchange{}
	}
	xs.by[id] = x
	return x
}

func (xs *exchanges) of(id string) *exchange {
	xs.mu.Lock()
	defer xs.mu.Unlock()
	return xs.by[id]
}

func (xs *exchanges) close(id string) {
	xs.mu.Lock()
	defer xs.mu.Unlock()
	delete(xs.by, id)
}

// give hands body, a first response, to the waiting HTTP handler; false
// if the HTTP response was decided already (a deferral).
func (x *exchange) give(body []byte) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.answered {
		return false
	}
	x.answered = true
	x.answer <- body
	return true
}

// deferUnlessAnswered decides on deferral unless the handler's response
// came first; it returns the body of the HTTP response.
func (x *exchange) deferUnlessAnswered(deferral []byte) []byte {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.answered {
		return <-x.answer
	}
	x.answered, x.deferral = true, deferral
	return deferral
}

// interactionsHandler answers the interactions Discord POSTs to the
// Interactions Endpoint URL: it checks each one's Ed25519 signature
// against Config.PublicKey (401 if it is missing or wrong, so nothing
// unsigned reaches a handler), answers PING with PONG, and hands the
// rest to onInteraction, the same code the gateway's interactions go
// through, writing the first response it gives back as the HTTP
// response. s sends everything after that first response over REST.
func (b *Bot) interactionsHandler(s *discordgo.Session) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived := time.Now()
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "interactions are POSTed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxInteractionBytes))
		if err != nil {
			if tooBig := new(http.MaxBytesError); errors.As(err, &tooBig) {
				b.log.Warn("interaction body too large: refused", "limit", maxInteractionBytes, "from", r.RemoteAddr)
				http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !discordgo.VerifyInteraction(r, b.cfg.PublicKey) || !recent(r.Header.Get("X-Signature-Timestamp")) {
			// Discord checks that unsigned requests are refused, and
			// anyone may find the URL: refuse quietly, at debug level.
			b.log.Debug("interaction with a missing or bad signature: refused", "from", r.RemoteAddr)
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		var i discordgo.Interaction
		if err := json.Unmarshal(body, &i); err != nil {
			b.log.Warn("signed interaction that does not parse: refused", "err", err)
			http.Error(w, "invalid interaction", http.StatusBadRequest)
			return
		}
		var deferral any
		switch i.Type {
		case discordgo.InteractionPing:
			writeInteractionResponse(w, []byte(`{"type":1}`))
			return
		case discordgo.InteractionApplicationCommand:
			// Private: a reply meant for one person is never shown to
			// everyone, whatever the handler's reply turns out to be.
			deferral = &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
			}
		case discordgo.InteractionMessageComponent:
			deferral = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
		case discordgo.InteractionApplicationCommandAutocomplete:
			// Choices cannot come later: none, rather than an error.
			r := autocompleteResult{Type: discordgo.InteractionApplicationCommandAutocompleteResult}
			r.Data.Choices = []*discordgo.ApplicationCommandOptionChoice{}
			deferral = r
		default:
			http.Error(w, "interaction type not handled", http.StatusBadRequest)
			return
		}
		deferBody, _ := json.Marshal(deferral)

		x := b.exchanges.open(i.ID)
		handled := make(chan struct{})
		go func() {
			defer close(handled)
			defer b.exchanges.close(i.ID)
			defer func() { <-x.sent }() // respond may be waiting to follow the deferral
			b.onInteraction(s, &discordgo.InteractionCreate{Interaction: &i})
		}()
		deadline := time.NewTimer(time.Until(arrived.Add(b.cfg.AckTimeout)))
		defer deadline.Stop()
		var out []byte
		select {
		case out = <-x.answer:
		case <-deadline.C:
			out = x.deferUnlessAnswered(deferBody)
		case <-handled:
			// Finished without a first response: a deferral, as for a
			// handler that is late, rather than Discord's "The
			// application did not respond".
			out = x.deferUnlessAnswered(deferBody)
		}
		if x.deferral != nil {
			b.log.Info("interaction not answered by Discord's deadline: deferred", "type", i.Type.String())
		}
		writeInteractionResponse(w, out)
		close(x.sent)
	})
}

// writeInteractionResponse writes a first response as an HTTP response
// and sends it on its way before any follow-up goes over REST.
func writeInteractionResponse(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// respondAfterDeferral sends resp, a first response the handler gave
// after its HTTP interaction was deferred, as what follows that
// deferral: a message becomes the deferred reply (or, after a button's
// deferred update, a follow-up), an update edits the message the button
// is on, and a deferral is already done. Autocomplete choices cannot
// come late.
func (b *Bot) respondAfterDeferral(s *discordgo.Session, i *discordgo.Interaction, resp any) error {
	r, ok := resp.(*discordgo.InteractionResponse)
	if !ok { // autocompleteResult
		return &lateAckError{err: errors.New("autocomplete choices cannot follow a deferral")}
	}
	d := r.Data
	if d == nil {
		d = &discordgo.InteractionResponseData{}
	}
	edit := &discordgo.WebhookEdit{Content: &d.Content, Embeds: &d.Embeds, Components: &d.Components, AllowedMentions: d.AllowedMentions}
	switch {
	case r.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource,
		r.Type == discordgo.InteractionResponseDeferredMessageUpdate:
		return nil
	case r.Type == discordgo.InteractionResponseUpdateMessage,
		r.Type == discordgo.InteractionResponseChannelMessageWithSource && i.Type == discordgo.InteractionApplicationCommand:
		_, err := s.InteractionResponseEdit(i, edit)
		return err
	case r.Type == discordgo.InteractionResponseChannelMessageWithSource:
		_, err := s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
			Content: d.Content, Embeds: d.Embeds, Components: d.Components, Flags: d.Flags, AllowedMentions: d.AllowedMentions,
		})
		return err
	}
	return fmt.Errorf("a first response of type %d cannot follow a deferral", r.Type)
}

// serveInteractions answers interactions over HTTP on
// Config.Interactions until the returned function is called, which
// stops taking new ones and waits a little for those being answered.
func (b *Bot) serveInteractions(s *discordgo.Session) (stop func()) {
	srv := &http.Server{
		Handler:           b.interactionsHandler(s),
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(b.log.Handler(), slog.LevelWarn),
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		if err := srv.Serve(b.cfg.Interactions); err != nil && !errors.Is(err, http.ErrServerClosed) {
			b.log.Error("interactions endpoint stopped", "err", err)
		}
	}()
	b.log.Info("answering interactions over HTTP", "addr", b.cfg.Interactions.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), restartNoticeTimeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			b.log.Warn("interactions endpoint: stopped before every response was written", "err", err)
		}
		<-served
	}
}

// maxSignatureAge is how far a signed request's timestamp may be from the
// computer's clock, either way: Discord signs each request as it sends it,
// so an older one is a replay of a request someone kept. (sendbot doctor
// checks the clock against Discord's.)
const maxSignatureAge = 5 * time.Minute

// recent reports whether a request signed at timestamp (Unix seconds, as
// Discord's X-Signature-Timestamp) is within maxSignatureAge of now.
func recent(timestamp string) bool {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	age := time.Since(time.Unix(sec, 0))
	return age < maxSignatureAge && age > -maxSignatureAge
}
