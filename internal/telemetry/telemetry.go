// Package telemetry holds Holdline's Prometheus metrics: requests by method
// and status code with latency, interactions by state, and store transaction
// latency. Every series is prefixed holdline_.
package telemetry

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	dto "github.com/prometheus/client_model/go"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/throttle"
)

// Metrics is the set of Holdline's metrics, registered on their own registry.
type Metrics struct {
	// Registry is what /metrics serves.
	Registry *prometheus.Registry

	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	txDuration      *prometheus.HistogramVec
	deliveries      *prometheus.CounterVec
	limited         *prometheus.CounterVec
	undocumented    *prometheus.CounterVec
}

// New creates the metrics and registers them, with the Go and process collectors.
func New(version string) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "holdline_requests_total",
			Help: "API requests handled, by method (PTK method or API operation) and PTK status code.",
		}, []string{"method", "code"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "holdline_request_duration_seconds",
			Help:    "Time to handle an API request, from decoded request to encoded answer, by method.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method"}),
		txDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "holdline_store_transaction_duration_seconds",
			Help:    "Time a store transaction took until it committed or rolled back (or, read-only, until it ended), by outcome: commit, rollback, read, read failed.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}, []string{"outcome"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "holdline_deliveries_total",
			Help: "Outbox delivery attempts (pushed launches, events, notifications), by kind and outcome (delivered, retry, expired).",
		}, []string{"kind", "outcome"}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "holdline_rate_limited_total",
			Help: "Requests refused with 429 because their client was over its rate, by front (ptk, api) and bucket (principal, address, failedAuth).",
		}, []string{"front", "class"}),
		undocumented: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "holdline_ptk_undocumented_code_total",
			Help: "PTK answers whose status code the method's table (docs/ptk.md) does not list, by method and code; always 0 unless the table or the code is wrong.",
		}, []string{"method", "code"}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "holdline_build_info",
		Help:        "Always 1; the version label says which build is running.",
		ConstLabels: prometheus.Labels{"version": version},
	})
	build.Set(1)
	m.Registry.MustRegister(m.requests, m.requestDuration, m.txDuration, m.deliveries, m.limited, m.undocumented, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObserveDelivery counts one outbox delivery attempt.
func (m *Metrics) ObserveDelivery(kind, outcome string, _ time.Duration) {
	m.deliveries.WithLabelValues(kind, outcome).Inc()
}

// ObserveLimited counts a request refused for its client's rate.
func (m *Metrics) ObserveLimited(front string, class throttle.Class) {
	m.limited.WithLabelValues(front, string(class)).Inc()
}

// ObserveRequest counts one API request and its latency.
func (m *Metrics) ObserveRequest(method string, code status.Code, took time.Duration) {
	m.requests.WithLabelValues(method, strconv.Itoa(int(code))).Inc()
	m.requestDuration.WithLabelValues(method).Observe(took.Seconds())
}

// ObserveUndocumented counts a PTK answer whose code its method's table
// does not list.
func (m *Metrics) ObserveUndocumented(method string, code status.Code) {
	m.undocumented.WithLabelValues(method, strconv.Itoa(int(code))).Inc()
}

// Undocumented is what holdline_ptk_undocumented_code_total counted, as
// "Method code" strings, for the tests that check it stays empty.
func (m *Metrics) Undocumented() []string {
	var out []string
	ch := make(chan prometheus.Metric, 64)
	go func() { m.undocumented.Collect(ch); close(ch) }()
	for mt := range ch {
		var pb dto.Metric
		if err := mt.Write(&pb); err != nil || pb.GetCounter().GetValue() == 0 {
			continue
		}
		labels := map[string]string{}
		for _, l := range pb.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		out = append(out, labels["method"]+" "+labels["code"])
	}
	return out
}

// WatchInteractions registers a gauge of interactions by state, read from
// count at every scrape (bounded by a short timeout so a slow store cannot
// hang /metrics).
func (m *Metrics) WatchInteractions(count func(context.Context) (map[callback.State]int, error), log *slog.Logger) {
	m.Registry.MustRegister(&stateCollector{count: count, log: log, desc: prometheus.NewDesc(
		"holdline_interactions",
		"Interactions in the store, by state.",
		[]string{"state"}, nil)})
}

type stateCollector struct {
	count func(context.Context) (map[callback.State]int, error)
	log   *slog.Logger
	desc  *prometheus.Desc
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		c.log.Warn("metrics: counting interactions by state failed", "err", err)
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for _, s := range callback.States() {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(counts[s]), string(s))
	}
}

// InstrumentStore wraps a store so that every transaction's latency is observed.
func (m *Metrics) InstrumentStore(s callback.Store) callback.Store {
	return &timedStore{Store: s, m: m}
}

type timedStore struct {
	callback.Store
	m *Metrics
}

func (s *timedStore) InTx(ctx context.Context, fn func(tx callback.Tx) error) error {
	start := time.Now()
	err := s.Store.InTx(ctx, fn)
	outcome := "commit"
	if err != nil {
		outcome = "rollback"
	}
	s.m.txDuration.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
	return err
}

func (s *timedStore) View(ctx context.Context, fn func(tx callback.Tx) error) error {
	start := time.Now()
	err := s.Store.View(ctx, fn)
	outcome := "read"
	if err != nil {
		outcome = "read failed"
	}
	s.m.txDuration.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
	return err
}
