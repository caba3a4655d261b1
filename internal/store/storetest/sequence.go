package storetest

import (
	"reflect"
	"testing"

	"github.com/holdline/holdline/internal/callback"
)

// testSequence covers SequenceNext.
func testSequence(t *testing.T, h Harness) {
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		return newBundle(t, h)
	}
	// next takes one value of each name, each in its own transaction.
	next := func(t *testing.T, b *testBundle, names ...string) []int64 {
		t.Helper()
		var out []int64
		for _, name := range names {
			inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
				v, err := tx.SequenceNext(b.ctx, name)
				out = append(out, v)
				return err
			})
		}
		return out
	}

	t.Run("StartsAtOneAndIncrements", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		if got, want := next(t, b, "id", "id", "id"), []int64{1, 2, 3}; !reflect.DeepEqual(got, want) {
			t.Fatalf("values = %v, want %v", got, want)
		}
	})

	t.Run("NamesAreIndependent", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		got := next(t, b, "node-1", "node-1", "node-2", "node-1", "node-2", "Node-1")
		if want := []int64{1, 2, 1, 3, 2, 1}; !reflect.DeepEqual(got, want) {
			t.Fatalf("values = %v, want %v", got, want)
		}
	})

	t.Run("SeveralInOneTx", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var got []int64
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			for range 4 {
				v, err := tx.SequenceNext(b.ctx, "id")
				if err != nil {
					return err
				}
				got = append(got, v)
			}
			return nil
		})
		got = append(got, next(t, b, "id")...)
		if want := []int64{1, 2, 3, 4, 5}; !reflect.DeepEqual(got, want) {
			t.Fatalf("values = %v, want %v", got, want)
		}
	})
}
