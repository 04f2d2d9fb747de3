package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"

	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/feedback"
	"github.com/sendbot/sendbot/health"
	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/library"
)

// runServe runs the Discord bot. It checks the token and the settings
// first, so a mistake is explained before anything else happens, then
// builds the index if it needs to, checks every configured area against
// it and connects.
func runServe(ctx context.Context, env appEnv, args []string) error {
	cfg := configFromEnv(env.getenv)
	fs := newFlags("serve", &cfg, env.stderr)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg.Token = bot.NormalizeToken(cfg.Token)
	if err := bot.CheckToken(cfg.Token); err != nil {
		return err
	}
	bc, err := botSettings(cfg)
	if err != nil {
		return err
	}
	// The gaps file opens once the index does, whose words it keeps; a
	// mistake in its setting is told before the index is built.
	if _, err := cfg.gapsKeep(); err != nil {
		return err
	}
	log, err := newLogger(cfg, env.stderr)
	if err != nil {
		return err
	}
	lc := cfg.library(log)
	lc.FetchAllow, _ = cfg.fetchAllow() // checked by botSettings
	lc.MaxUploadBytes = bc.MaxUploadBytes
	lib, err := library.Open(lc)
	if err != nil {
		return err
	}
	// OpenIndex builds the index if it must; the bot then serves it
	// through a Live index, which a reindex replaces between searches.
	ix, err := lib.OpenIndex(ctx)
	if err != nil {
		return err
	}
	ix.Close()
	live, err := index.OpenLive(lib.IndexDir())
	if err != nil {
		return err
	}
	defer live.Close()
	gapStore, err := openGaps(cfg, lib, live)
	if err != nil {
		return err
	}
	defer gapStore.Close()
	bc.Gaps = gapStore
	info := live.Info()
	log.Info("index open", "documents", info.Documents, "passages", info.Passages, "areas", len(info.Areas), "built", info.BuiltAt.Format("2006-01-02 15:04"))
	if err := bc.CheckAreas(live.Areas()); err != nil {
		return areaError(err)
	}
	bc.Token, bc.GuildID, bc.APIURL, bc.Logger = cfg.Token, cfg.GuildID, cfg.APIURL, log
	votes, err := openFeedback(lib)
	if err != nil {
		return err
	}
	defer votes.Close()
	bc.Feedback = votes
	// The moderators' commands: the audit log, the reindexer (also run by
	// SIGHUP and the schedule) and the documents added from Discord.
	rx := lib.Reindexer(live)
	if bc.Audit, err = lib.OpenAudit(); err != nil {
		return err
	}
	if bc.Uploads, err = lib.OpenUploads(live); err != nil {
		return err
	}
	bc.Reindexer = rx
	if cfg.HTTPAddr != "" {
		mon, err := serveHealth(ctx, cfg.HTTPAddr, live, log)
		if err != nil {
			return err
		}
		bc.Monitor, rx.Monitor = mon, mon
	}
	b, err := bot.New(bc, live)
	if err != nil {
		return err
	}
	every, _ := cfg.reindexEvery() // checked by botSettings
	// A reindex in progress stops with serve, before the index closes: the
	// one in use stays whole, and the next start picks up from it.
	watchCtx, stopWatching := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		rx.Watch(watchCtx, every, hangups(watchCtx))
	}()
	err = b.Run(ctx)
	stopWatching()
	<-watched
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// openFeedback opens the file that keeps Helpful / Not helpful votes for
// the configured corpus: feedback/<corpus>/feedback.db under SENDBOT_DATA.
func openFeedback(lib *library.Library) (*feedback.Store, error) {
	path, err := lib.DataFile("feedback", "feedback.db")
	if err != nil {
		return nil, err
	}
	return feedback.Open(path)
}

// botSettings reads the bot's area and staleness settings.
func botSettings(cfg config) (bot.Config, error) {
	var bc bot.Config
	var err error
	if bc.MaxAge, err = cfg.maxAge(); err != nil {
		return bc, err
	}
	if bc.ServerAreas, err = areaMap("SENDBOT_SERVER_AREAS", cfg.ServerAreas); err != nil {
		return bc, err
	}
	if bc.ChannelAreas, err = areaMap("SENDBOT_CHANNEL_AREAS", cfg.ChannelAreas); err != nil {
		return bc, err
	}
	bc.DefaultArea = cfg.Area
	switch strings.ToLower(cfg.LogQuestions) {
	case "", "false", "no", "0":
	case "true", "yes", "1":
		bc.LogQuestions = true
	default:
		return bc, fmt.Errorf("LOG_QUESTIONS %q: use true to log parents' questions (personal data) or false (the default)", cfg.LogQuestions)
	}
	if cfg.RateLimit != "" {
		n, err := strconv.Atoi(cfg.RateLimit)
		if err != nil || n < 1 || n > 1000 {
			return bc, fmt.Errorf("SENDBOT_RATE_LIMIT %q: write how many questions one person may ask a minute, a whole number from 1 to 1000 (default %d)", cfg.RateLimit, bot.DefaultRateLimit)
		}
		bc.RateLimit = n
	}
	if bc.ModRoles, err = cfg.modRoles(); err != nil {
		return bc, err
	}
	if _, err := cfg.reindexEvery(); err != nil {
		return bc, err
	}
	if _, err := cfg.fetchAllow(); err != nil { // read by each reindex
		return bc, err
	}
	if bc.MaxUploadBytes, err = cfg.maxUpload(); err != nil {
		return bc, err
	}
	bc.Version = versionString()
	return bc, nil
}

// areaError names the setting of an area the index has no documents
// for, and lists those it has.
func areaError(err error) error {
	var ae *bot.AreaError
	if !errors.As(err, &ae) {
		return err
	}
	setting := "SENDBOT_AREA"
	switch ae.Where {
	case "server":
		setting = "SENDBOT_SERVER_AREAS (" + ae.ID + ")"
	case "channel":
		setting = "SENDBOT_CHANNEL_AREAS (" + ae.ID + ")"
	}
	return fmt.Errorf("%s: there are no documents for the area %q; the areas are %s", setting, ae.Area, strings.Join(ae.Known, ", "))
}

// serveHealth answers /healthz and /metrics on addr until ctx ends. It
// fails at once when addr cannot be listened on, so a mistake stops serve
// before it connects.
func serveHealth(ctx context.Context, addr string, live *index.Live, log *slog.Logger) (*health.Monitor, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("SENDBOT_HTTP_ADDR %q: %w (use host:port, such as 127.0.0.1:8089)", addr, err)
	}
	mon := health.New(func() health.IndexState {
		info := live.Info()
		// An open index always records when it was built.
		return health.IndexState{Open: !info.BuiltAt.IsZero(), Documents: info.Documents, Passages: info.Passages, BuiltAt: info.BuiltAt}
	})
	go func() {
		if err := mon.Serve(ctx, ln); err != nil {
			log.Error("health and metrics stopped", "err", err)
		}
	}()
	log.Info("health and metrics", "healthz", "http://"+ln.Addr().String()+"/healthz", "metrics", "http://"+ln.Addr().String()+"/metrics")
	return mon, nil
}
