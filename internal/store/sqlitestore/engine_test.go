package sqlitestore

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

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
		// A reset WAL is truncated, so a full disk refuses the next commit.
		"journal_size_limit": "0",
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

func TestWithSynchronous(t *testing.T) {
	t.Parallel()
	for mode, want := range map[string]int{"off": 0, "NORMAL": 1, " Full ": 2} {
		b := setup(t, WithSynchronous(mode))
		var got int
		if err := b.store.db.QueryRowContext(t.Context(), "PRAGMA synchronous").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("WithSynchronous(%q): synchronous = %d, want %d", mode, got, want)
		}
		insertOne(t, b.store, sparseInteraction("V1"))
	}
	if s, err := Open(t.Context(), filepath.Join(t.TempDir(), "x.db"), WithSynchronous("EXTRA")); err == nil {
		_ = s.Close()
		t.Error("Open with synchronous EXTRA succeeded, want an error")
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
		{"LaunchKey", engineErr("INSERT INTO launches (key, interaction_id, attempt, tenant, queue, first_party, lease_owner, deliveries) VALUES ('V1/1', 'V1', 1, '', '', '', '', 0), ('V1/1', 'V2', 1, '', '', '', '', 0)"), callback.ErrConflict},
		{"LaunchForeignKey", engineErr("INSERT INTO launches (key, interaction_id, attempt, tenant, queue, first_party, lease_owner, deliveries) VALUES ('V9/1', 'V9', 1, '', '', '', '', 0)"), callback.ErrNotFound},
		{"QueueModeKey", engineErr("INSERT INTO queue_modes (tenant, queue, mode, set_by) VALUES ('T', 'Q', 'Standby', ''), ('T', 'Q', 'Purge', '')"), callback.ErrConflict},
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

// TestMigration2KeepsAndPlacesOldRecords opens a database left at the
// first schema with history in it: the records keep every field and take
// their interaction's tenant and queue, so a replay by tenant finds them.
func TestMigration2KeepsAndPlacesOldRecords(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "holdline.db")
	db, err := sql.Open("sqlite", path+"?"+dsnParams(options{busyTimeout: DefaultBusyTimeout}).Encode())
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := fs.Sub(migrationFS, "migration")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO interactions (id, tenant, segment, queue, type, state, final, contact, external_tracking_id,
			source_application, client_id, hold_reason, result, linked_id, created_at, updated_at, version, attempts, user_data)
			VALUES ('V1', 'VHTLab', 'S', 'Sales', 'FIFO', 'PendingCallback', 0, '', '', '', '', '', '', '', 1, 1, 1, '{"total":0}', '[]'),
			       ('V2', 'Portree', 'S', 'Support', 'FIFO', 'PendingCallback', 0, '', '', '', '', '', '', '', 2, 2, 1, '{"total":0}', '[]')`,
		`INSERT INTO records (interaction_id, at, from_state, to_state, event, reason, method, request_id, detail)
			VALUES ('V1', 1000, '', 'PendingCallback', 'Add', 'r1', 'AddInteraction', 'q1', 'd1'),
			       ('V2', 2000, '', 'PendingCallback', 'Add', 'r2', 'AddInteraction', 'q2', 'd2'),
			       ('V1', NULL, 'PendingCallback', 'PendingCallback', 'Update', 'r3', 'ModifyInteraction', 'q3', 'd3')`,
	} {
		if _, err := db.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("seeding schema 1: %v", err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s := mustOpen(t, path)
	if v, err := s.SchemaVersion(t.Context()); err != nil || v < 2 {
		t.Fatalf("schema version = %d, %v; want at least 2", v, err)
	}
	pending := callback.StatePendingCallback
	want := []callback.Record{
		{Seq: 1, InteractionID: "V1", Tenant: "VHTLab", Queue: "Sales", At: time.Unix(0, 1000).UTC(),
			To: pending, Event: callback.EvAdd, Reason: "r1", Method: "AddInteraction", RequestID: "q1", Detail: "d1"},
		{Seq: 2, InteractionID: "V2", Tenant: "Portree", Queue: "Support", At: time.Unix(0, 2000).UTC(),
			To: pending, Event: callback.EvAdd, Reason: "r2", Method: "AddInteraction", RequestID: "q2", Detail: "d2"},
		{Seq: 3, InteractionID: "V1", Tenant: "VHTLab", Queue: "Sales",
			From: pending, To: pending, Event: callback.EvUpdate, Reason: "r3", Method: "ModifyInteraction", RequestID: "q3", Detail: "d3"},
	}
	err = s.InTx(t.Context(), func(tx callback.Tx) error {
		all, err := tx.RecordFind(t.Context(), &callback.RecordFindParams{})
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(all, want) {
			t.Errorf("records after the migration:\n got %+v\nwant %+v", all, want)
		}
		vht, err := tx.RecordFind(t.Context(), &callback.RecordFindParams{Tenant: "VHTLab", Queue: "Sales"})
		if err != nil {
			return err
		}
		if len(vht) != 2 || vht[0].Seq != 1 || vht[1].Seq != 3 {
			t.Errorf("VHTLab/Sales records = %+v, want seqs 1 and 3", vht)
		}
		// New records go on after the old ones.
		r := &callback.Record{InteractionID: "V2", Tenant: "Portree", Queue: "Support", At: time.Unix(5, 0)}
		if err := tx.RecordAppend(t.Context(), r); err != nil {
			return err
		}
		if r.Seq != 4 {
			t.Errorf("seq of the first new record = %d, want 4", r.Seq)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLaunchClaimAcrossTwoStoresLeasesEachOnce is two processes claiming
// from one file: BEGIN IMMEDIATE makes each claim exclusive across
// processes too, so no launch is leased twice in one lease period.
func TestLaunchClaimAcrossTwoStoresLeasesEachOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	second := mustOpen(t, b.path)
	const launches, workers = 40, 4
	now := time.Date(2026, time.March, 14, 15, 0, 0, 0, time.UTC)
	err := b.store.InTx(t.Context(), func(tx callback.Tx) error {
		if err := tx.InteractionInsert(t.Context(), sparseInteraction("V1")); err != nil {
			return err
		}
		for i := range launches {
			l := &callback.Launch{Key: fmt.Sprintf("V1/%d", i), InteractionID: "V1", Attempt: i, Tenant: "VHTLab",
				Queue: "Q", FirstParty: "customer", CreatedAt: now.Add(time.Duration(i) * time.Second)}
			if err := tx.LaunchInsert(t.Context(), l); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		owners = map[string]string{}
	)
	var wg sync.WaitGroup
	for si, s := range []*Store{b.store, second} {
		for w := range workers {
			wg.Go(func() {
				owner := fmt.Sprintf("store%d-dialer%d", si, w)
				for range launches {
					var got []callback.Launch
					err := s.InTx(t.Context(), func(tx callback.Tx) (err error) {
						// A read first: the claim must not fail on a lock upgrade.
						if _, err := tx.LaunchFind(t.Context(), &callback.LaunchFindParams{Unacked: true}); err != nil {
							return err
						}
						got, err = tx.LaunchClaim(t.Context(), &callback.LaunchClaimParams{
							Tenant: "VHTLab", Max: 2, Owner: owner, Now: now.Add(time.Hour), Lease: time.Minute,
						})
						return err
					})
					if err != nil {
						t.Errorf("%s: %v", owner, err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, l := range got {
						if prev, ok := owners[l.Key]; ok {
							t.Errorf("%s leased by %s and by %s", l.Key, prev, owner)
						}
						owners[l.Key] = owner
					}
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	if len(owners) != launches {
		t.Fatalf("%d launches leased, want %d", len(owners), launches)
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
