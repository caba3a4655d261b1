package callback

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/userdata"
)

// The launch queue as a dialer sees it: every launch is durable before it
// is delivered (written with the Launch transition), and delivered at least
// once: a dialer claims launches under a lease and acknowledges each; a lease
// that expires unacknowledged puts the launch back. The key (interaction id +
// attempt) lets a dialer de-duplicate.

// DefaultLease is how long a claimed launch stays with its dialer before it
// is offered again.
const DefaultLease = 30 * time.Second

// LaunchOrder is one claimed launch with what the dialer needs to place it.
type LaunchOrder struct {
	Launch
	Segment         string
	Contact         string
	Type            InteractionType
	AppointmentTime time.Time
	// EWT is the expected wait of the customer once connected (0 when an agent is reserved).
	EWT      time.Duration
	UserData userdata.List
}

// Bounds of a claim: a dialer takes a batch it can place, and keeps each
// launch long enough to dial it but not so long that a dialer that died
// holds callbacks for long.
const (
	// MaxClaim is the most launches one claim takes.
	MaxClaim = 100
	// MinLease and MaxLease bound how long a claimed launch stays with its dialer.
	MinLease = time.Second
	MaxLease = time.Hour
)

// ClaimParams ask for launches.
type ClaimParams struct {
	Tenant string
	// Queue limits the claim to one queue when set.
	Queue string
	// Max is the largest number of launches wanted, 1 to MaxClaim.
	Max int
	// Owner names the dialer (for the logs and the lease; default "dialer").
	Owner string
	// Lease is how long the dialer keeps them before they are offered
	// again, MinLease to MaxLease (DefaultLease unless the dialer asks).
	Lease time.Duration
}

// Validate refuses a claim outside the bounds with an ArgumentError.
func (c *ClaimParams) Validate() error {
	if c.Max < 1 || c.Max > MaxClaim {
		return argumentErrorf(ArgClaimMax, "a claim takes 1 to %d launches, not %d", MaxClaim, c.Max)
	}
	if c.Lease < MinLease || c.Lease > MaxLease {
		return argumentErrorf(ArgClaimLease, "a lease is %s to %s, not %s", MinLease, MaxLease, c.Lease)
	}
	return nil
}

// ClaimLaunches leases due launches to a dialer. A launch whose attempt is
// over (connected, failed, cancelled, or retried under a new key) is
// acknowledged on the dialer's behalf and not returned.
func (d *Delivery) ClaimLaunches(ctx context.Context, c ClaimParams) ([]LaunchOrder, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	t, err := d.tenant(c.Tenant)
	if err != nil {
		return nil, err
	}
	var q *Queue
	if strings.TrimSpace(c.Queue) != "" {
		if _, q, err = d.queue(t.Name, c.Queue); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(c.Owner) == "" {
		c.Owner = "dialer"
	}
	var out []LaunchOrder
	err = d.inTx(ctx, func(tx Tx) error {
		out = nil
		params := &LaunchClaimParams{Tenant: t.Name, Max: c.Max, Owner: c.Owner, Now: d.now(tx), Lease: c.Lease}
		if q != nil {
			params.Queue = q.Name
		}
		claimed, err := tx.LaunchClaim(ctx, params)
		if err != nil {
			return err
		}
		for _, l := range claimed {
			it, err := tx.InteractionGet(ctx, l.InteractionID)
			if err != nil {
				return err
			}
			if it.State != StateLaunched || it.Attempts.Total+1 != l.Attempt {
				if _, err := tx.LaunchAck(ctx, &LaunchAckParams{Key: l.Key, At: d.now(tx)}); err != nil {
					return err
				}
				continue
			}
			order := LaunchOrder{Launch: l, Segment: it.Segment, Contact: it.Contact, Type: it.Type,
				AppointmentTime: it.AppointmentTime, UserData: it.UserData}
			if lq := t.Queue(it.Queue); lq != nil && l.FirstParty == FirstPartyCustomer {
				if order.EWT, err = d.view.remainingWait(ctx, tx, t, lq, it); err != nil {
					return err
				}
			}
			out = append(out, order)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim launches of %s: %w", t.Name, err)
	}
	return out, nil
}

// AckLaunch acknowledges a launch: its dialer has it and will report the
// outcome through the PTK. Acknowledging twice is harmless.
func (d *Delivery) AckLaunch(ctx context.Context, tenant, key string) (*Launch, error) {
	t, err := d.tenant(tenant)
	if err != nil {
		return nil, err
	}
	var l *Launch
	err = d.inTx(ctx, func(tx Tx) error {
		l, err = tx.LaunchAck(ctx, &LaunchAckParams{Key: key, At: d.now(tx)})
		if isNotFound(err) || (err == nil && l.Tenant != t.Name) {
			return status.Errorf(status.InteractionNotFound, "no launch %q for tenant %q", key, t.Name)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ack launch %s: %w", key, err)
	}
	return l, nil
}
