package sqlitestore

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
)

// Tests of what is SQLite's own: the file, the pragmas, the schema, the
// error mapping and several processes on one file. The behaviour every
// engine shares is in storetest.

type testBundle struct {
	store *Store
	path  string
}

func setup(t *testing.T, opts ...Option) *testBundle {
	t.Helper()
	path := filepath.Join(t.TempDir(), "holdline.db")
	return &testBundle{store: mustOpen(t, path, opts...), path: path}
}

func mustOpen(t *testing.T, path string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(t.Context(), path, opts...)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestOpenCreatesDirectoryAndSetsPragmas(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a", "b", "holdline.db")
	s := mustOpen(t, path)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file: %v", err)
	}
	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"synchronous":  "2", // FULL
		"foreign_keys": "1",
		"busy_timeout": "5000",
	} {
		var got string
		if err := s.db.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", pragma, err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
}

func TestWithBusyTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t, WithBusyTimeout(250*time.Millisecond))
	var got int
	if err := b.store.db.QueryRowContext(t.Context(), "PRAGMA busy_timeout").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != 250 {
		t.Fatalf("busy_timeout = %d, want 250", got)
	}
}

func TestOpenRefusesUnusablePaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, path := range []string{"", filepath.Join(dir, "a?b.db"), "file:" + filepath.Join(dir, "x.db")} {
		if s, err := Open(t.Context(), path); err == nil {
			_ = s.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
	if s, err := Open(t.Context(), filepath.Join(dir, "y.db"), WithBusyTimeout(-time.Second)); err == nil {
		_ = s.Close()
		t.Error("Open with a negative busy timeout succeeded, want an error")
	}
}

func TestMigrationsAreIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	want := int64(len(b.store.migrations.ListSources()))
	if want == 0 {
		t.Fatal("no migrations embedded")
	}
	insertOne(t, b.store, sparseInteraction("V1"))
	for range 2 {
		if err := b.store.Close(); err != nil {
			t.Fatal(err)
		}
		b.store = mustOpen(t, b.path)
		v, err := b.store.SchemaVersion(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if v != want {
			t.Fatalf("schema version = %d, want %d", v, want)
		}
	}
	var applied int
	if err := b.store.db.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM goose_db_version WHERE version_id > 0").Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if int64(applied) != want {
		t.Fatalf("%d migrations recorded after three opens, want %d", applied, want)
	}
	if err := b.store.InTx(t.Context(), func(tx callback.Tx) error {
		_, err := tx.InteractionGet(t.Context(), "V1")
		return err
	}); err != nil {
		t.Fatalf("data written before the reopens: %v", err)
	}
}

func TestFinalColumnFollowsState(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for i, st := range callback.States() {
		it := sparseInteraction(fmt.Sprintf("V%02d", i))
		it.State = st
		insertOne(t, b.store, it)
		var final int
		if err := b.store.db.QueryRowContext(t.Context(), "SELECT final FROM interactions WHERE id = ?", it.ID).Scan(&final); err != nil {
			t.Fatal(err)
		}
		if (final == 1) != st.Final() {
			t.Errorf("%s: final column = %d, want %v", st, final, st.Final())
		}
	}
}

func TestTimeOutsideNanosecondRangeIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tm := range []time.Time{
		time.Date(2300, time.January, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1600, time.January, 1, 0, 0, 0, 0, time.UTC),
	} {
		it := sparseInteraction("V1")
		it.AppointmentTime = tm
		err := b.store.InTx(t.Context(), func(tx callback.Tx) error { return tx.InteractionInsert(t.Context(), it) })
		if err == nil || errors.Is(err, callback.ErrConflict) || !strings.Contains(err.Error(), "outside the storable range") {
			t.Errorf("insert with appointment %s: error = %v, want an out-of-range error", tm, err)
		}
		err = b.store.InTx(t.Context(), func(tx callback.Tx) error {
			_, err := tx.InteractionFind(t.Context(), &callback.InteractionFindParams{CreatedBefore: tm})
			return err
		})
		if err == nil {
			t.Errorf("find created before %s succeeded, want an out-of-range error", tm)
		}
	}
}

func TestInterpretError(t *testing.T) {
	t.Parallel()
	b := setup(t)
	insertOne(t, b.store, sparseInteraction("V1"))
	insertOne(t, b.store, sparseInteraction("V2"))
	engineErr := func(query string, args ...any) error {
		t.Helper()
		_, err := b.store.db.ExecContext(t.Context(), query, args...)
		if err == nil {
			t.Fatalf("%s succeeded, want a constraint error", query)
		}
		return err
	}
	other := errors.New("disk on fire")
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"NoRows", sql.ErrNoRows, callback.ErrNotFound},
		{"PrimaryKey", engineErr("INSERT INTO sequences (name, value) VALUES ('a', 1), ('a', 2)"), callback.ErrConflict},
		{"Unique", engineErr("UPDATE interactions SET external_tracking_id = 'ACD-1'"), callback.ErrConflict},
		{"ForeignKey", engineErr("INSERT INTO records (interaction_id, from_state, to_state, event, reason, method, request_id, detail) VALUES ('V9', '', '', '', '', '', '', '')"), callback.ErrNotFound},
		{"Check", engineErr("UPDATE interactions SET final = 7"), callback.ErrConflict},
		{"Other", other, other},
	} {
		if got := interpretError(c.err); !errors.Is(got, c.want) {
			t.Errorf("%s: interpretError(%v) = %v, want one that is %v", c.name, c.err, got, c.want)
		}
	}
	if interpretError(nil) != nil {
		t.Error("interpretError(nil) is not nil")
	}
	if err := interpretError(engineErr("SELECT * FROM no_such_table")); errors.Is(err, callback.ErrConflict) || errors.Is(err, callback.ErrNotFound) {
		t.Errorf("a syntax error maps to %v, want it left alone", err)
	}
}

// TestTwoStoresOnOneFileWaitForEachOther is two processes on one database:
// their writers contend for the file lock, and busy_timeout with BEGIN
// IMMEDIATE must make every transaction wait and succeed.
func TestTwoStoresOnOneFileWaitForEachOther(t *testing.T) {
	t.Parallel()
	b := setup(t)
	second := mustOpen(t, b.path)
	const perStore, workers, perWorker = 2, 4, 15
	total := perStore * workers * perWorker
	values := make(chan int64, total)
	errs := make(chan error, total)
	var wg sync.WaitGroup
	for _, s := range []*Store{b.store, second} {
		for w := range workers {
			wg.Go(func() {
				for i := range perWorker {
					var v int64
					err := s.InTx(t.Context(), func(tx callback.Tx) (err error) {
						// A read, then a write: without the write lock from
						// BEGIN, the write fails once another store has
						// committed since the read (SQLITE_BUSY_SNAPSHOT).
						if _, err := tx.InteractionFind(t.Context(), &callback.InteractionFindParams{Limit: 1}); err != nil {
							return err
						}
						if v, err = tx.SequenceNext(t.Context(), "id"); err != nil {
							return err
						}
						return tx.InteractionInsert(t.Context(), sparseInteraction(fmt.Sprintf("V%04d", v)))
					})
					if err != nil {
						errs <- fmt.Errorf("worker %d tx %d: %w", w, i, err)
						continue
					}
					values <- v
				}
			})
		}
	}
	wg.Wait()
	close(values)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	seen := map[int64]bool{}
	for v := range values {
		if seen[v] || v < 1 || v > int64(total) {
			t.Fatalf("value %d duplicated or out of 1..%d", v, total)
		}
		seen[v] = true
	}
	if len(seen) != total {
		t.Fatalf("%d values, want %d", len(seen), total)
	}
}

func sparseInteraction(id string) *callback.Interaction {
	return &callback.Interaction{
		ID: id, Tenant: "VHTLab", Segment: "PTK_VHT_TEST", Queue: "Q", Type: callback.TypeInbound,
		State: callback.StateInboundTreatment, CreatedAt: time.Unix(1_700_000_000, 0), UpdatedAt: time.Unix(1_700_000_000, 0),
	}
}

func insertOne(t *testing.T, s *Store, it *callback.Interaction) {
	t.Helper()
	if err := s.InTx(t.Context(), func(tx callback.Tx) error { return tx.InteractionInsert(t.Context(), it) }); err != nil {
		t.Fatalf("insert %s: %v", it.ID, err)
	}
}
