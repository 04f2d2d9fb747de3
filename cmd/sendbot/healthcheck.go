package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sendbot/sendbot/health"
	"github.com/sendbot/sendbot/settings"
)

// runHealthcheck asks the /healthz of a serve running with
// SENDBOT_HTTP_ADDR and succeeds only when it is ready: for Docker's
// HEALTHCHECK and other watchdogs, on images with no curl.
func runHealthcheck(ctx context.Context, env appEnv, args []string) error {
	if len(args) > 0 {
		return usageError{"healthcheck takes no arguments: it reads SENDBOT_HTTP_ADDR"}
	}
	addr := settings.Read(env.getenv).HTTPAddr
	if addr == "" {
		return errors.New("healthcheck: SENDBOT_HTTP_ADDR is not set, so serve has no /healthz to ask; set it (e.g. 127.0.0.1:8089) for both")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	st, err := health.Check(ctx, addr)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	fmt.Fprintf(env.stdout, "ready: gateway %s, %d documents, index built %s\n", st.Gateway, st.Index.Documents, st.Index.BuiltAt)
	return nil
}
