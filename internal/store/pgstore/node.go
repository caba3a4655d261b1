package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// serverLock is held by the one server a database serves until several
// nodes can share it (queue ownership and the change feed that keeps every
// node's caches right are the next slices of issue #12). It spells
// "holdnode" in ASCII.
const serverLock int64 = 0x686f6c646e6f6465

// ErrInUse says another server holds the database's server lock.
var ErrInUse = errors.New("another holdline server is running on this database")

// LockServer takes the database's server lock, a session advisory lock on a
// connection of its own, and holds it until release is called: a second
// server on the same database gets ErrInUse instead of serving beside it
// with caches of its own. The lock goes with its connection, so a server
// that dies (or loses its connection) lets the next one start.
func (s *Store) LockServer(ctx context.Context) (release func() error, err error) {
	cfg := s.pool.Config()
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return nil, fmt.Errorf("pgstore: the server lock: %w", interpretError(err))
	}
	var held bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", serverLock).Scan(&held); err != nil {
		_ = conn.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("pgstore: the server lock: %w", interpretError(err))
	}
	if !held {
		_ = conn.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("pgstore: %s: %w", where(cfg), ErrInUse)
	}
	return func() error { return conn.Close(context.Background()) }, nil
}

// Where names the database for logs: user, host, port and database, never
// the password.
func (s *Store) Where() string { return where(s.pool.Config()) }
