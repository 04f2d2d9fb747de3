package main

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/sendbot/sendbot/doctor"
	"github.com/sendbot/sendbot/library"
)

// runDoctor checks a deployment the way serve would use it (settings,
// token, Discord, clock, corpus, index, disk) and says what to fix.
func runDoctor(ctx context.Context, env appEnv, args []string) error {
	cfg := configFromEnv(env.getenv)
	fs := newFlags("doctor", &cfg, env.stderr)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	lib, err := library.Open(cfg.library(nil))
	return doctor.Run(ctx, doctor.Config{
		Out: env.stdout, EnvWarning: envFileWarning(".env"), Settings: settingsProblems(cfg),
		Token: cfg.Token, APIURL: cfg.APIURL, Library: lib, LibraryErr: err, Version: versionNumber(),
	})
}

// settingsProblems checks every setting serve reads before it connects,
// all at once, where serve stops at the first.
func settingsProblems(cfg config) []error {
	var errs []error
	if _, err := botSettings(cfg); err != nil {
		errs = append(errs, err)
	}
	if _, err := cfg.gapsKeep(); err != nil {
		errs = append(errs, err)
	}
	if _, err := newLogger(cfg, io.Discard); err != nil {
		errs = append(errs, err)
	}
	if a := cfg.HTTPAddr; a != "" {
		if _, port, err := net.SplitHostPort(a); err != nil || port == "" {
			errs = append(errs, fmt.Errorf("SENDBOT_HTTP_ADDR %q: use host:port, such as 127.0.0.1:8089", a))
		}
	}
	return errs
}
