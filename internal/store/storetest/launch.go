package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
)

// testLaunch covers LaunchInsert, LaunchClaim, LaunchAck and LaunchFind: the
// durable launch queue. Rolling back a transaction that inserted a launch is
// in testTx; claimers racing each other in testConcurrency.
func testLaunch(t *testing.T, h Harness) {
	// setup opens a store holding the interactions V1, V2, V3 (VHTLab) and
	// P1 (Portree), for launches to refer to.
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		b := newBundle(t, h)
		p1 := sparse("P1")
		p1.Tenant = "Portree"
		insert(t, b, sparse("V1"), sparse("V2"), sparse("V3"), p1)
		return b
	}
	insertLaunches := func(t *testing.T, b *testBundle, ls ...*callback.Launch) {
		t.Helper()
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			for _, l := range ls {
				if err := tx.LaunchInsert(b.ctx, l); err != nil {
					return err
				}
			}
			return nil
		})
	}
	find := func(t *testing.T, b *testBundle, p *callback.LaunchFindParams) []callback.Launch {
		t.Helper()
		var out []callback.Launch
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			out, err = tx.LaunchFind(b.ctx, p)
			return err
		})
		return out
	}
	claim := func(t *testing.T, b *testBundle, p *callback.LaunchClaimParams) []callback.Launch {
		t.Helper()
		var out []callback.Launch
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			out, err = tx.LaunchClaim(b.ctx, p)
			return err
		})
		return out
	}
	ack := func(t *testing.T, b *testBundle, key string, now time.Time) *callback.Launch {
		t.Helper()
		var out *callback.Launch
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			out, err = tx.LaunchAck(b.ctx, &callback.LaunchAckParams{Key: key, At: now})
			return err
		})
		return out
	}
	// values are the launches ls points to, by value.
	values := func(ls ...*callback.Launch) []callback.Launch {
		out := []callback.Launch{}
		for _, l := range ls {
			out = append(out, *l)
		}
		return out
	}
	// tc is the claim time of the tests: whole seconds, so that a lease
	// boundary is exact at any precision. lease is the lease length.
	tc := t0.Truncate(time.Second).Add(time.Hour)
	const lease = 30 * time.Second

	t.Run("FixtureSetsEveryField", func(t *testing.T) {
		t.Parallel()
		requireEveryFieldSet(t, *fullLaunch("V1", 1))
	})

	t.Run("ParamsAreCovered", func(t *testing.T) {
		t.Parallel()
		requireFields[callback.LaunchClaimParams](t, "Tenant", "Queue", "Max", "Owner", "Now", "Lease")
		requireFields[callback.LaunchFindParams](t, "Tenant", "Queue", "InteractionID", "Unacked")
	})

	t.Run("InsertFindRoundTripsEveryField", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		full := fullLaunch("V1", 1)
		fresh := launch("V2", 1, time.Second)
		want := values(full, fresh)
		insertLaunches(t, b, fresh, full)
		got := find(t, b, &callback.LaunchFindParams{})
		// Times must read back in UTC, and zero as zero (see diffTime).
		requireLaunches(t, b.prec, got, want)
		if f := got[1]; f.LeaseOwner != "" || !f.LeaseExpires.IsZero() || f.Deliveries != 0 || !f.AckedAt.IsZero() {
			t.Fatalf("a fresh launch reads back as %+v, want no lease, no deliveries, not acknowledged", f)
		}
	})

	t.Run("InsertDuplicateKeyIsConflict", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		first := launch("V1", 1, 0)
		insertLaunches(t, b, first)
		for _, dup := range []*callback.Launch{
			launch("V1", 1, time.Minute),
			// The key alone decides: another interaction, tenant or attempt
			// under the same key is the same launch.
			{Key: "V1/1", InteractionID: "P1", Attempt: 9, Tenant: "Portree", Queue: "Q", FirstParty: "agent", CreatedAt: t0},
		} {
			err := b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.LaunchInsert(b.ctx, dup) })
			requireErrorIs(t, err, callback.ErrConflict)
		}
		requireLaunches(t, b.prec, find(t, b, &callback.LaunchFindParams{}), values(first))
		// Keys are case-sensitive: another case is another launch.
		other := launch("V1", 1, time.Minute)
		other.Key = "v1/1"
		insertLaunches(t, b, other)
	})

	t.Run("InsertForMissingInteractionIsNotFound", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.LaunchInsert(b.ctx, launch("V9", 1, 0)) })
		requireErrorIs(t, err, callback.ErrNotFound)
		if got := find(t, b, &callback.LaunchFindParams{}); len(got) != 0 {
			t.Fatalf("launches %s, want none", launchKeys(got))
		}
	})

	t.Run("InsertInTheTxThatInsertsTheInteraction", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		l := launch("V4", 1, 0)
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			if err := tx.InteractionInsert(b.ctx, sparse("V4")); err != nil {
				return err
			}
			if err := tx.LaunchInsert(b.ctx, l); err != nil {
				return err
			}
			// The transaction sees its launch, and can claim it.
			got, err := tx.LaunchClaim(b.ctx, &callback.LaunchClaimParams{Tenant: "VHTLab", Max: 5, Owner: "d1", Now: tc, Lease: lease})
			if err != nil {
				return err
			}
			if len(got) != 1 || got[0].Key != l.Key {
				t.Errorf("claim inside the inserting tx = %s, want [%s]", launchKeys(got), l.Key)
			}
			return nil
		})
		got := find(t, b, &callback.LaunchFindParams{InteractionID: "V4"})
		if len(got) != 1 || got[0].LeaseOwner != "d1" || got[0].Deliveries != 1 {
			t.Fatalf("after commit: %+v, want V4/1 leased by d1 once", got)
		}
	})

	testLaunchFind(t, setup, insertLaunches, find)

	// claimFixture is a queue in every state a claim at tc must tell apart,
	// inserted in reverse so that insertion order explains nothing, with keys
	// that do not sort in creation order. For VHTLab, the claimable ones are,
	// oldest first: 0, 1, 6, 5 (6 and 5 were issued at the same instant, and
	// "V2/2" sorts before "V3/2").
	claimFixture := func() []*callback.Launch {
		mk := func(id string, n int, tenant, queue string, created time.Duration) *callback.Launch {
			l := launch(id, n, created)
			l.Tenant, l.Queue = tenant, queue
			return l
		}
		lease := func(l *callback.Launch, expires time.Time, deliveries int) *callback.Launch {
			l.LeaseOwner, l.LeaseExpires, l.Deliveries = "other", expires, deliveries
			return l
		}
		acked := func(l *callback.Launch, at time.Time) *callback.Launch {
			l.AckedAt = at
			return l
		}
		return []*callback.Launch{
			// 0: never claimed; the oldest, though its key sorts last.
			mk("V3", 3, "VHTLab", "Q1", 1*time.Minute),
			// 1: never claimed, another queue.
			mk("V2", 1, "VHTLab", "Q2", 2*time.Minute),
			// 2: acknowledged, never claimed.
			acked(mk("V1", 2, "VHTLab", "Q1", 3*time.Minute), tc.Add(-time.Hour)),
			// 3: another tenant.
			mk("P1", 1, "Portree", "Q1", 3*time.Minute),
			// 4: leased until just after tc.
			lease(mk("V3", 1, "VHTLab", "Q1", 4*time.Minute), tc.Add(time.Second), 1),
			// 5: lease expired just before tc.
			lease(mk("V3", 2, "VHTLab", "Q1", 5*time.Minute), tc.Add(-time.Second), 1),
			// 6: lease expiring at tc: expired.
			lease(mk("V2", 2, "VHTLab", "Q2", 5*time.Minute), tc, 3),
			// 7: lease expired, then acknowledged.
			acked(lease(mk("V1", 3, "VHTLab", "Q1", 6*time.Minute), tc.Add(-time.Minute), 1), tc.Add(-2*time.Minute)),
		}
	}
	seedClaim := func(t *testing.T, b *testBundle) []*callback.Launch {
		t.Helper()
		ls := claimFixture()
		for i := len(ls) - 1; i >= 0; i-- {
			insertLaunches(t, b, ls[i])
		}
		return ls
	}
	// leasedTo is l as a claim by owner at now leaves it.
	leasedTo := func(l callback.Launch, owner string, now time.Time) callback.Launch {
		l.LeaseOwner, l.LeaseExpires = owner, now.Add(lease)
		l.Deliveries++
		return l
	}

	t.Run("Claim", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct {
			name          string
			tenant, queue string
			max           int
			want          []int
		}{
			{"EveryQueueOfTheTenant", "VHTLab", "", 10, []int{0, 1, 6, 5}},
			{"ExactlyMax", "VHTLab", "", 4, []int{0, 1, 6, 5}},
			{"MaxOne", "VHTLab", "", 1, []int{0}},
			{"MaxTakesTheOldest", "VHTLab", "", 3, []int{0, 1, 6}},
			{"Queue", "VHTLab", "Q1", 10, []int{0, 5}},
			{"OtherQueue", "VHTLab", "Q2", 10, []int{1, 6}},
			{"QueueMax", "VHTLab", "Q2", 1, []int{1}},
			{"OtherTenant", "Portree", "", 10, []int{3}},
			{"OtherTenantQueue", "Portree", "Q1", 10, []int{3}},
			{"OtherTenantNoSuchQueue", "Portree", "Q2", 10, nil},
			{"NoSuchTenant", "Nowhere", "", 10, nil},
			{"TenantIsCaseSensitive", "vhtlab", "", 10, nil},
			{"QueueIsCaseSensitive", "VHTLab", "q1", 10, nil},
			{"EmptyTenantIsATenant", "", "", 10, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				ls := seedClaim(t, b)
				got := claim(t, b, &callback.LaunchClaimParams{Tenant: c.tenant, Queue: c.queue, Max: c.max, Owner: "dialer-1", Now: tc, Lease: lease})
				// The claimed launches come back oldest first, as the claim
				// leaves them; the store holds just that, the others untouched.
				want := []callback.Launch{}
				stored := values(ls...)
				for _, i := range c.want {
					want = append(want, leasedTo(*ls[i], "dialer-1", tc))
					stored[i] = leasedTo(*ls[i], "dialer-1", tc)
				}
				requireLaunches(t, b.prec, got, want)
				all := find(t, b, &callback.LaunchFindParams{})
				byKey := map[string]callback.Launch{}
				for _, l := range all {
					byKey[l.Key] = l
				}
				for _, l := range stored {
					requireLaunches(t, b.prec, []callback.Launch{byKey[l.Key]}, []callback.Launch{l})
				}
			})
		}
	})

	t.Run("ClaimOfNothingIsEmpty", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		if got := claim(t, b, &callback.LaunchClaimParams{Tenant: "VHTLab", Max: 3, Owner: "d1", Now: tc, Lease: lease}); len(got) != 0 {
			t.Fatalf("claim on an empty store = %s, want nothing", launchKeys(got))
		}
		seedClaim(t, b)
		p := &callback.LaunchClaimParams{Tenant: "VHTLab", Max: 10, Owner: "d1", Now: tc, Lease: lease}
		if got := claim(t, b, p); len(got) != 4 {
			t.Fatalf("first claim = %s, want 4 launches", launchKeys(got))
		}
		// Everything is leased now: the same claim again gets nothing, even
		// by the same owner.
		if got := claim(t, b, p); len(got) != 0 {
			t.Fatalf("second claim = %s, want nothing", launchKeys(got))
		}
	})

	t.Run("LeaseLifecycle", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		l := launch("V1", 1, 0)
		insertLaunches(t, b, l)
		p := func(owner string, now time.Time) *callback.LaunchClaimParams {
			return &callback.LaunchClaimParams{Tenant: "VHTLab", Max: 1, Owner: owner, Now: now, Lease: lease}
		}
		first := leasedTo(*l, "A", tc)
		requireLaunches(t, b.prec, claim(t, b, p("A", tc)), []callback.Launch{first})
		// Leased: nobody gets it, up to the last instant of the lease.
		for _, now := range []time.Time{tc, tc.Add(time.Second), tc.Add(lease - b.prec)} {
			if got := claim(t, b, p("B", now)); len(got) != 0 {
				t.Fatalf("claim at %s, within the lease, = %s, want nothing", now, launchKeys(got))
			}
		}
		// Expired at LeaseExpires: offered again, to anyone, delivered twice.
		second := leasedTo(first, "B", tc.Add(lease))
		if second.Deliveries != 2 {
			t.Fatalf("fixture: deliveries %d", second.Deliveries)
		}
		requireLaunches(t, b.prec, claim(t, b, p("B", tc.Add(lease))), []callback.Launch{second})
		// Long expired: offered again, a third time.
		third := leasedTo(second, "A", tc.Add(time.Hour))
		requireLaunches(t, b.prec, claim(t, b, p("A", tc.Add(time.Hour))), []callback.Launch{third})
		requireLaunches(t, b.prec, find(t, b, &callback.LaunchFindParams{}), []callback.Launch{third})
	})

	t.Run("ClaimTakesTheLeaseLengthGiven", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		short, long := launch("V1", 1, 0), launch("V2", 1, time.Second)
		insertLaunches(t, b, short, long)
		got := claim(t, b, &callback.LaunchClaimParams{Tenant: "VHTLab", Max: 1, Owner: "d", Now: tc, Lease: time.Millisecond})
		got = append(got, claim(t, b, &callback.LaunchClaimParams{Tenant: "VHTLab", Max: 1, Owner: "d", Now: tc, Lease: 24 * time.Hour})...)
		want := []callback.Launch{*short, *long}
		want[0].LeaseOwner, want[0].LeaseExpires, want[0].Deliveries = "d", tc.Add(time.Millisecond), 1
		want[1].LeaseOwner, want[1].LeaseExpires, want[1].Deliveries = "d", tc.Add(24*time.Hour), 1
		requireLaunches(t, b.prec, got, want)
		if got := claim(t, b, &callback.LaunchClaimParams{Tenant: "VHTLab", Max: 5, Owner: "e", Now: tc.Add(time.Millisecond), Lease: lease}); len(got) != 1 || got[0].Key != short.Key {
			t.Fatalf("claim after the short lease = %s, want only %s", launchKeys(got), short.Key)
		}
	})

	t.Run("ClaimRefusesInvalidParams", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		insertLaunches(t, b, launch("V1", 1, 0))
		valid := callback.LaunchClaimParams{Tenant: "VHTLab", Max: 1, Owner: "d", Now: tc, Lease: lease}
		for name, change := range map[string]func(p *callback.LaunchClaimParams){
			"ZeroMax":       func(p *callback.LaunchClaimParams) { p.Max = 0 },
			"NegativeMax":   func(p *callback.LaunchClaimParams) { p.Max = -1 },
			"NoOwner":       func(p *callback.LaunchClaimParams) { p.Owner = "" },
			"ZeroLease":     func(p *callback.LaunchClaimParams) { p.Lease = 0 },
			"NegativeLease": func(p *callback.LaunchClaimParams) { p.Lease = -lease },
			"ZeroNow":       func(p *callback.LaunchClaimParams) { p.Now = time.Time{} },
		} {
			p := valid
			change(&p)
			var got []callback.Launch
			err := b.store.InTx(b.ctx, func(tx callback.Tx) (err error) {
				got, err = tx.LaunchClaim(b.ctx, &p)
				return err
			})
			if err == nil || errors.Is(err, callback.ErrNotFound) || errors.Is(err, callback.ErrConflict) {
				t.Errorf("%s: claim returned %s, error %v; want an error that is neither ErrNotFound nor ErrConflict", name, launchKeys(got), err)
			}
		}
		stored := find(t, b, &callback.LaunchFindParams{})
		if len(stored) != 1 || stored[0].Deliveries != 0 || stored[0].LeaseOwner != "" {
			t.Fatalf("after refused claims: %+v, want V1/1 never claimed", stored)
		}
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error {
			_, err := tx.LaunchAck(b.ctx, &callback.LaunchAckParams{Key: "V1/1", At: time.Time{}})
			return err
		})
		if err == nil || errors.Is(err, callback.ErrNotFound) || errors.Is(err, callback.ErrConflict) {
			t.Errorf("ack at the zero time: error %v, want one that is neither ErrNotFound nor ErrConflict", err)
		}
		if got := find(t, b, &callback.LaunchFindParams{Unacked: true}); len(got) != 1 {
			t.Fatalf("after a refused ack: unacknowledged %s, want V1/1", launchKeys(got))
		}
	})

	t.Run("AckSetsAckedAtOnceAndReturnsTheLaunch", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		l := launch("V1", 1, 0)
		other := launch("V2", 1, 0)
		insertLaunches(t, b, l, other)
		claimed := claim(t, b, &callback.LaunchClaimParams{Tenant: "VHTLab", Max: 2, Owner: "d1", Now: tc, Lease: lease})
		if len(claimed) != 2 {
			t.Fatalf("claimed %s, want both", launchKeys(claimed))
		}
		// The lease is left as it was: who held the launch stays known.
		want := claimed[0]
		want.AckedAt = tc.Add(5 * time.Second).In(paris)
		requireLaunches(t, b.prec, []callback.Launch{*ack(t, b, l.Key, want.AckedAt)}, []callback.Launch{want})
		// A second acknowledgement keeps the first time, and still answers.
		requireLaunches(t, b.prec, []callback.Launch{*ack(t, b, l.Key, tc.Add(time.Minute))}, []callback.Launch{want})
		requireLaunches(t, b.prec, find(t, b, &callback.LaunchFindParams{}), []callback.Launch{want, claimed[1]})
		requireLaunches(t, b.prec, find(t, b, &callback.LaunchFindParams{Unacked: true}), claimed[1:])
	})

	t.Run("AckUnknownIsNotFound", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		insertLaunches(t, b, launch("V1", 1, 0))
		for _, key := range []string{"V1/2", "v1/1", "V1", ""} {
			err := b.store.InTx(b.ctx, func(tx callback.Tx) error {
				_, err := tx.LaunchAck(b.ctx, &callback.LaunchAckParams{Key: key, At: tc})
				return err
			})
			requireErrorIs(t, err, callback.ErrNotFound)
		}
		if got := find(t, b, &callback.LaunchFindParams{Unacked: true}); len(got) != 1 {
			t.Fatalf("unacknowledged %s, want V1/1", launchKeys(got))
		}
	})

	t.Run("AckedIsNeverClaimedAgain", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		claimedThenAcked, neverClaimed, expiredThenAcked := launch("V1", 1, 0), launch("V2", 1, time.Second), launch("V3", 1, 2*time.Second)
		insertLaunches(t, b, claimedThenAcked, neverClaimed, expiredThenAcked)
		p := func(now time.Time) *callback.LaunchClaimParams {
			return &callback.LaunchClaimParams{Tenant: "VHTLab", Max: 10, Owner: "d", Now: now, Lease: lease}
		}
		claim(t, b, &callback.LaunchClaimParams{Tenant: "VHTLab", Max: 1, Owner: "d", Now: tc, Lease: lease})
		ack(t, b, claimedThenAcked.Key, tc.Add(time.Second))
		// An unclaimed launch can be acknowledged (a dialer that learnt of it
		// another way), and one whose lease has expired too.
		ack(t, b, neverClaimed.Key, tc.Add(time.Second))
		if got := claim(t, b, p(tc.Add(2*time.Second))); len(got) != 1 || got[0].Key != expiredThenAcked.Key {
			t.Fatalf("claim = %s, want only %s", launchKeys(got), expiredThenAcked.Key)
		}
		ack(t, b, expiredThenAcked.Key, tc.Add(time.Hour))
		for _, now := range []time.Time{tc.Add(time.Hour), tc.Add(48 * time.Hour)} {
			if got := claim(t, b, p(now)); len(got) != 0 {
				t.Fatalf("claim at %s = %s, want nothing: all are acknowledged", now, launchKeys(got))
			}
		}
		got := find(t, b, &callback.LaunchFindParams{})
		for _, l := range got {
			if l.AckedAt.IsZero() {
				t.Errorf("%s is not acknowledged", l.Key)
			}
		}
		if len(got) != 3 || got[1].Deliveries != 0 || got[0].Deliveries != 1 || got[2].Deliveries != 1 {
			t.Fatalf("launches %+v, want 3 with deliveries 1, 0, 1", got)
		}
	})

	t.Run("ClaimAndAckRollBack", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ls := seedClaim(t, b)
		want := find(t, b, &callback.LaunchFindParams{})
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error {
			got, err := tx.LaunchClaim(b.ctx, &callback.LaunchClaimParams{Tenant: "VHTLab", Max: 10, Owner: "d", Now: tc, Lease: lease})
			if err != nil {
				return err
			}
			if len(got) != 4 {
				t.Errorf("claim inside the tx = %s, want 4 launches", launchKeys(got))
			}
			if _, err := tx.LaunchAck(b.ctx, &callback.LaunchAckParams{Key: ls[0].Key, At: tc}); err != nil {
				return err
			}
			if err := tx.LaunchInsert(b.ctx, launch("V1", 9, 0)); err != nil {
				return err
			}
			return errRollback
		})
		requireErrorIs(t, err, errRollback)
		requireLaunches(t, b.prec, find(t, b, &callback.LaunchFindParams{}), want)
		// Still claimable, as if the rolled-back claim never happened.
		if got := claim(t, b, &callback.LaunchClaimParams{Tenant: "VHTLab", Max: 10, Owner: "d", Now: tc, Lease: lease}); len(got) != 4 || got[0].Deliveries != 1 {
			t.Fatalf("claim after the rollback = %+v, want 4 launches, the first delivered once", got)
		}
	})

	t.Run("SurvivesReopen", func(t *testing.T) {
		t.Parallel()
		if h.Reopen == nil {
			t.Skip("the engine cannot reopen a store")
		}
		b := setup(t)
		ls := seedClaim(t, b)
		full := fullLaunch("P1", 2)
		insertLaunches(t, b, full)
		claimed := claim(t, b, &callback.LaunchClaimParams{Tenant: "VHTLab", Queue: "Q2", Max: 1, Owner: "d1", Now: tc, Lease: lease})
		acked := ack(t, b, ls[0].Key, tc)
		want := find(t, b, &callback.LaunchFindParams{})
		if len(claimed) != 1 || acked == nil || len(want) != len(ls)+1 {
			t.Fatalf("fixture: claimed %s, acked %v, %d launches", launchKeys(claimed), acked, len(want))
		}

		b.store = h.Reopen(t, b.store)
		requireLaunches(t, b.prec, find(t, b, &callback.LaunchFindParams{}), want)
		// The lease and the acknowledgement hold after the reopen: of
		// VHTLab's claimable 0, 1, 6, 5, 0 is acknowledged and 1 leased.
		got := claim(t, b, &callback.LaunchClaimParams{Tenant: "VHTLab", Max: 10, Owner: "d2", Now: tc, Lease: lease})
		requireLaunches(t, b.prec, got, []callback.Launch{leasedTo(*ls[6], "d2", tc), leasedTo(*ls[5], "d2", tc)})
		// Keys stay unique after the reopen.
		dup := launch(ls[0].InteractionID, ls[0].Attempt, time.Hour)
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.LaunchInsert(b.ctx, dup) })
		requireErrorIs(t, err, callback.ErrConflict)
	})
}

// launchFindFixture are launches of every LaunchFind filter, inserted in
// reverse. Oldest first they are 0, 1, 3, 2, 4, 5: 2, 3 and 4 were issued at
// the same instant, and their keys sort "P1/1", "V1/2", "V3/1".
func launchFindFixture() []*callback.Launch {
	mk := func(id string, n int, tenant, queue string, created time.Duration, acked bool) *callback.Launch {
		l := launch(id, n, created)
		l.Tenant, l.Queue = tenant, queue
		if acked {
			l.AckedAt = t0.Add(time.Hour)
		}
		return l
	}
	return []*callback.Launch{
		mk("V1", 1, "VHTLab", "Q1", 1*time.Minute, true),
		mk("V2", 1, "VHTLab", "Q2", 2*time.Minute, false),
		mk("V1", 2, "VHTLab", "Q1", 3*time.Minute, false),
		mk("P1", 1, "Portree", "Q1", 3*time.Minute, false),
		mk("V3", 1, "VHTLab", "Q1", 3*time.Minute, false),
		mk("V1", 10, "VHTLab", "Q2", 4*time.Minute, true),
	}
}

func testLaunchFind(t *testing.T, setup func(t *testing.T) *testBundle,
	insertLaunches func(t *testing.T, b *testBundle, ls ...*callback.Launch),
	find func(t *testing.T, b *testBundle, p *callback.LaunchFindParams) []callback.Launch,
) {
	t.Run("Find", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct {
			name string
			p    callback.LaunchFindParams
			want []int
		}{
			{"All", callback.LaunchFindParams{}, []int{0, 1, 3, 2, 4, 5}},
			{"Tenant", callback.LaunchFindParams{Tenant: "VHTLab"}, []int{0, 1, 2, 4, 5}},
			{"OtherTenant", callback.LaunchFindParams{Tenant: "Portree"}, []int{3}},
			{"Queue", callback.LaunchFindParams{Queue: "Q1"}, []int{0, 3, 2, 4}},
			{"TenantQueue", callback.LaunchFindParams{Tenant: "VHTLab", Queue: "Q2"}, []int{1, 5}},
			{"InteractionID", callback.LaunchFindParams{InteractionID: "V1"}, []int{0, 2, 5}},
			{"Unacked", callback.LaunchFindParams{Unacked: true}, []int{1, 3, 2, 4}},
			{"TenantQueueUnacked", callback.LaunchFindParams{Tenant: "VHTLab", Queue: "Q1", Unacked: true}, []int{2, 4}},
			{"InteractionIDUnacked", callback.LaunchFindParams{InteractionID: "V1", Unacked: true}, []int{2}},
			{"EveryFilter", callback.LaunchFindParams{Tenant: "VHTLab", Queue: "Q2", InteractionID: "V2", Unacked: true}, []int{1}},
			{"NoSuchTenant", callback.LaunchFindParams{Tenant: "Nowhere"}, nil},
			{"TenantIsCaseSensitive", callback.LaunchFindParams{Tenant: "vhtlab"}, nil},
			{"InteractionIDIsExact", callback.LaunchFindParams{InteractionID: "V"}, nil},
			{"FiltersAreAnded", callback.LaunchFindParams{Tenant: "Portree", Queue: "Q2"}, nil},
			{"UnackedOfAckedOnly", callback.LaunchFindParams{Tenant: "VHTLab", Queue: "Q2", InteractionID: "V1", Unacked: true}, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				ls := launchFindFixture()
				for i := len(ls) - 1; i >= 0; i-- {
					insertLaunches(t, b, ls[i])
				}
				want := []callback.Launch{}
				for _, i := range c.want {
					want = append(want, *ls[i])
				}
				requireLaunches(t, b.prec, find(t, b, &c.p), want)
			})
		}
	})

	t.Run("FindEmptyStore", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		if got := find(t, b, &callback.LaunchFindParams{}); len(got) != 0 {
			t.Fatalf("launches %s, want none", launchKeys(got))
		}
	})
}
