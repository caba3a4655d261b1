package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/userdata"
)

// testInteraction covers InteractionGet, InteractionInsert,
// InteractionUpdate, InteractionGetByExternalID, InteractionFind and
// InteractionCountByState.
func testInteraction(t *testing.T, h Harness) {
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		return newBundle(t, h)
	}

	t.Run("FixtureSetsEveryField", func(t *testing.T) {
		t.Parallel()
		requireEveryFieldSet(t, *full("V1"))
	})

	t.Run("FindParamsAreCovered", func(t *testing.T) {
		t.Parallel()
		requireFields[callback.InteractionFindParams](t, "Tenant", "Segment", "Queue", "Contact",
			"States", "Types", "SourceApplications", "CreatedBefore", "CreatedSince", "Limit", "ByPlace", "After", "Before", "AppointmentBy")
	})

	t.Run("InsertGetRoundTripsEveryField", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		want := full("V1")
		it := full("V1")
		insert(t, b, it)
		if it.Version != 1 {
			t.Fatalf("Version after insert = %d, want 1", it.Version)
		}
		want.Version = 1
		requireInteraction(t, b.prec, get(t, b, "V1"), want)
	})

	t.Run("InsertGetRoundTripsZeroValues", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		insert(t, b, sparse("V1"))
		want := sparse("V1")
		want.Version = 1
		got := get(t, b, "V1")
		requireInteraction(t, b.prec, got, want)
		for name, tm := range map[string]time.Time{"AppointmentTime": got.AppointmentTime, "QueuedAt": got.QueuedAt, "DueAt": got.DueAt} {
			if !tm.IsZero() {
				t.Errorf("%s = %s, want the zero time", name, tm)
			}
		}
		if got.Attempts.Total != 0 || len(got.Attempts.ByReason) != 0 || len(got.UserData) != 0 {
			t.Errorf("attempts %+v and user data %s, want none", got.Attempts, got.UserData)
		}
	})

	t.Run("TimesAreUTCWithinPrecision", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		it := sparse("V1")
		// The Unix epoch is a real instant, not "no time"; a monotonic
		// reading and a zone other than UTC must not matter.
		it.QueuedAt = time.Unix(0, 0).In(paris)
		it.DueAt = time.Now()
		it.AppointmentTime = time.Date(2026, time.December, 31, 23, 59, 59, 999_999_999, paris)
		it.CreatedAt = time.Date(1999, time.January, 1, 0, 0, 0, 1, time.UTC)
		it.UpdatedAt = time.Date(2099, time.June, 30, 12, 0, 0, 500, paris)
		want := *it
		insert(t, b, it)
		want.Version = 1
		got := get(t, b, "V1")
		requireInteraction(t, b.prec, got, &want)
		// The same truncation every time the value is read.
		again := get(t, b, "V1")
		if !again.AppointmentTime.Equal(got.AppointmentTime) || !again.DueAt.Equal(got.DueAt) {
			t.Fatalf("two reads differ: %s/%s then %s/%s", got.AppointmentTime, got.DueAt, again.AppointmentTime, again.DueAt)
		}
	})

	// Data accepted once is read back whatever the limits of today: before
	// userdata.MaxKeys, an interaction could hold about 2,600 keys.
	t.Run("UserDataBeyondTodaysKeyLimitIsReadBack", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		it := sparse("V1")
		for i := range 2*userdata.MaxKeys + 600 {
			it.UserData = append(it.UserData, userdata.P(fmt.Sprintf("k%d", i), userdata.Str("")))
		}
		insert(t, b, it)
		if got := get(t, b, "V1").UserData; !equalUserData(got, it.UserData) {
			t.Fatalf("user data of %d keys read back as %d keys", len(it.UserData), len(got))
		}
	})

	t.Run("UserDataKeepsOrderKindsAndNesting", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		it := sparse("V1")
		it.UserData = full("V1").UserData
		insert(t, b, it)
		got := get(t, b, "V1").UserData
		if !equalUserData(got, it.UserData) {
			t.Fatalf("user data = %s, want %s", got, it.UserData)
		}
		v, ok := got.Get("account")
		if !ok || v.Kind != userdata.ListKind {
			t.Fatalf("account = %+v, want a list", v)
		}
		leaf, _ := v.List.Get("deep")
		deeper, _ := leaf.List.Get("deeper")
		if l, _ := deeper.List.Get("leaf"); l.Kind != userdata.Binary || string(l.Bin) != "leaf" {
			t.Fatalf("deep/deeper/leaf = %+v, want binary \"leaf\"", l)
		}
		if m, _ := got.Get("min"); m.Kind != userdata.Integer || m.Int != -1<<63 {
			t.Fatalf("min = %+v, want integer %d", m, int64(-1<<63))
		}
	})

	t.Run("GetMissingIsNotFound", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		insert(t, b, sparse("V1"))
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error {
			_, err := tx.InteractionGet(b.ctx, "V2")
			return err
		})
		requireErrorIs(t, err, callback.ErrNotFound)
	})

	t.Run("InsertDuplicateIDIsConflict", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		insert(t, b, full("V1"))
		dup := sparse("V1")
		dup.Tenant = "Portree"
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.InteractionInsert(b.ctx, dup) })
		requireErrorIs(t, err, callback.ErrConflict)
		if got := get(t, b, "V1"); got.Tenant != "VHTLab" {
			t.Fatalf("tenant = %q after a refused duplicate, want the first %q", got.Tenant, "VHTLab")
		}
	})

	t.Run("ExternalIDUniqueAmongNonFinalOfTenant", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		holder := sparse("V1")
		holder.ExternalTrackingID = "ACD-1"
		insert(t, b, holder)

		dup := sparse("V2")
		dup.ExternalTrackingID = "ACD-1"
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.InteractionInsert(b.ctx, dup) })
		requireErrorIs(t, err, callback.ErrConflict)

		other := sparse("V3")
		other.Tenant = "Portree"
		other.ExternalTrackingID = "ACD-1"
		insert(t, b, other)

		// No tracking id is not a tracking id: any number may lack one.
		insert(t, b, sparse("V4"), sparse("V5"))
	})

	t.Run("ExternalIDFreeOnceHolderIsFinal", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		finalHolder := sparse("V1")
		finalHolder.ExternalTrackingID = "ACD-1"
		finalHolder.State = callback.StateCompleteHold
		holder := sparse("V2")
		holder.ExternalTrackingID = "ACD-1"
		insert(t, b, finalHolder, holder)

		holder.State = callback.StateCancelled
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error { return tx.InteractionUpdate(b.ctx, holder) })
		next := sparse("V3")
		next.ExternalTrackingID = "ACD-1"
		insert(t, b, next)

		again := sparse("V4")
		again.ExternalTrackingID = "ACD-1"
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.InteractionInsert(b.ctx, again) })
		requireErrorIs(t, err, callback.ErrConflict)
	})

	t.Run("UpdateToHeldExternalIDIsConflict", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		holder := sparse("V1")
		holder.ExternalTrackingID = "ACD-1"
		other := sparse("V2")
		insert(t, b, holder, other)

		other.ExternalTrackingID = "ACD-1"
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.InteractionUpdate(b.ctx, other) })
		requireErrorIs(t, err, callback.ErrConflict)
		if got := get(t, b, "V2"); got.ExternalTrackingID != "" || got.Version != 1 {
			t.Fatalf("V2 = tracking id %q version %d, want it unchanged", got.ExternalTrackingID, got.Version)
		}
	})

	t.Run("GetByExternalIDReturnsTheNonFinalOne", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		older := sparse("V1")
		older.ExternalTrackingID = "ACD-1"
		older.State = callback.StateAbandonHold
		older.CreatedAt = t0.Add(-time.Hour)
		live := sparse("V2")
		live.ExternalTrackingID = "ACD-1"
		live.CreatedAt = t0
		newer := sparse("V3")
		newer.ExternalTrackingID = "ACD-1"
		newer.State = callback.StateCompleteCallback
		newer.CreatedAt = t0.Add(time.Hour)
		otherTenant := sparse("V4")
		otherTenant.Tenant = "Portree"
		otherTenant.ExternalTrackingID = "ACD-1"
		onlyFinal := sparse("V5")
		onlyFinal.ExternalTrackingID = "ACD-2"
		onlyFinal.State = callback.StateCancelled
		insert(t, b, older, live, newer, otherTenant, onlyFinal)

		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			got, err := tx.InteractionGetByExternalID(b.ctx, callback.ExternalID{Tenant: "VHTLab", ID: "ACD-1"})
			if err != nil {
				return err
			}
			want := *live
			requireInteraction(t, b.prec, got, &want)
			got, err = tx.InteractionGetByExternalID(b.ctx, callback.ExternalID{Tenant: "Portree", ID: "ACD-1"})
			if err != nil {
				return err
			}
			if got.ID != "V4" {
				t.Errorf("Portree's ACD-1 = %s, want V4", got.ID)
			}
			return nil
		})
		for _, c := range []struct{ tenant, ext string }{
			{"VHTLab", "ACD-2"}, // only a final one holds it
			{"VHTLab", "ACD-3"}, // nobody holds it
			{"VHT", "ACD-1"},    // held in other tenants only
			{"VHTLab", ""},      // no tracking id finds nothing
			{"", "ACD-1"},       // no tenant finds nothing
		} {
			err := b.store.InTx(b.ctx, func(tx callback.Tx) error {
				_, err := tx.InteractionGetByExternalID(b.ctx, callback.ExternalID{Tenant: c.tenant, ID: c.ext})
				return err
			})
			if !errors.Is(err, callback.ErrNotFound) {
				t.Errorf("GetByExternalID(%q, %q) error = %v, want ErrNotFound", c.tenant, c.ext, err)
			}
		}
	})

	t.Run("UpdateStoresEveryFieldAndBumpsVersion", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		insert(t, b, full("V1"))
		it := get(t, b, "V1")
		it.Tenant, it.Segment, it.Queue = "Portree", "VHT_Test", "Other Queue"
		it.Type = callback.TypeASAP
		it.State = callback.StateLaunched
		it.Contact = "+441632960961"
		it.ExternalTrackingID = ""
		it.SourceApplication, it.ClientID = "IVR", "client-43"
		it.AppointmentTime = time.Time{}
		it.QueuedAt = t0.Add(time.Hour + 1)
		it.DueAt = time.Time{}
		it.HoldReason = callback.SendForceHold
		it.Attempts = callback.Attempts{Total: 4, ByReason: map[callback.AttemptFailReason]int{callback.FailTryAgain: 4}}
		it.Result = "CALLINFO_OK"
		it.LinkedID = ""
		it.UserData = userdata.Merge(it.UserData, userdata.List{userdata.P("name", userdata.Int(5)), userdata.P("new", userdata.Str("x"))})
		it.CreatedAt = it.CreatedAt.Add(time.Second)
		it.UpdatedAt = t0.Add(time.Hour)
		want := *it
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error { return tx.InteractionUpdate(b.ctx, it) })
		if it.Version != 2 {
			t.Fatalf("Version after update = %d, want 2", it.Version)
		}
		want.Version = 2
		requireInteraction(t, b.prec, get(t, b, "V1"), &want)
	})

	t.Run("UpdateStaleVersionIsConflict", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		insert(t, b, sparse("V1"))
		first, second := get(t, b, "V1"), get(t, b, "V1")
		first.Result = "first"
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error { return tx.InteractionUpdate(b.ctx, first) })

		second.Result = "second"
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.InteractionUpdate(b.ctx, second) })
		requireErrorIs(t, err, callback.ErrConflict)
		if second.Version != 1 {
			t.Fatalf("Version after a refused update = %d, want it left at 1", second.Version)
		}
		if got := get(t, b, "V1"); got.Result != "first" || got.Version != 2 {
			t.Fatalf("stored result %q version %d, want %q version 2", got.Result, got.Version, "first")
		}
		// A version ahead of the stored one is as stale as one behind.
		ahead := get(t, b, "V1")
		ahead.Version = 5
		err = b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.InteractionUpdate(b.ctx, ahead) })
		requireErrorIs(t, err, callback.ErrConflict)
	})

	t.Run("UpdateMissingIsNotFound", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		insert(t, b, sparse("V1"))
		it := sparse("V2")
		it.Version = 1
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.InteractionUpdate(b.ctx, it) })
		requireErrorIs(t, err, callback.ErrNotFound)
		if it.Version != 1 {
			t.Fatalf("Version after a refused update = %d, want 1", it.Version)
		}
		err = b.store.InTx(b.ctx, func(tx callback.Tx) error {
			_, err := tx.InteractionGet(b.ctx, "V2")
			return err
		})
		requireErrorIs(t, err, callback.ErrNotFound)
	})

	t.Run("UpdateTwiceInOneTx", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		insert(t, b, sparse("V1"))
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			it, err := tx.InteractionGet(b.ctx, "V1")
			if err != nil {
				return err
			}
			for range 2 {
				it.Attempts.Total++
				if err := tx.InteractionUpdate(b.ctx, it); err != nil {
					return err
				}
			}
			again, err := tx.InteractionGet(b.ctx, "V1")
			if err != nil {
				return err
			}
			if again.Version != 3 || again.Attempts.Total != 2 {
				t.Errorf("inside the tx: version %d total %d, want 3 and 2", again.Version, again.Attempts.Total)
			}
			return nil
		})
		if got := get(t, b, "V1"); got.Version != 3 || got.Attempts.Total != 2 {
			t.Fatalf("after commit: version %d total %d, want 3 and 2", got.Version, got.Attempts.Total)
		}
	})

	testInteractionFind(t, setup)
}

// findFixture is a small population with every filter column varied.
// Creation order is A, B, C, then D and E at the same instant (ordered by
// id: E's id sorts first); ids do not sort in creation order, and they are
// inserted in reverse, so neither explains the expected order. Source
// applications differ in case only ("IVR", "ivr") and by being empty (E).
func findFixture() []*callback.Interaction {
	mk := func(id, tenant, segment, queue, contact string, state callback.State, typ callback.InteractionType, source string, created time.Duration) *callback.Interaction {
		it := sparse(id)
		it.Tenant, it.Segment, it.Queue, it.Contact, it.State = tenant, segment, queue, contact, state
		it.Type, it.SourceApplication = typ, source
		it.CreatedAt = t0.Truncate(time.Second).Add(created)
		return it
	}
	asap, inbound, appointment := callback.TypeASAP, callback.TypeInbound, callback.TypeAppointment
	return []*callback.Interaction{
		mk("V9-A", "T1", "S1", "Q1", "C1", callback.StatePendingCallback, asap, "IVR", 1*time.Minute),
		mk("V7-B", "T1", "S1", "Q1", "C2", callback.StateQueuedHold, inbound, "ivr", 2*time.Minute),
		mk("V8-C", "T1", "S2", "Q2", "C1", callback.StateCompleteCallback, appointment, "Web", 3*time.Minute),
		mk("V5-D", "T2", "S1", "Q1", "C1", callback.StatePendingCallback, asap, "Web", 4*time.Minute),
		mk("V4-E", "T1", "S1", "Q1", "C1", callback.StateLaunched, appointment, "", 4*time.Minute),
	}
}

func testInteractionFind(t *testing.T, setup func(t *testing.T) *testBundle) {
	seed := func(t *testing.T, b *testBundle) []*callback.Interaction {
		t.Helper()
		its := findFixture()
		for i := len(its) - 1; i >= 0; i-- {
			insert(t, b, its[i])
		}
		return its
	}
	find := func(t *testing.T, b *testBundle, p *callback.InteractionFindParams) []*callback.Interaction {
		t.Helper()
		var out []*callback.Interaction
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			out, err = tx.InteractionFind(b.ctx, p)
			return err
		})
		return out
	}
	count := func(t *testing.T, b *testBundle, p *callback.InteractionFindParams) int {
		t.Helper()
		var n int
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			n, err = tx.InteractionCount(b.ctx, p)
			return err
		})
		return n
	}
	at := func(d time.Duration) time.Time { return t0.Truncate(time.Second).Add(d) }
	pending, launched := callback.StatePendingCallback, callback.StateLaunched
	asap, inbound, appointment := callback.TypeASAP, callback.TypeInbound, callback.TypeAppointment
	all := []string{"V9-A", "V7-B", "V8-C", "V4-E", "V5-D"}

	t.Run("Find", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct {
			name string
			p    callback.InteractionFindParams
			want []string
		}{
			{"All", callback.InteractionFindParams{}, []string{"V9-A", "V7-B", "V8-C", "V4-E", "V5-D"}},
			{"Tenant", callback.InteractionFindParams{Tenant: "T1"}, []string{"V9-A", "V7-B", "V8-C", "V4-E"}},
			{"Segment", callback.InteractionFindParams{Segment: "S2"}, []string{"V8-C"}},
			{"Queue", callback.InteractionFindParams{Queue: "Q1"}, []string{"V9-A", "V7-B", "V4-E", "V5-D"}},
			{"Contact", callback.InteractionFindParams{Contact: "C1"}, []string{"V9-A", "V8-C", "V4-E", "V5-D"}},
			{"OneState", callback.InteractionFindParams{States: []callback.State{pending}}, []string{"V9-A", "V5-D"}},
			{"States", callback.InteractionFindParams{States: []callback.State{launched, pending}}, []string{"V9-A", "V4-E", "V5-D"}},
			{"CreatedBeforeIsStrict", callback.InteractionFindParams{CreatedBefore: at(4 * time.Minute)}, []string{"V9-A", "V7-B", "V8-C"}},
			{"CreatedBeforeIncludesJustBefore", callback.InteractionFindParams{CreatedBefore: at(4*time.Minute + time.Millisecond)}, []string{"V9-A", "V7-B", "V8-C", "V4-E", "V5-D"}},
			{"Limit", callback.InteractionFindParams{Limit: 2}, []string{"V9-A", "V7-B"}},
			{"LimitAboveCount", callback.InteractionFindParams{Limit: 50}, []string{"V9-A", "V7-B", "V8-C", "V4-E", "V5-D"}},
			{"TenantQueueContactStates", callback.InteractionFindParams{Tenant: "T1", Queue: "Q1", Contact: "C1", States: []callback.State{pending, launched}}, []string{"V9-A", "V4-E"}},
			{"TenantSegmentQueue", callback.InteractionFindParams{Tenant: "T2", Segment: "S1", Queue: "Q1"}, []string{"V5-D"}},
			{"TenantCreatedBeforeLimit", callback.InteractionFindParams{Tenant: "T1", CreatedBefore: at(4 * time.Minute), Limit: 2}, []string{"V9-A", "V7-B"}},
			{"StatesLimit", callback.InteractionFindParams{States: []callback.State{pending, launched}, Limit: 2}, []string{"V9-A", "V4-E"}},
			{"NoMatch", callback.InteractionFindParams{Tenant: "T9"}, nil},
			{"NoMatchingState", callback.InteractionFindParams{States: []callback.State{callback.StateFailed}}, nil},
			{"FiltersAreAnded", callback.InteractionFindParams{Segment: "S2", Queue: "Q1"}, nil},
			{"EmptySlicesDoNotFilter", callback.InteractionFindParams{States: []callback.State{}, Types: []callback.InteractionType{}, SourceApplications: []string{}}, all},
			{"OneType", callback.InteractionFindParams{Types: []callback.InteractionType{asap}}, []string{"V9-A", "V5-D"}},
			{"Types", callback.InteractionFindParams{Types: []callback.InteractionType{appointment, inbound}}, []string{"V7-B", "V8-C", "V4-E"}},
			{"EveryType", callback.InteractionFindParams{Types: []callback.InteractionType{inbound, asap, appointment}}, all},
			{"SourceApplicationIsCaseSensitive", callback.InteractionFindParams{SourceApplications: []string{"IVR"}}, []string{"V9-A"}},
			{"SourceApplicationLowerCase", callback.InteractionFindParams{SourceApplications: []string{"ivr"}}, []string{"V7-B"}},
			{"SourceApplications", callback.InteractionFindParams{SourceApplications: []string{"Web", "ivr"}}, []string{"V7-B", "V8-C", "V5-D"}},
			{"SourceApplicationIsExact", callback.InteractionFindParams{SourceApplications: []string{"IV", "Web%", "web", "Web "}}, nil},
			{"SourceApplicationEmpty", callback.InteractionFindParams{SourceApplications: []string{""}}, []string{"V4-E"}},
			{"CreatedSinceIsInclusive", callback.InteractionFindParams{CreatedSince: at(4 * time.Minute)}, []string{"V4-E", "V5-D"}},
			{"CreatedSinceJustAfter", callback.InteractionFindParams{CreatedSince: at(4*time.Minute + time.Millisecond)}, nil},
			{"CreatedSinceJustBefore", callback.InteractionFindParams{CreatedSince: at(2*time.Minute - time.Millisecond)}, []string{"V7-B", "V8-C", "V4-E", "V5-D"}},
			{"CreatedSinceBeforeAll", callback.InteractionFindParams{CreatedSince: at(0)}, all},
			{"CreatedWindow", callback.InteractionFindParams{CreatedSince: at(2 * time.Minute), CreatedBefore: at(4 * time.Minute)}, []string{"V7-B", "V8-C"}},
			{"CreatedWindowEmpty", callback.InteractionFindParams{CreatedSince: at(3 * time.Minute), CreatedBefore: at(3 * time.Minute)}, nil},
			{"TenantTypesStates", callback.InteractionFindParams{Tenant: "T1", Types: []callback.InteractionType{asap, appointment}, States: []callback.State{pending, launched}}, []string{"V9-A", "V4-E"}},
			{"QueueSourceApplication", callback.InteractionFindParams{Queue: "Q1", SourceApplications: []string{"Web"}}, []string{"V5-D"}},
			{"TypesSourceApplicationsAreAnded", callback.InteractionFindParams{Types: []callback.InteractionType{inbound}, SourceApplications: []string{"Web"}}, nil},
			{"TypesCreatedSinceLimit", callback.InteractionFindParams{Types: []callback.InteractionType{asap, appointment}, CreatedSince: at(3 * time.Minute), Limit: 2}, []string{"V8-C", "V4-E"}},
			{"EveryFilter", callback.InteractionFindParams{
				Tenant: "T1", Segment: "S1", Queue: "Q1", Contact: "C1",
				States: []callback.State{launched}, Types: []callback.InteractionType{appointment}, SourceApplications: []string{""},
				CreatedSince: at(4 * time.Minute), CreatedBefore: at(5 * time.Minute), Limit: 1,
			}, []string{"V4-E"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				seed(t, b)
				requireIDs(t, find(t, b, &c.p), c.want...)
				// InteractionCount counts what Find lists without a Limit.
				unlimited := c.p
				unlimited.Limit = 0
				want := len(find(t, b, &unlimited))
				if got := count(t, b, &c.p); got != want {
					t.Fatalf("InteractionCount = %d, want %d: the number InteractionFind lists with Limit 0", got, want)
				}
			})
		}
	})

	t.Run("NoCreationTimeMatchesNoTimeFilter", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		untimed := sparse("V0")
		untimed.CreatedAt = time.Time{}
		insert(t, b, untimed)
		seed(t, b)
		for _, c := range []struct {
			name string
			p    callback.InteractionFindParams
			want []string
		}{
			{"NoFilter", callback.InteractionFindParams{Tenant: "VHTLab"}, []string{"V0"}},
			{"CreatedBefore", callback.InteractionFindParams{CreatedBefore: at(time.Hour)}, all},
			{"CreatedSince", callback.InteractionFindParams{CreatedSince: at(0)}, all},
		} {
			requireIDs(t, find(t, b, &c.p), c.want...)
			if n := count(t, b, &c.p); n != len(c.want) {
				t.Fatalf("%s: count = %d, want %d", c.name, n, len(c.want))
			}
		}
	})

	t.Run("CountEmptyStore", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		for _, p := range []*callback.InteractionFindParams{{}, {Tenant: "T1"}, {Limit: 3}} {
			if n := count(t, b, p); n != 0 {
				t.Fatalf("InteractionCount(%+v) on an empty store = %d, want 0", *p, n)
			}
		}
	})

	t.Run("CountFollowsWrites", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		its := seed(t, b)
		p := &callback.InteractionFindParams{States: []callback.State{pending}, Limit: 1}
		if n := count(t, b, p); n != 2 {
			t.Fatalf("pending count = %d, want 2", n)
		}
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			a := its[0]
			a.State = launched
			if err := tx.InteractionUpdate(b.ctx, a); err != nil {
				return err
			}
			more := sparse("V1")
			more.State = pending
			if err := tx.InteractionInsert(b.ctx, more); err != nil {
				return err
			}
			more = sparse("V2")
			more.State = pending
			if err := tx.InteractionInsert(b.ctx, more); err != nil {
				return err
			}
			// The transaction's own writes count.
			n, err := tx.InteractionCount(b.ctx, p)
			if err != nil {
				return err
			}
			if n != 3 {
				t.Errorf("pending count inside the tx = %d, want 3", n)
			}
			return nil
		})
		if n := count(t, b, p); n != 3 {
			t.Fatalf("pending count after commit = %d, want 3", n)
		}
		if n := count(t, b, &callback.InteractionFindParams{}); n != 7 {
			t.Fatalf("count of everything = %d, want 7", n)
		}
	})

	// A queue read by place, page by page: QueuedAt, else CreatedAt; ties
	// by CreatedAt, then ID.
	t.Run("FindByPlace", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		mk := func(id string, created, queued time.Duration) *callback.Interaction {
			it := sparse(id)
			it.CreatedAt, it.UpdatedAt = t0.Add(created), t0.Add(created)
			if queued >= 0 {
				it.QueuedAt = t0.Add(queued)
			}
			return it
		}
		// Created in one order, placed in another.
		its := []*callback.Interaction{
			mk("V1", 1*time.Minute, 5*time.Minute),
			mk("V2", 2*time.Minute, -1), // no QueuedAt: placed at its creation
			mk("V3", 3*time.Minute, 1*time.Minute),
			mk("V4", 4*time.Minute, 5*time.Minute), // same place as V1, created later
			mk("V5", 0, 5*time.Minute),             // same place as V1, created earlier
		}
		insert(t, b, its...)
		want := []string{"V3", "V2", "V5", "V1", "V4"}
		find := func(p callback.InteractionFindParams) []string {
			t.Helper()
			var got []string
			inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
				found, err := tx.InteractionFind(b.ctx, &p)
				for _, it := range found {
					got = append(got, it.ID)
				}
				return err
			})
			return got
		}
		if got := find(callback.InteractionFindParams{ByPlace: true}); !slices.Equal(got, want) {
			t.Fatalf("by place: %v, want %v", got, want)
		}
		// Page by page, each after the previous page's last.
		var paged []string
		var after *callback.Interaction
		for range 10 {
			page := find(callback.InteractionFindParams{ByPlace: true, After: after, Limit: 2})
			if len(page) == 0 {
				break
			}
			paged = append(paged, page...)
			after = get(t, b, page[len(page)-1])
		}
		if !slices.Equal(paged, want) {
			t.Fatalf("paged: %v, want %v", paged, want)
		}
		// Before counts what is ahead of an interaction, and lists it.
		for i, id := range want {
			var n int
			var ahead []*callback.Interaction
			p := &callback.InteractionFindParams{ByPlace: true, Before: get(t, b, id)}
			inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
				if n, err = tx.InteractionCount(b.ctx, p); err != nil {
					return err
				}
				ahead, err = tx.InteractionFind(b.ctx, p)
				return err
			})
			if n != i || len(ahead) != i {
				t.Errorf("before %s: counted %d, listed %d, want %d", id, n, len(ahead), i)
			}
		}
		// Without ByPlace, After and Before are refused rather than ignored.
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error {
			_, err := tx.InteractionCount(b.ctx, &callback.InteractionFindParams{Before: its[0]})
			return err
		})
		if err == nil {
			t.Fatal("Before without ByPlace was accepted")
		}
		err = b.store.InTx(b.ctx, func(tx callback.Tx) error {
			_, err := tx.InteractionFind(b.ctx, &callback.InteractionFindParams{After: its[0]})
			return err
		})
		if err == nil {
			t.Fatal("After without ByPlace was accepted")
		}
	})

	// AppointmentBy keeps those booked at or before a time; no appointment
	// never matches.
	t.Run("FindAppointmentBy", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		booked := func(id string, at time.Duration) *callback.Interaction {
			it := sparse(id)
			it.Type, it.State = callback.TypeAppointment, callback.StatePendingCallback
			if at >= 0 {
				it.AppointmentTime = t0.Add(at)
			}
			return it
		}
		insert(t, b, booked("V1", time.Hour), booked("V2", 2*time.Hour), booked("V3", -1), booked("V4", 30*time.Minute))
		for _, c := range []struct {
			by   time.Duration
			want []string
		}{{0, nil}, {30 * time.Minute, []string{"V4"}}, {time.Hour, []string{"V1", "V4"}}, {3 * time.Hour, []string{"V1", "V2", "V4"}}} {
			var got []string
			inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
				its, err := tx.InteractionFind(b.ctx, &callback.InteractionFindParams{AppointmentBy: t0.Add(c.by)})
				for _, it := range its {
					got = append(got, it.ID)
				}
				return err
			})
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("by %s: %v, want %v", c.by, got, c.want)
			}
		}
	})

	t.Run("FindReturnsEveryField", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		it := full("V1")
		want := *it
		want.Version = 1
		insert(t, b, it)
		got := find(t, b, &callback.InteractionFindParams{Tenant: want.Tenant})
		requireIDs(t, got, "V1")
		requireInteraction(t, b.prec, got[0], &want)
	})

	t.Run("FindEmptyStore", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		requireIDs(t, find(t, b, &callback.InteractionFindParams{}))
	})

	t.Run("CountByState", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		count := func() map[callback.State]int {
			var m map[callback.State]int
			inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
				m, err = tx.InteractionCountByState(b.ctx)
				return err
			})
			return m
		}
		if m := count(); len(m) != 0 {
			t.Fatalf("empty store counts %v, want nothing", m)
		}
		its := seed(t, b)
		want := map[callback.State]int{pending: 2, callback.StateQueuedHold: 1, callback.StateCompleteCallback: 1, launched: 1}
		if m := count(); !reflect.DeepEqual(m, want) {
			t.Fatalf("counts = %v, want %v", m, want)
		}
		a := its[0]
		a.State = launched
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error { return tx.InteractionUpdate(b.ctx, a) })
		want = map[callback.State]int{pending: 1, callback.StateQueuedHold: 1, callback.StateCompleteCallback: 1, launched: 2}
		if m := count(); !reflect.DeepEqual(m, want) {
			t.Fatalf("counts after update = %v, want %v", m, want)
		}
	})

	t.Run("ManyInteractions", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		const n = 120
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			for i := range n {
				it := sparse(fmt.Sprintf("V%03d", n-i))
				it.CreatedAt = t0.Add(time.Duration(i) * time.Millisecond)
				if err := tx.InteractionInsert(b.ctx, it); err != nil {
					return err
				}
			}
			return nil
		})
		got := find(t, b, &callback.InteractionFindParams{Tenant: "VHTLab"})
		if len(got) != n {
			t.Fatalf("found %d, want %d", len(got), n)
		}
		for i, it := range got {
			if want := fmt.Sprintf("V%03d", n-i); it.ID != want {
				t.Fatalf("position %d is %s, want %s (oldest first)", i, it.ID, want)
			}
		}
	})
}
