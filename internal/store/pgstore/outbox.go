package pgstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/holdline/holdline/internal/callback"
)

// outboxColumns are the columns of the outbox table but id, in the order
// outboxArgs writes them; scanOutbox reads outboxReturning.
const outboxColumns = "tenant, destination, key, type, interaction_id, precondition, payload, created_at, next_at, " +
	"expires_at, state, attempts, lease_owner, lease_expires, last_error, settled_at"

// outboxReturning is what every statement that answers messages selects.
const outboxReturning = "id, " + outboxColumns

// outboxArgs are m's column values in outboxColumns order.
func outboxArgs(m *callback.OutboxMessage) ([]any, error) {
	times := make([]any, 0, 5)
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"created at", m.CreatedAt}, {"next at", m.NextAt}, {"expires at", m.ExpiresAt}, {"lease expires", m.LeaseExpires}, {"settled at", m.SettledAt}} {
		v, err := timeValue(f.t)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		times = append(times, v)
	}
	payload := m.Payload
	if payload == nil {
		payload = []byte{} // NOT NULL: no payload is an empty one
	}
	return []any{
		m.Tenant, m.Destination, m.Key, string(m.Type), m.InteractionID, m.Precondition, payload,
		times[0], times[1], times[2], string(m.State), m.Attempts, m.LeaseOwner, times[3], m.LastError, times[4],
	}, nil
}

// scanOutbox reads one row of outboxReturning.
func scanOutbox(row scanner) (*callback.OutboxMessage, error) {
	var (
		m                                      callback.OutboxMessage
		typ, state                             string
		created, next, expires, lease, settled pgtype.Timestamptz
	)
	err := row.Scan(&m.ID, &m.Tenant, &m.Destination, &m.Key, &typ, &m.InteractionID, &m.Precondition, &m.Payload,
		&created, &next, &expires, &state, &m.Attempts, &m.LeaseOwner, &lease, &m.LastError, &settled)
	if err != nil {
		return nil, err
	}
	m.Type, m.State = callback.EventType(typ), callback.OutboxState(state)
	m.CreatedAt, m.NextAt, m.ExpiresAt, m.LeaseExpires, m.SettledAt = timeOf(created), timeOf(next), timeOf(expires), timeOf(lease), timeOf(settled)
	return &m, nil
}

// OutboxInsert stores every field of m as given but ID, which the identity
// column assigns (increasing, never reused), and sets m.ID. A (tenant,
// destination, key) already stored is ErrConflict; a state outside
// callback.OutboxStates is refused by the CHECK constraint (ErrConflict).
func (t *tx) OutboxInsert(ctx context.Context, m *callback.OutboxMessage) error {
	args, err := outboxArgs(m)
	if err != nil {
		return fmt.Errorf("outbox insert %s %s: %w", m.Destination, m.Key, err)
	}
	err = t.q.QueryRow(ctx, "INSERT INTO outbox ("+outboxColumns+") VALUES ("+placeholders(1, len(args))+") RETURNING id",
		args...).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("outbox insert %s %s: %w", m.Destination, m.Key, interpretError(err))
	}
	return nil
}

// OutboxClaim leases up to p.Max due pending messages whose lease is unset or
// expired, earliest due first (a NULL next_at, the zero time, first), and
// returns them in that order as the claim leaves them. The selection and the
// lease are one UPDATE in a transaction holding the write lock: no other
// claim can lease the same message in between.
func (t *tx) OutboxClaim(ctx context.Context, p *callback.OutboxClaimParams) ([]callback.OutboxMessage, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	now, err := timeValue(p.Now)
	if err != nil {
		return nil, fmt.Errorf("outbox claim: now: %w", err)
	}
	expires, err := timeValue(p.Now.Add(p.Lease))
	if err != nil {
		return nil, fmt.Errorf("outbox claim: lease expiry: %w", err)
	}
	// The selection repeats the partial index outbox_due's condition, so
	// that the settled messages are never read.
	out, err := queryAll(ctx, t, value(scanOutbox), `UPDATE outbox
		SET lease_owner = $1, lease_expires = $2, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox
			WHERE state = 'pending' AND (next_at IS NULL OR next_at <= $3) AND (lease_expires IS NULL OR lease_expires <= $3)
			ORDER BY next_at NULLS FIRST, id LIMIT $4)
		RETURNING `+outboxReturning, p.Owner, expires, now, p.Max)
	if err != nil {
		return nil, fmt.Errorf("outbox claim: %w", interpretError(err))
	}
	// RETURNING has no order of its own.
	slices.SortFunc(out, func(a, b callback.OutboxMessage) int {
		return cmp.Or(a.NextAt.Compare(b.NextAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// OutboxDelivered marks message p.ID delivered at p.At whatever its state,
// keeping the first delivery time, and clears its lease.
func (t *tx) OutboxDelivered(ctx context.Context, p *callback.OutboxDeliveredParams) (*callback.OutboxMessage, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	at, err := timeValue(p.At)
	if err != nil {
		return nil, fmt.Errorf("outbox delivered %d: at: %w", p.ID, err)
	}
	m, err := scanOutbox(t.q.QueryRow(ctx, `UPDATE outbox SET
			settled_at = CASE WHEN state = 'delivered' THEN settled_at ELSE $1 END,
			state = 'delivered', lease_owner = '', lease_expires = NULL
		WHERE id = $2 RETURNING `+outboxReturning, at, p.ID))
	if err != nil {
		return nil, fmt.Errorf("outbox delivered %d: %w", p.ID, interpretError(err))
	}
	return m, nil
}

// OutboxRetry reschedules a pending message whose Attempts is still
// p.Attempts, and releases its lease.
func (t *tx) OutboxRetry(ctx context.Context, p *callback.OutboxRetryParams) (*callback.OutboxMessage, error) {
	if p == nil {
		return nil, errors.New("outbox retry: no parameters")
	}
	next, err := timeValue(p.NextAt)
	if err != nil {
		return nil, fmt.Errorf("outbox retry %d: next at: %w", p.ID, err)
	}
	var args params
	set := "next_at = " + args.add(next) + ", last_error = " + args.add(p.Error) + ", lease_owner = '', lease_expires = NULL"
	return t.settle(ctx, "retry", p.ID, p.Attempts, set, args)
}

// OutboxDiscard ends a pending message whose Attempts is still p.Attempts
// as expired or cancelled.
func (t *tx) OutboxDiscard(ctx context.Context, p *callback.OutboxDiscardParams) (*callback.OutboxMessage, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	at, err := timeValue(p.At)
	if err != nil {
		return nil, fmt.Errorf("outbox discard %d: at: %w", p.ID, err)
	}
	var args params
	set := "state = " + args.add(string(p.State)) + ", settled_at = " + args.add(at) + ", last_error = " + args.add(p.Error) +
		", lease_owner = '', lease_expires = NULL"
	return t.settle(ctx, "discard", p.ID, p.Attempts, set, args)
}

// settle applies set (whose arguments are args) to message id if it is
// pending with attempts claims; otherwise ErrConflict, or ErrNotFound when
// there is no such message.
func (t *tx) settle(ctx context.Context, what string, id int64, attempts int, set string, args params) (*callback.OutboxMessage, error) {
	query := "UPDATE outbox SET " + set + " WHERE id = " + args.add(id) + " AND state = 'pending' AND attempts = " + args.add(attempts) +
		" RETURNING " + outboxReturning
	m, err := scanOutbox(t.q.QueryRow(ctx, query, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		var one int
		switch err := t.q.QueryRow(ctx, "SELECT 1 FROM outbox WHERE id = $1", id).Scan(&one); {
		case errors.Is(err, pgx.ErrNoRows):
			return nil, fmt.Errorf("outbox %s %d: %w", what, id, callback.ErrNotFound)
		case err != nil:
			return nil, fmt.Errorf("outbox %s %d: %w", what, id, interpretError(err))
		}
		return nil, fmt.Errorf("outbox %s %d: %w (not pending, or claimed again since attempt %d)", what, id, callback.ErrConflict, attempts)
	}
	if err != nil {
		return nil, fmt.Errorf("outbox %s %d: %w", what, id, interpretError(err))
	}
	return m, nil
}

// OutboxFind lists the messages matching every set field of p, in ID order.
func (t *tx) OutboxFind(ctx context.Context, p *callback.OutboxFindParams) ([]callback.OutboxMessage, error) {
	if p == nil {
		p = &callback.OutboxFindParams{}
	}
	var (
		args params
		c    conds
	)
	for _, f := range []struct{ column, value string }{
		{"tenant", p.Tenant}, {"destination", p.Destination}, {"key", p.Key}, {"interaction_id", p.InteractionID},
	} {
		if f.value != "" {
			c = append(c, f.column+" = "+args.add(f.value))
		}
	}
	if len(p.States) > 0 {
		c = append(c, "state = ANY("+args.add(stringsOf(p.States))+")")
	}
	if p.AfterID != 0 {
		c = append(c, "id > "+args.add(p.AfterID))
	}
	query := "SELECT " + outboxReturning + " FROM outbox" + c.where() + " ORDER BY id"
	if p.Limit > 0 {
		query += " LIMIT " + args.add(p.Limit)
	}
	out, err := queryAll(ctx, t, value(scanOutbox), query, args...)
	if err != nil {
		return nil, fmt.Errorf("outbox find: %w", interpretError(err))
	}
	return out, nil
}
