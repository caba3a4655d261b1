// Package platformtest runs the platform for tests: on a store engine, with
// a fake clock, started and ready, as every suite that drives the domain
// needs it (the domain's own, the PTK's, the REST API's, dispatch's, the
// server's). The engine is chosen once for the whole run, so a second
// engine runs every one of those suites by adding one entry to Engines.
// Only tests import it.
package platformtest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/clock"
	"github.com/holdline/holdline/internal/config"
	"github.com/holdline/holdline/internal/payload"
	"github.com/holdline/holdline/internal/pgtest"
	"github.com/holdline/holdline/internal/server"
	"github.com/holdline/holdline/internal/store/pgstore"
	"github.com/holdline/holdline/internal/store/sqlitestore"
)

// Engine is a store engine the suites can run on.
type Engine struct {
	// Name is how HOLDLINE_TEST_ENGINE names it.
	Name string
	// Open opens a new, empty store for t, closed when t ends, and returns
	// with it a function that closes it and opens the same data again (a
	// restart).
	Open func(t testing.TB) (callback.Store, func(t testing.TB) callback.Store)
	// Scratch opens a new, empty store that lives as long as t, for tests
	// that start hundreds of short-lived platforms (the properties): the
	// rules are under test, not durability, so it may keep nothing on disk.
	Scratch func(t T) callback.Store
	// Shared opens one new database for t and returns a function that opens
	// another store on it, as another node of a cluster would.
	Shared func(t testing.TB) func(t testing.TB) callback.Store
}

// T is what the harness needs of a test, met by *testing.T and *rapid.T.
type T interface {
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
	Cleanup(func())
}

// Engines are the store engines; the first is the default.
var Engines = []Engine{
	{Name: "sqlite", Open: openSQLite, Scratch: scratchSQLite, Shared: sharedSQLite},
	{Name: "postgres", Open: openPostgres, Scratch: scratchPostgres, Shared: sharedPostgres},
}

// EngineEnv names the environment variable that chooses the engine of a
// test run (default: the first of Engines).
const EngineEnv = "HOLDLINE_TEST_ENGINE"

// Selected is the engine of this run; an unknown name fails t.
func Selected(t T) Engine {
	name := os.Getenv(EngineEnv)
	if name == "" {
		return Engines[0]
	}
	for _, e := range Engines {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("%s=%q: no such engine", EngineEnv, name)
	return Engine{}
}

// openSQLite opens a SQLite store in a temporary folder of t.
func openSQLite(t testing.TB) (callback.Store, func(t testing.TB) callback.Store) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "holdline.db")
	open := func(t testing.TB) callback.Store {
		t.Helper()
		st, err := sqlitestore.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	return restartable(t, open)
}

// restartable opens a store with open, and returns it with the restart
// Engine.Open promises: close the store, open the same data again.
func restartable(t testing.TB, open func(t testing.TB) callback.Store) (callback.Store, func(t testing.TB) callback.Store) {
	t.Helper()
	st := open(t)
	return st, func(t testing.TB) callback.Store {
		t.Helper()
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		st = open(t)
		return st
	}
}

// scratchSQLite opens an in-memory SQLite database: its one connection
// keeps it, and nothing waits on fsync.
func scratchSQLite(t T) callback.Store {
	st, err := sqlitestore.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatalf("open an in-memory store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// sharedSQLite opens stores on one database file, each with its own
// connection, as the processes of several nodes would. A node waits a
// little for another's write (the single writer serializes them) before it
// answers busy.
func sharedSQLite(t testing.TB) func(t testing.TB) callback.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cluster.db")
	return func(t testing.TB) callback.Store {
		t.Helper()
		st, err := sqlitestore.Open(context.Background(), path, sqlitestore.WithBusyTimeout(250*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
}

// openPostgres opens a PostgreSQL store on a fresh database of the test
// process's throwaway cluster (internal/pgtest).
func openPostgres(t testing.TB) (callback.Store, func(t testing.TB) callback.Store) {
	t.Helper()
	url := pgtest.URL(t)
	return restartable(t, func(t testing.TB) callback.Store { return mustOpenPostgres(t, url) })
}

// scratchPostgres is openPostgres without the restart: PostgreSQL has no
// in-memory database, so a property's example gets a database of its own.
func scratchPostgres(t T) callback.Store {
	return mustOpenPostgres(t, pgtest.URL(t))
}

// sharedPostgres opens stores on one database, each with its own pool, as
// the processes of several nodes would.
func sharedPostgres(t testing.TB) func(t testing.TB) callback.Store {
	t.Helper()
	url := pgtest.URL(t)
	return func(t testing.TB) callback.Store {
		t.Helper()
		return mustOpenPostgres(t, url)
	}
}

// mustOpenPostgres opens the store at url, closed when t ends.
func mustOpenPostgres(t T, url string) callback.Store {
	st, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("open the PostgreSQL store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// Start is the fake clock's time when a test does not say: a Thursday,
// inside the demo's business hours.
var Start = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

// Options say how to run the platform; zero fields take the defaults.
type Options struct {
	// Settings are the configuration (default: the embedded demo).
	Settings *callback.Settings
	// Start is the fake clock's first time (default Start).
	Start time.Time
	// Node is the node's number (default 1).
	Node int
	// Logger receives the platform's logs (default: discarded).
	Logger *slog.Logger
	// Wrap, when set, wraps the engine's store for the platform (a store
	// that fails on demand, one that counts).
	Wrap func(callback.Store) callback.Store
}

// Bundle is a started platform with its store and clock.
type Bundle struct {
	*callback.Platform
	// All reaches every part's methods on one value.
	All All
	// Store is the store as the platform sees it (wrapped, when Wrap is set).
	Store callback.Store
	// Engine is the engine's own store, unwrapped.
	Engine callback.Store
	// Clock is the platform's time; tests move it.
	Clock *clock.Fake

	opts   Options
	reopen func(t testing.TB) callback.Store
}

// All has the methods of the platform's three parts, for tests that call
// across them; the methods every part shares are answered once.
type All struct {
	*callback.Lifecycle
	*callback.QueueManager
	*callback.Delivery
}

// Settings is the configuration the platform runs on.
func (a All) Settings() *callback.Settings { return a.Lifecycle.Settings() }

// Now is the platform's time.
func (a All) Now() time.Time { return a.Lifecycle.Now() }

// StoreError is why the store refuses writes, or nil.
func (a All) StoreError() error { return a.Lifecycle.StoreError() }

// Ready reports whether the platform can serve requests.
func (a All) Ready(ctx context.Context) error { return a.Lifecycle.Ready(ctx) }

// ServerPlatform is the platform's parts as the server's fronts take them.
func (b *Bundle) ServerPlatform() server.Platform {
	return server.Platform{Lifecycle: b.Lifecycle, Queues: b.QueueManager, Launches: b.Delivery, Health: b.Platform}
}

// AllOf gathers the parts of p.
func AllOf(p *callback.Platform) All {
	return All{Lifecycle: p.Lifecycle, QueueManager: p.QueueManager, Delivery: p.Delivery}
}

// New starts a platform for t on a fresh store of the selected engine.
func New(t testing.TB, o Options) *Bundle {
	t.Helper()
	o = o.withDefaults()
	st, reopen := Selected(t).Open(t)
	b := &Bundle{Clock: clock.NewFake(o.Start), opts: o, reopen: reopen}
	b.start(t, st)
	return b
}

// NewExample starts a platform for one example of a property on a scratch
// store of the selected engine (see Engine.Scratch).
func NewExample(t T, o Options) *Bundle {
	o = o.withDefaults()
	b := &Bundle{Clock: clock.NewFake(o.Start), opts: o}
	b.startOn(t, Selected(t).Scratch(t))
	return b
}

// Cluster starts n platforms on one database of the selected engine, as the
// nodes of a cluster: node numbers o.Node, o.Node+1, …, one clock.
func Cluster(t testing.TB, o Options, n int) []*Bundle {
	t.Helper()
	o = o.withDefaults()
	open := Selected(t).Shared(t)
	clk := clock.NewFake(o.Start)
	nodes := make([]*Bundle, n)
	for i := range nodes {
		no := o
		no.Node = o.Node + i
		nodes[i] = &Bundle{Clock: clk, opts: no}
		nodes[i].start(t, open(t))
	}
	return nodes
}

// Restart closes the store and starts a new platform on the same data,
// with the same clock: what survives is what the store kept.
func (b *Bundle) Restart(t testing.TB) {
	t.Helper()
	b.start(t, b.reopen(t))
}

// RestartWith is Restart with other settings, as an operator restarting
// with an edited configuration file.
func (b *Bundle) RestartWith(t testing.TB, settings *callback.Settings) {
	t.Helper()
	b.opts.Settings = settings
	b.Restart(t)
}

func (o Options) withDefaults() Options {
	if o.Settings == nil {
		o.Settings = config.Demo()
	}
	if o.Start.IsZero() {
		o.Start = Start
	}
	if o.Node == 0 {
		o.Node = 1
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}

func (b *Bundle) start(t testing.TB, st callback.Store) {
	t.Helper()
	b.startOn(t, st)
}

func (b *Bundle) startOn(t T, st callback.Store) {
	b.Engine, b.Store = st, st
	if b.opts.Wrap != nil {
		b.Store = b.opts.Wrap(st)
	}
	p, err := callback.New(callback.Deps{Store: b.Store, Clock: b.Clock, Settings: b.opts.Settings, Node: b.opts.Node, Logger: b.opts.Logger,
		Encoder: payload.Encoder{}})
	if err != nil {
		t.Fatalf("new platform: %v", err)
	}
	if err := p.Start(context.Background()); err != nil {
		t.Fatalf("start platform: %v", err)
	}
	b.Platform = p
	b.All = AllOf(p)
}
