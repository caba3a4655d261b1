package sqlitestore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/holdline/holdline/internal/callback"
)

// launchColumns are the columns of the launches table, in the order
// launchArgs writes and scanLaunch reads them.
const launchColumns = "key, interaction_id, attempt, tenant, queue, first_party, created_at, " +
	"lease_owner, lease_expires, deliveries, acked_at"

// launchOrder is "oldest first": by creation time, then key.
const launchOrder = " ORDER BY created_at, key"

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
		created, expires, acked sql.NullInt64
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
	_, err = t.tx.ExecContext(ctx, "INSERT INTO launches ("+launchColumns+") VALUES ("+placeholders(len(args))+")", args...)
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
// The transaction holds SQLite's write lock from its BEGIN IMMEDIATE, and
// the selection and the lease are one UPDATE: no other claim can lease the
// same launch in between, in this process or another.
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
	where := "tenant = ?"
	args := []any{p.Owner, expires, p.Tenant}
	if p.Queue != "" {
		where += " AND queue = ?"
		args = append(args, p.Queue)
	}
	// The partial index launches_unacked holds only the launches a claim
	// may take: name it, so that the planner never prefers an index that
	// also holds every launch ever acknowledged, and repeat its condition.
	where += " AND acked_at IS NULL AND (lease_expires IS NULL OR lease_expires <= ?)"
	args = append(args, now, p.Max)
	out, err := queryAll(ctx, t, value(scanLaunch), `UPDATE launches
		SET lease_owner = ?, lease_expires = ?, deliveries = deliveries + 1
		WHERE key IN (SELECT key FROM launches INDEXED BY launches_unacked WHERE `+where+launchOrder+` LIMIT ?)
		RETURNING `+launchColumns, args...)
	if err != nil {
		return nil, fmt.Errorf("launch claim: %w", interpretError(err))
	}
	// RETURNING has no order of its own.
	slices.SortFunc(out, func(a, b callback.Launch) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.Key, b.Key))
	})
	return out, nil
}

// LaunchAck marks the launch with key acknowledged at now, unless it already
// is, and returns it; its lease is left as it was. An unknown key is
// ErrNotFound.
func (t *tx) LaunchAck(ctx context.Context, p *callback.LaunchAckParams) (*callback.Launch, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	key := p.Key
	acked, err := timeValue(p.At)
	if err != nil {
		return nil, fmt.Errorf("launch ack %s: now: %w", key, err)
	}
	l, err := scanLaunch(t.tx.QueryRowContext(ctx,
		"UPDATE launches SET acked_at = COALESCE(acked_at, ?) WHERE key = ? RETURNING "+launchColumns, acked, key))
	if err != nil {
		return nil, fmt.Errorf("launch ack %s: %w", key, interpretError(err))
	}
	return l, nil
}

// LaunchFind lists the launches matching every set field of p, oldest first.
func (t *tx) LaunchFind(ctx context.Context, p *callback.LaunchFindParams) ([]callback.Launch, error) {
	if p == nil {
		p = &callback.LaunchFindParams{}
	}
	var (
		where []string
		args  []any
	)
	for _, f := range []struct{ column, value string }{
		{"tenant", p.Tenant}, {"queue", p.Queue}, {"interaction_id", p.InteractionID},
	} {
		if f.value != "" {
			where = append(where, f.column+" = ?")
			args = append(args, f.value)
		}
	}
	if p.Unacked {
		where = append(where, "acked_at IS NULL")
	}
	query := "SELECT " + launchColumns + " FROM launches"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	out, err := queryAll(ctx, t, value(scanLaunch), query+launchOrder, args...)
	if err != nil {
		return nil, fmt.Errorf("launch find: %w", interpretError(err))
	}
	return out, nil
}
