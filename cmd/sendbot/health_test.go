//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sendbot/sendbot/health"
	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/internal/testkit"
)

// freeAddr is a loopback address nothing listens on.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeAnswersHealthAndMetrics runs serve with SENDBOT_HTTP_ADDR set:
// /healthz says it is ready with the built-in corpus's index open, and
// /metrics counts a reindex that SIGHUP starts.
func TestServeAnswersHealthAndMetrics(t *testing.T) {
	addr := freeAddr(t)
	_, logs := startServe(t, map[string]string{"SENDBOT_HTTP_ADDR": addr, "SENDBOT_DATA": t.TempDir()})
	base := "http://" + addr
	code, body := httpGet(t, base+"/healthz")
	if code != http.StatusOK {
		t.Fatalf("/healthz: HTTP %d\n%s\nlogs:\n%s", code, body, logs.String())
	}
	for _, want := range []string{`"ready": true`, `"gateway": "connected"`, `"open": true`} {
		if !strings.Contains(body, want) {
			t.Errorf("/healthz lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, `"documents": 0`) {
		t.Errorf("/healthz shows no documents:\n%s", body)
	}

	hc := newCLI(t)
	hc.env["SENDBOT_HTTP_ADDR"] = addr
	if out, _, err := hc.run("", "healthcheck"); err != nil || !strings.HasPrefix(out, "ready: gateway connected") {
		t.Errorf("healthcheck of a ready serve: %q %v", out, err)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, "the SIGHUP reindex to be counted", func() bool {
		_, m := httpGet(t, base+"/metrics")
		return strings.Contains(m, `sendbot_reindex_total{result="ok"} 1`+"\n")
	})
	if _, m := httpGet(t, base+"/metrics"); !strings.Contains(m, "sendbot_reindex_seconds_count 1\n") {
		t.Errorf("/metrics does not time the reindex:\n%s", m)
	}
}

func TestServeRefusesABadHTTPAddress(t *testing.T) {
	c := newCLI(t)
	c.env["DISCORD_TOKEN"] = discordtest.Token
	c.env["SENDBOT_DATA"] = t.TempDir()
	c.env["SENDBOT_HTTP_ADDR"] = "localhost:notaport"
	_, _, err := c.run("", "serve")
	if err == nil || !strings.Contains(err.Error(), `SENDBOT_HTTP_ADDR "localhost:notaport"`) || !strings.Contains(err.Error(), "127.0.0.1:8089") {
		t.Errorf("serve with a bad SENDBOT_HTTP_ADDR: %v", err)
	}
}

func TestHealthcheckSaysWhatIsWrong(t *testing.T) {
	c := newCLI(t)
	if _, _, err := c.run("", "healthcheck"); err == nil || !strings.Contains(err.Error(), "SENDBOT_HTTP_ADDR is not set") {
		t.Errorf("no address: %v", err)
	}
	c.env["SENDBOT_HTTP_ADDR"] = freeAddr(t)
	if _, _, err := c.run("", "healthcheck"); err == nil || !strings.Contains(err.Error(), "is sendbot serve running?") {
		t.Errorf("nothing listening: %v", err)
	}
	// A serve whose gateway is down answers 503 with its problems.
	mon := health.New(func() health.IndexState { return health.IndexState{Open: true, Documents: 3} })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go http.Serve(ln, mon.Handler())
	defer ln.Close()
	c.env["SENDBOT_HTTP_ADDR"] = ln.Addr().String()
	if _, _, err := c.run("", "healthcheck"); err == nil || !strings.Contains(err.Error(), "not ready: not connected to the Discord gateway") {
		t.Errorf("gateway down: %v", err)
	}
}

// TestServeAnswersInteractionsOverHTTP runs serve with
// SENDBOT_INTERACTIONS_ADDR set: Discord's PING is answered with PONG,
// and /help, POSTed as Discord would, is answered in the HTTP response.
func TestServeAnswersInteractionsOverHTTP(t *testing.T) {
	addr := freeAddr(t)
	srv, logs := startServe(t, map[string]string{"SENDBOT_INTERACTIONS_ADDR": addr, "DISCORD_PUBLIC_KEY": discordtest.PublicKeyHex, "SENDBOT_DATA": t.TempDir()})
	url := "http://" + addr + "/interactions"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if code, body, err := srv.Ping(ctx, url); err != nil || code != http.StatusOK || string(body) != `{"type":1}` {
		t.Fatalf("PING: %d %s %v\nlogs:\n%s", code, body, err, logs.String())
	}
	srv.SetInteractionsEndpoint(url)
	i := srv.SlashCommand("help")
	srv.SendInteraction(i)
	resp, err := srv.WaitResponse(ctx, i)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(resp.Message.Content, "**How to ask**") {
		t.Errorf("/help over HTTP: %+v", resp.Message)
	}
	if d := srv.Deliveries(); len(d) != 1 || d[0].Status != http.StatusOK {
		t.Errorf("deliveries %+v", d)
	}
}
