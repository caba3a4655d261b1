package sqlitestore

import (
	"context"

	"github.com/holdline/holdline/internal/callback"
)

// tx is the callback.Tx of one InTx call. Its methods live in one file per
// area: interaction.go, record.go, mode.go, launch.go, outbox.go, sequence.go.
type tx struct {
	tx runner
}

var _ callback.Tx = (*tx)(nil)

// scanner is what a *sql.Row, a *sql.Rows and the raw path's rows have in
// common.
type scanner interface {
	Scan(dest ...any) error
}

// queryAll runs query in the transaction and reads every row with scan.
func queryAll[T any](ctx context.Context, t *tx, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// value adapts a scanner that returns a pointer to one that returns the value.
func value[T any](scan func(scanner) (*T, error)) func(scanner) (T, error) {
	return func(s scanner) (T, error) {
		p, err := scan(s)
		if err != nil {
			var zero T
			return zero, err
		}
		return *p, nil
	}
}
