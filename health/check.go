package health

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrNotReady means /healthz answered that the bot cannot answer; the
// Status that comes with it says why.
var ErrNotReady = errors.New("not ready")

// Check asks the /healthz of a sendbot serve listening on addr (host:port;
// ":port" means this computer) for its Status. It fails with ErrNotReady,
// and the Status, when serve is not ready to answer, as Docker's
// HEALTHCHECK and other watchdogs need.
func Check(ctx context.Context, addr string) (Status, error) {
	if strings.HasPrefix(addr, ":") {
		addr = "127.0.0.1" + addr // listening on every address includes loopback
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
	if err != nil {
		return Status{}, fmt.Errorf("address %q: %w", addr, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Status{}, fmt.Errorf("is sendbot serve running? %w", err)
	}
	defer resp.Body.Close()
	var st Status
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return Status{}, fmt.Errorf("%s answered HTTP %d that is not sendbot's /healthz: %w", addr, resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK || !st.Ready {
		return st, fmt.Errorf("%w: %s", ErrNotReady, strings.Join(st.Problems, "; "))
	}
	return st, nil
}
