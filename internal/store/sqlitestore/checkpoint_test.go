package sqlitestore

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
)

// The WAL is copied back into the database file by the checkpointer, on its
// own connection, once it holds checkpointBytes — long before the writer's
// own threshold — and what was committed reads the same after a restart.
func TestTheCheckpointerCopiesTheWALBack(t *testing.T) {
	t.Parallel()
	passed := make(chan int64, 1)
	b := setup(t, func(o *options) { o.checkpointed = passed })
	before, err := os.Stat(b.path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	filler := strings.Repeat("x", 3000) // about a page an interaction
	n := 0
	for written := 0; written < 2*checkpointBytes; written += 4096 {
		n++
		id := "V" + strconv.Itoa(n)
		err := b.store.InTx(ctx, func(tx callback.Tx) error {
			it := sparseInteraction(id)
			it.ClientID = filler
			return tx.InteractionInsert(ctx, it)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	select { // a pass ran, after the WAL held checkpointBytes
	case <-passed:
	case <-time.After(time.Minute):
		t.Fatal("no checkpoint within a minute of the WAL passing its threshold")
	}
	after, err := os.Stat(b.path)
	if err != nil {
		t.Fatal(err)
	}
	if after.Size() <= before.Size() {
		t.Fatalf("the database file is still %d bytes after %d interactions: nothing was copied back", after.Size(), n)
	}
	if wal, err := os.Stat(b.path + "-wal"); err == nil && wal.Size() >= writerAutoCheckpoint*4096 {
		t.Fatalf("the WAL reached the writer's own threshold (%d bytes)", wal.Size())
	}
	if err := b.store.Close(); err != nil {
		t.Fatal(err)
	}
	reopened := mustOpen(t, b.path)
	if !holds(t, reopened, "V1") || !holds(t, reopened, "V"+strconv.Itoa(n)) {
		t.Fatal("the first or the last interaction is gone after the restart")
	}
}
