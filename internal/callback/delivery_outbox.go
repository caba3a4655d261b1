package callback

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/holdline/holdline/internal/status"
)

// The outbox as the delivery worker (internal/dispatch) sees it: messages
// written with the changes that cause them (events.go, launch.go), claimed
// under a lease, and settled — delivered, retried later, expired — each in
// a transaction of its own. A claim drops the messages that became
// pointless (a reminder for a cancelled callback, a launch whose attempt is
// over); a delivered launch is acknowledged with its message.

// DefaultOutboxLease is how long a claimed outbox message stays with its
// worker before it may be claimed again: longer than any delivery attempt.
const DefaultOutboxLease = 2 * time.Minute

// OutboxClaim asks for due outbox messages.
type OutboxClaim struct {
	// Max is the largest number of messages wanted (default 1, at most 1000).
	Max int
	// Owner names the worker (default "dispatch").
	Owner string
	// Lease is how long the worker keeps them (default DefaultOutboxLease).
	Lease time.Duration
}

// ClaimOutbox leases due outbox messages to a delivery worker. A message
// that is no longer worth sending is cancelled (and a pushed launch whose
// attempt is over acknowledged) instead of being returned.
func (d *Delivery) ClaimOutbox(ctx context.Context, c OutboxClaim) ([]OutboxMessage, error) {
	c.Max = min(max(c.Max, 1), 1000)
	if c.Lease <= 0 {
		c.Lease = DefaultOutboxLease
	}
	if strings.TrimSpace(c.Owner) == "" {
		c.Owner = "dispatch"
	}
	var out []OutboxMessage
	err := d.inTx(ctx, func(tx Tx) error {
		out = nil
		now := d.now(tx)
		claimed, err := tx.OutboxClaim(ctx, &OutboxClaimParams{Max: c.Max, Owner: c.Owner, Now: now, Lease: c.Lease})
		if err != nil {
			return err
		}
		for _, m := range claimed {
			wanted, err := d.wanted(ctx, tx, &m)
			if err != nil {
				return err
			}
			if wanted {
				out = append(out, m)
				continue
			}
			if _, err := tx.OutboxDiscard(ctx, &OutboxDiscardParams{ID: m.ID, Attempts: m.Attempts, State: OutboxCancelled,
				At: now, Error: "no longer relevant: the interaction moved on"}); err != nil {
				return err
			}
			if m.Type == TypeLaunch {
				if err := ackQuietly(ctx, tx, m.Key, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	return out, nil
}

// wanted reports whether m is still worth sending.
func (d *Delivery) wanted(ctx context.Context, tx Tx, m *OutboxMessage) (bool, error) {
	if m.Precondition == "" || m.InteractionID == "" {
		return true, nil
	}
	it, err := tx.InteractionGet(ctx, m.InteractionID)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return stillWanted(m.Precondition, it), nil
}

// ackQuietly acknowledges a launch; one that is gone is not an error.
func ackQuietly(ctx context.Context, tx Tx, key string, now time.Time) error {
	if _, err := tx.LaunchAck(ctx, &LaunchAckParams{Key: key, At: now}); err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

// OutboxDelivered records that m's receiver acknowledged it; a pushed
// launch is acknowledged with it, so no claiming dialer gets it.
func (d *Delivery) OutboxDelivered(ctx context.Context, m *OutboxMessage) error {
	err := d.inTx(ctx, func(tx Tx) error {
		now := d.now(tx)
		if _, err := tx.OutboxDelivered(ctx, &OutboxDeliveredParams{ID: m.ID, At: now}); err != nil {
			return err
		}
		if m.Type == TypeLaunch {
			return ackQuietly(ctx, tx, m.Key, now)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("outbox %d delivered: %w", m.ID, err)
	}
	return nil
}

// OutboxRetry puts m back for another attempt at next, after a failed one.
// A worker that lost m's lease (another claimed it since) gets ErrConflict.
func (d *Delivery) OutboxRetry(ctx context.Context, m *OutboxMessage, next time.Time, cause string) error {
	err := d.inTx(ctx, func(tx Tx) error {
		_, err := tx.OutboxRetry(ctx, &OutboxRetryParams{ID: m.ID, Attempts: m.Attempts, NextAt: next, Error: cause})
		return err
	})
	if err != nil {
		return fmt.Errorf("outbox %d retry: %w", m.ID, err)
	}
	return nil
}

// OutboxExpire gives m up: it was not acknowledged before it expired. A
// pushed launch stays leased to the push until the same time, after which
// claiming dialers may take it.
func (d *Delivery) OutboxExpire(ctx context.Context, m *OutboxMessage, cause string) error {
	err := d.inTx(ctx, func(tx Tx) error {
		_, err := tx.OutboxDiscard(ctx, &OutboxDiscardParams{ID: m.ID, Attempts: m.Attempts, State: OutboxExpired, At: d.now(tx), Error: cause})
		return err
	})
	if err != nil {
		return fmt.Errorf("outbox %d expire: %w", m.ID, err)
	}
	return nil
}

// DeliveryQuery filters the deliveries of a tenant.
type DeliveryQuery struct {
	Destination   string
	Key           string
	InteractionID string
	States        []OutboxState
	AfterID       int64
	// Limit caps the answer (default 100, at most 1000).
	Limit int
}

// Deliveries lists a tenant's outbox messages, oldest first: what was sent
// (or is being sent) to its dialers, webhooks and SMS gateway.
func (d *Delivery) Deliveries(ctx context.Context, tenant string, q DeliveryQuery) ([]OutboxMessage, error) {
	t, err := d.tenant(tenant)
	if err != nil {
		return nil, err
	}
	if q.Limit <= 0 {
		q.Limit = 100
	}
	q.Limit = min(q.Limit, 1000)
	for i, s := range q.States {
		v, ok := Parse(OutboxStates, string(s))
		if !ok {
			return nil, status.Errorf(status.InvalidSearchParameters, "state %q is not one of %s", s, joinValues(OutboxStates))
		}
		q.States[i] = v
	}
	var out []OutboxMessage
	err = d.inView(ctx, func(tx Tx) error {
		var err error
		out, err = tx.OutboxFind(ctx, &OutboxFindParams{Tenant: t.Name, Destination: q.Destination, Key: q.Key,
			InteractionID: q.InteractionID, States: q.States, AfterID: q.AfterID, Limit: q.Limit})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("deliveries of %s: %w", t.Name, err)
	}
	return out, nil
}

// Launch returns the launch with key, whatever its tenant (the launch API
// checks the caller may see it), or 107002.
func (d *Delivery) Launch(ctx context.Context, key string) (*Launch, error) {
	id, attempt, ok := strings.Cut(key, "/")
	if !ok || id == "" || attempt == "" {
		return nil, status.Errorf(status.InteractionNotFound, "%q is not a launch key (interaction id/attempt)", key)
	}
	var found *Launch
	err := d.inView(ctx, func(tx Tx) error {
		ls, err := tx.LaunchFind(ctx, &LaunchFindParams{InteractionID: id})
		if err != nil {
			return err
		}
		for i := range ls {
			if ls[i].Key == key {
				found = &ls[i]
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("launch %s: %w", key, err)
	}
	if found == nil {
		return nil, status.Errorf(status.InteractionNotFound, "no launch %q", key)
	}
	return found, nil
}

// LaunchesIssued returns a channel closed the next time a transaction that
// issues launches of tenant commits. A dialer's long poll takes the channel
// before it claims, so that it cannot miss a launch issued in between.
func (d *Delivery) LaunchesIssued(tenant string) <-chan struct{} {
	if t := d.settings.Tenant(tenant); t != nil {
		tenant = t.Name
	}
	return d.signals.launches(tenant).wait()
}

// OutboxWritten returns a channel closed the next time a transaction that
// writes outbox messages commits: the delivery worker waits on it.
func (d *Delivery) OutboxWritten() <-chan struct{} { return d.signals.outbox.wait() }

// signals are the platform's broadcasts.
type signals struct {
	outbox broadcast
	mu     sync.Mutex
	byTen  map[string]*broadcast
}

func (s *signals) launches(tenant string) *broadcast {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byTen == nil {
		s.byTen = map[string]*broadcast{}
	}
	b := s.byTen[tenant]
	if b == nil {
		b = &broadcast{}
		s.byTen[tenant] = b
	}
	return b
}

// broadcast wakes every waiter once: wait returns a channel that the next
// notify closes.
type broadcast struct {
	mu sync.Mutex
	ch chan struct{}
}

func (b *broadcast) wait() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch == nil {
		b.ch = make(chan struct{})
	}
	return b.ch
}

func (b *broadcast) notify() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch != nil {
		close(b.ch)
		b.ch = nil
	}
}

// IsStale reports whether err says a worker answered for a claim it no
// longer holds (another worker claimed the message since).
func IsStale(err error) bool { return errors.Is(err, ErrConflict) }
