package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/holdline/holdline/internal/callback"
)

// Reads beside the writer. SQLite in WAL mode lets any number of readers
// work while one connection writes: each read transaction sees the database
// as the last commit before its first read left it. View runs on a pool of
// read-only connections (query_only), so a read never waits for the
// committer's batch and a batch never waits for reads.

// maxReaders bounds the read connections: enough for the reads of a
// storm, few enough that each keeps a warm page cache.
const maxReaders = 8

// memoryPath is SQLite's in-memory database, private to its connection:
// its reads go through the writer.
const memoryPath = ":memory:"

// openReaders opens the read-only pool on the database at path.
func openReaders(path string, o options) (*sql.DB, error) {
	v := url.Values{}
	v.Add("_pragma", "busy_timeout("+strconv.FormatInt(o.busyTimeout.Milliseconds(), 10)+")")
	v.Add("_pragma", "query_only(1)")
	v.Add("_pragma", "cache_size(-"+strconv.Itoa(readerCacheKiB)+")")
	v.Set("_txlock", "deferred")
	db, err := sql.Open("sqlite", path+"?"+v.Encode())
	if err != nil {
		return nil, fmt.Errorf("readers: %w", err)
	}
	db.SetMaxOpenConns(maxReaders)
	db.SetMaxIdleConns(maxReaders)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// View runs fn in a read-only transaction on a connection of its own: it
// sees what was committed before its first read, and never waits for the
// writer. A write inside fn fails (query_only). An error of fn is returned
// as is; a panic continues after the transaction is released.
func (s *Store) View(ctx context.Context, fn func(tx callback.Tx) error) (err error) {
	if s.readers == nil {
		return s.InTx(ctx, fn)
	}
	sqlTx, err := s.readers.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlitestore: begin a read: %w", interpretError(err))
	}
	defer func() {
		if rbErr := sqlTx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) && err == nil {
			err = fmt.Errorf("sqlitestore: end a read: %w", interpretError(rbErr))
		}
		// The connection is back in the pool: compile what this read ran
		// uncompiled.
		s.readerStmts.compileAsked(context.WithoutCancel(ctx))
	}()
	return fn(&tx{tx: newUncancelled(sqlTx, s.readerStmts)})
}
