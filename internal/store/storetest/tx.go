package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/holdline/holdline/internal/callback"
)

// errRollback is what the tests' fn returns to ask for a rollback.
var errRollback = errors.New("storetest: roll back")

// testTx covers InTx: commit, rollback on error and on panic, the context,
// and durability across a reopen. Every rollback test writes an interaction,
// a record, a launch, a queue mode and a sequence value, and requires that
// none of them is left.
func testTx(t *testing.T, h Harness) {
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		return newBundle(t, h)
	}
	// writeAll inserts it, appends a record to it, inserts a launch of it,
	// sets its queue's mode and takes a value of the "id" sequence, in tx.
	writeAll := func(ctx context.Context, tx callback.Tx, it *callback.Interaction) error {
		if err := tx.InteractionInsert(ctx, it); err != nil {
			return err
		}
		if err := tx.RecordAppend(ctx, record(it.ID, 1, callback.StateNone, it.State, callback.EvCreate)); err != nil {
			return err
		}
		if err := tx.LaunchInsert(ctx, launch(it.ID, 1, 0)); err != nil {
			return err
		}
		if err := tx.QueueModeSet(ctx, fullMode(it.Tenant, it.Queue)); err != nil {
			return err
		}
		_, err := tx.SequenceNext(ctx, "id")
		return err
	}
	// requireNoTrace fails unless interaction id, its records, its launches,
	// any queue mode and the "id" sequence were never written (the
	// sequence's next value is 1).
	requireNoTrace := func(t *testing.T, b *testBundle, id string) {
		t.Helper()
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error {
			_, err := tx.InteractionGet(b.ctx, id)
			return err
		})
		requireErrorIs(t, err, callback.ErrNotFound)
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			rs, err := tx.RecordList(b.ctx, id)
			if err != nil {
				return err
			}
			if len(rs) != 0 {
				t.Errorf("records %+v survived the rollback", rs)
			}
			ls, err := tx.LaunchFind(b.ctx, &callback.LaunchFindParams{})
			if err != nil {
				return err
			}
			if len(ls) != 0 {
				t.Errorf("launches %s survived the rollback", launchKeys(ls))
			}
			ms, err := tx.QueueModeList(b.ctx)
			if err != nil {
				return err
			}
			if len(ms) != 0 {
				t.Errorf("mode overrides %+v survived the rollback", ms)
			}
			v, err := tx.SequenceNext(b.ctx, "id")
			if err != nil {
				return err
			}
			if v != 1 {
				t.Errorf("sequence next = %d, want 1: the rolled-back value must be taken back", v)
			}
			return nil
		})
	}

	t.Run("CommitOnNil", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error { return writeAll(b.ctx, tx, sparse("V1")) })
		get(t, b, "V1")
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			rs, err := tx.RecordList(b.ctx, "V1")
			if err != nil {
				return err
			}
			v, err := tx.SequenceNext(b.ctx, "id")
			if err != nil {
				return err
			}
			if len(rs) != 1 || v != 2 {
				t.Errorf("after commit: %d records and next value %d, want 1 and 2", len(rs), v)
			}
			ls, err := tx.LaunchFind(b.ctx, &callback.LaunchFindParams{InteractionID: "V1"})
			if err != nil {
				return err
			}
			if len(ls) != 1 {
				t.Errorf("after commit: launches %s, want V1/1", launchKeys(ls))
			}
			if _, err := tx.QueueModeGet(b.ctx, callback.QueueKey{Tenant: "VHTLab", Queue: "Sales Queue"}); err != nil {
				t.Errorf("after commit: queue mode: %v", err)
			}
			return nil
		})
	})

	t.Run("ReadsSeeTheTxsOwnWrites", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			if err := tx.InteractionInsert(b.ctx, sparse("V1")); err != nil {
				return err
			}
			if _, err := tx.InteractionGet(b.ctx, "V1"); err != nil {
				t.Errorf("Get inside the inserting tx: %v", err)
			}
			its, err := tx.InteractionFind(b.ctx, &callback.InteractionFindParams{Tenant: "VHTLab"})
			if err != nil {
				return err
			}
			requireIDs(t, its, "V1")
			return nil
		})
	})

	t.Run("RollbackOnErrorLeavesNoTrace", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error {
			if err := writeAll(b.ctx, tx, sparse("V1")); err != nil {
				return err
			}
			return errRollback
		})
		requireErrorIs(t, err, errRollback)
		requireNoTrace(t, b, "V1")
	})

	t.Run("RollbackOnStoreErrorLeavesNoTrace", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		insert(t, b, sparse("V0"))
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error {
			if err := writeAll(b.ctx, tx, sparse("V1")); err != nil {
				return err
			}
			return tx.InteractionInsert(b.ctx, sparse("V0")) // duplicate id
		})
		requireErrorIs(t, err, callback.ErrConflict)
		requireNoTrace(t, b, "V1")
	})

	t.Run("PanicRollsBackAndRepanics", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		type boom struct{ n int }
		recovered := func() (r any) {
			defer func() { r = recover() }()
			_ = b.store.InTx(b.ctx, func(tx callback.Tx) error {
				if err := writeAll(b.ctx, tx, sparse("V1")); err != nil {
					return err
				}
				panic(boom{42})
			})
			return nil
		}()
		if recovered != (boom{42}) {
			t.Fatalf("recovered %v, want the panic value boom{42}", recovered)
		}
		// The store is usable afterwards (the transaction was released) and
		// nothing of the panicking one is left.
		requireNoTrace(t, b, "V1")
		insert(t, b, sparse("V2"))
	})

	t.Run("CancelledContextCommitsNothing", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ctx, cancel := context.WithCancel(b.ctx)
		cancel()
		err := b.store.InTx(ctx, func(tx callback.Tx) error { return writeAll(ctx, tx, sparse("V1")) })
		requireErrorIs(t, err, context.Canceled)
		requireNoTrace(t, b, "V1")
	})

	t.Run("ContextCancelledInsideTxCommitsNothing", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ctx, cancel := context.WithCancel(b.ctx)
		err := b.store.InTx(ctx, func(tx callback.Tx) error {
			if err := writeAll(ctx, tx, sparse("V1")); err != nil {
				return err
			}
			cancel()
			return nil
		})
		requireErrorIs(t, err, context.Canceled)
		requireNoTrace(t, b, "V1")
		insert(t, b, sparse("V2"))
	})

	t.Run("DataSurvivesReopen", func(t *testing.T) {
		t.Parallel()
		if h.Reopen == nil {
			t.Skip("the engine cannot reopen a store")
		}
		b := setup(t)
		it := full("V1")
		r1 := record("V1", 1, callback.StateNone, callback.StatePendingCallback, callback.EvAdd)
		r2 := record("V1", 2, callback.StatePendingCallback, callback.StateLaunched, callback.EvLaunch)
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			if err := tx.InteractionInsert(b.ctx, it); err != nil {
				return err
			}
			for _, r := range []*callback.Record{r1, r2} {
				if err := tx.RecordAppend(b.ctx, r); err != nil {
					return err
				}
			}
			for range 2 {
				if _, err := tx.SequenceNext(b.ctx, "id"); err != nil {
					return err
				}
			}
			return nil
		})
		want := *it

		b.store = h.Reopen(t, b.store)
		requireInteraction(t, b.prec, get(t, b, "V1"), &want)
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			rs, err := tx.RecordList(b.ctx, "V1")
			if err != nil {
				return err
			}
			requireRecords(t, b.prec, rs, []callback.Record{*r1, *r2})
			v, err := tx.SequenceNext(b.ctx, "id")
			if err != nil {
				return err
			}
			if v != 3 {
				t.Errorf("sequence next after reopen = %d, want 3", v)
			}
			r3 := record("V1", 3, callback.StateLaunched, callback.StateOutboundConnected, callback.EvConnected)
			if err := tx.RecordAppend(b.ctx, r3); err != nil {
				return err
			}
			if r3.Seq <= r2.Seq {
				t.Errorf("seq after reopen = %d, want more than %d", r3.Seq, r2.Seq)
			}
			return nil
		})
		// The uniqueness rules hold after a reopen too.
		dup := sparse("V2")
		dup.ExternalTrackingID = it.ExternalTrackingID
		dup.Tenant = it.Tenant
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.InteractionInsert(b.ctx, dup) })
		requireErrorIs(t, err, callback.ErrConflict)
	})
}
