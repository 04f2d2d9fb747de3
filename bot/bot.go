package bot

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/feedback"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/internal/discordapi"
	"github.com/sendbot/sendbot/library"
	"github.com/sendbot/sendbot/store"
)

// Searcher answers questions. *index.Index and *index.Live are two.
type Searcher interface {
	Search(ctx context.Context, q index.Query) (index.Result, error)
	// Areas lists the areas there are documents for, as shown to parents.
	Areas() []string
	// Info says when the index was built and what it holds, for /about.
	Info() index.Info
	// Documents lists an area's documents ("" for all), for /sources.
	Documents(area string) ([]index.DocumentInfo, error)
}

// Monitor is told what the bot does (see Config.Monitor).
type Monitor interface {
	// Question is one question searched: answered, declined (neither)
	// or failed (refused or an error), and the time to its answer.
	Question(answered, failed bool, took time.Duration)
	// Vote is one Helpful (true) or Not helpful (false) vote recorded.
	Vote(helpful bool)
	// Gateway is the Discord gateway session becoming ready (true) or
	// dropping (false).
	Gateway(up bool)
}

type noMonitor struct{}

func (noMonitor) Question(bool, bool, time.Duration) {}

func (noMonitor) Vote(bool) {}

func (noMonitor) Gateway(bool) {}

// Config holds what the bot needs to connect. The zero value of each
// optional field gives the default named in its comment.
type Config struct {
	// Token is the bot token from the Discord developer portal, without
	// the "Bot " prefix. Required.
	Token string
	// GuildID, when set, registers the commands in that one server, where
	// they appear at once; when empty they are registered globally.
	GuildID string
	// APIURL, when set, replaces Discord's REST API base (including its
	// version path, e.g. http://127.0.0.1:8080/api/v9/) for every REST call
	// and so for the gateway: a REST proxy, or a local test server.
	APIURL string
	// Logger receives operational logs. Default: discard.
	Logger *slog.Logger
	// LogQuestions logs each question's text. Parents' questions are
	// personal data, so this is for a moderator looking into a problem,
	// and off by default.
	LogQuestions bool
	// Version is shown by /about. Default: "unknown".
	Version string
	// Feedback records Helpful / Not helpful votes; nil turns the buttons'
	// votes off (they say so). A *feedback.Store.
	Feedback interface{ Vote(feedback.Vote) error }
	// Uploads keeps documents added with /add-document; nil says adding
	// documents from Discord is off.
	Uploads Uploader
	// MaxUploadBytes is the largest file /add-document takes. Default:
	// library.DefaultMaxUploadBytes (10 MiB).
	MaxUploadBytes int64
	// Sites keeps the sites added with /add-source, which a reindex
	// crawls, and says how each site's last crawl went for /sources; nil
	// says adding sites from Discord is off (as does a nil Reindexer),
	// and /sources lists no sites.
	Sites SiteStore
	// Reindexer runs /reindex; nil says reindexing from Discord is off.
	Reindexer Reindexer
	// Replica is set when this process only reads an index that another,
	// the builder, builds in a shared folder (SENDBOT_ROLE=replica):
	// /reindex and the commands that add or remove documents and sites
	// then say the builder does that, unless Reindexer, Uploads or Sites
	// is set (a library.Handover, RemoteReindexer or RemoteSites hands
	// them to the builder).
	Replica bool
	// Pages keeps the answers given, for an hour, so that their More
	// results and Not helpful buttons work. Default: in memory
	// (store.NewPages), which a restart empties; a *postgres.Pages shares
	// them between replicas.
	Pages AnswerPages
	// Audit records every moderator action; nil records nothing.
	Audit Auditor
	// Gaps keeps the words of questions declined or marked Not helpful,
	// for moderators' /gaps; nil turns that off. A *gaps.Store.
	Gaps GapStore
	// ModRoles are role IDs whose members may use the moderators'
	// commands, besides members with Manage Server. Default: none.
	ModRoles []string
	// RateLimit is how many questions one person may ask a minute; server
	// moderators (Manage Messages or Manage Server) are exempt. Default:
	// DefaultRateLimit.
	RateLimit int
	// SearchTimeout bounds one search. Default: 10 seconds.
	SearchTimeout time.Duration
	// Monitor is told each question's outcome and how long it took, each
	// vote and each gateway connection and drop, for /healthz and
	// /metrics; never a question's text. nil tells nothing. A
	// *health.Monitor.
	Monitor Monitor
	// ShutdownTimeout bounds how long Run waits, after its context ends,
	// for answers in flight. Default: 10 seconds.
	ShutdownTimeout time.Duration
	// AckTimeout is how long after an interaction arrives the bot still
	// tries to send its first response; a rate limit that would keep it
	// waiting longer is given up on and logged. Discord forgets an
	// interaction not answered within 3 seconds, so it may be no more
	// than that. Default: DefaultAckTimeout (2.5 seconds).
	AckTimeout time.Duration

	// Interactions, when set, is where Discord POSTs interactions once
	// the application's Interactions Endpoint URL points at it: Run
	// serves them on it (and closes it), answering each one's first
	// response in the HTTP response, and the gateway carries only
	// messages. Every command, button and autocomplete is handled as
	// over the gateway. Default: nil, interactions come over the gateway.
	Interactions net.Listener
	// PublicKey is the application's public key from the Developer
	// Portal, which every interaction POSTed to Interactions must be
	// signed with. Required with Interactions.
	PublicKey ed25519.PublicKey
	// ShardID and ShardCount split the gateway between several
	// processes: this one connects as shard ShardID of ShardCount
	// (0 <= ShardID < ShardCount), and Discord sends it the events of
	// the servers whose ID falls to that shard. Default: 0 and 0, one
	// shard for every server.
	ShardID, ShardCount int

	// DefaultArea is the area questions are asked in when nothing more
	// specific is set: they are answered from its documents and national
	// ones, never another area's. Default: "" (all areas alike).
	DefaultArea string
	// ServerAreas sets the area for questions asked in a server, by
	// server (guild) ID; it overrides DefaultArea. Default: none.
	ServerAreas map[string]string
	// ChannelAreas sets the area for questions asked in a channel, by
	// channel ID; it overrides the server's area. The /ask command's area
	// option overrides them all. Direct messages use DefaultArea only.
	// Default: none.
	ChannelAreas map[string]string
	// MaxAge is how old a passage may be before answers mark it as
	// possibly out of date. Default: index.DefaultMaxAge (two years).
	MaxAge time.Duration
	// Now is the clock answers are dated against. Default: time.Now.
	Now func() time.Time
}

// AreaError is a configured area the searcher has no documents for.
type AreaError struct {
	// Where is where the area is set: "" for Config.DefaultArea, else
	// "server" or "channel", with the server's or channel's ID.
	Where, ID string
	Area      string
	// Known are the areas there are documents for.
	Known []string
}

func (e *AreaError) Error() string {
	what := "the default area"
	if e.Where != "" {
		what = "the area of " + e.Where + " " + e.ID
	}
	return fmt.Sprintf("bot: %s is %q, but there are no documents for that area; the areas are %s", what, e.Area, strings.Join(e.Known, ", "))
}

// CheckAreas makes sure every configured area is one of known, those the
// searcher has documents for, and writes each as known shows it; New
// does it too. A mistake is
// an *AreaError; of several, the default area's is told first, then by
// server and by channel in the order of their IDs.
func (c *Config) CheckAreas(known []string) error {
	shown := map[string]string{}
	for _, a := range known {
		shown[corpus.AreaKey(a)] = a
	}
	canonical := func(where, id, area string) (string, error) {
		if strings.TrimSpace(area) == "" {
			return "", nil
		}
		if s, ok := shown[corpus.AreaKey(area)]; ok {
			return s, nil
		}
		return "", &AreaError{Where: where, ID: id, Area: area, Known: known}
	}
	var err error
	if c.DefaultArea, err = canonical("", "", c.DefaultArea); err != nil {
		return err
	}
	for _, m := range []struct {
		where string
		areas *map[string]string
	}{{"server", &c.ServerAreas}, {"channel", &c.ChannelAreas}} {
		out := make(map[string]string, len(*m.areas))
		for _, id := range slices.Sorted(maps.Keys(*m.areas)) {
			if out[id], err = canonical(m.where, id, (*m.areas)[id]); err != nil {
				return err
			}
		}
		*m.areas = out
	}
	return nil
}

// Bot answers parents' questions in Discord: the /ask command, and
// messages that mention it or are sent to it directly.
type Bot struct {
	cfg        Config
	searcher   Searcher
	log        *slog.Logger
	inFlight   work
	limits     *limiter
	pages      AnswerPages
	modRoles   map[string]bool
	reindexing reindexGuard
	arrivals   arrivals
	exchanges  exchanges       // interactions over HTTP awaiting their first response
	ctx        context.Context // ends when Run is told to stop
}

// New checks cfg and returns a Bot that answers from searcher.
func New(cfg Config, searcher Searcher) (*Bot, error) {
	if searcher == nil {
		return nil, errors.New("bot: no searcher")
	}
	if err := CheckToken(cfg.Token); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SearchTimeout <= 0 {
		cfg.SearchTimeout = 10 * time.Second
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	switch {
	case cfg.AckTimeout <= 0:
		cfg.AckTimeout = DefaultAckTimeout
	case cfg.AckTimeout > maxAckTimeout:
		return nil, fmt.Errorf("bot: AckTimeout is %v, but Discord forgets an interaction not answered within %v; use %v or less", cfg.AckTimeout, maxAckTimeout, maxAckTimeout)
	}
	if cfg.Interactions != nil && len(cfg.PublicKey) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("bot: interactions over HTTP need the application's public key (%d bytes, from the Developer Portal); got %d bytes", ed25519.PublicKeySize, len(cfg.PublicKey))
	}
	if cfg.ShardCount != 0 || cfg.ShardID != 0 {
		if cfg.ShardCount < 1 || cfg.ShardID < 0 || cfg.ShardID >= cfg.ShardCount {
			return nil, fmt.Errorf("bot: shard %d of %d: the shard ID must be from 0 to the shard count less one", cfg.ShardID, cfg.ShardCount)
		}
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = index.DefaultMaxAge
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = library.DefaultMaxUploadBytes
	}
	if cfg.RateLimit <= 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if strings.TrimSpace(cfg.Version) == "" {
		cfg.Version = "unknown"
	}
	if cfg.Monitor == nil {
		cfg.Monitor = noMonitor{}
	}
	if cfg.Pages == nil {
		cfg.Pages = store.NewPages(AnswerTTL, maxAnswers)
	}
	if err := cfg.CheckAreas(searcher.Areas()); err != nil {
		return nil, err
	}
	return &Bot{cfg: cfg, searcher: searcher, log: cfg.Logger.With("component", "bot"), limits: newLimiter(cfg.RateLimit), pages: cfg.Pages, modRoles: roleSet(cfg.ModRoles)}, nil
}

// Run connects to Discord, registers the commands and answers until ctx
// ends; then it waits for answers in flight and disconnects.
func (b *Bot) Run(ctx context.Context) error {
	if b.cfg.Interactions != nil {
		defer b.cfg.Interactions.Close() // also when Run fails before serving it
	}
	if b.cfg.APIURL != "" {
		if err := discordapi.PointAt(b.cfg.APIURL); err != nil {
			return err
		}
	}
	routeDiscordgoLogs(b.log)
	s, err := discordgo.New("Bot " + b.cfg.Token)
	if err != nil {
		return fmt.Errorf("create Discord session: %w", err)
	}
	// No privileged intents: messages that mention the bot, and direct
	// messages, carry their text without the Message Content intent.
	// Guilds (not privileged either) keeps servers' roles and channels in
	// discordgo's state, so a moderator's mentions skip the rate limit.
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if b.cfg.ShardCount > 0 {
		s.ShardID, s.ShardCount = b.cfg.ShardID, b.cfg.ShardCount
	}
	s.ShouldReconnectOnError = true
	// A 429 is waited out (its retry_after) and the request sent again.
	s.ShouldRetryOnRateLimit = true

	// Searches outlive ctx by up to ShutdownTimeout: see the end of Run.
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	b.ctx = runCtx
	if b.cfg.Interactions == nil {
		s.AddHandler(b.onInteraction)
	}
	s.AddHandler(b.onMessage)
	s.AddHandler(func(*discordgo.Session, *discordgo.Ready) { b.cfg.Monitor.Gateway(true) })
	s.AddHandler(func(*discordgo.Session, *discordgo.Resumed) { b.cfg.Monitor.Gateway(true) })
	s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) { b.cfg.Monitor.Gateway(false) })

	if err := s.Open(); err != nil {
		return fmt.Errorf("connect to Discord: %w (if this says 4004 or 401, DISCORD_TOKEN is wrong: reset it in the developer portal)", err)
	}
	defer func() {
		// discordgo's heartbeat can see the socket Close shuts and start a
		// reconnect loop that outlives the session: stop it first.
		s.ShouldReconnectOnError = false
		s.Close()
	}()
	// A READY after a reconnect rewrites the state under its lock.
	s.State.RLock()
	appID, username := s.State.User.ID, s.State.User.Username
	if s.State.Application != nil && s.State.Application.ID != "" {
		appID = s.State.Application.ID
	}
	s.State.RUnlock()
	if _, err := s.ApplicationCommandBulkOverwrite(appID, b.cfg.GuildID, commands()); err != nil {
		return fmt.Errorf("register slash commands: %w", err)
	}
	scope := "globally (they can take up to an hour to appear)"
	if b.cfg.GuildID != "" {
		scope = "in server " + b.cfg.GuildID
	}
	b.log.Info("connected to Discord", "user", username, "commands", scope)
	if b.cfg.Interactions != nil {
		stopServing := b.serveInteractions(s)
		defer stopServing()
	}

	<-ctx.Done()
	// New questions now get "I'm restarting, ask again"; those in flight
	// have ShutdownTimeout to finish. Past it their searches are cut
	// short, and each asker is told to ask again: nobody is left waiting.
	b.log.Info("stopping: finishing the answers in flight")
	done := b.inFlight.close()
	select {
	case <-done:
	case <-time.After(b.cfg.ShutdownTimeout):
		b.log.Warn("answers still in flight at the shutdown deadline: their askers are told to ask again")
		stop()
		select {
		case <-done:
		case <-time.After(restartNoticeTimeout):
			b.log.Warn("stopped before every asker was told")
		}
	}
	b.log.Info("disconnecting from Discord")
	return nil
}

// restartNoticeTimeout bounds how long a shutdown waits, past
// ShutdownTimeout, for the askers whose searches it cut short to be told.
const restartNoticeTimeout = 3 * time.Second

// routeDiscordgoLogs sends discordgo's own log lines to the logger instead
// of the standard library's.
func routeDiscordgoLogs(log *slog.Logger) {
	l := log.With("component", "discordgo")
	discordgo.Logger = func(level, caller int, format string, a ...any) {
		msg := fmt.Sprintf(format, a...)
		switch level {
		case discordgo.LogError:
			l.Error(msg)
		case discordgo.LogWarning:
			l.Warn(msg)
		case discordgo.LogInformational:
			l.Info(msg)
		default:
			l.Debug(msg)
		}
	}
}
