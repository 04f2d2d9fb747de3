package discordtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// PublicKeyHex is the fake application's public key, as the Developer
// Portal shows it: the key a bot verifies the interactions Discord POSTs
// to its Interactions Endpoint URL with (see SetInteractionsEndpoint).
// The fake signs them with the matching private key, which is fixed so
// that tests can configure the bot before the Server starts.
const PublicKeyHex = "fcb14eb9c0b525e3339c0393d909696955ac5cc313d1c7858ea1411b7c4e5b7e"

// signingKey is the private half of PublicKeyHex, from a fixed seed.
var signingKey = ed25519.NewKeyFromSeed([]byte("sendbot discordtest signing seed"))

// PublicKey is PublicKeyHex as a key.
func PublicKey() ed25519.PublicKey { return signingKey.Public().(ed25519.PublicKey) }

// Sign returns the X-Signature-Ed25519 header Discord sends with an
// interaction body POSTed at timestamp (the X-Signature-Timestamp
// header): the hex Ed25519 signature of timestamp followed by body.
func Sign(timestamp string, body []byte) string {
	return hex.EncodeToString(ed25519.Sign(signingKey, append([]byte(timestamp), body...)))
}

// SetInteractionsEndpoint makes SendInteraction deliver interactions as
// Discord does to an application with an Interactions Endpoint URL: a
// signed POST of the interaction to url, whose response body is the
// interaction's first response (checked and recorded as a callback would
// be, so WaitResponse and the rest work as over the gateway). Follow-ups
// and edits still come over REST; while a delivery's response is awaited,
// they wait for it, as Discord only knows the interaction was answered
// once it has the response. "" delivers over the gateway again.
func (s *Server) SetInteractionsEndpoint(url string) {
	s.mu.Lock()
	s.endpoint = url
	s.mu.Unlock()
}

// Delivery is the outcome of one interaction POSTed to the bot's
// interactions endpoint.
type Delivery struct {
	// InteractionID is the interaction delivered.
	InteractionID string
	// Status is the HTTP status of the bot's response, 0 if none came
	// within the interaction deadline (see SetInteractionDeadline).
	Status int
	// Body is the bot's response body.
	Body []byte
	// Refused is the error Discord would have shown for the body (an
	// invalid callback), "" when it was accepted.
	Refused string
}

// Deliveries returns every delivery to the interactions endpoint so far,
// in the order their responses came.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// PostSigned POSTs body to url with the given signature headers (either
// may be "" to leave it out) and returns the status and body of the
// response. Use it with Sign to send what Discord never would: a bad or
// missing signature, a body replayed with another timestamp.
func PostSigned(ctx context.Context, url string, body []byte, timestamp, signature string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	if timestamp != "" {
		req.Header.Set("X-Signature-Timestamp", timestamp)
	}
	if signature != "" {
		req.Header.Set("X-Signature-Ed25519", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// Ping sends the PING (interaction type 1) with which Discord checks an
// Interactions Endpoint URL when it is saved in the Developer Portal,
// signed as Discord signs it, and returns the response's status and
// body; the bot must answer {"type":1} (PONG).
func (s *Server) Ping(ctx context.Context, url string) (int, []byte, error) {
	body, err := json.Marshal(map[string]any{
		"id": s.nextID(), "application_id": ApplicationID, "type": discordgo.InteractionPing,
		"token": "aW50ZXJhY3Rpb246" + randomHex(32), "version": 1,
	})
	if err != nil {
		return 0, nil, err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	return PostSigned(ctx, url, body, ts, Sign(ts, body))
}

// deliver POSTs i, signed, to the interactions endpoint and records the
// response as i's first response. It runs on its own goroutine.
func (s *Server) deliver(url string, i *discordgo.Interaction, rec *interactionRecord) {
	defer s.wg.Done()
	d := Delivery{InteractionID: i.ID}
	// accept, when set, takes the response as i's callback. It runs in the
	// same critical section that records the delivery, so that whoever the
	// callback wakes (WaitResponse) also sees the delivery.
	var accept func()
	defer func() {
		s.mu.Lock()
		if accept != nil {
			accept()
		}
		rec.posting = false
		s.deliveries = append(s.deliveries, d)
		s.notifyLocked()
		s.mu.Unlock()
	}()
	body, err := json.Marshal(i)
	if err != nil {
		s.t.Errorf("discordtest: deliver interaction %s: %v", i.ID, err)
		return
	}
	s.mu.Lock()
	timeout := s.interactionTimeout
	s.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if timeout > 0 {
		// Discord waits for the response no longer than it would for a
		// callback; a later one is lost.
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	status, resp, err := PostSigned(ctx, url, body, ts, Sign(ts, body))
	if err != nil {
		s.logf("delivering interaction %s to %s: %v", i.ID, url, err)
		return
	}
	d.Status, d.Body = status, resp
	if status != http.StatusOK {
		d.Refused = fmt.Sprintf("the endpoint answered %d", status)
		return
	}
	var cb struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	var data map[string]json.RawMessage
	err = json.Unmarshal(resp, &cb)
	if err == nil && !isNull(cb.Data) {
		err = json.Unmarshal(cb.Data, &data)
	}
	if err != nil {
		d.Refused = "invalid JSON: " + err.Error()
		return
	}
	accept = func() {
		if e := s.acceptCallbackLocked(rec, cb.Type, cb.Data, data, resp, 0, time.Now()); e != nil {
			d.Refused = fmt.Sprintf("%d %s (code %d) %v", e.status, e.message, e.code, e.errors)
		}
	}
}

// awaitDeliveryLocked waits while the response to rec's delivery over
// HTTP is awaited. s.mu must be held; it is released while waiting.
func (s *Server) awaitDeliveryLocked(rec *interactionRecord) {
	for rec != nil && rec.posting {
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-s.done:
			s.mu.Lock()
			return
		}
		s.mu.Lock()
	}
}
