package sqlitestore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/holdline/holdline/internal/callback"
)

// Group commit. Every InTx of the process is a job for one committer
// goroutine, which owns the write connection. It takes the jobs waiting when
// it is free — up to maxBatch — and runs them one after the other in one
// BEGIN IMMEDIATE transaction, each inside its own savepoint, then commits
// once: one fsync for the whole batch. So:
//
//   - a reply still means committed: InTx returns nil only after the COMMIT
//     that holds its job is on disk (synchronous=FULL);
//   - one job's failure never undoes another's: a job whose fn returns an
//     error (or panics) is rolled back to its savepoint, and the others
//     commit;
//   - the jobs of a batch run one at a time, in arrival order, each seeing
//     the ones before it, exactly as transactions run one after the other:
//     the domain's check-then-insert rules stay serialized;
//   - a commit that fails fails every job it held, and nothing of them is
//     kept; a transaction SQLite itself abandoned (a full disk, an I/O
//     error) fails the jobs not yet answered in the same way.
//
// Under no load a batch is one job and costs what a plain transaction did;
// under load, the jobs that arrive during one fsync share the next.

// maxBatch bounds the jobs of one transaction, so a burst cannot make the
// last of them wait on an unbounded batch.
const maxBatch = 256

// job is one InTx call waiting for the committer.
type job struct {
	ctx  context.Context
	fn   func(callback.Tx) error
	done chan outcome
}

// outcome is what the committer answers a job: its error, or the panic of
// its fn, re-raised in the caller's goroutine.
type outcome struct {
	err      error
	panicked bool
	panicVal any
}

// commitLoop runs batches until the store closes.
func (s *Store) commitLoop() {
	defer close(s.loopDone)
	for {
		var first *job
		select {
		case first = <-s.jobs:
		case <-s.closing:
			return
		}
		batch := append(make([]*job, 0, 8), first)
	drain:
		for len(batch) < maxBatch {
			select {
			case j := <-s.jobs:
				batch = append(batch, j)
			default:
				break drain
			}
		}
		s.runBatch(batch)
	}
}

// closeRaw finalizes the statements the committer kept, once it has
// stopped: a connection closes only once its statements are finalized.
func (s *Store) closeRaw() {
	if s.raw == nil {
		return
	}
	conn, err := s.db.Conn(context.Background())
	if err != nil {
		return
	}
	defer func() { _ = conn.Close() }()
	_ = conn.Raw(func(dc any) error {
		if c, ok := dc.(driver.Conn); ok && c == s.raw.conn {
			s.raw.close()
		}
		return nil
	})
	s.raw = nil
}

// runBatch runs the jobs in one transaction on the writer's driver
// connection (raw.go) and answers each.
func (s *Store) runBatch(batch []*job) {
	conn, err := s.db.Conn(context.Background())
	if err != nil {
		failAll(batch, fmt.Errorf("sqlitestore: begin: %w", interpretError(err)))
		return
	}
	defer func() { _ = conn.Close() }()
	ran := false
	err = conn.Raw(func(dc any) error {
		c, err := s.rawFor(dc)
		if err != nil {
			return err
		}
		ran = true
		s.runBatchOn(c, batch)
		return nil
	})
	if !ran {
		failAll(batch, fmt.Errorf("sqlitestore: begin: %w", interpretError(err)))
	}
}

// rawFor returns the committer's rawConn for the driver connection dc,
// starting a new one when database/sql replaced the connection (the old
// one's statements went with it).
func (s *Store) rawFor(dc any) (*rawConn, error) {
	if s.raw != nil && s.raw.conn == dc {
		return s.raw, nil
	}
	c, err := newRawConn(dc)
	if err != nil {
		return nil, err
	}
	s.raw = c
	return c, nil
}

// runBatchOn runs the jobs in one transaction on c and answers each.
func (s *Store) runBatchOn(c *rawConn, batch []*job) {
	// The batch's transaction outlives any one job's ctx: a caller that
	// gives up does not roll back its neighbours.
	dtx, err := c.begin()
	if err != nil {
		failAll(batch, fmt.Errorf("sqlitestore: begin: %w", interpretError(err)))
		return
	}
	u := rawTx{c: c, seqs: &c.batch}
	if err := u.beginBatch(); err != nil {
		_ = dtx.Rollback()
		failAll(batch, fmt.Errorf("sqlitestore: begin: %w", interpretError(err)))
		return
	}
	var held []*job // run without error, waiting for the commit
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			j.done <- outcome{err: fmt.Errorf("sqlitestore: begin: %w", err)}
			continue
		}
		out, broken := runJob(u, j)
		if broken != nil {
			// SQLite abandoned the transaction (or a savepoint could not be
			// set or released): nothing of this batch can be committed.
			_ = dtx.Rollback()
			if out.err == nil && !out.panicked {
				out.err = broken
			}
			j.done <- out
			failAll(held, broken)
			failAll(batch[i+1:], broken)
			return
		}
		if out.err != nil || out.panicked {
			j.done <- out
			continue
		}
		held = append(held, j)
	}
	if len(held) == 0 {
		_ = dtx.Rollback()
		return
	}
	if err := u.writeSequences(); err != nil {
		_ = dtx.Rollback()
		failAll(held, fmt.Errorf("sqlitestore: commit: %w", interpretError(err)))
		return
	}
	s.commits.Add(1)
	if err := dtx.Commit(); err != nil {
		failAll(held, fmt.Errorf("sqlitestore: commit: %w", interpretError(err)))
		return
	}
	u.seqs.committed()
	s.ckpt.committed()
	for _, j := range held {
		j.done <- outcome{}
	}
}

// runJob runs one job inside a savepoint of sqlTx. It returns the job's
// outcome and, when the transaction can no longer be used, why.
func runJob(sqlTx rawTx, j *job) (out outcome, broken error) {
	ctx := context.Background()
	if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT job"); err != nil {
		return outcome{}, fmt.Errorf("sqlitestore: begin: %w", interpretError(err))
	}
	sqlTx.seqs.beginJob()
	out = call(j.fn, &tx{tx: sqlTx})
	if out.err == nil && !out.panicked && j.ctx.Err() != nil {
		// The caller gave up while fn ran: its work is not committed.
		out.err = fmt.Errorf("sqlitestore: commit: %w", j.ctx.Err())
	}
	if out.err != nil || out.panicked {
		sqlTx.seqs.rollbackJob()
		if _, err := sqlTx.ExecContext(ctx, "ROLLBACK TO job"); err != nil {
			return out, abandoned(err)
		}
	}
	if _, err := sqlTx.ExecContext(ctx, "RELEASE job"); err != nil {
		return out, abandoned(err)
	}
	return out, nil
}

// call runs fn, turning a panic into an outcome for the caller to re-raise.
func call(fn func(callback.Tx) error, t *tx) (out outcome) {
	defer func() {
		if v := recover(); v != nil {
			out = outcome{panicked: true, panicVal: v}
		}
	}()
	return outcome{err: fn(t)}
}

// abandoned is the error of the jobs of a transaction SQLite gave up (after
// a full disk or an I/O error it rolls the whole transaction back): their
// work was not done, and may be tried again.
func abandoned(err error) error {
	return fmt.Errorf("sqlitestore: the transaction was abandoned (%w): %w", interpretError(err), callback.ErrUnavailable)
}

// failAll answers every job with err.
func failAll(jobs []*job, err error) {
	for _, j := range jobs {
		j.done <- outcome{err: err}
	}
}

// errClosed answers an InTx on a closed store.
var errClosed = fmt.Errorf("sqlitestore: the store is closed: %w", callback.ErrUnavailable)

// uncancelled runs a read transaction's statements (View) through
// database/sql, without their caller's cancellation, as the committer's run
// (rawTx): a read's statements are short and bounded. It runs a statement
// compiled when its pool has one (stmts.go).
type uncancelled struct {
	tx    *sql.Tx
	stmts *stmtCache
	// bound are the kept statements bound to tx so far: a batch's jobs run
	// the same few, and binding one costs an allocation and a lock.
	bound map[*sql.Stmt]*sql.Stmt
}

// newUncancelled runs statements in tx, compiled ones from stmts.
func newUncancelled(tx *sql.Tx, stmts *stmtCache) uncancelled {
	return uncancelled{tx: tx, stmts: stmts, bound: map[*sql.Stmt]*sql.Stmt{}}
}

// stmt returns query's kept statement bound to the transaction, or nil.
func (u uncancelled) stmt(ctx context.Context, query string) *sql.Stmt {
	st := u.stmts.get(query)
	if st == nil {
		return nil
	}
	b, ok := u.bound[st]
	if !ok {
		b = u.tx.StmtContext(ctx, st)
		u.bound[st] = b
	}
	return b
}

func (u uncancelled) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = context.WithoutCancel(ctx)
	if st := u.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return u.tx.ExecContext(ctx, query, args...)
}

func (u uncancelled) QueryContext(ctx context.Context, query string, args ...any) (rowSet, error) {
	ctx = context.WithoutCancel(ctx)
	var rows *sql.Rows
	var err error
	if st := u.stmt(ctx, query); st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = u.tx.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func (u uncancelled) QueryRowContext(ctx context.Context, query string, args ...any) scanner {
	ctx = context.WithoutCancel(ctx)
	if st := u.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return u.tx.QueryRowContext(ctx, query, args...)
}
