// Package sqlitestore is the embedded SQLite engine of callback.Store: the
// zero-setup default, one file on local disk, pure Go (modernc.org/sqlite).
//
// Durability: the database runs in WAL mode with synchronous=FULL, so a
// transaction whose InTx has returned nil is on stable storage and survives a
// SIGKILL or a power loss. Close checkpoints the WAL into the database file
// and reports when it cannot.
//
// Failure: a file that cannot be written, opened or locked (a full disk, an
// I/O error, a read-only file system, another process holding the lock past
// the busy timeout) is callback.ErrUnavailable (errors.go). The WAL is
// truncated whenever a checkpoint resets it (journal_size_limit 0), so it
// never keeps free room that would let some writes pass on a full disk while
// others fail: every commit needs new space, and a full disk refuses the
// next one. WithSynchronous relaxes that for throwaway
// databases (the simulator's); production keeps FULL. The store is answered from that file only: every
// read goes through a transaction, and there is no cache.
//
// Concurrency: one process writes through exactly one connection, owned by
// one committer goroutine (commit.go): the InTx calls waiting at the same
// time run one after the other in one transaction, each in its own
// savepoint, and share its commit — one fsync for the batch (group commit).
// Every transaction starts with BEGIN IMMEDIATE (DSN _txlock=immediate): it
// takes the write lock first, so a read followed by a write inside one InTx
// sees no interleaved change and never fails half-way on a lock upgrade; two
// LaunchClaim calls never lease the same launch, whatever their process.
// Another process on the same file (a second holdline, the CLI) waits for
// that lock up to the busy timeout (default 5 s) instead of failing at once.
//
// Schema: migrations are embedded (migration/*.sql) and applied by goose at
// Open; Open is idempotent.
package sqlitestore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/holdline/holdline/internal/callback"
)

// migrationFS holds the schema migrations, applied in version order at Open.
//
//go:embed migration/*.sql
var migrationFS embed.FS

// writerCacheKiB and readerCacheKiB are the page caches of the write
// connection and of each read connection: with a million callbacks, the
// indexes the hot paths walk stay in memory (together at most 64 MiB +
// maxReaders × 16 MiB).
const (
	writerCacheKiB = 64 << 10
	readerCacheKiB = 16 << 10
)

// DefaultBusyTimeout is how long a transaction waits for another process's
// write lock on the same file before failing.
const DefaultBusyTimeout = 5 * time.Second

// Store is the SQLite engine of callback.Store. It is safe for concurrent use.
type Store struct {
	db         *sql.DB
	path       string
	migrations *goose.Provider

	// jobs feed the committer (commit.go); closing stops it, and loopDone
	// says it has stopped.
	jobs     chan *job
	closing  chan struct{}
	loopDone chan struct{}
	// commits counts the batches committed, for tests and benchmarks.
	commits atomic.Int64
	// readers are the read-only connections of View (view.go); nil for an
	// in-memory database, which only the writer's connection holds.
	readers *sql.DB
	// raw is the writer's driver connection with the statements compiled on
	// it; only the committer uses it (raw.go).
	raw *rawConn
	// readerStmts are the compiled statements of the readers (stmts.go).
	readerStmts *stmtCache
	// ckpt copies the WAL into the database file off the committer
	// (checkpoint.go); nil for an in-memory database.
	ckpt *checkpointer

	closeOnce sync.Once
	closeErr  error
}

// Option changes how Open opens the database.
type Option func(*options)

type options struct {
	busyTimeout time.Duration
	synchronous string
	// checkpointed hears of each checkpoint the checkpointer runs (tests).
	checkpointed chan int64
}

// DefaultSynchronous is the synchronous pragma of a store: every commit is
// on disk before InTx returns.
const DefaultSynchronous = "FULL"

// WithSynchronous sets SQLite's synchronous pragma: FULL (the default, and
// the only setting that keeps Holdline's promise that a reply means
// committed, also across a power cut), NORMAL (survives a process crash, not
// a power cut) or OFF (no fsync at all: a crash of the machine may corrupt
// the file). OFF is for throwaway databases only — the simulator runs the
// real platform on one at ~10x the commit rate. Case-insensitive; any other
// value makes Open fail.
func WithSynchronous(mode string) Option {
	return func(o *options) { o.synchronous = strings.ToUpper(strings.TrimSpace(mode)) }
}

// WithBusyTimeout sets how long a transaction waits for another process's
// write lock on the same file before failing (default DefaultBusyTimeout).
// Waiting between goroutines of one process is bounded by ctx, not by this.
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) { o.busyTimeout = d }
}

// Open opens (creating it and its directory if needed) the SQLite database at
// path, brings its schema up to date, and checks that it answers. The caller
// must Close the store.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	o := options{busyTimeout: DefaultBusyTimeout, synchronous: DefaultSynchronous}
	for _, opt := range opts {
		opt(&o)
	}
	if path == "" {
		return nil, errors.New("sqlitestore: open: empty path")
	}
	if err := checkPath(path); err != nil {
		return nil, fmt.Errorf("sqlitestore: open %q: %w", path, err)
	}
	if o.busyTimeout < 0 {
		return nil, fmt.Errorf("sqlitestore: open %q: negative busy timeout %s", path, o.busyTimeout)
	}
	switch o.synchronous {
	case "OFF", "NORMAL", "FULL":
	default:
		return nil, fmt.Errorf("sqlitestore: open %q: synchronous %q: want FULL, NORMAL or OFF", path, o.synchronous)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("sqlitestore: open %q: %w", path, err)
	}

	db, err := sql.Open("sqlite", path+"?"+dsnParams(o).Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %q: %w", path, err)
	}
	// One connection: SQLite has one writer anyway, and with one connection
	// every read of a transaction goes through that transaction. Keep it open
	// for the life of the store, so pragmas and page cache are set up once.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)

	s := &Store{db: db, path: path, jobs: make(chan *job), closing: make(chan struct{}), loopDone: make(chan struct{})}
	if err := s.migrate(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlitestore: open %q: %w", path, err)
	}
	if path != memoryPath {
		if s.readers, err = openReaders(path, o); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("sqlitestore: open %q: %w", path, err)
		}
		s.readerStmts = newStmtCache(s.readers)
		if s.ckpt, err = startCheckpointer(path, o, o.checkpointed); err != nil {
			_ = s.readers.Close()
			_ = db.Close()
			return nil, fmt.Errorf("sqlitestore: open %q: %w", path, err)
		}
	}
	go s.commitLoop()
	return s, nil
}

// checkPath refuses a path the driver would misread: it splits the name at
// the first '?' to find its parameters, and treats a "file:" prefix as a URI.
func checkPath(path string) error {
	if strings.ContainsRune(path, '?') || strings.HasPrefix(path, "file:") {
		return errors.New(`the path may not contain '?' or start with "file:"`)
	}
	return nil
}

// dsnParams are the driver parameters of every connection. busy_timeout
// comes first so the other pragmas (journal_mode changes the file) wait for
// a lock held by another process rather than fail.
func dsnParams(o options) url.Values {
	v := url.Values{}
	v.Add("_pragma", "busy_timeout("+strconv.FormatInt(o.busyTimeout.Milliseconds(), 10)+")")
	v.Add("_pragma", "journal_mode(WAL)")
	// The WAL is truncated when a checkpoint resets it: a full disk then
	// refuses the next commit instead of letting commits pass while they fit
	// in the room an old, larger WAL left.
	v.Add("_pragma", "journal_size_limit(0)")
	// The checkpointer copies the WAL back (checkpoint.go); the writer only
	// if it falls far behind.
	v.Add("_pragma", autoCheckpointPragma())
	// FULL (the default): the WAL is synced at every commit, so a reply is
	// never lost.
	sync := o.synchronous
	if sync == "" {
		sync = DefaultSynchronous
	}
	v.Add("_pragma", "synchronous("+sync+")")
	v.Add("_pragma", "foreign_keys(ON)")
	// Each job of a batch runs in a savepoint, whose undo pages SQLite keeps
	// in a sub-journal: a temporary file, written page by page, unless
	// temporary storage is in memory. It only ever undoes a savepoint of the
	// open transaction, so durability does not depend on it.
	v.Add("_pragma", "temp_store(MEMORY)")
	// The writer's page cache holds the indexes every registration walks;
	// SQLite's default (2 MiB) is a few thousand callbacks' worth.
	v.Add("_pragma", "cache_size(-"+strconv.Itoa(writerCacheKiB)+")")
	v.Set("_txlock", "immediate")
	return v
}

// migrate applies the embedded migrations not yet applied.
func (s *Store) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrationFS, "migration")
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	s.migrations = p
	return nil
}

// Path is the database file the store was opened on; tests use it to reopen.
func (s *Store) Path() string { return s.path }

// SchemaVersion is the version of the last migration applied, for readiness
// checks and `holdline version`.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	v, err := s.migrations.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("sqlitestore: schema version: %w", err)
	}
	return v, nil
}

// TimePrecision is the resolution of stored times: SQLite keeps Unix
// nanoseconds, so every time.Time round-trips exactly. The conformance suite
// uses it as its tolerance.
func (s *Store) TimePrecision() time.Duration { return time.Nanosecond }

// InTx runs fn in a BEGIN IMMEDIATE transaction shared with the other
// InTx calls waiting at the same time, inside a savepoint of its own (group
// commit, commit.go). It returns nil only once the commit that holds fn's
// work is durable; when fn returns an error (returned as is) or panics (the
// panic continues in the caller's goroutine) its work is rolled back and the
// others' is not. A ctx done before fn starts returns ctx's error, and fn is
// not run.
func (s *Store) InTx(ctx context.Context, fn func(tx callback.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlitestore: begin: %w", err)
	}
	j := &job{ctx: ctx, fn: fn, done: make(chan outcome, 1)}
	select {
	case s.jobs <- j:
	case <-ctx.Done():
		return fmt.Errorf("sqlitestore: begin: %w", ctx.Err())
	case <-s.closing:
		return errClosed
	}
	// The job is the committer's now: wait for its answer even if ctx ends,
	// since its work may already be in a commit.
	out := <-j.done
	if out.panicked {
		panic(out.panicVal)
	}
	return out.err
}

// Ping reports whether the database answers. It waits for a running
// transaction to end (there is one connection), bounded by ctx.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlitestore: ping: %w", interpretError(err))
	}
	return nil
}

// closeTimeout bounds the final checkpoint of Close, which waits for
// another process's lock like any transaction.
const closeTimeout = 30 * time.Second

// Close checkpoints the WAL into the database file and truncates it
// (PRAGMA wal_checkpoint(TRUNCATE)), then closes the database. Either step's
// failure is returned: a checkpoint that fails (a full disk, an I/O error)
// or cannot finish (another process reads the file) leaves the committed
// transactions in the WAL, where the next Open finds them, but it is worth
// an operator's look. Calls after the first return the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		// The committer finishes the batch it runs; InTx calls after this
		// answer errClosed.
		close(s.closing)
		<-s.loopDone
		s.closeRaw()
		ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
		defer cancel()
		var errs []error
		// Readers first: the checkpoint truncates the WAL only when no
		// connection reads it.
		s.readerStmts.close()
		if s.readers != nil {
			if err := s.readers.Close(); err != nil {
				errs = append(errs, fmt.Errorf("sqlitestore: close the readers of %s: %w", s.path, err))
			}
		}
		if err := s.ckpt.close(); err != nil {
			errs = append(errs, err)
		}
		if err := s.checkpoint(ctx); err != nil {
			errs = append(errs, err)
		}
		if err := s.db.Close(); err != nil {
			errs = append(errs, fmt.Errorf("sqlitestore: close %s: %w", s.path, err))
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// checkpoint copies the whole WAL into the database file and truncates the
// WAL to zero bytes.
func (s *Store) checkpoint(ctx context.Context) error {
	var busy, walFrames, copied int
	err := s.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &walFrames, &copied)
	if err != nil {
		return fmt.Errorf("sqlitestore: checkpoint %s: %w", s.path, interpretError(err))
	}
	if busy != 0 {
		return fmt.Errorf("sqlitestore: checkpoint %s: incomplete (%d of %d WAL frames copied): another connection holds the database", s.path, copied, walFrames)
	}
	return nil
}
