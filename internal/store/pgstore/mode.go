package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/holdline/holdline/internal/callback"
)

// modeSelect reads the columns scanMode expects.
const modeSelect = "SELECT tenant, queue, mode, set_at, until, set_by FROM queue_modes"

// scanMode reads one row of modeSelect.
func scanMode(row scanner) (*callback.ModeOverride, error) {
	var (
		o            callback.ModeOverride
		mode         string
		setAt, until pgtype.Timestamptz
	)
	if err := row.Scan(&o.Tenant, &o.Queue, &mode, &setAt, &until, &o.By); err != nil {
		return nil, err
	}
	o.Mode = callback.Mode(mode)
	o.SetAt, o.Until = timeOf(setAt), timeOf(until)
	return &o, nil
}

// QueueModeGet returns the manual operation mode of q, whatever its Until,
// or ErrNotFound.
func (t *tx) QueueModeGet(ctx context.Context, q callback.QueueKey) (*callback.ModeOverride, error) {
	o, err := scanMode(t.q.QueryRow(ctx, modeSelect+" WHERE tenant = $1 AND queue = $2", q.Tenant, q.Queue))
	if err != nil {
		return nil, fmt.Errorf("queue mode get %s/%s: %w", q.Tenant, q.Queue, interpretError(err))
	}
	return o, nil
}

// QueueModeList returns every stored manual operation mode, whatever its
// Until, ordered by tenant then queue, byte-wise (the columns are COLLATE "C").
func (t *tx) QueueModeList(ctx context.Context) ([]callback.ModeOverride, error) {
	out, err := queryAll(ctx, t, value(scanMode), modeSelect+" ORDER BY tenant, queue")
	if err != nil {
		return nil, fmt.Errorf("queue mode list: %w", interpretError(err))
	}
	return out, nil
}

// QueueModeSet stores o, replacing every field of the mode already set on
// o.Tenant/o.Queue if any.
func (t *tx) QueueModeSet(ctx context.Context, o *callback.ModeOverride) error {
	setAt, err := timeValue(o.SetAt)
	if err != nil {
		return fmt.Errorf("queue mode set %s/%s: set at: %w", o.Tenant, o.Queue, err)
	}
	until, err := timeValue(o.Until)
	if err != nil {
		return fmt.Errorf("queue mode set %s/%s: until: %w", o.Tenant, o.Queue, err)
	}
	_, err = t.q.Exec(ctx, `INSERT INTO queue_modes (tenant, queue, mode, set_at, until, set_by)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (tenant, queue) DO UPDATE SET
			mode = excluded.mode, set_at = excluded.set_at, until = excluded.until, set_by = excluded.set_by`,
		o.Tenant, o.Queue, string(o.Mode), setAt, until, o.By)
	if err != nil {
		return fmt.Errorf("queue mode set %s/%s: %w", o.Tenant, o.Queue, interpretError(err))
	}
	return nil
}

// QueueModeClear removes the manual operation mode of q; there being none
// is not an error.
func (t *tx) QueueModeClear(ctx context.Context, q callback.QueueKey) error {
	if _, err := t.q.Exec(ctx, "DELETE FROM queue_modes WHERE tenant = $1 AND queue = $2", q.Tenant, q.Queue); err != nil {
		return fmt.Errorf("queue mode clear %s/%s: %w", q.Tenant, q.Queue, interpretError(err))
	}
	return nil
}
