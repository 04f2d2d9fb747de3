// Package health serves what a host watching sendbot needs: /healthz, which
// says whether the bot can answer (gateway connected, index open, its
// documents and age), and /metrics, counts and timings in the Prometheus
// text format; and Check, which asks a running serve's /healthz, for
// `sendbot healthcheck`. It never sees a question's text, so none can
// reach either.
//
//	mon := health.New(func() health.IndexState { … })
//	err := mon.Listen(ctx, "127.0.0.1:8089", log) // SENDBOT_HTTP_ADDR
//	// the bot and the reindexer tell mon what happens
package health

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// IndexState is what /healthz says of the index.
type IndexState struct {
	Open      bool
	Documents int
	Passages  int
	BuiltAt   time.Time
}

// Monitor counts what the bot does and knows whether it is ready. Its
// methods are safe for concurrent use; a nil *Monitor ignores every call,
// so callers need not check whether monitoring is on.
type Monitor struct {
	index func() IndexState
	now   func() time.Time

	connected, everConnected atomic.Bool

	registry   *prometheus.Registry
	questions  *prometheus.CounterVec
	answerTime prometheus.Histogram
	reindexes  *prometheus.CounterVec
	reindexDur prometheus.Histogram
	votes      *prometheus.CounterVec
	reconnects prometheus.Counter
}

// New returns a Monitor that asks index for the index's state when
// /healthz or /metrics is read.
func New(index func() IndexState) *Monitor {
	m := &Monitor{index: index, now: time.Now, registry: prometheus.NewRegistry()}
	m.questions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sendbot_questions_total",
		Help: "Questions searched, by result: answered, declined (nothing matched well enough) or failed (refused or an error).",
	}, []string{"result"})
	m.answerTime = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "sendbot_answer_seconds",
		Help:    "Time from a question's arrival to its answer being ready to send.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	})
	m.reindexes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sendbot_reindex_total",
		Help: "Rebuilds of the index (/reindex, schedule, SIGHUP), by result: ok or failed.",
	}, []string{"result"})
	m.reindexDur = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "sendbot_reindex_seconds",
		Help:    "Time a rebuild of the index took, fetching and reading included.",
		Buckets: []float64{1, 2.5, 5, 10, 30, 60, 120, 300, 600},
	})
	m.votes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sendbot_feedback_total",
		Help: "Helpful / Not helpful votes recorded, by vote.",
	}, []string{"vote"})
	m.reconnects = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "sendbot_gateway_reconnects_total",
		Help: "Times the Discord gateway connection was made again after it dropped.",
	})
	connected := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sendbot_gateway_connected",
		Help: "1 while the Discord gateway is connected, else 0.",
	}, func() float64 { return boolFloat(m.connected.Load()) })
	documents := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sendbot_index_documents",
		Help: "Documents in the index being searched.",
	}, func() float64 { return float64(m.index().Documents) })
	age := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sendbot_index_age_seconds",
		Help: "Time since the index being searched was built.",
	}, func() float64 { return m.ageOf(m.index()).Seconds() })
	for _, label := range []string{"answered", "declined", "failed"} {
		m.questions.WithLabelValues(label)
	}
	for _, label := range []string{"ok", "failed"} {
		m.reindexes.WithLabelValues(label)
	}
	for _, label := range []string{"helpful", "not_helpful"} {
		m.votes.WithLabelValues(label)
	}
	m.registry.MustRegister(m.questions, m.answerTime, m.reindexes, m.reindexDur, m.votes, m.reconnects,
		connected, documents, age,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ageOf is how long ago the index in st was built, 0 when none is open.
func (m *Monitor) ageOf(st IndexState) time.Duration {
	if !st.Open || st.BuiltAt.IsZero() {
		return 0
	}
	return m.now().Sub(st.BuiltAt)
}

// Question counts one question: answered, declined, or failed, and how
// long it took.
func (m *Monitor) Question(answered, failed bool, took time.Duration) {
	if m == nil {
		return
	}
	result := "declined"
	switch {
	case failed:
		result = "failed"
	case answered:
		result = "answered"
	}
	m.questions.WithLabelValues(result).Inc()
	m.answerTime.Observe(took.Seconds())
}

// Vote counts one Helpful (true) or Not helpful (false) vote.
func (m *Monitor) Vote(helpful bool) {
	if m == nil {
		return
	}
	vote := "not_helpful"
	if helpful {
		vote = "helpful"
	}
	m.votes.WithLabelValues(vote).Inc()
}

// Reindexed counts one rebuild of the index and how long it took.
func (m *Monitor) Reindexed(took time.Duration, err error) {
	if m == nil {
		return
	}
	result := "ok"
	if err != nil {
		result = "failed"
	}
	m.reindexes.WithLabelValues(result).Inc()
	m.reindexDur.Observe(took.Seconds())
}

// Gateway records that the Discord gateway connected (true) or dropped
// (false); a connection after a drop counts as a reconnect.
func (m *Monitor) Gateway(up bool) {
	if m == nil {
		return
	}
	was := m.connected.Swap(up)
	if up && !was && m.everConnected.Swap(true) {
		m.reconnects.Inc()
	}
}

// Handler serves /healthz and /metrics.
func (m *Monitor) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", m.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	return mux
}

// Status is what /healthz answers, as JSON.
type Status struct {
	// Ready is true when the bot can answer: connected to Discord, with
	// an index open. /healthz answers 200 when ready, 503 when not.
	Ready    bool        `json:"ready"`
	Gateway  string      `json:"gateway"` // "connected" or "disconnected"
	Index    IndexStatus `json:"index"`
	Problems []string    `json:"problems,omitempty"`
}

// IndexStatus is the index's part of Status.
type IndexStatus struct {
	Open       bool   `json:"open"`
	Documents  int    `json:"documents"`
	Passages   int    `json:"passages"`
	BuiltAt    string `json:"built_at,omitempty"`
	AgeSeconds int64  `json:"age_seconds"`
}

// Status says whether the bot is ready, and why not.
func (m *Monitor) Status() Status {
	st := m.index()
	s := Status{Gateway: "disconnected", Index: IndexStatus{Open: st.Open, Documents: st.Documents, Passages: st.Passages}}
	if m.connected.Load() {
		s.Gateway = "connected"
	} else {
		s.Problems = append(s.Problems, "not connected to the Discord gateway")
	}
	if st.Open {
		if !st.BuiltAt.IsZero() {
			s.Index.BuiltAt = st.BuiltAt.UTC().Format(time.RFC3339)
		}
		s.Index.AgeSeconds = int64(m.ageOf(st).Seconds())
	} else {
		s.Problems = append(s.Problems, "no index open")
	}
	s.Ready = len(s.Problems) == 0
	return s
}

func (m *Monitor) healthz(w http.ResponseWriter, _ *http.Request) {
	s := m.Status()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !s.Ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(s)
}

// Serve serves Handler on ln until ctx ends, then shuts down, giving
// requests in flight a second.
func (m *Monitor) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: m.Handler(), ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		<-done
		return nil
	}
	return err
}

// Listen serves Handler on addr, in the background, until ctx ends. It
// fails at once when addr cannot be listened on, so that a mistake stops
// serve before it connects. log is told the addresses of /healthz and
// /metrics, and why serving stopped if it stops before ctx ends; nil
// tells nothing.
func (m *Monitor) Listen(ctx context.Context, addr string, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	go func() {
		if err := m.Serve(ctx, ln); err != nil {
			log.Error("health and metrics stopped", "err", err)
		}
	}()
	base := "http://" + ln.Addr().String()
	log.Info("health and metrics", "healthz", base+"/healthz", "metrics", base+"/metrics")
	return nil
}
