package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sendbot/sendbot/health"
)

// runHealthcheck asks the /healthz of a serve running with
// SENDBOT_HTTP_ADDR and succeeds only when it is ready: for Docker's
// HEALTHCHECK and other watchdogs, on images with no curl.
func runHealthcheck(ctx context.Context, env appEnv, args []string) error {
	if len(args) > 0 {
		return usageError{"healthcheck takes no arguments: it reads SENDBOT_HTTP_ADDR"}
	}
	addr := strings.TrimSpace(env.getenv("SENDBOT_HTTP_ADDR"))
	if addr == "" {
		return errors.New("healthcheck: SENDBOT_HTTP_ADDR is not set, so serve has no /healthz to ask; set it (e.g. 127.0.0.1:8089) for both")
	}
	if strings.HasPrefix(addr, ":") {
		addr = "127.0.0.1" + addr // listening on every address includes loopback
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
	if err != nil {
		return fmt.Errorf("healthcheck: SENDBOT_HTTP_ADDR %q: %w", addr, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: is sendbot serve running? %w", err)
	}
	defer resp.Body.Close()
	var st health.Status
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return fmt.Errorf("healthcheck: %s answered HTTP %d that is not sendbot's /healthz: %w", addr, resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK || !st.Ready {
		return fmt.Errorf("healthcheck: not ready: %s", strings.Join(st.Problems, "; "))
	}
	fmt.Fprintf(env.stdout, "ready: gateway %s, %d documents, index built %s\n", st.Gateway, st.Index.Documents, st.Index.BuiltAt)
	return nil
}
