package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/holdline/holdline/internal/callback"
)

// recordSelect reads the columns scanRecord expects.
const recordSelect = `SELECT seq, interaction_id, tenant, queue, at, from_state, to_state, event, reason, method, request_id, detail
	FROM records`

// RecordAppend appends r to its interaction's history and sets r.Seq. An
// interaction that does not exist is ErrNotFound (the foreign key refuses it).
func (t *tx) RecordAppend(ctx context.Context, r *callback.Record) error {
	at, err := timeValue(r.At)
	if err != nil {
		return fmt.Errorf("record append %s: at: %w", r.InteractionID, err)
	}
	err = t.q.QueryRow(ctx, `INSERT INTO records
		(interaction_id, tenant, queue, at, from_state, to_state, event, reason, method, request_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING seq`,
		r.InteractionID, r.Tenant, r.Queue, at, string(r.From), string(r.To), string(r.Event), r.Reason, r.Method, r.RequestID, r.Detail,
	).Scan(&r.Seq)
	if err != nil {
		return fmt.Errorf("record append %s: %w", r.InteractionID, interpretError(err))
	}
	return nil
}

// RecordList returns an interaction's history in append order; an unknown
// interaction has an empty history.
func (t *tx) RecordList(ctx context.Context, interactionID string) ([]callback.Record, error) {
	out, err := queryAll(ctx, t, scanRecord, recordSelect+" WHERE interaction_id = $1 ORDER BY seq", interactionID)
	if err != nil {
		return nil, fmt.Errorf("record list %s: %w", interactionID, interpretError(err))
	}
	return out, nil
}

// RecordFind lists the records whose own tenant and queue (the
// interaction's at the time of the change) match p, in Seq order.
func (t *tx) RecordFind(ctx context.Context, p *callback.RecordFindParams) ([]callback.Record, error) {
	if p == nil {
		p = &callback.RecordFindParams{}
	}
	var (
		args params
		c    conds
	)
	if p.Tenant != "" {
		c = append(c, "tenant = "+args.add(p.Tenant))
	}
	if p.Queue != "" {
		c = append(c, "queue = "+args.add(p.Queue))
	}
	if !p.Since.IsZero() {
		since, err := timeValue(p.Since)
		if err != nil {
			return nil, fmt.Errorf("record find: since: %w", err)
		}
		// A record with the zero time (NULL) is before any Since.
		c = append(c, "at >= "+args.add(since))
	}
	if p.AfterSeq != 0 {
		c = append(c, "seq > "+args.add(p.AfterSeq))
	}
	query := recordSelect + c.where() + " ORDER BY seq"
	if p.Limit > 0 {
		query += " LIMIT " + args.add(p.Limit)
	}
	out, err := queryAll(ctx, t, scanRecord, query, args...)
	if err != nil {
		return nil, fmt.Errorf("record find: %w", interpretError(err))
	}
	return out, nil
}

// scanRecord reads one row of recordSelect.
func scanRecord(row scanner) (callback.Record, error) {
	var (
		r               callback.Record
		at              pgtype.Timestamptz
		from, to, event string
	)
	if err := row.Scan(&r.Seq, &r.InteractionID, &r.Tenant, &r.Queue, &at, &from, &to, &event,
		&r.Reason, &r.Method, &r.RequestID, &r.Detail); err != nil {
		return r, err
	}
	r.At = timeOf(at)
	r.From, r.To, r.Event = callback.State(from), callback.State(to), callback.Event(event)
	return r, nil
}
