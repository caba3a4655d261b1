package callback

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/holdline/holdline/internal/status"
)

// When the store fails (docs/design.md, "When the store fails"): a
// transaction the store refuses as ErrUnavailable answers 109004
// PlatformUnavailable, and the platform turns unavailable — /readyz and
// GetStatus say so — until a write commits again: a request's, or the probe
// the Queue Manager makes while the store fails. Each turn is logged once.

// StoreBackoffMax caps the wait of the background loops (the Queue
// Manager, the outbox delivery) between two attempts while the store is
// unavailable.
const StoreBackoffMax = 30 * time.Second

// StoreBackoff is how long a loop that runs every interval waits after
// failures consecutive rounds the store refused as unavailable: the
// interval, doubled for each failure after the first, at most
// StoreBackoffMax (and never less than interval).
func StoreBackoff(interval time.Duration, failures int) time.Duration {
	d := interval
	for i := 1; i < failures && d < StoreBackoffMax; i++ {
		d *= 2
	}
	return max(interval, min(d, StoreBackoffMax))
}

// unavailableMessage is what a client is told when the store refuses its
// request; the cause is in the log.
const unavailableMessage = "the platform's store cannot write or cannot be reached now; nothing was changed: try again later"

// IsUnavailable reports whether err says the store could not do the work
// (ErrUnavailable), so a background loop backs off instead of logging it.
func IsUnavailable(err error) bool { return errors.Is(err, ErrUnavailable) }

// storeHealth follows whether the store can write. It turns failing at the
// first transaction refused as ErrUnavailable and healthy at the first
// write that commits after that; reads that succeed prove nothing (a full
// disk still serves them).
type storeHealth struct {
	mu      sync.Mutex
	failing bool
	since   time.Time
	cause   error
	refused int
}

// failed notes a refusal; the first of a run is logged, at error level.
func (h *storeHealth) failed(ctx context.Context, log *slog.Logger, now time.Time, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.refused++
	h.cause = err
	if h.failing {
		return
	}
	h.failing, h.since, h.refused = true, now, 1
	log.ErrorContext(ctx, "store unavailable: requests are refused with 109004 and /readyz answers 503 until a write succeeds",
		"err", err)
}

// wrote notes a write that committed; it ends a run of refusals, logged at
// info level.
func (h *storeHealth) wrote(ctx context.Context, log *slog.Logger, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.failing {
		return
	}
	h.failing = false
	log.InfoContext(ctx, "store available again", "unavailableFor", now.Sub(h.since).Round(time.Millisecond),
		"refused", h.refused, "lastErr", h.cause)
	h.cause, h.refused = nil, 0
}

// err is nil while the store is healthy, else why it is not.
func (h *storeHealth) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.failing {
		return nil
	}
	return status.Wrap(status.PlatformUnavailable, h.cause,
		fmt.Sprintf("the platform's store has refused writes since %s: try again later", h.since.Format(time.RFC3339)))
}

// StoreError reports whether the platform can serve writes: nil, or a
// *status.Error with code 109004 PlatformUnavailable saying since when the
// store refuses them. /readyz and GetStatus answer from it.
func (c *core) StoreError() error { return c.health.err() }

// Ready reports whether the platform can serve requests: its store answers
// a ping (bounded by ctx) and does not refuse writes. The error is a
// *status.Error with code 109004 PlatformUnavailable.
func (c *core) Ready(ctx context.Context) error {
	if err := c.store.Ping(ctx); err != nil {
		return status.Wrap(status.PlatformUnavailable, err, "the platform's store cannot be reached")
	}
	return c.StoreError()
}

// probeSequence is the sequence the store probe advances: one row, however
// often the probe runs.
const probeSequence = "store-probe"

// probe makes one small write (the next value of probeSequence), so that a
// store that refused writes is seen to work again without waiting for a
// request.
func (c *core) probe(ctx context.Context) error {
	return c.inTx(ctx, func(tx Tx) error {
		_, err := tx.SequenceNext(ctx, probeSequence)
		return err
	})
}
