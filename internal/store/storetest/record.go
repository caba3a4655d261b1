package storetest

import (
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
)

// testRecord covers RecordAppend, RecordList and RecordFind.
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

	t.Run("FixtureSetsEveryField", func(t *testing.T) {
		t.Parallel()
		requireEveryFieldSet(t, *record("V1", 1, callback.StateInboundTreatment, callback.StatePendingCallback, callback.EvRequestContact), "Seq")
	})

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

	testRecordFind(t, setup, appendAll)
}

// recordFindFixture are records of the interactions V1, V2 (both inserted
// by testRecord's setup) and V3, in append order. V1 moved from Q1 to Q2:
// the records keep the queue of their time, and RecordFind filters on it.
// At does not follow append order (record 3 is older than record 2), and
// record 5 has no time.
func recordFindFixture() []*callback.Record {
	mk := func(id, tenant, queue string, at time.Duration) *callback.Record {
		r := record(id, int(at/time.Second), callback.StatePendingCallback, callback.StatePendingCallback, callback.EvUpdate)
		r.Tenant, r.Queue = tenant, queue
		r.At = t0.Add(at)
		if at == 0 {
			r.At = time.Time{}
		}
		return r
	}
	return []*callback.Record{
		mk("V1", "T1", "Q1", 10*time.Second),
		mk("V2", "T1", "Q2", 20*time.Second),
		mk("V1", "T1", "Q1", 30*time.Second),
		mk("V3", "T2", "Q1", 25*time.Second),
		mk("V1", "T1", "Q2", 40*time.Second),
		mk("V2", "T1", "Q2", 0),
		mk("V3", "T2", "Q1", 50*time.Second),
	}
}

func testRecordFind(t *testing.T, setup func(t *testing.T) *testBundle, appendAll func(t *testing.T, b *testBundle, rs ...*callback.Record)) {
	// seed inserts V3, moves V1 to T1/Q2, V2 to T1/Q2 and V3 to T2/Q1 (the
	// interactions' current places), and appends recordFindFixture.
	seed := func(t *testing.T, b *testBundle) []*callback.Record {
		t.Helper()
		insert(t, b, sparse("V3"))
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			for id, place := range map[string][2]string{"V1": {"T1", "Q2"}, "V2": {"T1", "Q2"}, "V3": {"T2", "Q1"}} {
				it, err := tx.InteractionGet(b.ctx, id)
				if err != nil {
					return err
				}
				it.Tenant, it.Queue = place[0], place[1]
				if err := tx.InteractionUpdate(b.ctx, it); err != nil {
					return err
				}
			}
			return nil
		})
		rs := recordFindFixture()
		appendAll(t, b, rs...)
		return rs
	}
	find := func(t *testing.T, b *testBundle, p *callback.RecordFindParams) []callback.Record {
		t.Helper()
		var out []callback.Record
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			out, err = tx.RecordFind(b.ctx, p)
			return err
		})
		return out
	}
	// pick is the records of rs at indexes, by value.
	pick := func(rs []*callback.Record, indexes ...int) []callback.Record {
		out := []callback.Record{}
		for _, i := range indexes {
			out = append(out, *rs[i])
		}
		return out
	}

	t.Run("FindParamsAreCovered", func(t *testing.T) {
		t.Parallel()
		requireFields[callback.RecordFindParams](t, "Tenant", "Queue", "Since", "AfterSeq", "Limit")
	})

	t.Run("Find", func(t *testing.T) {
		t.Parallel()
		at := func(d time.Duration) time.Time { return t0.Add(d) }
		for _, c := range []struct {
			name string
			p    callback.RecordFindParams
			// after, when not 0, sets p.AfterSeq to the Seq of record after-1.
			after int
			want  []int
		}{
			{"All", callback.RecordFindParams{}, 0, []int{0, 1, 2, 3, 4, 5, 6}},
			{"Tenant", callback.RecordFindParams{Tenant: "T1"}, 0, []int{0, 1, 2, 4, 5}},
			{"OtherTenant", callback.RecordFindParams{Tenant: "T2"}, 0, []int{3, 6}},
			{"QueueAcrossTenants", callback.RecordFindParams{Queue: "Q1"}, 0, []int{0, 2, 3, 6}},
			{"TenantQueueOfTheTime", callback.RecordFindParams{Tenant: "T1", Queue: "Q1"}, 0, []int{0, 2}},
			{"TenantQueue", callback.RecordFindParams{Tenant: "T1", Queue: "Q2"}, 0, []int{1, 4, 5}},
			{"SinceIsInclusive", callback.RecordFindParams{Since: at(25 * time.Second)}, 0, []int{2, 3, 4, 6}},
			{"SinceJustAfter", callback.RecordFindParams{Since: at(25*time.Second + time.Millisecond)}, 0, []int{2, 4, 6}},
			{"SinceExcludesNoTime", callback.RecordFindParams{Since: at(0)}, 0, []int{0, 1, 2, 3, 4, 6}},
			{"SinceAfterAll", callback.RecordFindParams{Since: at(time.Minute)}, 0, nil},
			{"AfterSeqIsStrict", callback.RecordFindParams{}, 3, []int{3, 4, 5, 6}},
			{"AfterFirst", callback.RecordFindParams{}, 1, []int{1, 2, 3, 4, 5, 6}},
			{"AfterLast", callback.RecordFindParams{}, 7, nil},
			{"Limit", callback.RecordFindParams{Limit: 3}, 0, []int{0, 1, 2}},
			{"LimitAboveCount", callback.RecordFindParams{Limit: 50}, 0, []int{0, 1, 2, 3, 4, 5, 6}},
			{"TenantSince", callback.RecordFindParams{Tenant: "T1", Since: at(20 * time.Second)}, 0, []int{1, 2, 4}},
			{"TenantAfterSeqLimit", callback.RecordFindParams{Tenant: "T1", Limit: 2}, 2, []int{2, 4}},
			{"QueueSinceAfterSeq", callback.RecordFindParams{Queue: "Q2", Since: at(30 * time.Second)}, 2, []int{4}},
			{"SinceLimit", callback.RecordFindParams{Since: at(20 * time.Second), Limit: 3}, 0, []int{1, 2, 3}},
			{"EveryFilter", callback.RecordFindParams{Tenant: "T1", Queue: "Q2", Since: at(20 * time.Second), Limit: 1}, 1, []int{1}},
			{"NoTenant", callback.RecordFindParams{Tenant: "T9"}, 0, nil},
			{"FiltersAreAnded", callback.RecordFindParams{Tenant: "T2", Queue: "Q2"}, 0, nil},
			{"TenantIsCaseSensitive", callback.RecordFindParams{Tenant: "t1"}, 0, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				rs := seed(t, b)
				p := c.p
				if c.after != 0 {
					p.AfterSeq = rs[c.after-1].Seq
				}
				requireRecords(t, b.prec, find(t, b, &p), pick(rs, c.want...))
			})
		}
	})

	t.Run("FindPagesThroughEverything", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		rs := seed(t, b)
		for _, c := range []struct {
			p    callback.RecordFindParams
			want []int
		}{
			{callback.RecordFindParams{Limit: 2}, []int{0, 1, 2, 3, 4, 5, 6}},
			{callback.RecordFindParams{Tenant: "T1", Limit: 2}, []int{0, 1, 2, 4, 5}},
			{callback.RecordFindParams{Queue: "Q1", Since: t0, Limit: 1}, []int{0, 2, 3, 6}},
		} {
			var got []callback.Record
			p := c.p
			for pages := 0; ; pages++ {
				if pages > len(rs) {
					t.Fatalf("paging %+v does not end", c.p)
				}
				page := find(t, b, &p)
				if len(page) == 0 {
					break
				}
				if len(page) > p.Limit {
					t.Fatalf("a page of %d records, over the limit %d", len(page), p.Limit)
				}
				got = append(got, page...)
				p.AfterSeq = page[len(page)-1].Seq
			}
			requireRecords(t, b.prec, got, pick(rs, c.want...))
		}
	})

	t.Run("FindEmptyStore", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		if got := find(t, b, &callback.RecordFindParams{}); len(got) != 0 {
			t.Fatalf("records %+v, want none", got)
		}
	})

	t.Run("FindSeesTheTxsOwnAppends", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		rs := seed(t, b)
		r := record("V2", 9, callback.StatePendingCallback, callback.StateLaunched, callback.EvLaunch)
		r.Tenant, r.Queue = "T2", "Q1"
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			if err := tx.RecordAppend(b.ctx, r); err != nil {
				return err
			}
			got, err := tx.RecordFind(b.ctx, &callback.RecordFindParams{Tenant: "T2"})
			if err != nil {
				return err
			}
			requireRecords(t, b.prec, got, append(pick(rs, 3, 6), *r))
			return nil
		})
	})
}
