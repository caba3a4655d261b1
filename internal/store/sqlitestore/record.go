package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/holdline/holdline/internal/callback"
)

// RecordAppend appends r to its interaction's history and sets r.Seq. An
// interaction that does not exist is ErrNotFound (the foreign key refuses it).
func (t *tx) RecordAppend(ctx context.Context, r *callback.Record) error {
	at, err := timeValue(r.At)
	if err != nil {
		return fmt.Errorf("record append %s: at: %w", r.InteractionID, err)
	}
	var seq int64
	err = t.tx.QueryRowContext(ctx, `INSERT INTO records
		(interaction_id, at, from_state, to_state, event, reason, method, request_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
		r.InteractionID, at, string(r.From), string(r.To), string(r.Event), r.Reason, r.Method, r.RequestID, r.Detail,
	).Scan(&seq)
	if err != nil {
		return fmt.Errorf("record append %s: %w", r.InteractionID, interpretError(err))
	}
	r.Seq = seq
	return nil
}

// RecordList returns an interaction's history in append order; an unknown
// interaction has an empty history.
func (t *tx) RecordList(ctx context.Context, interactionID string) ([]callback.Record, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT seq, interaction_id, at, from_state, to_state, event, reason, method, request_id, detail
		FROM records WHERE interaction_id = ? ORDER BY seq`, interactionID)
	if err != nil {
		return nil, fmt.Errorf("record list %s: %w", interactionID, interpretError(err))
	}
	defer rows.Close()
	var out []callback.Record
	for rows.Next() {
		var (
			r               callback.Record
			at              sql.NullInt64
			from, to, event string
		)
		if err := rows.Scan(&r.Seq, &r.InteractionID, &at, &from, &to, &event, &r.Reason, &r.Method, &r.RequestID, &r.Detail); err != nil {
			return nil, fmt.Errorf("record list %s: %w", interactionID, err)
		}
		r.At = timeOf(at)
		r.From, r.To, r.Event = callback.State(from), callback.State(to), callback.Event(event)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("record list %s: %w", interactionID, interpretError(err))
	}
	return out, nil
}
