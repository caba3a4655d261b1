package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
)

// testView: read-only transactions see what was committed, write nothing,
// and neither wait for a running write nor make it wait.
func testView(t *testing.T, h Harness) {
	t.Run("SeesWhatWasCommitted", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t, h)
		insert(t, b, sparse("V1"))
		err := b.store.View(b.ctx, func(tx callback.Tx) error {
			it, err := tx.InteractionGet(b.ctx, "V1")
			if err == nil && it.ID != "V1" {
				t.Errorf("read %s", it.ID)
			}
			return err
		})
		if err != nil {
			t.Fatalf("View: %v", err)
		}
	})

	t.Run("WritesNothing", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t, h)
		err := b.store.View(b.ctx, func(tx callback.Tx) error { return tx.InteractionInsert(b.ctx, sparse("V1")) })
		if err == nil {
			t.Fatal("a write inside View succeeded")
		}
		err = b.store.InTx(b.ctx, func(tx callback.Tx) error {
			_, err := tx.InteractionGet(b.ctx, "V1")
			return err
		})
		requireErrorIs(t, err, callback.ErrNotFound)
		insert(t, b, sparse("V1"))
	})

	t.Run("DoesNotWaitForAWrite", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t, h)
		insert(t, b, sparse("V1"))
		// A write holds the writer until a read has finished beside it; if
		// the read waited for the write, neither would end (the deadline
		// says so instead of hanging).
		ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
		defer cancel()
		read := make(chan error, 1)
		err := b.store.InTx(ctx, func(tx callback.Tx) error {
			if err := tx.InteractionInsert(ctx, sparse("V2")); err != nil {
				return err
			}
			go func() {
				read <- b.store.View(ctx, func(tx callback.Tx) error {
					// The write in progress is not visible; the last commit is.
					if _, err := tx.InteractionGet(ctx, "V2"); !errors.Is(err, callback.ErrNotFound) {
						t.Errorf("a read saw an uncommitted write: %v", err)
					}
					_, err := tx.InteractionGet(ctx, "V1")
					return err
				})
			}()
			select {
			case err := <-read:
				return err
			case <-ctx.Done():
				return errors.New("the read waited for the write")
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
