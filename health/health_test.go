package health

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, base, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// serve starts m on a loopback port until the test ends.
func serve(t *testing.T, m *Monitor) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

func TestHealthzSaysWhyItIsNotReady(t *testing.T) {
	built := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	state := IndexState{}
	m := New(func() IndexState { return state })
	m.now = func() time.Time { return built.Add(36 * time.Hour) }
	base := serve(t, m)

	code, body := get(t, base, "/healthz")
	if code != http.StatusServiceUnavailable {
		t.Errorf("nothing ready: HTTP %d, want 503", code)
	}
	for _, want := range []string{"not connected to the Discord gateway", "no index open"} {
		if !strings.Contains(body, want) {
			t.Errorf("nothing ready: /healthz does not say %q:\n%s", want, body)
		}
	}

	state = IndexState{Open: true, Documents: 32, Passages: 2356, BuiltAt: built}
	m.Gateway(true)
	code, body = get(t, base, "/healthz")
	if code != http.StatusOK {
		t.Errorf("ready: HTTP %d, want 200:\n%s", code, body)
	}
	var s Status
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	want := Status{Ready: true, Gateway: "connected", Index: IndexStatus{Open: true, Documents: 32, Passages: 2356,
		BuiltAt: "2026-11-01T12:00:00Z", AgeSeconds: 36 * 3600}}
	if s.Ready != want.Ready || s.Gateway != want.Gateway || s.Index != want.Index || len(s.Problems) != 0 {
		t.Errorf("ready: %+v, want %+v", s, want)
	}

	m.Gateway(false)
	if code, body = get(t, base, "/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "not connected") {
		t.Errorf("gateway dropped: HTTP %d\n%s", code, body)
	}
}

func TestMetricsCountWhatHappened(t *testing.T) {
	m := New(func() IndexState { return IndexState{Open: true, Documents: 7, BuiltAt: time.Now().Add(-time.Minute)} })
	base := serve(t, m)
	m.Question(true, false, 20*time.Millisecond)
	m.Question(true, false, 30*time.Millisecond)
	m.Question(false, false, 10*time.Millisecond)
	m.Question(false, true, time.Millisecond)
	m.Vote(true)
	m.Vote(false)
	m.Vote(false)
	m.Reindexed(3*time.Second, nil)
	m.Reindexed(time.Second, errors.New("corpus folder missing"))
	m.Gateway(true)  // first connection: not a reconnect
	m.Gateway(false) // dropped
	m.Gateway(true)  // reconnected
	m.Gateway(true)  // still connected: not another

	code, body := get(t, base, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: HTTP %d", code)
	}
	for _, want := range []string{
		`sendbot_questions_total{result="answered"} 2`,
		`sendbot_questions_total{result="declined"} 1`,
		`sendbot_questions_total{result="failed"} 1`,
		`sendbot_answer_seconds_count 4`,
		`sendbot_answer_seconds_bucket{le="0.025"} 3`,
		`sendbot_feedback_total{vote="helpful"} 1`,
		`sendbot_feedback_total{vote="not_helpful"} 2`,
		`sendbot_reindex_total{result="ok"} 1`,
		`sendbot_reindex_total{result="failed"} 1`,
		`sendbot_reindex_seconds_sum 4`,
		`sendbot_gateway_reconnects_total 1`,
		`sendbot_gateway_connected 1`,
		`sendbot_index_documents 7`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(body, want+"\n") && !strings.Contains(body, want+" ") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// A nil Monitor, as the bot holds when monitoring is off, takes every
// call and does nothing.
func TestNilMonitorIgnoresCalls(t *testing.T) {
	var m *Monitor
	m.Question(true, false, time.Second)
	m.Vote(true)
	m.Reindexed(time.Second, nil)
	m.Gateway(true)
}

func TestListenSaysWhereAndFailsAtOnce(t *testing.T) {
	var logs strings.Builder
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	m := New(func() IndexState { return IndexState{Open: true, Documents: 3} })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := m.Listen(ctx, "127.0.0.1:0", log); err != nil {
		t.Fatal(err)
	}
	var line struct{ Msg, Healthz, Metrics string }
	if err := json.Unmarshal([]byte(logs.String()), &line); err != nil || line.Msg != "health and metrics" || !strings.HasSuffix(line.Metrics, "/metrics") {
		t.Fatalf("Listen logged %q (%v), want where /healthz and /metrics are", logs.String(), err)
	}
	if code, body := get(t, line.Healthz, ""); code != http.StatusServiceUnavailable || !strings.Contains(body, `"documents": 3`) {
		t.Errorf("%s: HTTP %d\n%s", line.Healthz, code, body)
	}

	if err := m.Listen(ctx, "localhost:notaport", nil); err == nil || !strings.Contains(err.Error(), "notaport") {
		t.Errorf("Listen on a bad address: %v", err)
	}
}
