package pgstore

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/holdline/holdline/internal/callback"
)

// tx is the callback.Tx of one InTx or View call. Its methods live in one
// file per area: interaction.go, record.go, mode.go, launch.go, outbox.go,
// sequence.go.
type tx struct {
	q querier
}

var _ callback.Tx = (*tx)(nil)

// querier is what the Tx methods use of a pgx.Tx.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// scanner is what a pgx.Row and pgx.Rows have in common.
type scanner interface {
	Scan(dest ...any) error
}

// queryAll runs query in the transaction and reads every row with scan.
func queryAll[T any](ctx context.Context, t *tx, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
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

// params collects a statement's arguments and numbers their placeholders.
type params []any

// add appends v and returns its placeholder ($1, $2, ...).
func (p *params) add(v any) string {
	*p = append(*p, v)
	return "$" + strconv.Itoa(len(*p))
}

// conds is a WHERE clause built one condition at a time.
type conds []string

// where is " WHERE c1 AND c2 ...", or "" with no condition.
func (c conds) where() string {
	if len(c) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c, " AND ")
}

// placeholders is "$from, $from+1, ..." n times.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}
