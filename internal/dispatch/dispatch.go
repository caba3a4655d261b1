// Package dispatch delivers the outbox: launches pushed to dialers, events
// to webhooks and notifications to the SMS gateway. It is the edge of the
// platform's integrations: the domain (internal/callback) decides what to
// send and writes it to the outbox in the transaction of the change that
// causes it; a Worker claims what is due, POSTs it (signed, with its
// idempotency key), marks a 2xx delivered and reschedules anything else
// with exponential backoff and full jitter until the message expires.
//
// Delivery is at least once: a receiver de-duplicates on the
// X-Holdline-Idempotency-Key header. A message is sent again after a 2xx
// only if the process dies between the answer and its commit.
//
// Time comes from an injected clock and jitter from an injected source, so
// tests drive the worker with clock.Fake and a fixed jitter.
package dispatch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/clock"
	"github.com/holdline/holdline/webhook"
)

// Outbox is what the worker needs of the platform (*callback.Platform).
type Outbox interface {
	ClaimOutbox(ctx context.Context, c callback.OutboxClaim) ([]callback.OutboxMessage, error)
	OutboxDelivered(ctx context.Context, m *callback.OutboxMessage) error
	OutboxRetry(ctx context.Context, m *callback.OutboxMessage, next time.Time, cause string) error
	OutboxExpire(ctx context.Context, m *callback.OutboxMessage, cause string) error
	OutboxWritten() <-chan struct{}
}

// Observer is told the outcome of every delivery attempt, for metrics.
type Observer interface {
	// ObserveDelivery counts one attempt: kind is "launch", "event" or
	// "notification"; outcome "delivered", "retry", "expired".
	ObserveDelivery(kind, outcome string, took time.Duration)
}

// Defaults of Config.
const (
	// DefaultBatch is how many messages one round claims.
	DefaultBatch = 32
	// DefaultPollInterval is how often the worker looks for due messages
	// when nothing wakes it (retries come due, leases expire).
	DefaultPollInterval = time.Second
	// DefaultTimeout bounds one attempt when the endpoint sets none.
	DefaultTimeout = callback.DefaultDeliveryTimeout
	// maxErrorBody is how much of a refusal's body is kept as the cause.
	maxErrorBody = 256
)

// FullJitter is the default jitter: uniform in [0, d].
func FullJitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1) //nolint:gosec // jitter, not a secret
}

// Config is what a Worker is built from.
type Config struct {
	// Outbox is the platform; required.
	Outbox Outbox
	// Settings resolve each message's destination when it is sent; required.
	Settings *callback.Settings
	// Clock is the source of time; default the system clock.
	Clock clock.Clock
	// Jitter draws a retry delay in [0, d]; default FullJitter.
	Jitter func(d time.Duration) time.Duration
	// Client sends the requests; default a client that follows no
	// redirect and has no timeout of its own (each attempt is bounded by its
	// endpoint's Timeout).
	Client *http.Client
	// Logger receives delivery logs; default slog.Default().
	Logger *slog.Logger
	// Observer counts deliveries; optional.
	Observer Observer
	// Owner names the worker in leases (default "dispatch").
	Owner string
	// Batch is how many messages one round claims (default DefaultBatch).
	Batch int
	// PollInterval is the longest the worker sleeps (default DefaultPollInterval).
	PollInterval time.Duration
	// Backoff of retries (zero fields: callback.DefaultBackoffInitial,
	// callback.DefaultBackoffMax).
	Backoff callback.Backoff
	// Lease is how long a claimed message stays with the worker (default
	// callback.DefaultOutboxLease); it must exceed every endpoint's Timeout.
	Lease time.Duration
	// UserAgent is sent with every request (default "Holdline").
	UserAgent string
	// Settled, when set, is called after every attempt is settled (tests).
	Settled func(m *callback.OutboxMessage, outcome string)
}

// Worker delivers the outbox. Run it once per process.
type Worker struct {
	cfg Config
	sms *renderer
}

// New checks cfg and returns a Worker.
func New(cfg Config) (*Worker, error) {
	if cfg.Outbox == nil || cfg.Settings == nil {
		return nil, errors.New("dispatch: an outbox and settings are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.Jitter == nil {
		cfg.Jitter = FullJitter
	}
	if cfg.Client == nil {
		// A redirect is not an acknowledgement (and would turn the POST
		// into a GET): it is answered like any other non-2xx, and retried.
		cfg.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Owner == "" {
		cfg.Owner = "dispatch"
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.Backoff.Initial <= 0 {
		cfg.Backoff.Initial = callback.DefaultBackoffInitial
	}
	if cfg.Backoff.Max <= 0 {
		cfg.Backoff.Max = callback.DefaultBackoffMax
	}
	if cfg.Backoff.Max < cfg.Backoff.Initial {
		cfg.Backoff.Max = cfg.Backoff.Initial
	}
	if cfg.Lease <= 0 {
		cfg.Lease = callback.DefaultOutboxLease
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "Holdline"
	}
	sms, err := newRenderer(cfg.Settings)
	if err != nil {
		return nil, err
	}
	return &Worker{cfg: cfg, sms: sms}, nil
}

// Run delivers due messages until ctx ends: a round as soon as messages are
// written (the platform wakes it), and at least every PollInterval. While
// the store is unavailable it backs off (callback.StoreBackoff: the poll
// interval doubled per refused round, up to callback.StoreBackoffMax) and
// logs nothing: the platform logs the cause once. When ctx ends, the
// deliveries in flight finish (each bounded by its timeout) and are settled
// before Run returns, so the caller may then close the store.
func (w *Worker) Run(ctx context.Context) error {
	failures := 0
	for {
		wake := w.cfg.Outbox.OutboxWritten() // before the round: no write is missed
		full, refused := w.loggedRound(ctx)
		select {
		case <-ctx.Done():
			return nil
		default:
		}
		if refused {
			failures++
		} else {
			failures = 0
		}
		if full {
			continue // there may be more due
		}
		timer := w.cfg.Clock.NewTimer(callback.StoreBackoff(w.cfg.PollInterval, failures))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-wake:
		case <-timer.C():
		}
		timer.Stop()
	}
}

// loggedRound runs a round and reports whether it claimed a full batch, and
// whether the store refused it as unavailable. Other failures are logged.
func (w *Worker) loggedRound(ctx context.Context) (full, refused bool) {
	n, err := w.Round(ctx)
	switch {
	case err == nil:
		return n == w.cfg.Batch, false
	case ctx.Err() != nil:
	case callback.IsUnavailable(err):
		return false, true
	default:
		w.cfg.Logger.ErrorContext(ctx, "outbox round failed", "err", err)
	}
	return false, false
}

// Round claims the messages due now and delivers them, concurrently; it
// returns how many it claimed once each is settled.
func (w *Worker) Round(ctx context.Context) (int, error) {
	msgs, err := w.cfg.Outbox.ClaimOutbox(ctx, callback.OutboxClaim{Max: w.cfg.Batch, Owner: w.cfg.Owner, Lease: w.cfg.Lease})
	if err != nil {
		return 0, err
	}
	// A shutdown lets the attempts in flight finish and settle.
	dctx := context.WithoutCancel(ctx)
	var wg sync.WaitGroup
	for i := range msgs {
		wg.Go(func() { w.deliver(dctx, &msgs[i]) })
	}
	wg.Wait()
	return len(msgs), nil
}

// kindOf names the kind of a message for logs and metrics.
func kindOf(m *callback.OutboxMessage) string {
	switch {
	case m.Type == callback.TypeLaunch:
		return "launch"
	case m.Type.IsNotification():
		return "notification"
	}
	return "event"
}

// deliver makes one attempt to deliver m and settles it.
func (w *Worker) deliver(ctx context.Context, m *callback.OutboxMessage) {
	start := w.cfg.Clock.Now()
	log := w.cfg.Logger.With("id", m.ID, "key", m.Key, "type", m.Type, "tenant", m.Tenant, "destination", m.Destination, "attempt", m.Attempts)
	route, ok := w.cfg.Settings.Route(m.Tenant, m.Destination)
	if !ok {
		w.expire(ctx, log, m, start, "the destination is no longer configured")
		return
	}
	if !m.ExpiresAt.IsZero() && !start.Before(m.ExpiresAt) {
		w.expire(ctx, log, m, start, "expired before it could be sent: "+orNone(m.LastError))
		return
	}
	cause := w.send(ctx, m, route)
	if cause == "" {
		if err := w.cfg.Outbox.OutboxDelivered(ctx, m); err != nil {
			log.ErrorContext(ctx, "delivered, but not recorded: it will be sent again", "err", err)
			return
		}
		log.DebugContext(ctx, "delivered", "took", w.cfg.Clock.Now().Sub(start))
		w.settled(m, "delivered", start)
		return
	}
	next := w.cfg.Clock.Now().Add(w.cfg.Backoff.Delay(m.Attempts, w.cfg.Jitter))
	if !m.ExpiresAt.IsZero() && !next.Before(m.ExpiresAt) {
		w.expire(ctx, log, m, start, cause)
		return
	}
	if err := w.cfg.Outbox.OutboxRetry(ctx, m, next, cause); err != nil {
		if callback.IsStale(err) {
			log.InfoContext(ctx, "delivery attempt failed; another worker has the message now", "cause", cause)
			return
		}
		log.ErrorContext(ctx, "delivery attempt failed and could not be rescheduled", "cause", cause, "err", err)
		return
	}
	log.InfoContext(ctx, "delivery attempt failed; will retry", "cause", cause, "retryAt", next)
	w.settled(m, "retry", start)
}

func orNone(s string) string {
	if s == "" {
		return "no attempt succeeded"
	}
	return "last attempt: " + s
}

func (w *Worker) expire(ctx context.Context, log *slog.Logger, m *callback.OutboxMessage, start time.Time, cause string) {
	if err := w.cfg.Outbox.OutboxExpire(ctx, m, cause); err != nil {
		if !callback.IsStale(err) {
			log.ErrorContext(ctx, "could not expire a message", "cause", cause, "err", err)
		}
		return
	}
	log.WarnContext(ctx, "delivery given up: the message expired", "cause", cause, "expiresAt", m.ExpiresAt)
	w.settled(m, "expired", start)
}

func (w *Worker) settled(m *callback.OutboxMessage, outcome string, start time.Time) {
	if w.cfg.Observer != nil {
		w.cfg.Observer.ObserveDelivery(kindOf(m), outcome, w.cfg.Clock.Now().Sub(start))
	}
	if w.cfg.Settled != nil {
		w.cfg.Settled(m, outcome)
	}
}

// send makes the HTTP request of m to route and returns why it failed, or
// "" when the receiver answered 2xx.
func (w *Worker) send(ctx context.Context, m *callback.OutboxMessage, route callback.Route) string {
	method, body, headers := http.MethodPost, m.Payload, map[string]string{"Content-Type": "application/json"}
	if route.SMS != nil {
		var err error
		if body, err = w.sms.render(m, route.SMS); err != nil {
			return "the SMS body template failed: " + err.Error()
		}
		if route.SMS.Method != "" {
			method = route.SMS.Method
		}
		for k, v := range route.SMS.Headers {
			headers[k] = v
		}
	}
	timeout := route.Endpoint.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, method, route.Endpoint.URL, bytes.NewReader(body))
	if err != nil {
		return "bad request: " + err.Error()
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("User-Agent", w.cfg.UserAgent)
	req.Header.Set(webhook.HeaderEvent, string(m.Type))
	req.Header.Set(webhook.HeaderIdempotencyKey, m.Key)
	req.Header.Set(webhook.HeaderAttempt, strconv.Itoa(m.Attempts))
	if route.Endpoint.Secret != "" {
		webhook.Sign(req.Header, route.Endpoint.Secret, w.cfg.Clock.Now(), body)
	}
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(rctx.Err(), context.DeadlineExceeded) {
			return fmt.Sprintf("no answer within %s", timeout)
		}
		return err.Error()
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return ""
	}
	cause := "HTTP " + resp.Status
	if s := strings.TrimSpace(string(snippet)); s != "" {
		cause += ": " + s
	}
	return cause
}
