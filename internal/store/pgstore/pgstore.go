// Package pgstore is the PostgreSQL engine of callback.Store, for
// deployments that run the platform on more than one node or already run
// PostgreSQL: github.com/jackc/pgx/v5 through a connection pool.
//
// Durability: a transaction whose InTx has returned nil is committed with
// the server's synchronous_commit (left on: a reply means committed).
//
// Concurrency: every InTx is a transaction of its own on a connection of
// the writers' pool. Each InTx first takes one transaction-scoped advisory
// lock, the same for every write transaction of the database (writeLock):
// writers run one at a time, as on SQLite's single writer, so the domain's
// check-then-insert rules (Callback Double Check, slot capacity, licence
// counts, one dialer per launch) hold across nodes. PostgreSQL releases the
// lock only after the commit's WAL flush, so in this first slice the
// writers' flushes do not overlap either: commits share WAL flushes (group
// commit) once the lock is taken per queue, in a fixed order, and writers
// of different queues run side by side. A writer waiting for the lock holds
// its connection, so View runs on a pool of its own (the readers'), in
// REPEATABLE READ READ ONLY transactions that never take the lock: reads
// neither wait for writes nor make them wait, however many writers queue. Each pool has the URL's pool settings
// (pool_max_conns: default the larger of 4 and the number of CPUs).
//
// Failure: a server that cannot be reached, is shutting down, is read-only
// or has a full disk is callback.ErrUnavailable (errors.go).
//
// Schema: migrations are embedded (migration/*.sql) and applied by goose at
// Open, under a session advisory lock, so that nodes starting together do
// not race; Open is idempotent.
package pgstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/holdline/holdline/internal/callback"
)

// migrationFS holds the schema migrations, applied in version order at Open.
//
//go:embed migration/*.sql
var migrationFS embed.FS

// Advisory lock keys of the store (any two distinct bigints; these spell
// "holdline" and "holdmigr" in ASCII).
const (
	// writeLock serializes the write transactions of a database: every
	// InTx takes it first, with pg_advisory_xact_lock, and holds it to its
	// end. This slice serializes every writer; a later one will lock per
	// queue (taken in a fixed order), so that writers of different queues
	// run side by side.
	writeLock int64 = 0x686f6c646c696e65
	// migrateLock serializes the migrations of nodes opening the same
	// database at once.
	migrateLock int64 = 0x686f6c646d696772
)

// Store is the PostgreSQL engine of callback.Store. It is safe for
// concurrent use.
type Store struct {
	// pool runs InTx, readers View and Ping.
	pool    *pgxpool.Pool
	readers *pgxpool.Pool
	// db is pool seen through database/sql, for goose only.
	db         *sql.DB
	migrations *goose.Provider

	// closed is set by Close: a transaction begun after it is refused
	// with errClosed.
	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// errClosed answers an InTx, a View or a Ping on a closed store.
var errClosed = fmt.Errorf("pgstore: the store is closed: %w", callback.ErrUnavailable)

var _ callback.Store = (*Store)(nil)

// Open connects to the database at url (a PostgreSQL URL or key=value
// connection string, pool settings such as pool_max_conns included),
// brings its schema up to date, and checks that it answers. The caller
// must Close the store.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parser's message may quote the URL, password included.
		return nil, errors.New("pgstore: open: the database URL cannot be parsed")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open %s: %w", where(cfg), interpretError(err))
	}
	readers, err := pgxpool.NewWithConfig(ctx, cfg.Copy())
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: open %s: %w", where(cfg), interpretError(err))
	}
	s := &Store{pool: pool, readers: readers, db: stdlib.OpenDBFromPool(pool)}
	if err := s.migrate(ctx, cfg); err != nil {
		_ = s.db.Close()
		pool.Close()
		readers.Close()
		return nil, fmt.Errorf("pgstore: open %s: %w", where(cfg), err)
	}
	return s, nil
}

// where names the database of cfg for messages, without its password.
func where(cfg *pgxpool.Config) string {
	return fmt.Sprintf("%s@%s:%d/%s", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
}

// migrate applies the embedded migrations not yet applied, holding the
// session advisory lock migrateLock on a connection of its own meanwhile
// (closed after, which releases it):
// a second node opening the database waits for the first's migrations
// instead of running them again.
func (s *Store) migrate(ctx context.Context, cfg *pgxpool.Config) error {
	fsys, err := fs.Sub(migrationFS, "migration")
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	// The lock's connection is not the pool's: the pool may have one
	// connection only, which goose needs.
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("migrations: lock: %w", interpretError(err))
	}
	// Closing the session releases its lock, whatever happened.
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLock); err != nil {
		return fmt.Errorf("migrations: lock: %w", interpretError(err))
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", interpretError(err))
	}
	s.migrations = p
	return nil
}

// SchemaVersion is the version of the last migration applied, for readiness
// checks and `holdline version`.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	v, err := s.migrations.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("pgstore: schema version: %w", interpretError(err))
	}
	return v, nil
}

// TimePrecision is the resolution of stored times: timestamptz keeps
// microseconds. The conformance suite uses it as its tolerance.
func (s *Store) TimePrecision() time.Duration { return time.Microsecond }

// InTx runs fn in a transaction of its own, after taking the write lock
// (writeLock), and commits when fn returns nil. It returns nil only once
// the commit is done (synchronous_commit: durable); when fn returns an
// error (returned as is) or panics (the panic continues) the transaction is
// rolled back. A ctx done before the commit commits nothing and returns
// ctx's error.
func (s *Store) InTx(ctx context.Context, fn func(tx callback.Tx) error) error {
	return s.run(ctx, s.pool, "write", pgx.TxOptions{}, true, fn)
}

// View runs fn in a REPEATABLE READ READ ONLY transaction: it sees what was
// committed before its first statement, never takes the write lock, and a
// write inside it fails. An error of fn is returned as is; a panic
// continues after the transaction is released.
func (s *Store) View(ctx context.Context, fn func(tx callback.Tx) error) error {
	return s.run(ctx, s.readers, "read", pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, false, fn)
}

// endTimeout bounds the rollback of a transaction whose context is done.
const endTimeout = 10 * time.Second

// run is InTx (lock true) and View.
func (s *Store) run(ctx context.Context, pool *pgxpool.Pool, what string, opts pgx.TxOptions, lock bool, fn func(tx callback.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: begin a %s: %w", what, err)
	}
	if s.closed.Load() {
		return errClosed
	}
	ptx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("pgstore: begin a %s: %w", what, interpretError(err))
	}
	done := false
	defer func() {
		if done {
			return
		}
		// Also after a panic, and with ctx done: the connection goes back
		// to the pool only once the transaction is over.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), endTimeout)
		defer cancel()
		_ = ptx.Rollback(rctx)
	}()
	if lock {
		if _, err := ptx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", writeLock); err != nil {
			return fmt.Errorf("pgstore: lock: %w", interpretError(err))
		}
	}
	if err := fn(&tx{q: ptx}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: commit a %s: %w", what, err)
	}
	if err := ptx.Commit(ctx); err != nil {
		done = true // a failed COMMIT ends the transaction too
		return fmt.Errorf("pgstore: commit a %s: %w", what, interpretError(err))
	}
	done = true
	return nil
}

// Ping reports whether the server answers, on a readers' connection: a
// queue of writers does not delay it.
func (s *Store) Ping(ctx context.Context) error {
	if s.closed.Load() {
		return errClosed
	}
	if err := s.readers.Ping(ctx); err != nil {
		return fmt.Errorf("pgstore: ping: %w", interpretError(err))
	}
	return nil
}

// Close waits for the connections in use to be released, then closes every
// connection of the pools. The server has made every commit durable already,
// so there is nothing left to flush. Calls after the first return the
// first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		if err := s.db.Close(); err != nil {
			s.closeErr = fmt.Errorf("pgstore: close: %w", err)
		}
		s.pool.Close()
		s.readers.Close()
	})
	return s.closeErr
}
