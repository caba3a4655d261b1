package sqlitestore

import (
	"context"
	"errors"
	"testing"

	"github.com/holdline/holdline/internal/callback"
)

// seqJob takes n values of name and then ends with end (nil: commits).
func seqJob(ctx context.Context, name string, n int, got *[]int64, end error) *job {
	return &job{ctx: ctx, done: make(chan outcome, 1), fn: func(tx callback.Tx) error {
		for range n {
			v, err := tx.SequenceNext(ctx, name)
			if err != nil {
				return err
			}
			*got = append(*got, v)
		}
		return end
	}}
}

// nextValue takes one value of name in a transaction of its own.
func nextValue(t *testing.T, s *Store, name string) int64 {
	t.Helper()
	var v int64
	err := s.InTx(t.Context(), func(tx callback.Tx) error {
		var err error
		v, err = tx.SequenceNext(t.Context(), name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// In one batch the jobs take values one after the other; a job rolled back
// gives its values back to the next, and the row is written once with what
// the committed jobs took.
func TestABatchsSequenceValuesFollowItsJobs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	refused := errors.New("refused")
	var a, r, c, other []int64
	batch := []*job{
		seqJob(ctx, "id", 2, &a, nil),
		seqJob(ctx, "id", 3, &r, refused),
		seqJob(ctx, "id", 1, &c, nil),
		seqJob(ctx, "other", 1, &other, nil),
	}
	b.store.runBatch(batch)
	for i, j := range batch {
		if out := <-j.done; i == 1 != errors.Is(out.err, refused) {
			t.Fatalf("job %d: %v", i+1, out.err)
		}
	}
	want := [][]int64{{1, 2}, {3, 4, 5}, {3}, {1}}
	for i, got := range [][]int64{a, r, c, other} {
		if len(got) != len(want[i]) || got[len(got)-1] != want[i][len(want[i])-1] {
			t.Errorf("job %d took %v, want %v", i+1, got, want[i])
		}
	}
	if got := nextValue(t, b.store, "id"); got != 4 {
		t.Errorf("after the batch: %d, want 4", got)
	}
	if got := nextValue(t, b.store, "other"); got != 2 {
		t.Errorf("other after the batch: %d, want 2", got)
	}
}

// A batch that cannot commit keeps none of its values.
func TestAnAbandonedBatchGivesItsSequenceValuesBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	if got := nextValue(t, b.store, "id"); got != 1 {
		t.Fatalf("first value %d", got)
	}
	var a []int64
	batch := []*job{
		seqJob(ctx, "id", 2, &a, nil),
		{ctx: ctx, done: make(chan outcome, 1), fn: func(t callback.Tx) error {
			_, err := t.(*tx).tx.ExecContext(ctx, "ROLLBACK") // as SQLite does on SQLITE_FULL
			return err
		}},
	}
	b.store.runBatch(batch)
	for _, j := range batch {
		<-j.done
	}
	if got := nextValue(t, b.store, "id"); got != 2 {
		t.Errorf("after the abandoned batch: %d, want 2", got)
	}
}

// Another connection writing the same file (a second store on it) moves
// the sequence: the committer reads it again rather than give a value twice.
func TestSequencesFollowAnotherWriter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := mustOpen(t, b.path)
	for i, s := range []*Store{b.store, b.store, other, b.store, other, other, b.store} {
		if got := nextValue(t, s, "id"); got != int64(i+1) {
			t.Fatalf("value %d: %d from store %p", i+1, got, s)
		}
	}
}
