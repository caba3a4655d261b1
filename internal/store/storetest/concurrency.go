package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/holdline/holdline/internal/callback"
)

// testConcurrency covers many goroutines sharing one store: every
// transaction succeeds (the engine waits for locks, it does not fail), and
// none loses another's write.
func testConcurrency(t *testing.T, h Harness) {
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		return newBundle(t, h)
	}

	t.Run("SequenceAndInsertHaveNoGapsNoDuplicates", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		const workers, perWorker = 20, 25
		values := make(chan int64, workers*perWorker)
		errs := make(chan error, workers*perWorker)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range perWorker {
					var v int64
					err := b.store.InTx(b.ctx, func(tx callback.Tx) (err error) {
						if v, err = tx.SequenceNext(b.ctx, "id"); err != nil {
							return err
						}
						it := sparse(fmt.Sprintf("V%06d", v))
						it.ClientID = fmt.Sprintf("w%d-%d", w, i)
						return tx.InteractionInsert(b.ctx, it)
					})
					if err != nil {
						errs <- fmt.Errorf("worker %d tx %d: %w", w, i, err)
						continue
					}
					values <- v
				}
			})
		}
		wg.Wait()
		close(values)
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		seen := map[int64]bool{}
		for v := range values {
			if seen[v] {
				t.Fatalf("value %d handed out twice", v)
			}
			seen[v] = true
		}
		for v := int64(1); v <= workers*perWorker; v++ {
			if !seen[v] {
				t.Fatalf("value %d missing: %d values for %d transactions", v, len(seen), workers*perWorker)
			}
		}
		var its []*callback.Interaction
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			its, err = tx.InteractionFind(b.ctx, &callback.InteractionFindParams{})
			return err
		})
		if len(its) != workers*perWorker {
			t.Fatalf("%d interactions stored, want %d", len(its), workers*perWorker)
		}
	})

	t.Run("ReadModifyWriteLosesNoUpdate", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		const workers, perWorker = 10, 20
		insert(t, b, sparse("V1"))
		errs := make(chan error, workers*perWorker)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range perWorker {
					err := b.store.InTx(b.ctx, func(tx callback.Tx) error {
						it, err := tx.InteractionGet(b.ctx, "V1")
						if err != nil {
							return err
						}
						it.Attempts.Total++
						from := it.State
						if err := tx.InteractionUpdate(b.ctx, it); err != nil {
							return err
						}
						return tx.RecordAppend(b.ctx, record("V1", i, from, it.State, callback.EvAttemptRetry))
					})
					if err != nil {
						errs <- fmt.Errorf("worker %d tx %d: %w", w, i, err)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		got := get(t, b, "V1")
		if got.Attempts.Total != workers*perWorker || got.Version != workers*perWorker+1 {
			t.Fatalf("total %d version %d, want %d and %d: an update was lost",
				got.Attempts.Total, got.Version, workers*perWorker, workers*perWorker+1)
		}
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			rs, err := tx.RecordList(b.ctx, "V1")
			if err != nil {
				return err
			}
			if len(rs) != workers*perWorker {
				t.Errorf("%d records, want %d", len(rs), workers*perWorker)
			}
			for i := 1; i < len(rs); i++ {
				if rs[i].Seq <= rs[i-1].Seq {
					t.Fatalf("record seqs not increasing at %d: %d then %d", i, rs[i-1].Seq, rs[i].Seq)
				}
			}
			return nil
		})
	})

	t.Run("DuplicateExternalIDRefusedUnderConcurrency", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		const workers = 12
		results := make(chan error, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				it := sparse(fmt.Sprintf("V%02d", w))
				it.ExternalTrackingID = "ACD-1"
				results <- b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.InteractionInsert(b.ctx, it) })
			})
		}
		wg.Wait()
		close(results)
		won := 0
		for err := range results {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, callback.ErrConflict):
				t.Errorf("insert error = %v, want nil or ErrConflict", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d inserts of a non-final ACD-1 succeeded, want exactly 1", won)
		}
	})
}
