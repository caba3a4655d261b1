package sqlitestore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
)

// insertJob is a job that inserts interaction id and then does then.
func insertJob(ctx context.Context, id string, then func(callback.Tx) error) *job {
	return &job{ctx: ctx, done: make(chan outcome, 1), fn: func(tx callback.Tx) error {
		now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
		it := &callback.Interaction{ID: id, Tenant: "T", Queue: "Q", Type: callback.TypeASAP, State: callback.StatePendingCallback,
			Contact: "8000", CreatedAt: now, UpdatedAt: now}
		if err := tx.InteractionInsert(ctx, it); err != nil {
			return err
		}
		if then != nil {
			return then(tx)
		}
		return nil
	}}
}

// holds reports whether interaction id is in the store.
func holds(t *testing.T, s *Store, id string) bool {
	t.Helper()
	var found bool
	err := s.InTx(t.Context(), func(tx callback.Tx) error {
		_, err := tx.InteractionGet(t.Context(), id)
		found = err == nil
		if errors.Is(err, callback.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// One batch, one commit: each job's work is kept or undone on its own, in
// the order the jobs came, and each gets its own answer.
func TestABatchKeepsEachJobsOwnOutcome(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	gone, cancel := context.WithCancel(ctx)
	cancel()
	refused := errors.New("refused by the domain")
	sawFirst := false
	batch := []*job{
		insertJob(ctx, "V1", nil),
		insertJob(ctx, "V2", func(callback.Tx) error { return refused }),
		insertJob(ctx, "V3", func(callback.Tx) error { panic("boom") }),
		insertJob(gone, "V4", nil),
		insertJob(ctx, "V5", func(tx callback.Tx) error {
			// The jobs before it, as far as they went, are visible to it.
			_, err := tx.InteractionGet(ctx, "V1")
			sawFirst = err == nil
			return nil
		}),
		insertJob(ctx, "V1", nil), // a conflict with the first: its own error only
	}
	b.store.runBatch(batch)
	outs := make([]outcome, len(batch))
	for i, j := range batch {
		outs[i] = <-j.done
	}
	switch {
	case outs[0].err != nil:
		t.Errorf("V1: %v", outs[0].err)
	case !errors.Is(outs[1].err, refused):
		t.Errorf("V2: %v, want the domain's refusal", outs[1].err)
	case !outs[2].panicked || outs[2].panicVal != "boom":
		t.Errorf("V3: %+v, want its panic", outs[2])
	case !errors.Is(outs[3].err, context.Canceled):
		t.Errorf("V4: %v, want its context's error", outs[3].err)
	case outs[4].err != nil || !sawFirst:
		t.Errorf("V5: %v (saw V1: %v)", outs[4].err, sawFirst)
	case !errors.Is(outs[5].err, callback.ErrConflict):
		t.Errorf("second V1: %v, want a conflict", outs[5].err)
	}
	for id, want := range map[string]bool{"V1": true, "V2": false, "V3": false, "V4": false, "V5": true} {
		if got := holds(t, b.store, id); got != want {
			t.Errorf("%s stored: %v, want %v", id, got, want)
		}
	}
}

// A transaction SQLite abandons (as after a full disk) takes no job with it
// silently: the jobs it held and those not yet run are answered
// unavailable, and nothing of the batch is kept.
func TestAnAbandonedBatchFailsEveryJobItHeld(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	batch := []*job{
		insertJob(ctx, "V1", nil),
		insertJob(ctx, "V2", func(t callback.Tx) error {
			// What SQLite does on SQLITE_FULL: the whole transaction is gone.
			_, err := t.(*tx).tx.ExecContext(ctx, "ROLLBACK")
			return err
		}),
		insertJob(ctx, "V3", nil),
	}
	b.store.runBatch(batch)
	for i, j := range batch {
		if out := <-j.done; !errors.Is(out.err, callback.ErrUnavailable) {
			t.Errorf("job %d: %v, want unavailable", i+1, out.err)
		}
	}
	for _, id := range []string{"V1", "V2", "V3"} {
		if holds(t, b.store, id) {
			t.Errorf("%s was kept from an abandoned transaction", id)
		}
	}
	if err := b.store.InTx(ctx, insertJob(ctx, "V4", nil).fn); err != nil {
		t.Fatalf("the store after an abandoned batch: %v", err)
	}
}

// Under concurrency every InTx that answered nil is stored, and each that
// answered an error is not.
func TestConcurrentTransactionsShareCommits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const n = 200
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := t.Context()
			var then func(callback.Tx) error
			if i%10 == 0 {
				then = func(callback.Tx) error { return fmt.Errorf("job %d refused", i) }
			}
			errs[i] = b.store.InTx(ctx, insertJob(ctx, fmt.Sprintf("V%03d", i), then).fn)
		}()
	}
	wg.Wait()
	commits := b.store.commits.Load()
	for i, err := range errs {
		want := i%10 != 0
		if (err == nil) != want {
			t.Errorf("job %d: %v", i, err)
		}
		if got := holds(t, b.store, fmt.Sprintf("V%03d", i)); got != want {
			t.Errorf("job %d stored: %v, want %v", i, got, want)
		}
	}
	// How many batches formed depends on how long an fsync takes here (on
	// tmpfs, none): BenchmarkInTxInsertParallel measures it; this only says.
	t.Logf("%d commits for %d jobs", commits, n)
}
