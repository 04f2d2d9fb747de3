package discordtest

import (
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Gateway opcodes used by the fake.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opPresenceUpdate = 3
	opVoiceState     = 4
	opResume         = 6
	opReconnect      = 7
	opRequestMembers = 8
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatACK   = 11
)

// Gateway close codes used by the fake.
const (
	closeUnknownOpcode        = 4001
	closeDecodeError          = 4002
	closeNotAuthenticated     = 4003
	closeAuthenticationFailed = 4004
	closeAlreadyAuthenticated = 4005
)

// writeTimeout bounds every gateway write so a client that stops reading
// cannot block the Server.
const writeTimeout = 5 * time.Second

// maxMissed bounds the events a session keeps for replay while no
// connection carries it.
const maxMissed = 1000

// gwSession is a gateway session (created by READY, continued by RESUME).
type gwSession struct {
	id  string
	seq atomic.Int64 // last sequence number sent in this session

	// missed holds events dispatched while the session had no ready
	// connection; RESUME replays them, as Discord does. Guarded by s.mu.
	missed []missedEvent
}

// missedEvent is a dispatch waiting for its session to resume.
type missedEvent struct {
	t string
	d json.RawMessage
}

// missLocked keeps an event for sess to replay on RESUME.
func (sess *gwSession) missLocked(t string, d json.RawMessage) {
	if len(sess.missed) >= maxMissed {
		sess.missed = sess.missed[1:]
	}
	sess.missed = append(sess.missed, missedEvent{t, d})
}

// gwConn is one gateway websocket connection.
type gwConn struct {
	s  *Server
	ws *websocket.Conn

	writeMu sync.Mutex // serialises writes and sequence assignment

	// Guarded by s.mu.
	sess   *gwSession // set once READY or RESUMED was sent
	ready  bool       // receives dispatches
	closed bool
}

// gwFrame is a gateway payload as sent by the Server.
type gwFrame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

// gwIncoming is a gateway payload as sent by a client.
type gwIncoming struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
}

// serveGateway upgrades the request to a websocket and runs the gateway
// protocol on it until the connection ends.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "server closed", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader already replied
	}
	c := &gwConn{s: s, ws: ws}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.conns[c] = struct{}{}
	interval := s.heartbeatInterval
	s.mu.Unlock()
	defer s.removeConn(c)

	if enc := r.URL.Query().Get("encoding"); enc != "" && enc != "json" {
		c.closeWith(closeDecodeError, "Error while decoding payload.")
		return
	}

	hello, _ := json.Marshal(map[string]int64{"heartbeat_interval": interval.Milliseconds()})
	if c.send(opHello, hello) != nil {
		return
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			// Closing with 1000 or 1001 ends the session, as on Discord;
			// other closes and network failures leave it resumable.
			if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway) {
				s.mu.Lock()
				if c.sess != nil {
					delete(s.sessions, c.sess.id)
				}
				s.mu.Unlock()
			}
			return
		}
		if !c.handle(data) {
			return
		}
	}
}

// removeConn forgets c and closes its socket.
func (s *Server) removeConn(c *gwConn) {
	s.mu.Lock()
	c.closed = true
	c.ready = false
	delete(s.conns, c)
	s.notifyLocked()
	s.mu.Unlock()
	_ = c.ws.Close()
}

// handle processes one client payload; it returns false when the connection
// must end.
func (c *gwConn) handle(data []byte) bool {
	s := c.s
	var in gwIncoming
	if err := json.Unmarshal(data, &in); err != nil {
		c.closeWith(closeDecodeError, "Error while decoding payload.")
		return false
	}
	switch in.Op {
	case opHeartbeat:
		s.mu.Lock()
		s.heartbeats++
		s.notifyLocked()
		s.mu.Unlock()
		return c.send(opHeartbeatACK, nil) == nil
	case opIdentify:
		return c.identify(in.D)
	case opResume:
		return c.resume(in.D)
	case opPresenceUpdate, opVoiceState, opRequestMembers:
		s.mu.Lock()
		authed := c.sess != nil
		s.mu.Unlock()
		if !authed {
			c.closeWith(closeNotAuthenticated, "Not authenticated.")
			return false
		}
		return true // accepted and ignored
	default:
		s.logf("gateway: unknown opcode %d: %s", in.Op, data)
		c.closeWith(closeUnknownOpcode, "Unknown opcode.")
		return false
	}
}

// validGatewayToken reports whether tok is the bot token, with or without
// the "Bot " prefix (Discord accepts both on the gateway).
func validGatewayToken(tok string) bool {
	return tok == Token || tok == "Bot "+Token
}

// decodeIdentify decodes an IDENTIFY payload. The presence is decoded on a
// best-effort basis: discordgo marshals Activity.CreatedAt as a timestamp
// string that its own Activity.UnmarshalJSON cannot read back.
func decodeIdentify(d json.RawMessage) (discordgo.Identify, error) {
	var p struct {
		discordgo.Identify
		Presence json.RawMessage `json:"presence"`
	}
	if err := json.Unmarshal(d, &p); err != nil {
		return discordgo.Identify{}, err
	}
	id := p.Identify
	if !isNull(p.Presence) {
		var st discordgo.GatewayStatusUpdate
		if json.Unmarshal(p.Presence, &st) == nil {
			id.Presence = st
		}
	}
	return id, nil
}

// admit checks an IDENTIFY or RESUME as Discord does, closing the
// connection with Discord's close code when the payload did not decode
// (err), the connection already has a session, or the token is wrong.
// It reports whether the handshake may go on.
func (c *gwConn) admit(err error, already bool, token string) bool {
	switch {
	case err != nil:
		c.closeWith(closeDecodeError, "Error while decoding payload.")
	case already:
		c.closeWith(closeAlreadyAuthenticated, "Already authenticated.")
	case !validGatewayToken(token):
		c.closeWith(closeAuthenticationFailed, "Authentication failed.")
	default:
		return true
	}
	return false
}

// identify handles op 2.
func (c *gwConn) identify(d json.RawMessage) bool {
	s := c.s
	id, err := decodeIdentify(d)
	s.mu.Lock()
	s.identifies++
	if err == nil {
		s.identifyPayloads = append(s.identifyPayloads, id)
	}
	already := c.sess != nil
	s.notifyLocked()
	s.mu.Unlock()
	if !c.admit(err, already, id.Token) {
		return false
	}

	sess := &gwSession{id: randomHex(16)}
	ready := map[string]any{
		"v":                  9,
		"user":               botUser(),
		"session_id":         sess.id,
		"session_type":       "normal",
		"resume_gateway_url": s.wsURL,
		"application":        map[string]any{"id": ApplicationID, "flags": 0},
		"guilds":             []map[string]any{{"id": GuildID, "unavailable": true}},
		"private_channels":   []any{},
		"relationships":      []any{},
		"presences":          []any{},
	}
	if id.Shard != nil {
		ready["shard"] = id.Shard
	}
	readyJSON, _ := json.Marshal(ready)
	guildJSON, _ := json.Marshal(s.guildCreateJSON())

	// The connection takes dispatches from the moment READY is on its way:
	// a client may act on READY (and a test then dispatch to it) before
	// this goroutine runs again.
	s.mu.Lock()
	s.sessions[sess.id] = sess
	if !c.closed {
		c.sess = sess
		c.ready = true
	}
	s.mu.Unlock()
	if c.dispatch(sess, "READY", readyJSON) != nil || c.dispatch(sess, "GUILD_CREATE", guildJSON) != nil {
		s.mu.Lock()
		c.ready = false
		s.mu.Unlock()
		return false
	}
	s.mu.Lock()
	s.readies++
	s.notifyLocked()
	s.mu.Unlock()
	return true
}

// resume handles op 6.
func (c *gwConn) resume(d json.RawMessage) bool {
	s := c.s
	var p struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	err := json.Unmarshal(d, &p)
	s.mu.Lock()
	s.resumes++
	s.notifyLocked()
	already := c.sess != nil
	sess := s.sessions[p.SessionID]
	s.mu.Unlock()
	if !c.admit(err, already, p.Token) {
		return false
	}
	if sess == nil {
		// Unknown session: not resumable, the client must IDENTIFY.
		return c.send(opInvalidSession, json.RawMessage("false")) == nil
	}

	// A session lives on one connection at a time: drop any other.
	var stale []*gwConn
	s.mu.Lock()
	for o := range s.conns {
		if o != c && o.sess == sess {
			o.closed = true
			o.ready = false
			delete(s.conns, o)
			stale = append(stale, o)
		}
	}
	s.mu.Unlock()
	for _, o := range stale {
		_ = o.ws.Close()
	}

	// Replay what the session missed, then take new dispatches. Events
	// dispatched during the replay join the queue, so the loop ends only
	// when the queue is empty and the connection is marked ready in the
	// same critical section.
	s.mu.Lock()
	c.sess = sess
	s.mu.Unlock()
	for {
		s.mu.Lock()
		missed := sess.missed
		sess.missed = nil
		if len(missed) == 0 {
			if !c.closed {
				c.ready = true
			}
			s.notifyLocked()
			s.mu.Unlock()
			break
		}
		s.mu.Unlock()
		for i, e := range missed {
			if c.dispatch(sess, e.t, e.d) != nil {
				s.mu.Lock()
				sess.missed = append(missed[i:], sess.missed...)
				s.mu.Unlock()
				return false
			}
		}
	}
	return c.dispatch(sess, "RESUMED", json.RawMessage("{}")) == nil
}

// send writes a non-dispatch payload.
func (c *gwConn) send(op int, d json.RawMessage) error {
	if d == nil {
		d = json.RawMessage("null")
	}
	frame, err := json.Marshal(gwFrame{Op: op, D: d})
	if err != nil {
		return err
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return c.writeLocked(frame)
}

// dispatch writes an op 0 dispatch with the session's next sequence number.
func (c *gwConn) dispatch(sess *gwSession, t string, d json.RawMessage) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	seq := sess.seq.Add(1)
	frame, err := json.Marshal(gwFrame{Op: opDispatch, D: d, S: &seq, T: &t})
	if err != nil {
		return err
	}
	return c.writeLocked(frame)
}

func (c *gwConn) writeLocked(frame []byte) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	err := c.ws.WriteMessage(websocket.TextMessage, frame)
	if err != nil {
		_ = c.ws.Close() // ends the read loop, which cleans up
	}
	return err
}

// closeWith sends a close frame with code and reason and closes the socket.
func (c *gwConn) closeWith(code int, reason string) {
	c.writeMu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	c.writeMu.Unlock()
	_ = c.ws.Close()
}

// readyConns returns the connections that currently receive dispatches.
func (s *Server) readyConns() []*gwConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*gwConn
	for c := range s.conns {
		if c.ready && c.sess != nil && !c.closed {
			out = append(out, c)
		}
	}
	return out
}

// Dispatch sends a gateway dispatch (op 0) of type eventType with payload
// data to every connected, READY client, with that session's next sequence
// number. data may be any JSON-marshalable value or a json.RawMessage;
// *discordgo.Message and *discordgo.Interaction are encoded with their
// message components (which discordgo's own marshalling drops). As on
// Discord, a session whose connection is down keeps the events it misses
// and gets them on RESUME; a session that was closed (code 1000 or 1001)
// or invalidated gets nothing, and an event with no session is lost.
func (s *Server) Dispatch(eventType string, data any) {
	d, err := encodeEvent(data)
	if err != nil {
		s.t.Errorf("discordtest: Dispatch %s: encoding payload: %v", eventType, err)
		return
	}
	type delivery struct {
		c    *gwConn
		sess *gwSession
	}
	var out []delivery
	s.mu.Lock()
	live := make(map[*gwSession]*gwConn)
	for c := range s.conns {
		if c.ready && c.sess != nil && !c.closed {
			live[c.sess] = c
		}
	}
	for _, sess := range s.sessions {
		if c := live[sess]; c != nil {
			out = append(out, delivery{c, sess})
		} else {
			sess.missLocked(eventType, d)
		}
	}
	lost := len(s.sessions) == 0
	s.mu.Unlock()
	if lost {
		s.logf("Dispatch %s: no gateway session, event dropped", eventType)
	}
	for _, o := range out {
		if o.c.dispatch(o.sess, eventType, d) != nil {
			// The connection failed under us: keep the event for RESUME.
			s.mu.Lock()
			if s.sessions[o.sess.id] == o.sess {
				o.sess.missLocked(eventType, d)
			}
			s.mu.Unlock()
		}
	}
}

// DropConnections abruptly closes every gateway websocket (no close frame),
// like a network failure. Sessions survive, so clients may RESUME.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := make([]*gwConn, 0, len(s.conns))
	for c := range s.conns {
		c.closed = true
		c.ready = false
		delete(s.conns, c)
		conns = append(conns, c)
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.ws.Close()
	}
}

// SendReconnect sends op 7 (Reconnect) to every connected client. The
// connections stop receiving dispatches until the client has resumed (see
// WaitConnected).
func (s *Server) SendReconnect() {
	conns := s.readyConns()
	s.mu.Lock()
	for _, c := range conns {
		c.ready = false
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.send(opReconnect, nil)
	}
}

// SendInvalidSession sends op 9 (Invalid Session) with d = resumable to
// every connected client. The connection then counts as unauthenticated
// until the client IDENTIFYs (or, on a new connection, RESUMEs) again; a
// non-resumable session is forgotten.
func (s *Server) SendInvalidSession(resumable bool) {
	conns := s.readyConns()
	s.mu.Lock()
	for _, c := range conns {
		if !resumable && c.sess != nil {
			delete(s.sessions, c.sess.id)
		}
		c.ready = false
		c.sess = nil
	}
	s.notifyLocked()
	s.mu.Unlock()
	d := json.RawMessage("false")
	if resumable {
		d = json.RawMessage("true")
	}
	for _, c := range conns {
		_ = c.send(opInvalidSession, d)
	}
}
