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
	}
	return err
}
