package pgstore

import (
	"context"
	"fmt"
)

// SequenceNext returns the next value of the named sequence, starting at 1.
// The sequence is a row written in the caller's transaction (not a native
// sequence, whose values a rollback does not take back): a rollback takes
// the value back, so committed values have no gaps. The row stays locked
// until the transaction ends, so two transactions never get one value.
func (t *tx) SequenceNext(ctx context.Context, name string) (int64, error) {
	var v int64
	err := t.q.QueryRow(ctx, `INSERT INTO sequences (name, value) VALUES ($1, 1)
		ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1
		RETURNING value`, name).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("sequence next %s: %w", name, interpretError(err))
	}
	return v, nil
}
