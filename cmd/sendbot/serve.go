package main

import (
	"context"
	"fmt"

	"github.com/sendbot/sendbot/bot"
)

// runServe runs the Discord bot. It checks the token first, so a missing
// or mistyped token is explained before anything else happens, then builds
// the index if it needs to and connects.
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
	log, err := newLogger(cfg, env.stderr)
	if err != nil {
		return err
	}
	ix, err := openIndex(ctx, cfg, log.With("component", "index"))
	if err != nil {
		return err
	}
	defer ix.Close()
	info := ix.Info()
	log.Info("index open", "documents", info.Documents, "passages", info.Passages, "areas", len(info.Areas), "built", info.BuiltAt.Format("2006-01-02 15:04"))
	b, err := bot.New(bot.Config{Token: cfg.Token, GuildID: cfg.GuildID, APIURL: cfg.APIURL, Logger: log}, ix)
	if err != nil {
		return err
	}
	if err := b.Run(ctx); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
