package main

import (
	"context"
	"fmt"
	"net"

	"github.com/sendbot/sendbot/bot"
	"github.com/sendbot/sendbot/health"
	"github.com/sendbot/sendbot/library"
	"github.com/sendbot/sendbot/replicas"
	"github.com/sendbot/sendbot/settings"
)

// runServe runs the Discord bot. It checks the token and the settings
// first, so a mistake is explained before anything else happens, then
// builds the index if it needs to, checks every configured area against
// it and connects.
func runServe(ctx context.Context, env appEnv, args []string) error {
	cfg := settings.Read(env.getenv)
	fs := newFlags("serve", &cfg, env.stderr)
	fs.StringVar(&cfg.Role, "role", cfg.Role, "all (build the index and answer), builder (the same, for replicas sharing the index folder) or replica (only answer, from the index the builder publishes) (default: $SENDBOT_ROLE, else all)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg.Token = bot.NormalizeToken(cfg.Token)
	if err := bot.CheckToken(cfg.Token); err != nil {
		return err
	}
	bc, err := cfg.Bot()
	if err != nil {
		return err
	}
	log, err := cfg.Logger(env.stderr)
	if err != nil {
		return err
	}
	lc, err := libraryConfig(cfg, log)
	if err != nil {
		return err
	}
	lc.FetchAllow, _ = cfg.FetchAllow() // checked by Bot
	lc.MaxUploadBytes = bc.MaxUploadBytes
	lib, err := library.Open(lc)
	if err != nil {
		return err
	}
	role, _ := cfg.ServeRole() // checked by Bot
	log.Info("serving", "role", role, "index", lib.IndexDir())
	live, err := lib.OpenLive(ctx, role == settings.RoleReplica)
	if err != nil {
		return err
	}
	defer live.Close()
	// Votes, gaps, the audit log, answers' pages, uploads and the
	// moderators' commands that change the documents: shared with the
	// other replicas in PostgreSQL when DATABASE_URL is set, else in files
	// and memory (the gaps open with the index, whose words they keep).
	// The reindexer is also run by SIGHUP and the schedule.
	rx := lib.Reindexer(live)
	shared, err := replicas.Open(ctx, cfg, lib, live, rx, &bc)
	if err != nil {
		return err
	}
	defer shared.Close()
	info := live.Info()
	log.Info("index open", "documents", info.Documents, "passages", info.Passages, "areas", len(info.Areas), "built", info.BuiltAt.Format("2006-01-02 15:04"))
	if err := bc.CheckAreas(live.Areas()); err != nil {
		return settings.AreaError(err)
	}
	bc.Logger, bc.Version = log, versionString()
	if cfg.HTTPAddr != "" {
		mon := health.New(func() health.IndexState {
			info := live.Info()
			// An open index always records when it was built.
			return health.IndexState{Open: !info.BuiltAt.IsZero(), Documents: info.Documents, Passages: info.Passages, BuiltAt: info.BuiltAt}
		})
		if err := mon.Listen(ctx, cfg.HTTPAddr, log); err != nil {
			return fmt.Errorf("SENDBOT_HTTP_ADDR %q: %w (use host:port, such as 127.0.0.1:8089)", cfg.HTTPAddr, err)
		}
		bc.Monitor, rx.Monitor = mon, mon // rx runs no reindex on a replica
	}
	if cfg.InteractionsAddr != "" {
		// Listening here, not in the bot, says at once when the address
		// is taken; Run serves it and closes it.
		if bc.Interactions, err = net.Listen("tcp", cfg.InteractionsAddr); err != nil {
			return fmt.Errorf("SENDBOT_INTERACTIONS_ADDR %q: %w", cfg.InteractionsAddr, err)
		}
	}
	b, err := bot.New(bc, live)
	if err != nil {
		if bc.Interactions != nil {
			bc.Interactions.Close()
		}
		return err
	}
	every, _ := cfg.ReindexEvery() // checked by Bot
	if role == settings.RoleReplica && every > 0 {
		log.Warn("SENDBOT_REINDEX_EVERY is ignored on a replica: the builder reindexes on its schedule, and this replica switches to each index it publishes")
	}
	// A reindex in progress stops with serve, before the index closes: the
	// one in use stays whole, and the next start picks up from it.
	watchCtx, stopWatching := context.WithCancel(ctx)
	watched := make(chan struct{}, 2)
	go func() {
		defer func() { watched <- struct{}{} }()
		shared.Run(watchCtx, log) // a builder's changes handed over by replicas
	}()
	go func() {
		defer func() { watched <- struct{}{} }()
		if role == settings.RoleReplica {
			library.Follow(watchCtx, live, hangups(watchCtx), log)
			return
		}
		rx.Watch(watchCtx, every, hangups(watchCtx))
	}()
	err = b.Run(ctx)
	stopWatching()
	<-watched
	<-watched
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}
