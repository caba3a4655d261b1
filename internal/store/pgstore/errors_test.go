package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/holdline/holdline/internal/callback"
)

// TestInterpretError: each engine error becomes the contract's error for
// its condition, and only that one.
func TestInterpretError(t *testing.T) {
	plain := errors.New("syntax error")
	for _, c := range []struct {
		name string
		err  error
		want error // nil: none of the contract's errors
	}{
		{"no rows", pgx.ErrNoRows, callback.ErrNotFound},
		{"foreign key", &pgconn.PgError{Code: "23503"}, callback.ErrNotFound},
		{"unique", &pgconn.PgError{Code: "23505"}, callback.ErrConflict},
		{"check", &pgconn.PgError{Code: "23514"}, callback.ErrConflict},
		{"not null", &pgconn.PgError{Code: "23502"}, callback.ErrConflict},
		{"disk full", &pgconn.PgError{Code: "53100"}, callback.ErrUnavailable},
		{"too many connections", &pgconn.PgError{Code: "53300"}, callback.ErrUnavailable},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, callback.ErrUnavailable},
		{"starting up", &pgconn.PgError{Code: "57P03"}, callback.ErrUnavailable},
		{"read-only transaction", &pgconn.PgError{Code: "25006"}, callback.ErrUnavailable},
		{"connection failure", &pgconn.PgError{Code: "08006"}, callback.ErrUnavailable},
		{"I/O error", &pgconn.PgError{Code: "58030"}, callback.ErrUnavailable},
		{"refused", fmt.Errorf("dial: %w", &net.OpError{Op: "dial", Err: errors.New("connection refused")}), callback.ErrUnavailable},
		{"connection lost", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), callback.ErrUnavailable},
		{"corrupt", &pgconn.PgError{Code: "XX001"}, nil},
		{"syntax", &pgconn.PgError{Code: "42601"}, nil},
		{"other", plain, nil},
		{"cancelled", fmt.Errorf("query: %w", context.Canceled), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := interpretError(c.err)
			for _, sentinel := range []error{callback.ErrNotFound, callback.ErrConflict, callback.ErrUnavailable} {
				want := c.want != nil && errors.Is(c.want, sentinel)
				if errors.Is(got, sentinel) != want {
					t.Errorf("interpretError(%v) = %v: is %v = %t, want %t", c.err, got, sentinel, !want, want)
				}
			}
			if !errors.Is(c.err, pgx.ErrNoRows) && !errors.Is(got, c.err) {
				t.Errorf("interpretError(%v) = %v lost the engine's error", c.err, got)
			}
		})
	}
	if err := interpretError(fmt.Errorf("query: %w", context.Canceled)); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled context became %v", err)
	}
	if interpretError(nil) != nil {
		t.Error("interpretError(nil) is not nil")
	}
}
