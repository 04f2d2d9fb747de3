package main

import (
	"context"

	"github.com/sendbot/sendbot/doctor"
	"github.com/sendbot/sendbot/library"
	"github.com/sendbot/sendbot/settings"
)

// runDoctor checks a deployment the way serve would use it (settings,
// token, Discord, clock, corpus, index, disk) and says what to fix.
func runDoctor(ctx context.Context, env appEnv, args []string) error {
	cfg := settings.Read(env.getenv)
	fs := newFlags("doctor", &cfg, env.stderr)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	lc, _ := libraryConfig(cfg, nil) // a mistake in it is among cfg.Problems()
	lib, err := library.Open(lc)
	dbURL, _ := cfg.DatabaseURL() // a mistake in it is among cfg.Problems()
	return doctor.Run(ctx, doctor.Config{
		Out: env.stdout, EnvWarning: envFileWarning(".env"), Settings: cfg.Problems(),
		Token: cfg.Token, APIURL: cfg.APIURL, DatabaseURL: dbURL, Library: lib, LibraryErr: err, Version: versionNumber(),
	})
}
