package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
)

// Checkpoints off the committer. SQLite copies the WAL back into the
// database file (a checkpoint: the pages written, then the file synced) on
// the connection whose commit took the WAL past wal_autocheckpoint pages —
// the committer's, inside a COMMIT that every request of the batch waits
// for, a few milliseconds every few batches. So the checkpoints run on a
// connection of their own instead: after each commit the committer tells
// the checkpointer, which copies the WAL once it holds checkpointBytes, in
// PASSIVE mode (it waits for no reader and no writer, and the writer goes on
// committing meanwhile). Durability does not change: a checkpoint syncs the
// WAL before it copies and the database file after, on any connection. The
// writer keeps its own automatic checkpoint, at a far larger WAL, should the
// checkpointer ever fall behind.

const (
	// checkpointBytes is the WAL size at which the checkpointer copies it
	// back: SQLite's default of 1,000 pages.
	checkpointBytes = 1000 * 4096
	// writerAutoCheckpoint is the writer's own threshold, in pages.
	writerAutoCheckpoint = 16 * 1000
)

// checkpointer copies the WAL into the database file on its own connection.
type checkpointer struct {
	db      *sql.DB
	walPath string
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	// passes counts the checkpoints run; passed, when set (tests), hears
	// of each.
	passes atomic.Int64
	passed chan int64
}

// startCheckpointer opens the checkpointer's connection to the database at
// path and starts it.
func startCheckpointer(path string, o options, passed chan int64) (*checkpointer, error) {
	v := dsnParams(o)
	db, err := sql.Open("sqlite", path+"?"+v.Encode())
	if err != nil {
		return nil, fmt.Errorf("checkpointer: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	c := &checkpointer{db: db, walPath: path + "-wal", kick: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{}), passed: passed}
	go c.loop()
	return c, nil
}

// committed tells the checkpointer that the WAL grew; it never blocks.
func (c *checkpointer) committed() {
	if c == nil {
		return
	}
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) loop() {
	defer close(c.done)
	for {
		select {
		case <-c.kick:
		case <-c.stop:
			return
		}
		fi, err := os.Stat(c.walPath)
		if err != nil || fi.Size() < checkpointBytes {
			continue
		}
		// A failure (a full disk, another checkpoint running) leaves the
		// frames in the WAL for the next pass; the commits that follow
		// report a file that cannot be written.
		var busy, frames, copied int
		_ = c.db.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
		n := c.passes.Add(1)
		if c.passed != nil {
			select {
			case c.passed <- n:
			case <-c.stop:
			}
		}
	}
}

// close stops the checkpointer and closes its connection.
func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	close(c.stop)
	<-c.done
	if err := c.db.Close(); err != nil {
		return fmt.Errorf("sqlitestore: close the checkpointer: %w", err)
	}
	return nil
}

// autoCheckpointPragma is the writer's wal_autocheckpoint setting.
func autoCheckpointPragma() string {
	return "wal_autocheckpoint(" + strconv.Itoa(writerAutoCheckpoint) + ")"
}
