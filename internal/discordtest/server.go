package discordtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Fixed identities of the fake Discord world.
const (
	// Token is the only bot token the fake accepts. It has the shape of a
	// real bot token: base64url(BotUserID) "." 6 characters "." 27+
	// characters. Clients send it as "Bot " + Token.
	Token = "MTAwMDAwMDAwMDAwMDAwMDAwMQ.GfAkE0.c2VuZGJvdC1mYWtlLXRva2VuLWZvci10ZXN0cw"

	// BotUserID is the user id of the bot account (the READY user).
	BotUserID = "1000000000000000001"
	// BotUsername is the username of the bot account.
	BotUsername = "sendbot"
	// ApplicationID is the bot's application id. Discord uses the bot user
	// id as the application id for bot applications.
	ApplicationID = "1000000000000000001"

	// GuildID is the single guild the bot is a member of.
	GuildID = "2000000000000000001"
	// GuildName is the name of GuildID.
	GuildName = "SEND Parents"
	// ChannelID is the text channel in GuildID that interactions and user
	// messages built by the Server come from.
	ChannelID = "3000000000000000001"
	// ChannelName is the name of ChannelID (Discord text channel names are
	// lower case without spaces).
	ChannelName = "send-parents"

	// UserID is the id of the default (human) guild member that
	// SlashCommand, Autocomplete, ComponentInteraction and UserMessage act as.
	UserID = "4000000000000000001"
	// Username is the username of the default member.
	Username = "parent"

	// DefaultHeartbeatInterval is the heartbeat interval announced in HELLO
	// unless changed with SetHeartbeatInterval (Discord's usual value).
	DefaultHeartbeatInterval = 41250 * time.Millisecond

	// DefaultInteractionDeadline is how long after SendInteraction the
	// initial callback is accepted, as on Discord. See
	// SetInteractionDeadline.
	DefaultInteractionDeadline = 3 * time.Second
)

// ErrClosed is returned by the Wait methods when the Server is closed while
// they wait.
var ErrClosed = errors.New("discordtest: server closed")

// discordEpoch is the Discord snowflake epoch in Unix milliseconds.
const discordEpoch = 1420070400000

// Server is a fake Discord REST API and gateway listening on loopback.
//
// All methods are safe for concurrent use. Create one with NewServer.
type Server struct {
	t      testing.TB
	srv    *httptest.Server
	apiURL string
	wsURL  string

	upgrader websocket.Upgrader

	closeOnce sync.Once
	done      chan struct{} // closed by Close
	wg        sync.WaitGroup

	lastID atomic.Uint64

	mu                 sync.Mutex
	closed             bool
	changed            chan struct{} // closed and replaced on every state change
	heartbeatInterval  time.Duration
	interactionTimeout time.Duration
	requests           []Request
	failures           []failure
	commands           map[string][]*discordgo.ApplicationCommand // "" = global
	interactions       map[string]*interactionRecord              // by interaction id
	tokens             map[string]*interactionRecord              // by interaction token
	channelMsgs        map[string][]*PostedMessage
	channelNext        map[string]int
	messages           map[string]*msgState // channel messages by id
	dmChannels         map[string]string    // DM channel id -> recipient id
	channels           []*textChannel       // added with AddChannel, in order
	conns              map[*gwConn]struct{}
	sessions           map[string]*gwSession
	identifies         int
	resumes            int
	heartbeats         int
	readies            int
	identifyPayloads   []discordgo.Identify
	endpoint           string     // interactions endpoint URL; "" for the gateway
	deliveries         []Delivery // to the interactions endpoint
}

// NewServer starts a fake Discord server on 127.0.0.1 and registers
// t.Cleanup(s.Close).
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		t:                  t,
		done:               make(chan struct{}),
		changed:            make(chan struct{}),
		heartbeatInterval:  DefaultHeartbeatInterval,
		interactionTimeout: DefaultInteractionDeadline,
		commands:           make(map[string][]*discordgo.ApplicationCommand),
		interactions:       make(map[string]*interactionRecord),
		tokens:             make(map[string]*interactionRecord),
		channelMsgs:        make(map[string][]*PostedMessage),
		channelNext:        make(map[string]int),
		messages:           make(map[string]*msgState),
		dmChannels:         make(map[string]string),
		conns:              make(map[*gwConn]struct{}),
		sessions:           make(map[string]*gwSession),
		upgrader: websocket.Upgrader{
			CheckOrigin:       func(*http.Request) bool { return true },
			EnableCompression: false,
		},
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.srv.Start()
	host := strings.TrimPrefix(s.srv.URL, "http://")
	s.apiURL = "http://" + host + "/api/v9/"
	s.wsURL = "ws://" + host + "/gateway"
	t.Cleanup(s.Close)
	return s
}

// APIURL returns the REST base URL, "http://127.0.0.1:PORT/api/v9/", to
// assign to discordgo.EndpointAPI (and the endpoint variables derived
// from it).
func (s *Server) APIURL() string { return s.apiURL }

// GatewayURL returns the websocket URL, "ws://127.0.0.1:PORT/gateway", that
// GET gateway and GET gateway/bot report.
func (s *Server) GatewayURL() string { return s.wsURL }

// Close abruptly closes every gateway connection, shuts down the HTTP
// server and waits until every goroutine of the Server has exited. Waiters
// blocked in Wait methods return ErrClosed. Close is idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		conns := make([]*gwConn, 0, len(s.conns))
		for c := range s.conns {
			c.closed = true
			c.ready = false
			conns = append(conns, c)
		}
		clear(s.conns)
		s.notifyLocked()
		s.mu.Unlock()
		close(s.done)
		for _, c := range conns {
			_ = c.ws.Close()
		}
		s.srv.Close()
		s.wg.Wait()
	})
}

// SetHeartbeatInterval sets the heartbeat_interval announced in HELLO to
// connections opened afterwards. Values below 1ms are raised to 1ms.
//
// Caution with the real discordgo (v0.29.0) client: Session.Close holds the
// session lock for a second, and a heartbeat that fires meanwhile fails and
// makes discordgo start a reconnect loop that outlives the Session (and the
// test). Keep the interval well above a second when a discordgo Session
// will be closed, and use short intervals only with raw websocket clients.
func (s *Server) SetHeartbeatInterval(d time.Duration) {
	if d < time.Millisecond {
		d = time.Millisecond
	}
	s.mu.Lock()
	s.heartbeatInterval = d
	s.mu.Unlock()
}

// SetInteractionDeadline sets how long after SendInteraction the initial
// interaction callback is still accepted; later callbacks get 404 Unknown
// interaction (code 10062), as on Discord after 3 seconds. Zero or a
// negative value disables the deadline. Interactions that were built but
// never sent through SendInteraction have no deadline.
func (s *Server) SetInteractionDeadline(d time.Duration) {
	s.mu.Lock()
	s.interactionTimeout = d
	s.mu.Unlock()
}

// Identifies returns how many gateway IDENTIFY (op 2) payloads were
// received, valid or not.
func (s *Server) Identifies() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identifies
}

// Resumes returns how many gateway RESUME (op 6) payloads were received.
func (s *Server) Resumes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resumes
}

// Heartbeats returns how many gateway heartbeats (op 1) were received.
func (s *Server) Heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heartbeats
}

// IdentifyPayloads returns the d payloads of all IDENTIFYs received, in
// order, e.g. to assert the requested intents.
func (s *Server) IdentifyPayloads() []discordgo.Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]discordgo.Identify(nil), s.identifyPayloads...)
}

// Connected returns the number of gateway connections that are currently
// open and have been sent READY or RESUMED (and so receive dispatches).
func (s *Server) Connected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connectedLocked()
}

func (s *Server) connectedLocked() int {
	n := 0
	for c := range s.conns {
		if c.ready && c.sess != nil {
			n++
		}
	}
	return n
}

// WaitReady returns once some client has sent an IDENTIFY with the right
// token and was sent READY (and the GUILD_CREATE that follows it).
func (s *Server) WaitReady(ctx context.Context) error {
	return s.waitLocked(ctx, "READY", func() bool { return s.readies > 0 })
}

// WaitConnected returns once at least one gateway connection is open and
// has been sent READY or RESUMED, i.e. once Dispatch would reach a client.
// Use it after DropConnections, SendReconnect or SendInvalidSession to wait
// for the client to come back.
func (s *Server) WaitConnected(ctx context.Context) error {
	return s.waitLocked(ctx, "a connected gateway client", func() bool { return s.connectedLocked() > 0 })
}

// WaitFor blocks until cond returns true, re-evaluating it whenever the
// Server's state changes (a request, a gateway message, ...). cond is
// called without internal locks held, so it may call Server methods such
// as Identifies or Requests.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("discordtest: waiting for condition: %w", ctx.Err())
		case <-s.done:
			if cond() {
				return nil
			}
			return ErrClosed
		case <-ch:
		}
	}
}

// waitLocked blocks until cond, evaluated with s.mu held, returns true.
func (s *Server) waitLocked(ctx context.Context, what string, cond func() bool) error {
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("discordtest: waiting for %s: %w", what, ctx.Err())
		case <-s.done:
			s.mu.Lock()
			ok := cond()
			s.mu.Unlock()
			if ok {
				return nil
			}
			return fmt.Errorf("discordtest: waiting for %s: %w", what, ErrClosed)
		case <-ch:
		}
	}
}

// notifyLocked wakes every waiter. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// logf logs through the test while the server is open.
func (s *Server) logf(format string, args ...any) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if !closed {
		s.t.Helper()
		s.t.Logf("discordtest: "+format, args...)
	}
}

// nextID returns a fresh, strictly increasing snowflake id.
func (s *Server) nextID() string {
	for {
		last := s.lastID.Load()
		id := uint64(time.Now().UnixMilli()-discordEpoch) << 22
		if id <= last {
			id = last + 1
		}
		if s.lastID.CompareAndSwap(last, id) {
			return strconv.FormatUint(id, 10)
		}
	}
}

// randomHex returns n random bytes hex encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// botUser returns the bot's user object.
func botUser() *discordgo.User {
	return &discordgo.User{
		ID:            BotUserID,
		Username:      BotUsername,
		Discriminator: "0",
		Bot:           true,
		Verified:      true,
	}
}

// BotUser returns the bot's user object as sent in READY and as author of
// the messages the bot creates.
func (s *Server) BotUser() *discordgo.User { return botUser() }

// defaultUser returns the default human member's user object.
func defaultUser() *discordgo.User {
	return &discordgo.User{
		ID:            UserID,
		Username:      Username,
		GlobalName:    "Parent",
		Discriminator: "0",
	}
}

// DefaultUser returns the user object of the default guild member (UserID)
// that built interactions and messages come from.
func (s *Server) DefaultUser() *discordgo.User { return defaultUser() }

// memberJoined is the fixed join time of the default member and the bot.
var memberJoined = time.Date(2024, 9, 1, 12, 0, 0, 0, time.UTC)

// everyonePermissions is what the default member may do in ChannelID
// (view, send, embed links, attach files, read history, use app commands).
const everyonePermissions = 1<<10 | 1<<11 | 1<<14 | 1<<15 | 1<<16 | 1<<31

// defaultMember returns the default member (with user) of GuildID.
func defaultMember() *discordgo.Member {
	return &discordgo.Member{
		GuildID:     GuildID,
		JoinedAt:    memberJoined,
		User:        defaultUser(),
		Roles:       []string{},
		Permissions: everyonePermissions,
	}
}

// channelJSON describes channel id: a DM channel if it was created through
// POST users/@me/channels, else a text channel in GuildID.
func (s *Server) channelJSON(id string) map[string]any {
	s.mu.Lock()
	recipient, dm := s.dmChannels[id]
	s.mu.Unlock()
	if dm {
		u := defaultUser()
		if recipient != UserID {
			u = &discordgo.User{ID: recipient, Username: "user" + recipient, Discriminator: "0"}
		}
		return map[string]any{
			"id":              id,
			"type":            discordgo.ChannelTypeDM,
			"last_message_id": nil,
			"flags":           0,
			"recipients":      []*discordgo.User{u},
		}
	}
	name := ChannelName
	if id != ChannelID {
		name = "channel-" + id
	}
	overwrites := []any{}
	if c := s.addedChannel(id); c != nil {
		name = c.name
		overwrites = append(overwrites, map[string]any{
			"id": BotUserID, "type": discordgo.PermissionOverwriteTypeMember,
			"allow": "0", "deny": strconv.FormatInt(c.botDeny, 10),
		})
	}
	return map[string]any{
		"id":                    id,
		"type":                  discordgo.ChannelTypeGuildText,
		"guild_id":              GuildID,
		"name":                  name,
		"position":              0,
		"permission_overwrites": overwrites,
		"topic":                 nil,
		"nsfw":                  false,
		"last_message_id":       nil,
		"rate_limit_per_user":   0,
		"parent_id":             nil,
		"flags":                 0,
	}
}

// guildCreateJSON is the GUILD_CREATE payload for GuildID.
func (s *Server) guildCreateJSON() map[string]any {
	joined := memberJoined.Format(time.RFC3339)
	return map[string]any{
		"id":                            GuildID,
		"name":                          GuildName,
		"icon":                          nil,
		"owner_id":                      UserID,
		"afk_timeout":                   300,
		"verification_level":            1,
		"default_message_notifications": 1,
		"explicit_content_filter":       0,
		"mfa_level":                     0,
		"nsfw_level":                    0,
		"premium_tier":                  0,
		"preferred_locale":              "en-GB",
		"system_channel_id":             ChannelID,
		"features":                      []string{},
		"emojis":                        []any{},
		"stickers":                      []any{},
		"roles": []map[string]any{{
			"id": GuildID, "name": "@everyone", "permissions": strconv.Itoa(everyonePermissions),
			"position": 0, "color": 0, "hoist": false, "managed": false, "mentionable": false, "flags": 0,
		}},
		"joined_at":    joined,
		"large":        false,
		"unavailable":  false,
		"member_count": 2,
		"members": []map[string]any{
			{"user": botUser(), "roles": []string{}, "joined_at": joined, "deaf": false, "mute": false, "flags": 0},
			{"user": defaultUser(), "roles": []string{}, "joined_at": joined, "deaf": false, "mute": false, "flags": 0},
		},
		"channels":               s.guildChannelsJSON(),
		"threads":                []any{},
		"presences":              []any{},
		"voice_states":           []any{},
		"stage_instances":        []any{},
		"guild_scheduled_events": []any{},
	}
}
