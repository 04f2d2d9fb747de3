package bot

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sendbot/sendbot/feedback"
	"github.com/sendbot/sendbot/health"
)

// TestMonitorCountsQuestionsVotesAndReconnects runs the bot with a real
// health.Monitor against the fake Discord: the questions answered,
// declined and refused, a vote, and a dropped gateway connection show in
// /metrics and /healthz, and no question's words do.
func TestMonitorCountsQuestionsVotesAndReconnects(t *testing.T) {
	store, err := feedback.Open(filepath.Join(t.TempDir(), "feedback.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	mon := health.New(func() health.IndexState { return health.IndexState{Open: true, Documents: 3, BuiltAt: testNow} })
	web := httptest.NewServer(mon.Handler())
	defer web.Close()
	srv, _ := startBotWith(t, func(c *Config) { c.Feedback, c.Monitor = store, mon })

	if code, body := fetch(t, web.URL+"/healthz"); code != http.StatusOK || !strings.Contains(body, `"gateway": "connected"`) {
		t.Errorf("/healthz with the bot connected: HTTP %d\n%s", code, body)
	}
	m := ask(t, srv, question(swimQuestion)).Message
	ask(t, srv, question("cheap flights to spain"))
	askOrError(t, srv, question("???"))
	click(t, srv, m, buttons(m)["Helpful (1)"].CustomID)

	// A network failure: the bot reconnects (resuming its session).
	before := srv.Resumes() + srv.Identifies()
	srv.DropConnections()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := srv.WaitFor(ctx, func() bool { return srv.Resumes()+srv.Identifies() > before && srv.Connected() > 0 }); err != nil {
		t.Fatalf("the bot did not reconnect: %v", err)
	}
	var body string
	for {
		_, body = fetch(t, web.URL+"/metrics")
		if strings.Contains(body, "sendbot_gateway_reconnects_total 1\n") && strings.Contains(body, "sendbot_gateway_connected 1\n") {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("/metrics never showed the reconnect:\n%s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{
		`sendbot_questions_total{result="answered"} 1`,
		`sendbot_questions_total{result="declined"} 1`,
		`sendbot_questions_total{result="failed"} 1`,
		`sendbot_answer_seconds_count 3`,
		`sendbot_feedback_total{vote="helpful"} 1`,
		`sendbot_feedback_total{vote="not_helpful"} 0`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	for _, word := range []string{"swimming", "flights", "spain"} {
		if strings.Contains(strings.ToLower(body), word) {
			t.Errorf("/metrics shows a question's word %q", word)
		}
	}
}

func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
