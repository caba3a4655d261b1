package storetest

import (
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
)

// testRecord covers RecordAppend and RecordList.
func testRecord(t *testing.T, h Harness) {
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		b := newBundle(t, h)
		insert(t, b, sparse("V1"), sparse("V2"))
		return b
	}
	list := func(t *testing.T, b *testBundle, id string) []callback.Record {
		t.Helper()
		var out []callback.Record
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			out, err = tx.RecordList(b.ctx, id)
			return err
		})
		return out
	}
	appendAll := func(t *testing.T, b *testBundle, rs ...*callback.Record) {
		t.Helper()
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			for _, r := range rs {
				if err := tx.RecordAppend(b.ctx, r); err != nil {
					return err
				}
			}
			return nil
		})
	}

	t.Run("AppendAssignsIncreasingSeqAndListKeepsOrder", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		r1 := record("V1", 1, callback.StateNone, callback.StateInboundTreatment, callback.EvCreate)
		r2 := record("V2", 2, callback.StateNone, callback.StatePendingCallback, callback.EvAdd)
		r3 := record("V1", 3, callback.StateInboundTreatment, callback.StatePendingCallback, callback.EvRequestContact)
		r4 := record("V1", 4, callback.StatePendingCallback, callback.StatePendingCallback, callback.EvUpdate)
		r4.At = time.Time{} // a zero time round-trips as zero
		r4.Reason, r4.Detail = "", ""
		appendAll(t, b, r1, r2)
		appendAll(t, b, r3)
		appendAll(t, b, r4)

		seqs := []int64{r1.Seq, r2.Seq, r3.Seq, r4.Seq}
		for i, s := range seqs {
			if s <= 0 || (i > 0 && s <= seqs[i-1]) {
				t.Fatalf("seqs in append order = %v, want positive and strictly increasing", seqs)
			}
		}
		requireRecords(t, b.prec, list(t, b, "V1"), []callback.Record{*r1, *r3, *r4})
		requireRecords(t, b.prec, list(t, b, "V2"), []callback.Record{*r2})
	})

	t.Run("ListIsReadBackInUTC", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		r := record("V1", 1, callback.StateNone, callback.StateInboundTreatment, callback.EvCreate)
		appendAll(t, b, r)
		got := list(t, b, "V1")
		if len(got) != 1 || got[0].At.Location() != time.UTC || got[0].At.Sub(r.At).Abs() >= b.prec {
			t.Fatalf("records = %+v, want one at %s in UTC", got, r.At.UTC())
		}
	})

	t.Run("ListWithoutRecordsIsEmpty", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		appendAll(t, b, record("V1", 1, callback.StateNone, callback.StateInboundTreatment, callback.EvCreate))
		if got := list(t, b, "V2"); len(got) != 0 {
			t.Fatalf("V2 has records %+v, want none", got)
		}
		if got := list(t, b, "V3"); len(got) != 0 {
			t.Fatalf("unknown V3 has records %+v, want none", got)
		}
	})

	t.Run("AppendForMissingInteractionIsNotFound", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		r := record("V3", 1, callback.StateNone, callback.StateInboundTreatment, callback.EvCreate)
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.RecordAppend(b.ctx, r) })
		requireErrorIs(t, err, callback.ErrNotFound)
		if got := list(t, b, "V3"); len(got) != 0 {
			t.Fatalf("V3 has records %+v, want none", got)
		}
	})

	t.Run("AppendInTheTxThatInserts", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		it := sparse("V3")
		r := record("V3", 1, callback.StateNone, callback.StateInboundTreatment, callback.EvCreate)
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			if err := tx.InteractionInsert(b.ctx, it); err != nil {
				return err
			}
			if err := tx.RecordAppend(b.ctx, r); err != nil {
				return err
			}
			got, err := tx.RecordList(b.ctx, "V3")
			if err != nil {
				return err
			}
			if len(got) != 1 || got[0].Seq != r.Seq {
				t.Errorf("inside the tx: records %+v, want the one appended (seq %d)", got, r.Seq)
			}
			return nil
		})
		requireRecords(t, b.prec, list(t, b, "V3"), []callback.Record{*r})
	})
}
