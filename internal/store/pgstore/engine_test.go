package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/pgtest"
	"github.com/holdline/holdline/internal/store/pgstore"
)

// Tests of what the conformance suite leaves to each engine: opening and
// migrating, the server's failures, and the write lock across nodes.

// openURL opens a store on url and closes it at the end of the test.
func openURL(t *testing.T, url string) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// admin connects to the database of url beside the store, as an operator.
func admin(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatalf("admin connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// interaction is a minimal interaction of tenant T, queue Q.
func interaction(id, contact string) *callback.Interaction {
	now := time.Date(2026, time.March, 14, 15, 9, 26, 0, time.UTC)
	return &callback.Interaction{
		ID: id, Tenant: "T", Segment: "S", Queue: "Q", Contact: contact,
		Type: callback.TypeInbound, State: callback.StateInboundTreatment, CreatedAt: now, UpdatedAt: now,
	}
}

func insert(ctx context.Context, s callback.Store, it *callback.Interaction) error {
	return s.InTx(ctx, func(tx callback.Tx) error { return tx.InteractionInsert(ctx, it) })
}

// TestOpenMigratesOnce: nodes opening the same empty database at once all
// succeed, the schema is migrated once, and opening it again later is a
// no-op that keeps the data.
func TestOpenMigratesOnce(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	const nodes = 4
	stores := make([]*pgstore.Store, nodes)
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() { stores[i], errs[i] = pgstore.Open(t.Context(), url) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: open: %v", i, err)
		}
		t.Cleanup(func() { _ = stores[i].Close() })
	}
	if err := insert(t.Context(), stores[0], interaction("V1", "c1")); err != nil {
		t.Fatal(err)
	}
	again := openURL(t, url)
	for i, s := range append(stores, again) {
		v, err := s.SchemaVersion(t.Context())
		if err != nil || v != 1 {
			t.Errorf("store %d: schema version %d, %v; want 1", i, v, err)
		}
	}
	var applied int
	if err := admin(t, url).QueryRow(t.Context(),
		"SELECT count(*) FROM goose_db_version WHERE version_id = 1 AND is_applied").Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied != 1 {
		t.Errorf("migration 1 recorded %d times, want once", applied)
	}
	err := again.View(t.Context(), func(tx callback.Tx) error {
		_, err := tx.InteractionGet(t.Context(), "V1")
		return err
	})
	if err != nil {
		t.Errorf("after a second open: %v", err)
	}
}

// TestWriteLockHoldsAcrossNodes: the check-then-insert rule of the
// Callback Double Check (one live callback per contact and queue) holds
// between transactions of two stores on one database, as between two
// nodes: exactly one of the racing registrations inserts.
func TestWriteLockHoldsAcrossNodes(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	nodes := []*pgstore.Store{openURL(t, url), openURL(t, url)}
	const workers = 16
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		inserted []string
	)
	for w := range workers {
		s := nodes[w%len(nodes)]
		wg.Go(func() {
			id := fmt.Sprintf("V%02d", w)
			err := s.InTx(t.Context(), func(tx callback.Tx) error {
				n, err := tx.InteractionCount(t.Context(), &callback.InteractionFindParams{Tenant: "T", Queue: "Q", Contact: "c1"})
				if err != nil || n > 0 {
					return err
				}
				return tx.InteractionInsert(t.Context(), interaction(id, "c1"))
			})
			if err != nil {
				t.Errorf("worker %d: %v", w, err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			var it *callback.Interaction
			_ = s.View(t.Context(), func(tx callback.Tx) (err error) { it, err = tx.InteractionGet(t.Context(), id); return err })
			if it != nil {
				inserted = append(inserted, id)
			}
		})
	}
	wg.Wait()
	if len(inserted) != 1 {
		t.Fatalf("registrations inserted: %q, want exactly one", inserted)
	}
}

// TestViewIsASnapshot: a View sees the database as it was at its first
// read, not a commit made meanwhile (REPEATABLE READ).
func TestViewIsASnapshot(t *testing.T) {
	t.Parallel()
	s := openURL(t, pgtest.URL(t))
	ctx := t.Context()
	if err := insert(ctx, s, interaction("V1", "c1")); err != nil {
		t.Fatal(err)
	}
	err := s.View(ctx, func(tx callback.Tx) error {
		before, err := tx.InteractionCount(ctx, nil)
		if err != nil {
			return err
		}
		if err := insert(ctx, s, interaction("V2", "c2")); err != nil {
			return err
		}
		after, err := tx.InteractionCount(ctx, nil)
		if err != nil {
			return err
		}
		if before != 1 || after != 1 {
			t.Errorf("a View counted %d then %d interactions, want 1 both times", before, after)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestUnreachableServerIsUnavailable: a server that does not answer is
// ErrUnavailable, at Open as later.
func TestUnreachableServerIsUnavailable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close() // nothing listens there now
	_, err = pgstore.Open(t.Context(), fmt.Sprintf("postgres://holdline@127.0.0.1:%d/holdline?sslmode=disable&connect_timeout=5", port))
	if !errors.Is(err, callback.ErrUnavailable) {
		t.Fatalf("open on a closed port: %v, want ErrUnavailable", err)
	}
}

// TestOpenRefusesABadURLWithoutQuotingIt: the password of a URL that cannot
// be parsed stays out of the error, which ends in a log.
func TestOpenRefusesABadURLWithoutQuotingIt(t *testing.T) {
	t.Parallel()
	_, err := pgstore.Open(t.Context(), "postgres://holdline:s3cret@127.0.0.1:notaport/holdline")
	if err == nil {
		t.Fatal("a bad URL was accepted")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("the error quotes the password: %v", err)
	}
}

// TestServerFailuresAreUnavailable: a connection the server ends (an
// operator's pg_terminate_backend, a restart) and a server that turned
// read-only (a standby before its promotion) refuse the write with
// ErrUnavailable and commit nothing; reads still answer on a read-only
// server; writes succeed again once the cause is gone.
func TestServerFailuresAreUnavailable(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	// One connection, so that the test knows which one it ends.
	s := openURL(t, url+"&pool_max_conns=1")
	ctx := t.Context()
	op := admin(t, url)
	var db string
	if err := op.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		t.Fatal(err)
	}
	// terminate ends the store's connections, waits until they are gone,
	// and lets the store find out: the first use of each of its pools'
	// connection fails (ErrUnavailable, as checked above) and the next
	// opens a new one.
	terminate := func() {
		t.Helper()
		_, err := op.Exec(ctx, `SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`)
		if err != nil {
			t.Fatalf("terminate: %v", err)
		}
		noop := func(callback.Tx) error { return nil }
		_, _ = s.InTx(ctx, noop), s.View(ctx, noop)
	}
	if err := insert(ctx, s, interaction("V1", "c1")); err != nil {
		t.Fatal(err)
	}

	err := s.InTx(ctx, func(tx callback.Tx) error {
		if _, err := op.Exec(ctx, `SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`); err != nil {
			t.Fatalf("terminate: %v", err)
		}
		return tx.InteractionInsert(ctx, interaction("V2", "c2"))
	})
	if !errors.Is(err, callback.ErrUnavailable) {
		t.Fatalf("a write on a terminated connection: %v, want ErrUnavailable", err)
	}
	_ = s.View(ctx, func(callback.Tx) error { return nil }) // the readers' connection was ended too
	if err := insert(ctx, s, interaction("V3", "c3")); err != nil {
		t.Fatalf("a write after the connection was ended: %v", err)
	}

	if _, err := op.Exec(ctx, "ALTER DATABASE "+db+" SET default_transaction_read_only = on"); err != nil {
		t.Fatal(err)
	}
	terminate()
	err = insert(ctx, s, interaction("V4", "c4"))
	if !errors.Is(err, callback.ErrUnavailable) || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("a write on a read-only server: %v, want ErrUnavailable for a read-only transaction", err)
	}
	err = s.View(ctx, func(tx callback.Tx) error {
		_, err := tx.InteractionGet(ctx, "V1")
		return err
	})
	if err != nil {
		t.Fatalf("a read on a read-only server: %v", err)
	}
	if _, err := op.Exec(ctx, "ALTER DATABASE "+db+" RESET default_transaction_read_only"); err != nil {
		t.Fatal(err)
	}
	terminate()
	if err := insert(ctx, s, interaction("V5", "c5")); err != nil {
		t.Fatalf("a write once the server is writable again: %v", err)
	}
	err = s.View(ctx, func(tx callback.Tx) error {
		its, err := tx.InteractionFind(ctx, nil)
		var ids []string
		for _, it := range its {
			ids = append(ids, it.ID)
		}
		if got := strings.Join(ids, " "); got != "V1 V3 V5" {
			t.Errorf("stored %q, want V1 V3 V5: a refused write left a trace", got)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOutOfRangeTimeIsAnError: a time timestamptz would not keep is refused
// with an error (not a panic, not a wrong value), and nothing is stored.
func TestOutOfRangeTimeIsAnError(t *testing.T) {
	t.Parallel()
	s := openURL(t, pgtest.URL(t))
	ctx := t.Context()
	it := interaction("V1", "c1")
	it.DueAt = time.Date(10000, time.January, 1, 0, 0, 0, 0, time.UTC)
	err := insert(ctx, s, it)
	if err == nil || errors.Is(err, callback.ErrConflict) || errors.Is(err, callback.ErrNotFound) || errors.Is(err, callback.ErrUnavailable) {
		t.Fatalf("insert with a due time in year 10000: %v, want a plain error", err)
	}
	err = s.View(ctx, func(tx callback.Tx) error { _, err := tx.InteractionGet(ctx, "V1"); return err })
	if !errors.Is(err, callback.ErrNotFound) {
		t.Fatalf("after the refused insert: %v, want ErrNotFound", err)
	}
}

// TestClosedStoreIsUnavailable: a store used after Close answers
// ErrUnavailable, and Close may be called again.
func TestClosedStoreIsUnavailable(t *testing.T) {
	t.Parallel()
	s := openURL(t, pgtest.URL(t))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := insert(t.Context(), s, interaction("V1", "c1")); !errors.Is(err, callback.ErrUnavailable) {
		t.Errorf("InTx after Close: %v, want ErrUnavailable", err)
	}
	if err := s.Ping(t.Context()); !errors.Is(err, callback.ErrUnavailable) {
		t.Errorf("Ping after Close: %v, want ErrUnavailable", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestViewDoesNotWaitForQueuedWriters: writers waiting for the write lock
// hold every connection of the writers' pool, and a View still answers.
func TestViewDoesNotWaitForQueuedWriters(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	s := openURL(t, url+"&pool_max_conns=2")
	op := admin(t, url)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := insert(ctx, s, interaction("V1", "c1")); err != nil {
		t.Fatal(err)
	}
	holding, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = s.InTx(ctx, func(tx callback.Tx) error {
			close(holding)
			<-release
			return tx.InteractionInsert(ctx, interaction("V2", "c2"))
		})
	})
	<-holding
	// The second writer takes the pool's other connection and waits for
	// the lock.
	wg.Go(func() { _ = insert(ctx, s, interaction("V3", "c3")) })
	for waiting := 0; waiting == 0; {
		err := op.QueryRow(ctx, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").Scan(&waiting)
		if err != nil {
			t.Fatalf("waiting for the second writer to queue: %v", err)
		}
	}
	err := s.View(ctx, func(tx callback.Tx) error {
		_, err := tx.InteractionGet(ctx, "V1")
		return err
	})
	close(release)
	wg.Wait()
	if err != nil {
		t.Fatalf("a View beside queued writers: %v", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}
