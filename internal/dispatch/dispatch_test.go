package dispatch_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/clock"
	"github.com/holdline/holdline/internal/config"
	"github.com/holdline/holdline/internal/dispatch"
	"github.com/holdline/holdline/internal/payload"
	"github.com/holdline/holdline/internal/platformtest"
	"github.com/holdline/holdline/webhook"
)

var start = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

// site has one webhook for the registrations of its queue; the tests point
// it at their receivers.
const site = `
tenants:
  - name: Site
    timeZone: Europe/London
    numbering: {profile: extension}
    licenses: {inbound: 50, nonVoice: 50, outbound: 10, scheduled: true}
    segments: [{name: Main, queue: Main}]
    queues: [{name: Main, ewt: {defaultHandleTime: 300s, defaultAgents: 10}, skills: {holding: {id: hold-Main}}}]
    webhooks:
      - {name: crm, url: "http://127.0.0.1:1/unset", secret: s3cret, expiry: 1h, events: [callback.registered]}
`

// received is one request a receiver got.
type received struct {
	header http.Header
	body   []byte
	method string
}

// receiver is an httptest server answering with respond and recording
// every request.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     []received
	respond func(n int, w http.ResponseWriter, r *http.Request)
}

func newReceiver(t *testing.T, respond func(n int, w http.ResponseWriter, r *http.Request)) *receiver {
	t.Helper()
	rc := &receiver{respond: respond}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{header: r.Header.Clone(), body: body, method: r.Method})
		n := len(rc.got)
		rc.mu.Unlock()
		rc.respond(n, w, r)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func ok(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }

type testBundle struct {
	ctx      context.Context
	clock    *clock.Fake
	platform platformtest.All
	settings *callback.Settings
	worker   *dispatch.Worker
	settled  chan string
}

// setup runs a platform on a fresh store with a fake clock at start, and a
// worker whose jitter is none (every delay is its ceiling) and whose
// outcomes are signalled on settled.
func setup(t *testing.T, yaml string, change func(s *callback.Settings)) *testBundle {
	t.Helper()
	return setupOn(t, yaml, change, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// setupOn is setup with the store wrapped by wrap (when set) and logs to log.
func setupOn(t *testing.T, yaml string, change func(s *callback.Settings), wrap func(callback.Store) callback.Store, log *slog.Logger) *testBundle {
	t.Helper()
	settings, err := config.Parse([]byte(yaml), t.Name())
	if err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(settings)
	}
	ctx := t.Context()
	p := platformtest.New(t, platformtest.Options{Settings: settings, Start: start, Logger: log, Wrap: wrap})
	clk := p.Clock
	b := &testBundle{ctx: ctx, clock: clk, platform: p.All, settings: settings, settled: make(chan string, 100)}

	b.worker, err = dispatch.New(dispatch.Config{Outbox: p.Delivery, Settings: settings, Clock: clk, Logger: log,
		Jitter:  func(d time.Duration) time.Duration { return d },
		Settled: func(_ *callback.OutboxMessage, outcome string) { b.settled <- outcome }})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// point sets the crm webhook's URL.
func point(url string) func(s *callback.Settings) {
	return func(s *callback.Settings) { s.Tenants[0].Webhooks[0].URL = url }
}

func (b *testBundle) register(t *testing.T, contact string) *callback.Interaction {
	t.Helper()
	it, err := b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "Site", Segment: "Main", Contact: contact})
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// round runs one round and returns the outcomes settled in it.
func (b *testBundle) round(t *testing.T) []string {
	t.Helper()
	n, err := b.worker.Round(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for range n {
		out = append(out, <-b.settled)
	}
	return out
}

func (b *testBundle) deliveries(t *testing.T) []callback.OutboxMessage {
	t.Helper()
	ms, err := b.platform.Deliveries(b.ctx, "Site", callback.DeliveryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	b := callback.Backoff{Initial: time.Second, Max: 10 * time.Second}
	for attempts, want := range map[int]time.Duration{0: time.Second, 1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 5: 10 * time.Second, 60: 10 * time.Second} {
		if got := b.Ceiling(attempts); got != want {
			t.Errorf("Ceiling(%d) = %s, want %s", attempts, got, want)
		}
	}
	// Full jitter: whatever the source draws, the delay is in [0, ceiling].
	for _, draw := range []time.Duration{-time.Second, 0, 1500 * time.Millisecond, time.Hour} {
		got := b.Delay(2, func(time.Duration) time.Duration { return draw })
		if got < 0 || got > 2*time.Second {
			t.Errorf("Delay with a draw of %s = %s, outside [0, 2s]", draw, got)
		}
	}
	seen := map[bool]bool{}
	for range 1000 {
		d := dispatch.FullJitter(4 * time.Second)
		if d < 0 || d > 4*time.Second {
			t.Fatalf("FullJitter(4s) = %s", d)
		}
		seen[d < 2*time.Second] = true
	}
	if len(seen) != 2 {
		t.Error("FullJitter never drew from both halves of its range in 1000 draws")
	}
}

func TestADeliveryIsSignedAndKeyed(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, ok)
	b := setup(t, site, point(rc.URL+"/hooks"))
	it := b.register(t, "7001")
	if got := b.round(t); len(got) != 1 || got[0] != "delivered" {
		t.Fatalf("round: %v", got)
	}
	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if err := webhook.VerifyRequest("s3cret", r.header, r.body, b.clock.Now(), webhook.DefaultTolerance); err != nil {
		t.Fatalf("signature: %v", err)
	}
	ms := b.deliveries(t)
	if r.method != http.MethodPost || r.header.Get("Content-Type") != "application/json" || r.header.Get(webhook.HeaderEvent) != "callback.registered" ||
		r.header.Get(webhook.HeaderIdempotencyKey) != ms[0].Key || r.header.Get(webhook.HeaderAttempt) != "1" || string(r.body) != string(ms[0].Payload) {
		t.Fatalf("request %s %v %s", r.method, r.header, r.body)
	}
	var env payload.Envelope
	if err := json.Unmarshal(r.body, &env); err != nil || env.Type != callback.EventRegistered || env.Webhook != "crm" {
		t.Fatalf("body %s", r.body)
	}
	if ms[0].State != callback.OutboxDelivered || !ms[0].SettledAt.Equal(start) || ms[0].InteractionID != it.ID {
		t.Fatalf("after delivery: %+v", ms[0])
	}
	// Delivered once: later rounds send nothing.
	b.clock.Advance(time.Hour)
	if got := b.round(t); len(got) != 0 || len(rc.requests()) != 1 {
		t.Fatalf("a delivered message was sent again: %v", got)
	}
}

func TestAFailingReceiverGetsRetriesWithBackoffAndTheSameKey(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n <= 3 {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	b := setup(t, site, point(rc.URL))
	b.register(t, "7001")
	// Attempt n fails; the retry waits the ceiling of the n-th delay: 1s, 2s, 4s.
	for n, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if got := b.round(t); len(got) != 1 || got[0] != "retry" {
			t.Fatalf("attempt %d: %v", n+1, got)
		}
		m := b.deliveries(t)[0]
		if m.State != callback.OutboxPending || !m.NextAt.Equal(b.clock.Now().Add(wait)) || m.LastError != "HTTP 503 Service Unavailable: try later" || m.Attempts != n+1 {
			t.Fatalf("after attempt %d: %+v", n+1, m)
		}
		// Not due before its time.
		b.clock.Advance(wait - time.Millisecond)
		if got := b.round(t); len(got) != 0 {
			t.Fatalf("retried %s early", time.Millisecond)
		}
		b.clock.Advance(time.Millisecond)
	}
	if got := b.round(t); len(got) != 1 || got[0] != "delivered" {
		t.Fatalf("attempt 4: %v", got)
	}
	reqs := rc.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	for i, r := range reqs {
		if r.header.Get(webhook.HeaderIdempotencyKey) != reqs[0].header.Get(webhook.HeaderIdempotencyKey) || r.header.Get(webhook.HeaderAttempt) != strconv.Itoa(i+1) {
			t.Errorf("request %d: key %q attempt %q", i, r.header.Get(webhook.HeaderIdempotencyKey), r.header.Get(webhook.HeaderAttempt))
		}
	}
}

func TestARedirectIsNotAnAcknowledgement(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	b := setup(t, site, point(rc.URL))
	b.register(t, "7001")
	if got := b.round(t); len(got) != 1 || got[0] != "retry" || len(rc.requests()) != 1 {
		t.Fatalf("round: %v, %d requests", got, len(rc.requests()))
	}
	if m := b.deliveries(t)[0]; m.LastError != "HTTP 302 Found" {
		t.Fatalf("cause %q", m.LastError)
	}
}

func TestATimeoutIsAFailedAttempt(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			select { // hang until the worker gives up
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	defer close(release)
	b := setup(t, site, func(s *callback.Settings) {
		point(rc.URL)(s)
		s.Tenants[0].Webhooks[0].Timeout = 50 * time.Millisecond
	})
	b.register(t, "7001")
	if got := b.round(t); len(got) != 1 || got[0] != "retry" {
		t.Fatalf("round: %v", got)
	}
	if m := b.deliveries(t)[0]; m.LastError != "no answer within 50ms" {
		t.Fatalf("cause %q", m.LastError)
	}
	b.clock.Advance(time.Second)
	if got := b.round(t); len(got) != 1 || got[0] != "delivered" {
		t.Fatalf("round after the timeout: %v", got)
	}
}

func TestAReceiverThatIsDownGetsItWhenItComesBack(t *testing.T) {
	t.Parallel()
	// A port with nothing listening: connection refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	_ = ln.Close()
	b := setup(t, site, point(down))
	b.register(t, "7001")
	b.register(t, "7002")
	for range 3 {
		if got := b.round(t); len(got) != 2 || got[0] != "retry" {
			t.Fatalf("round while down: %v", got)
		}
		b.clock.Advance(time.Minute)
	}
	// Back up (at a new address: the settings are read at every attempt).
	rc := newReceiver(t, ok)
	b.settings.Tenants[0].Webhooks[0].URL = rc.URL
	if got := b.round(t); len(got) != 2 || got[0] != "delivered" || got[1] != "delivered" {
		t.Fatalf("round after recovery: %v", got)
	}
	keys := map[string]int{}
	for _, r := range rc.requests() {
		keys[r.header.Get(webhook.HeaderIdempotencyKey)]++
	}
	if len(keys) != 2 || keys[b.deliveries(t)[0].Key] != 1 || keys[b.deliveries(t)[1].Key] != 1 {
		t.Fatalf("keys received: %v", keys)
	}
}

func TestAMessageExpires(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	b := setup(t, site, func(s *callback.Settings) {
		point(rc.URL)(s)
		s.Tenants[0].Webhooks[0].Expiry = 5 * time.Second
	})
	b.register(t, "7001")
	// Attempts at 0s (retry at 1s), 1s (retry at 3s), 3s: the next retry (7s) is past the expiry (5s).
	var outcomes []string
	for _, at := range []time.Duration{0, time.Second, 3 * time.Second} {
		b.clock.Set(start.Add(at))
		outcomes = append(outcomes, b.round(t)...)
	}
	if len(outcomes) != 3 || outcomes[2] != "expired" {
		t.Fatalf("outcomes %v", outcomes)
	}
	m := b.deliveries(t)[0]
	if m.State != callback.OutboxExpired || m.LastError != "HTTP 500 Internal Server Error" || !m.SettledAt.Equal(start.Add(3*time.Second)) {
		t.Fatalf("expired message: %+v", m)
	}
	b.clock.Advance(time.Hour)
	if got := b.round(t); len(got) != 0 || len(rc.requests()) != 3 {
		t.Fatalf("an expired message was sent again")
	}
}

func TestAMessageExpiredBeforeItsAttemptIsNotSent(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, ok)
	b := setup(t, site, point(rc.URL))
	b.register(t, "7001")
	b.clock.Advance(2 * time.Hour) // the process was down past the expiry
	if got := b.round(t); len(got) != 1 || got[0] != "expired" || len(rc.requests()) != 0 {
		t.Fatalf("round: %v, %d requests", got, len(rc.requests()))
	}
}

func TestADestinationNoLongerConfiguredExpires(t *testing.T) {
	t.Parallel()
	b := setup(t, site, nil)
	b.register(t, "7001")
	b.settings.Tenants[0].Webhooks[0].Name = "renamed"
	if got := b.round(t); len(got) != 1 || got[0] != "expired" {
		t.Fatalf("round: %v", got)
	}
	if m := b.deliveries(t)[0]; m.LastError != "the destination is no longer configured" {
		t.Fatalf("cause %q", m.LastError)
	}
}

func TestTheSMSGatewayGetsItsTemplate(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, ok)
	b := setup(t, site+`    notifications:
      finalAttempt: false
      sms:
        url: "http://127.0.0.1:1/unset"
        method: PUT
        headers: {Authorization: "Bearer k", Content-Type: "text/plain"}
        body: '{{.Kind}} to {{.Contact}} of {{.Tenant}}: {{if .HasEWT}}{{minutes .EWTSeconds}} min{{else}}{{formatTime "15:04" .AppointmentTime}}{{end}} / {{json .Text}}'
`, func(s *callback.Settings) { s.Tenants[0].Notifications.SMS.URL = rc.URL })
	b.register(t, "7001")
	if _, err := b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "Site", Segment: "Main", Contact: "7002", AppointmentTime: start.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// The crm webhook fails (unset): only the two confirmations reach the gateway.
	b.round(t)
	var bodies []string
	for _, r := range rc.requests() {
		if r.method != http.MethodPut || r.header.Get("Authorization") != "Bearer k" || r.header.Get("Content-Type") != "text/plain" ||
			r.header.Get(webhook.HeaderEvent) != "notification.confirmation" || r.header.Get(webhook.HeaderSignature) != "" {
			t.Errorf("request %s %v", r.method, r.header)
		}
		bodies = append(bodies, string(r.body))
	}
	want := map[string]bool{
		`confirmation to 7001 of Site: 1 min / "Site: your callback is confirmed. We will call you in about a minute."`: true,
		`confirmation to 7002 of Site: 17:00 / "Site: your callback is booked for Thu 26 Nov at 17:00 GMT."`:            true,
	}
	if len(bodies) != 2 || !want[bodies[0]] || !want[bodies[1]] {
		t.Fatalf("bodies:\n%s", bodies)
	}
}

// Run delivers as soon as a message is committed, without waiting for its
// poll, and a shutdown lets the delivery in flight finish and be recorded.
func TestRunDeliversAtOnceAndStopsGracefully(t *testing.T) {
	t.Parallel()
	arrived, release := make(chan struct{}, 10), make(chan struct{})
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		arrived <- struct{}{}
		<-release
		w.WriteHeader(http.StatusOK)
	})
	b := setup(t, site, point(rc.URL))
	ctx, cancel := context.WithCancel(b.ctx)
	done := make(chan error, 1)
	go func() { done <- b.worker.Run(ctx) }()
	b.register(t, "7001") // the clock does not move: the commit wakes the worker
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the worker did not deliver a new message")
	}
	cancel()
	select {
	case err := <-done:
		t.Fatalf("Run returned (%v) with a delivery in flight", err)
	default:
	}
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the delivery finished")
	}
	if <-b.settled != "delivered" || b.deliveries(t)[0].State != callback.OutboxDelivered {
		t.Fatalf("the delivery in flight at shutdown was not recorded: %+v", b.deliveries(t)[0])
	}
}

func TestABadTemplateIsRefusedAtStart(t *testing.T) {
	t.Parallel()
	s, err := config.Parse([]byte(site), "t")
	if err != nil {
		t.Fatal(err)
	}
	s.Tenants[0].Notifications.SMS = &callback.SMSGateway{Body: "{{.Nope"}
	if _, err := dispatch.New(dispatch.Config{Outbox: fakeOutbox{}, Settings: s}); err == nil {
		t.Fatal("a worker with a broken template was built")
	}
}

type fakeOutbox struct{ dispatch.Outbox }
