package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

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
	// seq is the row's rowid: the insert's last rowid, with no RETURNING
	// rows to read.
	res, err := t.tx.ExecContext(ctx, `INSERT INTO records
		(interaction_id, tenant, queue, at, from_state, to_state, event, reason, method, request_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.InteractionID, r.Tenant, r.Queue, at, string(r.From), string(r.To), string(r.Event), r.Reason, r.Method, r.RequestID, r.Detail,
	)
	if err != nil {
		return fmt.Errorf("record append %s: %w", r.InteractionID, interpretError(err))
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("record append %s: %w", r.InteractionID, err)
	}
	r.Seq = seq
	return nil
}

// RecordList returns an interaction's history in append order; an unknown
// interaction has an empty history.
func (t *tx) RecordList(ctx context.Context, interactionID string) ([]callback.Record, error) {
	out, err := queryAll(ctx, t, scanRecord, recordSelect+" WHERE interaction_id = ? ORDER BY seq", interactionID)
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
	query, args, err := recordFindQuery(p)
	if err != nil {
		return nil, fmt.Errorf("record find: %w", err)
	}
	out, err := queryAll(ctx, t, scanRecord, query, args...)
	if err != nil {
		return nil, fmt.Errorf("record find: %w", interpretError(err))
	}
	return out, nil
}

// recordFindQuery is RecordFind's statement and its arguments.
func recordFindQuery(p *callback.RecordFindParams) (string, []any, error) {
	var (
		where []string
		args  []any
	)
	if p.Tenant != "" {
		where = append(where, "tenant = ?")
		args = append(args, p.Tenant)
	}
	if p.Queue != "" {
		where = append(where, "queue = ?")
		args = append(args, p.Queue)
	}
	if !p.Since.IsZero() {
		since, err := timeValue(p.Since)
		if err != nil {
			return "", nil, fmt.Errorf("since: %w", err)
		}
		// A record with the zero time (NULL) is before any Since.
		where = append(where, "at >= ?")
		args = append(args, since)
	}
	if p.AfterSeq != 0 {
		where = append(where, "seq > ?")
		args = append(args, p.AfterSeq)
	}
	query := recordSelect
	if !p.Since.IsZero() && p.Limit == 0 {
		// Recent history, all of it (the Queue Manager's replay at start):
		// the records since then, sorted, not every record in seq order —
		// which SQLite, without statistics, would rather read, past a
		// million callbacks' histories.
		if p.Tenant != "" {
			query += " INDEXED BY records_tenant_at_queue"
		} else {
			query += " INDEXED BY records_at"
		}
	}
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY seq"
	if p.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, p.Limit)
	}
	return query, args, nil
}

// scanRecord reads one row of recordSelect.
func scanRecord(row scanner) (callback.Record, error) {
	var (
		r               callback.Record
		at              sql.NullInt64
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
