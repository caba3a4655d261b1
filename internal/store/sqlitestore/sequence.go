package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SequenceNext returns the next value of the named sequence, starting at 1.
// The sequence is a row written in the caller's transaction: a rollback
// takes the value back, so committed values have no gaps.
func (t *tx) SequenceNext(ctx context.Context, name string) (int64, error) {
	if rt, ok := t.tx.(rawTx); ok {
		v, err := rt.sequenceNext(name)
		if err != nil {
			return 0, fmt.Errorf("sequence next %s: %w", name, interpretError(err))
		}
		return v, nil
	}
	var v int64
	err := t.tx.QueryRowContext(ctx, sequenceUpsert+` RETURNING value`, name, 1).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("sequence next %s: %w", name, interpretError(err))
	}
	return v, nil
}

// sequenceUpsert sets a sequence's row: to its second argument when there
// is none, one more than it was otherwise.
const sequenceUpsert = `INSERT INTO sequences (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = value + 1`

// sequenceSet writes a sequence's value.
const sequenceSet = `INSERT INTO sequences (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`

// The committer's sequences. Every registration takes an id's sequence
// value, and an UPSERT each costs as much as a tenth of the registration.
// So in the committer's batches the values are counted in memory — the
// batch's values, each job's values taken back when its savepoint is rolled
// back — and each sequence the batch moved is written once, just before the
// COMMIT. The rows are then what they would be with one UPSERT a call: a
// committed value is never given again, and a rolled-back one is.
//
// The values known from earlier commits are kept between batches while no
// other connection writes the file (PRAGMA data_version says so); otherwise
// they are read again.

// seqState is the committer's view of the sequences.
type seqState struct {
	// committed are values read or written by the committer's last commits.
	committed map[string]int64
	// dataVersion is PRAGMA data_version after the last batch: it changes
	// when another connection commits.
	dataVersion int64
}

// batchSeqs are one batch's sequence values.
type batchSeqs struct {
	state  *seqState
	values map[string]int64 // the batch's current values
	// undo are the values before the running job first moved each name.
	undo map[string]int64
}

// sequenceNext takes the next value of name in the running job.
func (t rawTx) sequenceNext(name string) (int64, error) {
	b := t.seqs
	v, ok := b.values[name]
	if !ok {
		if v, ok = b.state.committed[name]; !ok {
			var err error
			if v, err = t.readSequence(name); err != nil {
				return 0, err
			}
			b.state.committed[name] = v
		}
	}
	if _, moved := b.undo[name]; !moved {
		b.undo[name] = v
	}
	v++
	b.values[name] = v
	return v, nil
}

// readSequence reads name's stored value (0 when it has none).
func (t rawTx) readSequence(name string) (int64, error) {
	var v int64
	err := t.QueryRowContext(context.Background(), `SELECT value FROM sequences WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// beginBatch starts a batch's sequence values. The values known from the
// committer's earlier batches are forgotten when another connection has
// committed since.
func (t rawTx) beginBatch() error {
	var version int64
	if err := t.QueryRowContext(context.Background(), "PRAGMA data_version").Scan(&version); err != nil {
		return fmt.Errorf("data version: %w", err)
	}
	st := t.seqs.state
	if version != st.dataVersion {
		clear(st.committed)
		st.dataVersion = version
	}
	clear(t.seqs.values)
	clear(t.seqs.undo)
	return nil
}

// beginJob starts a job's record of the values it moves.
func (b *batchSeqs) beginJob() { clear(b.undo) }

// rollbackJob takes back the values the running job took.
func (b *batchSeqs) rollbackJob() {
	for name, v := range b.undo {
		b.values[name] = v
	}
	clear(b.undo)
}

// writeSequences stores the values the batch moved, before its COMMIT.
func (t rawTx) writeSequences() error {
	for name, v := range t.seqs.values {
		if v == t.seqs.state.committed[name] {
			continue
		}
		if _, err := t.ExecContext(context.Background(), sequenceSet, name, v); err != nil {
			return fmt.Errorf("sequence %s: %w", name, err)
		}
	}
	return nil
}

// committed keeps the batch's values once its COMMIT succeeded.
func (b *batchSeqs) committed() {
	for name, v := range b.values {
		b.state.committed[name] = v
	}
}
