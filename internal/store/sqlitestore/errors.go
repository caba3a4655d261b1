package sqlitestore

import (
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/holdline/holdline/internal/callback"
)

// interpretError translates an engine error into the store contract's
// errors, so that callers never see database/sql or SQLite types:
//
//   - sql.ErrNoRows becomes callback.ErrNotFound;
//   - a FOREIGN KEY violation becomes callback.ErrNotFound: the row written
//     refers to an interaction that does not exist;
//   - any other constraint violation (UNIQUE, PRIMARY KEY, CHECK, NOT NULL)
//     becomes callback.ErrConflict;
//   - a failure of the file rather than of the request becomes
//     callback.ErrUnavailable (see unavailable);
//   - anything else is returned unchanged, for the caller to wrap.
//
// The SQLite message is kept in the text for the logs.
func interpretError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return callback.ErrNotFound
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	// The driver turns on extended result codes: Code() is e.g.
	// SQLITE_CONSTRAINT_UNIQUE, whose low byte is SQLITE_CONSTRAINT.
	switch code := se.Code(); {
	case code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%w (%s)", callback.ErrNotFound, se.Error())
	case code&0xff == sqlite3.SQLITE_CONSTRAINT:
		return fmt.Errorf("%w (%s)", callback.ErrConflict, se.Error())
	case unavailable(code):
		return fmt.Errorf("%w (%s)", callback.ErrUnavailable, se.Error())
	}
	return err
}

// unavailable reports whether a SQLite result code (extended or primary)
// says the file cannot be used now but may be later, with the same request:
//
//   - SQLITE_FULL: the disk (or the file system's quota) is full;
//   - SQLITE_IOERR and its extended codes: a read, write, fsync, lock or
//     shared-memory call failed (a failing disk, a lost network mount);
//   - SQLITE_CANTOPEN: the database, its WAL or its shared memory cannot be
//     opened (a missing mount, no file descriptors left);
//   - SQLITE_READONLY and its extended codes: the file or its file system
//     became read-only (ext4 remounts read-only after I/O errors);
//   - SQLITE_BUSY: another process held the lock past the busy timeout.
//
// SQLITE_CORRUPT and SQLITE_NOTADB are deliberately not in the list: a
// malformed database does not heal by waiting, so it stays an unexpected
// error (109000), logged with every request, for an operator to restore.
func unavailable(code int) bool {
	switch code & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_BUSY:
		return true
	}
	return false
}
