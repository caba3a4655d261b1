package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/holdline/holdline/internal/callback"
)

// interpretError translates an engine error into the store contract's
// errors, so that callers never see pgx types:
//
//   - pgx.ErrNoRows becomes callback.ErrNotFound;
//   - a foreign key violation (23503) becomes callback.ErrNotFound: the row
//     written refers to an interaction that does not exist;
//   - any other integrity constraint violation (class 23: unique, check,
//     not null) becomes callback.ErrConflict;
//   - a server that cannot do the work now but may later becomes
//     callback.ErrUnavailable (see unavailable);
//   - a context's error is kept as it is (the caller gave up, the store did
//     not fail);
//   - anything else is returned unchanged, for the caller to wrap.
//
// The engine's error stays in the chain and in the text, for the logs.
func interpretError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return callback.ErrNotFound
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23503":
			return fmt.Errorf("%w (%w)", callback.ErrNotFound, err)
		case strings.HasPrefix(pe.Code, "23"):
			return fmt.Errorf("%w (%w)", callback.ErrConflict, err)
		case unavailableCode(pe.Code):
			return fmt.Errorf("%w (%w)", callback.ErrUnavailable, err)
		}
		return err
	}
	if unreachable(err) {
		return fmt.Errorf("%w (%w)", callback.ErrUnavailable, err)
	}
	return err
}

// unavailableCode reports whether a SQLSTATE says the server cannot do the
// work now but may later, with the same request:
//
//   - class 08, connection exception: the connection failed or was refused;
//   - 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now:
//     the server is stopping, restarting or recovering;
//   - 25006 read_only_sql_transaction: the server is a standby (a failover
//     has not promoted it yet) or default_transaction_read_only is set;
//   - 53100 disk_full, 53200 out_of_memory, 53300 too_many_connections:
//     resources the server lacks for now;
//   - 58030 io_error: a read or write of the server's files failed.
//
// Data corruption (XX001, XX002) is deliberately not in the list: it does
// not heal by waiting, so it stays an unexpected error for an operator.
func unavailableCode(code string) bool {
	if strings.HasPrefix(code, "08") {
		return true
	}
	switch code {
	case "57P01", "57P02", "57P03", "25006", "53100", "53200", "53300", "58030":
		return true
	}
	return false
}

// unreachable reports whether err says the server could not be reached or
// the connection to it was lost.
func unreachable(err error) bool {
	var (
		ce *pgconn.ConnectError
		ne net.Error
	)
	return errors.As(err, &ce) || errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed)
}
