package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/holdline/holdline/internal/callback"
)

// Tests of the failures that are unavailability (callback.ErrUnavailable):
// each provoked for real on a SQLite file, except the I/O errors, which no
// test can cause on demand and whose codes are checked one by one.

// fill caps s at the pages it has (PRAGMA max_page_count), as a full disk
// does: a transaction that needs a new page fails with SQLITE_FULL. The
// returned function lifts the cap. The store has one connection, kept for
// its life, so the pragma holds for every transaction.
func fill(t *testing.T, s *Store) (release func()) {
	t.Helper()
	ctx := context.Background()
	var pages int64
	if err := s.db.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatalf("page count: %v", err)
	}
	if _, err := s.db.ExecContext(ctx, "PRAGMA max_page_count = "+strconv.FormatInt(pages, 10)); err != nil {
		t.Fatalf("cap the database at %d pages: %v", pages, err)
	}
	return func() {
		if _, err := s.db.ExecContext(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
			t.Errorf("lift the cap: %v", err)
		}
	}
}

func TestUnavailableErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases := []struct {
		name string
		// provoke returns the engine's error for the condition.
		provoke func(t *testing.T) error
	}{
		{"Full", func(t *testing.T) error {
			b := setup(t)
			defer fill(t, b.store)()
			var err error
			for i := 0; err == nil && i < 10_000; i++ {
				err = b.store.InTx(t.Context(), func(tx callback.Tx) error {
					return tx.InteractionInsert(t.Context(), sparseInteraction("V"+strconv.Itoa(i)))
				})
			}
			return err
		}},
		{"BusyPastTheTimeout", func(t *testing.T) error {
			b := setup(t, WithBusyTimeout(50*time.Millisecond))
			holder := rawDB(t, b.path, "")
			tx, err := holder.BeginTx(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback() }()
			if _, err := tx.ExecContext(t.Context(), "INSERT INTO sequences (name, value) VALUES ('held', 1)"); err != nil {
				t.Fatal(err)
			}
			return b.store.InTx(t.Context(), func(tx callback.Tx) error { return nil })
		}},
		{"ReadOnlyFile", func(t *testing.T) error {
			b := setup(t)
			_, err := rawDB(t, b.path, "mode=ro").ExecContext(t.Context(), "INSERT INTO sequences (name, value) VALUES ('ro', 1)")
			return interpretError(err)
		}},
		{"CannotOpen", func(t *testing.T) error {
			return interpretError(rawDB(t, filepath.Join(dir, "no", "such", "folder", "holdline.db"), "").PingContext(t.Context()))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := c.provoke(t)
			t.Log(err)
			if !errors.Is(err, callback.ErrUnavailable) {
				t.Fatalf("error = %v, want one that is callback.ErrUnavailable", err)
			}
		})
	}
}

// TestIOErrorsAreUnavailable checks the codes no test can provoke on
// demand: every extended code of the listed families is unavailability,
// and corruption is not.
func TestIOErrorsAreUnavailable(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		code int
		want bool
	}{
		{"IOERR", sqlite3.SQLITE_IOERR, true},
		{"IOERR_WRITE", sqlite3.SQLITE_IOERR_WRITE, true},
		{"IOERR_FSYNC", sqlite3.SQLITE_IOERR_FSYNC, true},
		{"IOERR_SHMSIZE", sqlite3.SQLITE_IOERR_SHMSIZE, true},
		{"FULL", sqlite3.SQLITE_FULL, true},
		{"CANTOPEN", sqlite3.SQLITE_CANTOPEN, true},
		{"READONLY_DBMOVED", sqlite3.SQLITE_READONLY_DBMOVED, true},
		{"BUSY_SNAPSHOT", sqlite3.SQLITE_BUSY_SNAPSHOT, true},
		{"CORRUPT", sqlite3.SQLITE_CORRUPT, false},
		{"NOTADB", sqlite3.SQLITE_NOTADB, false},
		{"CONSTRAINT", sqlite3.SQLITE_CONSTRAINT_UNIQUE, false},
		{"ERROR", sqlite3.SQLITE_ERROR, false},
	} {
		if got := unavailable(c.code); got != c.want {
			t.Errorf("unavailable(%s) = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestCorruptDatabaseIsNotUnavailable opens a file that is not a database:
// waiting does not mend it, so it must not read as unavailability.
func TestCorruptDatabaseIsNotUnavailable(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "holdline.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := rawDB(t, path, "").ExecContext(t.Context(), "SELECT count(*) FROM sqlite_master")
	if err == nil {
		t.Fatal("a file of garbage answered a query")
	}
	if err := interpretError(err); errors.Is(err, callback.ErrUnavailable) {
		t.Fatalf("error = %v: corruption must not be unavailability", err)
	}
}

// rawDB opens path with the driver directly, with query (URI parameters)
// when set, bypassing Open's checks.
func rawDB(t *testing.T, path, query string) *sql.DB {
	t.Helper()
	name := path
	if query != "" {
		name = "file:" + path + "?" + query
	}
	db, err := sql.Open("sqlite", name)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestCloseCheckpointsAndReportsFailure: Close copies the WAL into the
// database file and truncates it, and says so when it cannot.
func TestCloseCheckpointsAndReportsFailure(t *testing.T) {
	t.Parallel()
	t.Run("Truncates", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		insertOne(t, b.store, sparseInteraction("V1"))
		if err := b.store.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if fi, err := os.Stat(b.path + "-wal"); err == nil && fi.Size() != 0 {
			t.Fatalf("the WAL has %d bytes after Close, want none", fi.Size())
		}
	})
	t.Run("ReaderHoldsTheWAL", func(t *testing.T) {
		t.Parallel()
		b := setup(t, WithBusyTimeout(50*time.Millisecond))
		insertOne(t, b.store, sparseInteraction("V1"))
		// Another process reads from a snapshot that needs the WAL.
		reader, err := rawDB(t, b.path, "").BeginTx(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = reader.Rollback() }()
		var n int
		if err := reader.QueryRowContext(t.Context(), "SELECT count(*) FROM interactions").Scan(&n); err != nil {
			t.Fatal(err)
		}
		insertOne(t, b.store, sparseInteraction("V2"))
		err = b.store.Close()
		if err == nil || !strings.Contains(err.Error(), "checkpoint") {
			t.Fatalf("Close = %v, want a checkpoint failure", err)
		}
		if again := b.store.Close(); again == nil || again.Error() != err.Error() {
			t.Fatalf("second Close = %v, want the first result %v", again, err)
		}
	})
}
