package pgstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/holdline/holdline/internal/callback"
)

// launchColumns are the columns of the launches table, in the order
// launchArgs writes and scanLaunch reads them.
const launchColumns = "key, interaction_id, attempt, tenant, queue, first_party, created_at, " +
	"lease_owner, lease_expires, deliveries, acked_at"

// launchOrder is "oldest first": by creation time (the zero time, NULL,
// first), then key.
const launchOrder = " ORDER BY created_at NULLS FIRST, key"

// launchArgs are l's column values in launchColumns order.
func launchArgs(l *callback.Launch) ([]any, error) {
	created, err := timeValue(l.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("created at: %w", err)
	}
	expires, err := timeValue(l.LeaseExpires)
	if err != nil {
		return nil, fmt.Errorf("lease expires: %w", err)
	}
	acked, err := timeValue(l.AckedAt)
	if err != nil {
		return nil, fmt.Errorf("acked at: %w", err)
	}
	return []any{
		l.Key, l.InteractionID, l.Attempt, l.Tenant, l.Queue, l.FirstParty, created,
		l.LeaseOwner, expires, l.Deliveries, acked,
	}, nil
}

// scanLaunch reads one row of launchColumns.
func scanLaunch(row scanner) (*callback.Launch, error) {
	var (
		l                       callback.Launch
		created, expires, acked pgtype.Timestamptz
	)
	err := row.Scan(&l.Key, &l.InteractionID, &l.Attempt, &l.Tenant, &l.Queue, &l.FirstParty, &created,
		&l.LeaseOwner, &expires, &l.Deliveries, &acked)
	if err != nil {
		return nil, err
	}
	l.CreatedAt, l.LeaseExpires, l.AckedAt = timeOf(created), timeOf(expires), timeOf(acked)
	return &l, nil
}

// LaunchInsert stores every field of l as given (a new launch normally has
// no lease, no deliveries and no AckedAt). A Key already stored is
// ErrConflict; an interaction that does not exist is ErrNotFound (the
// foreign key refuses it).
func (t *tx) LaunchInsert(ctx context.Context, l *callback.Launch) error {
	args, err := launchArgs(l)
	if err != nil {
		return fmt.Errorf("launch insert %s: %w", l.Key, err)
	}
	_, err = t.q.Exec(ctx, "INSERT INTO launches ("+launchColumns+") VALUES ("+placeholders(1, len(args))+")", args...)
	if err != nil {
		return fmt.Errorf("launch insert %s: %w", l.Key, interpretError(err))
	}
	return nil
}

// LaunchClaim leases up to p.Max launches of p.Tenant (and p.Queue when set)
// that are not acknowledged and whose lease is unset (LeaseExpires zero) or
// expired (LeaseExpires not after p.Now), oldest first, and returns them
// oldest first as they are after the claim.
//
// The selection and the lease are one UPDATE, in a transaction holding the
// write lock: no other claim can lease the same launch in between, on this
// node or another.
func (t *tx) LaunchClaim(ctx context.Context, p *callback.LaunchClaimParams) ([]callback.Launch, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	now, err := timeValue(p.Now)
	if err != nil {
		return nil, fmt.Errorf("launch claim: now: %w", err)
	}
	expires, err := timeValue(p.Now.Add(p.Lease))
	if err != nil {
		return nil, fmt.Errorf("launch claim: lease expiry: %w", err)
	}
	var args params
	set := "lease_owner = " + args.add(p.Owner) + ", lease_expires = " + args.add(expires) + ", deliveries = deliveries + 1"
	// The conditions of the partial index launches_unacked, so that the
	// acknowledged launches, nearly all of them, are never read.
	c := conds{"tenant = " + args.add(p.Tenant), "acked_at IS NULL"}
	if p.Queue != "" {
		c = append(c, "queue = "+args.add(p.Queue))
	}
	c = append(c, "(lease_expires IS NULL OR lease_expires <= "+args.add(now)+")")
	out, err := queryAll(ctx, t, value(scanLaunch), "UPDATE launches SET "+set+
		" WHERE key IN (SELECT key FROM launches"+c.where()+launchOrder+" LIMIT "+args.add(p.Max)+")"+
		" RETURNING "+launchColumns, args...)
	if err != nil {
		return nil, fmt.Errorf("launch claim: %w", interpretError(err))
	}
	// RETURNING has no order of its own.
	slices.SortFunc(out, func(a, b callback.Launch) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.Key, b.Key))
	})
	return out, nil
}

// LaunchAck marks the launch p.Key acknowledged at p.At, unless it already
// is, and returns it; its lease is left as it was. An unknown key is
// ErrNotFound.
func (t *tx) LaunchAck(ctx context.Context, p *callback.LaunchAckParams) (*callback.Launch, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	acked, err := timeValue(p.At)
	if err != nil {
		return nil, fmt.Errorf("launch ack %s: at: %w", p.Key, err)
	}
	l, err := scanLaunch(t.q.QueryRow(ctx,
		"UPDATE launches SET acked_at = COALESCE(acked_at, $1) WHERE key = $2 RETURNING "+launchColumns, acked, p.Key))
	if err != nil {
		return nil, fmt.Errorf("launch ack %s: %w", p.Key, interpretError(err))
	}
	return l, nil
}

// LaunchFind lists the launches matching every set field of p, oldest first.
func (t *tx) LaunchFind(ctx context.Context, p *callback.LaunchFindParams) ([]callback.Launch, error) {
	if p == nil {
		p = &callback.LaunchFindParams{}
	}
	var (
		args params
		c    conds
	)
	for _, f := range []struct{ column, value string }{
		{"tenant", p.Tenant}, {"queue", p.Queue}, {"interaction_id", p.InteractionID},
	} {
		if f.value != "" {
			c = append(c, f.column+" = "+args.add(f.value))
		}
	}
	if p.Unacked {
		c = append(c, "acked_at IS NULL")
	}
	out, err := queryAll(ctx, t, value(scanLaunch), "SELECT "+launchColumns+" FROM launches"+c.where()+launchOrder, args...)
	if err != nil {
		return nil, fmt.Errorf("launch find: %w", interpretError(err))
	}
	return out, nil
}
