package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DefaultAckTimeout is how long after an interaction arrives the bot
// still tries to send its first response. Discord forgets an interaction
// that is not answered within 3 seconds of sending it; the other half
// second is for the network.
const DefaultAckTimeout = 2500 * time.Millisecond

// maxAckTimeout is Discord's own limit for an interaction's first
// response.
const maxAckTimeout = 3 * time.Second

// arrivals remembers when each interaction being handled arrived, so
// that its first response can keep to Discord's deadline.
type arrivals struct {
	mu sync.Mutex
	at map[string]time.Time // by interaction ID
}

func (a *arrivals) arrive(id string, t time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.at == nil {
		a.at = map[string]time.Time{}
	}
	a.at[id] = t
}

func (a *arrivals) done(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.at, id)
}

func (a *arrivals) of(id string) (time.Time, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.at[id]
	return t, ok
}

// lateAckError is a first response given up on because Discord would
// have forgotten the interaction before it could be sent: a rate limit
// asked for a wait past the deadline, or the deadline passed.
type lateAckError struct {
	wait time.Duration // what Discord asked to wait (0 if the deadline simply passed)
	left time.Duration // how long was left until the deadline
	err  error         // the last error, if any
}

func (e *lateAckError) Error() string {
	if e.wait > 0 {
		return fmt.Sprintf("gave up: Discord asked to wait %v, but only %v was left of its 3 seconds", e.wait, e.left.Round(time.Millisecond))
	}
	return fmt.Sprintf("gave up at Discord's 3-second deadline: %v", e.err)
}

func (e *lateAckError) Unwrap() error { return e.err }

// respond sends an interaction's first response (an acknowledgement, an
// immediate reply, an update of the message a button is on, or
// autocomplete choices) by the interaction's deadline, AckTimeout after
// it arrived. discordgo would wait out any 429 however long, so the
// request is sent with its rate-limit retries off and a context ending
// at the deadline: a retry_after that still fits is waited out here, one
// that does not is given up on at once, since Discord would refuse the
// response by then anyway.
//
// An interaction that came over HTTP is answered in the HTTP response
// instead: resp goes to the handler waiting to write it, or, if that
// handler has deferred at the deadline, follows the deferral over REST.
func (b *Bot) respond(s *discordgo.Session, i *discordgo.Interaction, resp any) error {
	if x := b.exchanges.of(i.ID); x != nil {
		body, err := json.Marshal(resp)
		if err != nil {
			return fmt.Errorf("encode first response: %w", err)
		}
		if x.give(body) {
			return nil
		}
		<-x.sent
		return b.respondAfterDeferral(s, i, resp)
	}
	arrived, ok := b.arrivals.of(i.ID)
	if !ok {
		arrived = time.Now()
	}
	deadline := arrived.Add(b.cfg.AckTimeout)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	endpoint := discordgo.EndpointInteractionResponse(i.ID, i.Token)
	for {
		// discordgo waits out a known rate limit (the route's, or the
		// global one) before it sends, with no context: do not start a
		// wait the deadline cannot cover.
		if wait := s.Ratelimiter.GetWaitTime(s.Ratelimiter.GetBucket(endpoint), 1); wait > 0 && wait >= time.Until(deadline) {
			return &lateAckError{wait: wait, left: time.Until(deadline)}
		}
		_, err := s.RequestWithBucketID(http.MethodPost, endpoint, resp, endpoint,
			discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		var rl *discordgo.RateLimitError
		switch {
		case err == nil:
			return nil
		case !errors.As(err, &rl):
			if ctx.Err() != nil {
				return &lateAckError{err: err}
			}
			return err
		}
		left := time.Until(deadline)
		if rl.RetryAfter >= left {
			return &lateAckError{wait: rl.RetryAfter, left: left, err: err}
		}
		b.log.Info("first response to an interaction rate limited: retrying within Discord's 3 seconds",
			"retry_after", rl.RetryAfter, "time_left", left.Round(time.Millisecond))
		t := time.NewTimer(rl.RetryAfter)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return &lateAckError{wait: rl.RetryAfter, left: left, err: err}
		}
	}
}
