package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
)

// outboxMsg returns a new pending message of VHTLab for destination and
// key, due at t0 plus due and expiring an hour later: never claimed.
func outboxMsg(destination, key string, due time.Duration) *callback.OutboxMessage {
	return &callback.OutboxMessage{
		Tenant:      "VHTLab",
		Destination: destination,
		Key:         key,
		Type:        callback.EventRegistered,
		Payload:     []byte(`{"id":"` + key + `"}`),
		CreatedAt:   t0,
		NextAt:      t0.Add(due),
		ExpiresAt:   t0.Add(due + time.Hour),
		State:       callback.OutboxPending,
	}
}

// fullOutbox returns a message with every field set but ID (which the store
// assigns), as if claimed twice, failed, and delivered: OutboxInsert stores
// every field as given.
func fullOutbox(key string) *callback.OutboxMessage {
	m := outboxMsg("webhook/crm – ünïcode", key, time.Minute)
	m.Type = callback.EventFailed
	m.InteractionID = "V1"
	m.Precondition = "Launched#2"
	// Every byte value, and JSON that must not be normalised.
	m.Payload = append([]byte(`{"b": 1, "a":"Zoë \u00e9"}`), 0x00, 0xff, '\n')
	m.CreatedAt = t0.In(paris)
	m.ExpiresAt = t0.Add(24*time.Hour + 3)
	m.State = callback.OutboxDelivered
	m.Attempts = 2
	m.LeaseOwner = "dispatch-7"
	m.LeaseExpires = t0.Add(2*time.Minute + 5)
	m.LastError = "HTTP 503: Service Unavailable – « retry »"
	m.SettledAt = t0.Add(3 * time.Minute)
	return m
}

// requireOutbox fails the test unless got and want are the same messages in
// the same order, every field equal.
func requireOutbox(t *testing.T, prec time.Duration, got, want []callback.OutboxMessage) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d outbox messages, want %d:\n got %s\nwant %s", len(got), len(want), outboxKeys(got), outboxKeys(want))
	}
	for i := range want {
		if diffs := diffStruct(reflect.ValueOf(got[i]), reflect.ValueOf(want[i]), prec); len(diffs) > 0 {
			t.Fatalf("outbox message %d (%s %s) differs:\n%s", i, want[i].Destination, want[i].Key, lines(diffs))
		}
	}
}

// outboxKeys are the keys of ms, in order.
func outboxKeys(ms []callback.OutboxMessage) []string {
	keys := make([]string, len(ms))
	for i, m := range ms {
		keys[i] = m.Key
	}
	return keys
}

// testOutbox covers OutboxInsert, OutboxClaim, OutboxDelivered, OutboxRetry,
// OutboxDiscard and OutboxFind: the durable outbox of events and pushed
// launches, and its state machine (pending → pending | delivered | expired |
// cancelled; a delivery is recorded from any state).
func testOutbox(t *testing.T, h Harness) {
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		return newBundle(t, h)
	}
	insertAll := func(t *testing.T, b *testBundle, ms ...*callback.OutboxMessage) {
		t.Helper()
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			for _, m := range ms {
				if err := tx.OutboxInsert(b.ctx, m); err != nil {
					return err
				}
			}
			return nil
		})
	}
	find := func(t *testing.T, b *testBundle, p *callback.OutboxFindParams) []callback.OutboxMessage {
		t.Helper()
		var out []callback.OutboxMessage
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			out, err = tx.OutboxFind(b.ctx, p)
			return err
		})
		return out
	}
	// tc is the claim time: whole seconds, so lease boundaries are exact.
	tc := t0.Truncate(time.Second).Add(time.Hour)
	const lease = 2 * time.Minute
	claimP := func(owner string, now time.Time, max int) *callback.OutboxClaimParams {
		return &callback.OutboxClaimParams{Max: max, Owner: owner, Now: now, Lease: lease}
	}
	claim := func(t *testing.T, b *testBundle, p *callback.OutboxClaimParams) []callback.OutboxMessage {
		t.Helper()
		var out []callback.OutboxMessage
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			out, err = tx.OutboxClaim(b.ctx, p)
			return err
		})
		return out
	}
	// try runs fn in a transaction and returns its error.
	try := func(b *testBundle, fn func(tx callback.Tx) error) error { return b.store.InTx(b.ctx, fn) }
	values := func(ms ...*callback.OutboxMessage) []callback.OutboxMessage {
		out := []callback.OutboxMessage{}
		for _, m := range ms {
			out = append(out, *m)
		}
		return out
	}
	// leasedTo is m as a claim by owner at now leaves it.
	leasedTo := func(m callback.OutboxMessage, owner string, now time.Time) callback.OutboxMessage {
		m.LeaseOwner, m.LeaseExpires = owner, now.Add(lease)
		m.Attempts++
		return m
	}
	// requireStale fails unless err is ErrConflict (a stale or settled
	// claim) or, for an unknown id, ErrNotFound.
	requireStale := func(t *testing.T, err error) { t.Helper(); requireErrorIs(t, err, callback.ErrConflict) }

	t.Run("FixtureSetsEveryField", func(t *testing.T) {
		t.Parallel()
		requireEveryFieldSet(t, *fullOutbox("k"), "ID")
	})

	t.Run("ParamsAreCovered", func(t *testing.T) {
		t.Parallel()
		requireFields[callback.OutboxClaimParams](t, "Max", "Owner", "Now", "Lease")
		requireFields[callback.OutboxRetryParams](t, "ID", "Attempts", "NextAt", "Error")
		requireFields[callback.OutboxDiscardParams](t, "ID", "Attempts", "State", "At", "Error")
		requireFields[callback.OutboxFindParams](t, "Tenant", "Destination", "Key", "InteractionID", "States", "AfterID", "Limit")
	})

	t.Run("InsertFindRoundTripsEveryField", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		full, sparse := fullOutbox("k1"), outboxMsg("sms", "k2", 0)
		sparse.Payload, sparse.CreatedAt, sparse.NextAt, sparse.ExpiresAt = nil, time.Time{}, time.Time{}, time.Time{}
		insertAll(t, b, full, sparse)
		if full.ID == 0 || sparse.ID <= full.ID {
			t.Fatalf("ids %d, %d: want them assigned, increasing in insertion order", full.ID, sparse.ID)
		}
		requireOutbox(t, b.prec, find(t, b, &callback.OutboxFindParams{}), values(full, sparse))
		if got := find(t, b, &callback.OutboxFindParams{Key: "k2"}); len(got[0].Payload) != 0 || !got[0].NextAt.IsZero() {
			t.Fatalf("sparse message reads back as %+v, want no payload and zero times", got[0])
		}
	})

	t.Run("InsertAssignsIncreasingIDsAcrossTransactions", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var last int64
		for i := range 5 {
			m := outboxMsg("sms", fmt.Sprintf("k%d", i), 0)
			m.ID = 999 // ignored: the store assigns it
			insertAll(t, b, m)
			if m.ID <= last || m.ID == 999 {
				t.Fatalf("insert %d: id %d after %d, want a greater store-assigned id", i, m.ID, last)
			}
			last = m.ID
		}
	})

	t.Run("InsertDuplicateIsConflict", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		first := outboxMsg("webhook/crm", "ev-1", 0)
		insertAll(t, b, first)
		dup := fullOutbox("ev-1")
		dup.Destination = "webhook/crm"
		requireErrorIs(t, try(b, func(tx callback.Tx) error { return tx.OutboxInsert(b.ctx, dup) }), callback.ErrConflict)
		// The same key to another destination, in another tenant, or in
		// another case, is another message.
		other := outboxMsg("webhook/billing", "ev-1", 0)
		otherTenant := outboxMsg("webhook/crm", "ev-1", 0)
		otherTenant.Tenant = "Portree"
		otherCase := outboxMsg("webhook/crm", "EV-1", 0)
		insertAll(t, b, other, otherTenant, otherCase)
		requireOutbox(t, b.prec, find(t, b, &callback.OutboxFindParams{}), values(first, other, otherTenant, otherCase))
	})

	t.Run("Find", func(t *testing.T) {
		t.Parallel()
		// Six messages of every filter, inserted in this order (so ids ascend).
		fixture := func() []*callback.OutboxMessage {
			mk := func(tenant, dest, key, interaction string, state callback.OutboxState) *callback.OutboxMessage {
				m := outboxMsg(dest, key, 0)
				m.Tenant, m.InteractionID, m.State = tenant, interaction, state
				return m
			}
			return []*callback.OutboxMessage{
				mk("VHTLab", "webhook/crm", "ev-1", "V1", callback.OutboxDelivered),
				mk("VHTLab", "sms", "V1/confirmation", "V1", callback.OutboxPending),
				mk("Portree", "webhook/crm", "ev-2", "P1", callback.OutboxPending),
				mk("VHTLab", "dialer/Q1", "V2/1", "V2", callback.OutboxExpired),
				mk("VHTLab", "webhook/crm", "mode-1", "", callback.OutboxCancelled),
				mk("VHTLab", "webhook/crm", "ev-3", "V2", callback.OutboxPending),
			}
		}
		for _, c := range []struct {
			name string
			p    callback.OutboxFindParams
			want []int
		}{
			{"All", callback.OutboxFindParams{}, []int{0, 1, 2, 3, 4, 5}},
			{"Tenant", callback.OutboxFindParams{Tenant: "VHTLab"}, []int{0, 1, 3, 4, 5}},
			{"TenantIsCaseSensitive", callback.OutboxFindParams{Tenant: "vhtlab"}, nil},
			{"Destination", callback.OutboxFindParams{Destination: "webhook/crm"}, []int{0, 2, 4, 5}},
			{"Key", callback.OutboxFindParams{Key: "ev-2"}, []int{2}},
			{"KeyIsExact", callback.OutboxFindParams{Key: "ev"}, nil},
			{"InteractionID", callback.OutboxFindParams{InteractionID: "V2"}, []int{3, 5}},
			{"OneState", callback.OutboxFindParams{States: []callback.OutboxState{callback.OutboxPending}}, []int{1, 2, 5}},
			{"States", callback.OutboxFindParams{States: []callback.OutboxState{callback.OutboxExpired, callback.OutboxCancelled}}, []int{3, 4}},
			{"EmptyStatesDoNotFilter", callback.OutboxFindParams{States: []callback.OutboxState{}}, []int{0, 1, 2, 3, 4, 5}},
			{"AfterID", callback.OutboxFindParams{AfterID: -1}, []int{3, 4, 5}}, // -1: the id of message 2, set below
			{"Limit", callback.OutboxFindParams{Limit: 2}, []int{0, 1}},
			{"AfterIDLimit", callback.OutboxFindParams{AfterID: -1, Limit: 1}, []int{3}},
			{"FiltersAreAnded", callback.OutboxFindParams{Tenant: "VHTLab", Destination: "webhook/crm", States: []callback.OutboxState{callback.OutboxPending}}, []int{5}},
			{"NoMatch", callback.OutboxFindParams{Tenant: "Portree", Destination: "sms"}, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				ms := fixture()
				insertAll(t, b, ms...)
				if c.p.AfterID == -1 {
					c.p.AfterID = ms[2].ID
				}
				want := []callback.OutboxMessage{}
				for _, i := range c.want {
					want = append(want, *ms[i])
				}
				requireOutbox(t, b.prec, find(t, b, &c.p), want)
			})
		}
	})

	// claimFixture is an outbox in every state a claim at tc must tell
	// apart, inserted so that ids do not follow due times. Claimable, in
	// claim order: 5 (no due time: due at once, first), 1, 3 and 0 (both
	// due at tc - 1 min: by id), 6.
	claimFixture := func() []*callback.OutboxMessage {
		mk := func(key string, due time.Time) *callback.OutboxMessage {
			m := outboxMsg("webhook/crm", key, 0)
			m.NextAt = due
			return m
		}
		leased := func(m *callback.OutboxMessage, expires time.Time) *callback.OutboxMessage {
			m.LeaseOwner, m.LeaseExpires, m.Attempts = "other", expires, 1
			return m
		}
		settled := func(m *callback.OutboxMessage, s callback.OutboxState) *callback.OutboxMessage {
			m.State, m.SettledAt = s, tc.Add(-time.Hour)
			return m
		}
		return []*callback.OutboxMessage{
			0: mk("m0", tc.Add(-time.Minute)),
			1: mk("m1", tc.Add(-2*time.Minute)),
			2: mk("m2", tc.Add(time.Second)), // not due yet
			3: mk("m3", tc.Add(-time.Minute)),
			4: leased(mk("m4", tc.Add(-time.Hour)), tc.Add(time.Second)), // leased past tc
			5: mk("m5", time.Time{}),
			6: leased(mk("m6", tc), tc), // due at tc, lease expired at tc
			7: settled(mk("m7", tc.Add(-time.Hour)), callback.OutboxDelivered),
			8: settled(mk("m8", tc.Add(-time.Hour)), callback.OutboxExpired),
			9: settled(mk("m9", tc.Add(-time.Hour)), callback.OutboxCancelled),
		}
	}

	t.Run("Claim", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct {
			name string
			max  int
			want []int
		}{
			{"All", 100, []int{5, 1, 0, 3, 6}},
			{"ExactlyMax", 5, []int{5, 1, 0, 3, 6}},
			{"MaxOne", 1, []int{5}},
			{"MaxTakesTheEarliest", 3, []int{5, 1, 0}},
		} {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				ms := claimFixture()
				insertAll(t, b, ms...)
				got := claim(t, b, claimP("d1", tc, c.max))
				want := []callback.OutboxMessage{}
				stored := values(ms...)
				for _, i := range c.want {
					want = append(want, leasedTo(*ms[i], "d1", tc))
					stored[i] = leasedTo(*ms[i], "d1", tc)
				}
				requireOutbox(t, b.prec, got, want)
				requireOutbox(t, b.prec, find(t, b, &callback.OutboxFindParams{}), stored)
			})
		}
	})

	t.Run("ClaimOfNothingIsEmpty", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		if got := claim(t, b, claimP("d", tc, 5)); len(got) != 0 {
			t.Fatalf("claim of an empty outbox = %s", outboxKeys(got))
		}
		insertAll(t, b, claimFixture()...)
		if got := claim(t, b, claimP("d", tc, 100)); len(got) != 5 {
			t.Fatalf("first claim = %s, want 5 messages", outboxKeys(got))
		}
		if got := claim(t, b, claimP("d", tc, 100)); len(got) != 0 {
			t.Fatalf("second claim = %s, want nothing: everything due is leased", outboxKeys(got))
		}
	})

	t.Run("LeaseLifecycle", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		m := outboxMsg("sms", "k", 0)
		insertAll(t, b, m)
		first := leasedTo(*m, "A", tc)
		requireOutbox(t, b.prec, claim(t, b, claimP("A", tc, 1)), []callback.OutboxMessage{first})
		for _, now := range []time.Time{tc, tc.Add(time.Second), tc.Add(lease - b.prec)} {
			if got := claim(t, b, claimP("B", now, 1)); len(got) != 0 {
				t.Fatalf("claim at %s, within the lease, = %s", now, outboxKeys(got))
			}
		}
		// The worker died: at the lease's end the message is offered again,
		// as a second attempt, to anyone.
		second := leasedTo(first, "B", tc.Add(lease))
		requireOutbox(t, b.prec, claim(t, b, claimP("B", tc.Add(lease), 1)), []callback.OutboxMessage{second})
		requireOutbox(t, b.prec, find(t, b, &callback.OutboxFindParams{}), []callback.OutboxMessage{second})
	})

	t.Run("ClaimRefusesInvalidParams", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		insertAll(t, b, outboxMsg("sms", "k", 0))
		for name, change := range map[string]func(p *callback.OutboxClaimParams){
			"ZeroMax":       func(p *callback.OutboxClaimParams) { p.Max = 0 },
			"NegativeMax":   func(p *callback.OutboxClaimParams) { p.Max = -1 },
			"NoOwner":       func(p *callback.OutboxClaimParams) { p.Owner = "" },
			"ZeroLease":     func(p *callback.OutboxClaimParams) { p.Lease = 0 },
			"NegativeLease": func(p *callback.OutboxClaimParams) { p.Lease = -lease },
			"ZeroNow":       func(p *callback.OutboxClaimParams) { p.Now = time.Time{} },
		} {
			p := claimP("d", tc, 1)
			change(p)
			err := try(b, func(tx callback.Tx) error { _, err := tx.OutboxClaim(b.ctx, p); return err })
			if err == nil || errors.Is(err, callback.ErrNotFound) || errors.Is(err, callback.ErrConflict) {
				t.Errorf("%s: error %v, want one that is neither ErrNotFound nor ErrConflict", name, err)
			}
		}
		if got := find(t, b, &callback.OutboxFindParams{}); got[0].Attempts != 0 || got[0].LeaseOwner != "" {
			t.Fatalf("after refused claims: %+v, want it never claimed", got[0])
		}
	})

	t.Run("RetryReschedulesAndReleases", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		m := outboxMsg("webhook/crm", "k", 0)
		insertAll(t, b, m)
		claimed := claim(t, b, claimP("d", tc, 1))[0]
		next := tc.Add(90 * time.Second).In(paris)
		var got *callback.OutboxMessage
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			got, err = tx.OutboxRetry(b.ctx, &callback.OutboxRetryParams{ID: m.ID, Attempts: 1, NextAt: next, Error: "HTTP 500"})
			return err
		})
		want := claimed
		want.NextAt, want.LastError, want.LeaseOwner, want.LeaseExpires = next, "HTTP 500", "", time.Time{}
		requireOutbox(t, b.prec, []callback.OutboxMessage{*got}, []callback.OutboxMessage{want})
		// Not due before NextAt, whatever the lease; due at it, as attempt 2.
		if got := claim(t, b, claimP("d", next.Add(-b.prec), 1)); len(got) != 0 {
			t.Fatalf("claim before the retry is due = %s", outboxKeys(got))
		}
		requireOutbox(t, b.prec, claim(t, b, claimP("e", next, 1)), []callback.OutboxMessage{leasedTo(want, "e", next)})
	})

	t.Run("SettlingAStaleClaimConflicts", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		m := outboxMsg("webhook/crm", "k", 0)
		insertAll(t, b, m)
		claim(t, b, claimP("A", tc, 1))
		// A's lease expired and B claimed it: A's answers are stale.
		claim(t, b, claimP("B", tc.Add(lease), 1))
		retry := &callback.OutboxRetryParams{ID: m.ID, Attempts: 1, NextAt: tc.Add(time.Hour), Error: "A"}
		discard := &callback.OutboxDiscardParams{ID: m.ID, Attempts: 1, State: callback.OutboxExpired, At: tc, Error: "A"}
		requireStale(t, try(b, func(tx callback.Tx) error { _, err := tx.OutboxRetry(b.ctx, retry); return err }))
		requireStale(t, try(b, func(tx callback.Tx) error { _, err := tx.OutboxDiscard(b.ctx, discard); return err }))
		got := find(t, b, &callback.OutboxFindParams{})[0]
		if got.LeaseOwner != "B" || got.Attempts != 2 || got.LastError != "" || got.State != callback.OutboxPending {
			t.Fatalf("after stale answers: %+v, want B's claim untouched", got)
		}
		// B's answer holds.
		retry.Attempts = 2
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error { _, err := tx.OutboxRetry(b.ctx, retry); return err })
	})

	t.Run("DiscardEndsTheMessage", func(t *testing.T) {
		t.Parallel()
		for _, state := range []callback.OutboxState{callback.OutboxExpired, callback.OutboxCancelled} {
			t.Run(string(state), func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				m := outboxMsg("webhook/crm", "k", 0)
				insertAll(t, b, m)
				claimed := claim(t, b, claimP("d", tc, 1))[0]
				at := tc.Add(time.Second)
				var got *callback.OutboxMessage
				inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
					got, err = tx.OutboxDiscard(b.ctx, &callback.OutboxDiscardParams{ID: m.ID, Attempts: 1, State: state, At: at, Error: "why"})
					return err
				})
				want := claimed
				want.State, want.SettledAt, want.LastError, want.LeaseOwner, want.LeaseExpires = state, at, "why", "", time.Time{}
				requireOutbox(t, b.prec, []callback.OutboxMessage{*got}, []callback.OutboxMessage{want})
				// Ended: never claimed again, and neither retried nor discarded again.
				if got := claim(t, b, claimP("d", tc.Add(48*time.Hour), 10)); len(got) != 0 {
					t.Fatalf("claim after discard = %s", outboxKeys(got))
				}
				requireStale(t, try(b, func(tx callback.Tx) error {
					_, err := tx.OutboxRetry(b.ctx, &callback.OutboxRetryParams{ID: m.ID, Attempts: 1, NextAt: tc})
					return err
				}))
				requireStale(t, try(b, func(tx callback.Tx) error {
					_, err := tx.OutboxDiscard(b.ctx, &callback.OutboxDiscardParams{ID: m.ID, Attempts: 1, State: callback.OutboxCancelled, At: tc})
					return err
				}))
			})
		}
	})

	t.Run("DiscardRefusesInvalidParams", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		m := outboxMsg("sms", "k", 0)
		insertAll(t, b, m)
		for name, p := range map[string]*callback.OutboxDiscardParams{
			"Pending":   {ID: m.ID, State: callback.OutboxPending, At: tc},
			"Delivered": {ID: m.ID, State: callback.OutboxDelivered, At: tc},
			"Unknown":   {ID: m.ID, State: "gone", At: tc},
			"ZeroAt":    {ID: m.ID, State: callback.OutboxExpired},
		} {
			err := try(b, func(tx callback.Tx) error { _, err := tx.OutboxDiscard(b.ctx, p); return err })
			if err == nil || errors.Is(err, callback.ErrNotFound) || errors.Is(err, callback.ErrConflict) {
				t.Errorf("%s: error %v, want one that is neither ErrNotFound nor ErrConflict", name, err)
			}
		}
		if got := find(t, b, &callback.OutboxFindParams{}); got[0].State != callback.OutboxPending {
			t.Fatalf("after refused discards: %+v", got[0])
		}
	})

	t.Run("DeliveredFromAnyStateKeepsTheFirstTime", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		pending, expired := outboxMsg("sms", "p", 0), outboxMsg("sms", "e", 0)
		expired.State, expired.SettledAt, expired.LastError = callback.OutboxExpired, tc.Add(-time.Hour), "timeout"
		insertAll(t, b, pending, expired)
		claimed := claim(t, b, claimP("d", tc, 1))[0]
		deliver := func(id int64, at time.Time) *callback.OutboxMessage {
			var got *callback.OutboxMessage
			inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
				got, err = tx.OutboxDelivered(b.ctx, &callback.OutboxDeliveredParams{ID: id, At: at})
				return err
			})
			return got
		}
		want := claimed
		want.State, want.SettledAt, want.LeaseOwner, want.LeaseExpires = callback.OutboxDelivered, tc.Add(time.Second).In(paris), "", time.Time{}
		requireOutbox(t, b.prec, []callback.OutboxMessage{*deliver(pending.ID, want.SettledAt)}, []callback.OutboxMessage{want})
		// Twice: the first time stays; the answer is the message.
		requireOutbox(t, b.prec, []callback.OutboxMessage{*deliver(pending.ID, tc.Add(time.Hour))}, []callback.OutboxMessage{want})
		// A late 2xx for an expired message: it was delivered after all.
		late := *expired
		late.State, late.SettledAt = callback.OutboxDelivered, tc
		requireOutbox(t, b.prec, []callback.OutboxMessage{*deliver(expired.ID, tc)}, []callback.OutboxMessage{late})
		// A delivered message is never claimed, retried or discarded again.
		if got := claim(t, b, claimP("d", tc.Add(48*time.Hour), 10)); len(got) != 0 {
			t.Fatalf("claim after delivery = %s", outboxKeys(got))
		}
		requireStale(t, try(b, func(tx callback.Tx) error {
			_, err := tx.OutboxRetry(b.ctx, &callback.OutboxRetryParams{ID: pending.ID, Attempts: 1, NextAt: tc})
			return err
		}))
		for name, err := range map[string]error{
			"ZeroTime": try(b, func(tx callback.Tx) error {
				_, err := tx.OutboxDelivered(b.ctx, &callback.OutboxDeliveredParams{ID: pending.ID, At: time.Time{}})
				return err
			}),
		} {
			if err == nil || errors.Is(err, callback.ErrNotFound) || errors.Is(err, callback.ErrConflict) {
				t.Errorf("%s: error %v, want one that is neither ErrNotFound nor ErrConflict", name, err)
			}
		}
	})

	t.Run("UnknownIDIsNotFound", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		m := outboxMsg("sms", "k", 0)
		insertAll(t, b, m)
		id := m.ID + 1000
		for name, fn := range map[string]func(tx callback.Tx) error{
			"Delivered": func(tx callback.Tx) error {
				_, err := tx.OutboxDelivered(b.ctx, &callback.OutboxDeliveredParams{ID: id, At: tc})
				return err
			},
			"Retry": func(tx callback.Tx) error {
				_, err := tx.OutboxRetry(b.ctx, &callback.OutboxRetryParams{ID: id, NextAt: tc})
				return err
			},
			"Discard": func(tx callback.Tx) error {
				_, err := tx.OutboxDiscard(b.ctx, &callback.OutboxDiscardParams{ID: id, State: callback.OutboxExpired, At: tc})
				return err
			},
		} {
			t.Run(name, func(t *testing.T) { t.Parallel(); requireErrorIs(t, try(b, fn), callback.ErrNotFound) })
		}
	})

	t.Run("EveryChangeRollsBack", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ms := claimFixture()
		insertAll(t, b, ms...)
		want := find(t, b, &callback.OutboxFindParams{})
		err := try(b, func(tx callback.Tx) error {
			got, err := tx.OutboxClaim(b.ctx, claimP("d", tc, 100))
			if err != nil || len(got) != 5 {
				return fmt.Errorf("claim inside the tx: %d, %w", len(got), err)
			}
			if _, err := tx.OutboxDelivered(b.ctx, &callback.OutboxDeliveredParams{ID: got[0].ID, At: tc}); err != nil {
				return err
			}
			if _, err := tx.OutboxRetry(b.ctx, &callback.OutboxRetryParams{ID: got[1].ID, Attempts: got[1].Attempts, NextAt: tc.Add(time.Hour)}); err != nil {
				return err
			}
			if _, err := tx.OutboxDiscard(b.ctx, &callback.OutboxDiscardParams{ID: got[2].ID, Attempts: got[2].Attempts, State: callback.OutboxExpired, At: tc}); err != nil {
				return err
			}
			if err := tx.OutboxInsert(b.ctx, outboxMsg("sms", "new", 0)); err != nil {
				return err
			}
			return errRollback
		})
		requireErrorIs(t, err, errRollback)
		requireOutbox(t, b.prec, find(t, b, &callback.OutboxFindParams{}), want)
		if got := claim(t, b, claimP("d", tc, 100)); len(got) != 5 || got[0].Attempts != 1 {
			t.Fatalf("claim after the rollback = %+v, want the 5 due messages, first attempts", outboxKeys(got))
		}
	})

	t.Run("SurvivesReopen", func(t *testing.T) {
		t.Parallel()
		if h.Reopen == nil {
			t.Skip("the engine cannot reopen a store")
		}
		b := setup(t)
		ms := claimFixture()
		full := fullOutbox("full")
		insertAll(t, b, append(ms, full)...)
		claimed := claim(t, b, claimP("d1", tc, 2))
		want := find(t, b, &callback.OutboxFindParams{})
		b.store = h.Reopen(t, b.store)
		requireOutbox(t, b.prec, find(t, b, &callback.OutboxFindParams{}), want)
		// The leases hold: of 5, 1, 0, 3, 6, the first two are leased.
		got := claim(t, b, claimP("d2", tc, 100))
		requireOutbox(t, b.prec, got, []callback.OutboxMessage{leasedTo(*ms[0], "d2", tc), leasedTo(*ms[3], "d2", tc), leasedTo(*ms[6], "d2", tc)})
		if len(claimed) != 2 {
			t.Fatalf("fixture: claimed %s", outboxKeys(claimed))
		}
		// Ids go on increasing, and (tenant, destination, key) stays unique.
		next := outboxMsg("sms", "after", 0)
		insertAll(t, b, next)
		if next.ID <= full.ID {
			t.Fatalf("id after reopen %d, not above %d", next.ID, full.ID)
		}
		dup := outboxMsg(full.Destination, full.Key, 0)
		requireErrorIs(t, try(b, func(tx callback.Tx) error { return tx.OutboxInsert(b.ctx, dup) }), callback.ErrConflict)
	})

	t.Run("ConcurrentClaimsLeaseEachMessageOnce", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		const messages, workers = 120, 12
		var all []*callback.OutboxMessage
		for i := range messages {
			all = append(all, outboxMsg(fmt.Sprintf("webhook/w%d", i%3), fmt.Sprintf("k%03d", i), time.Duration(i%7)*time.Millisecond))
		}
		insertAll(t, b, all...)
		var (
			mu     sync.Mutex
			owners = map[int64]string{}
			errs   []error
		)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				owner := fmt.Sprintf("worker-%02d", w)
				<-start
				for {
					var got []callback.OutboxMessage
					err := b.store.InTx(b.ctx, func(tx callback.Tx) (err error) {
						got, err = tx.OutboxClaim(b.ctx, claimP(owner, tc, 1+w%5))
						return err
					})
					mu.Lock()
					if err != nil {
						errs = append(errs, err)
					}
					for _, m := range got {
						if prev, twice := owners[m.ID]; twice {
							errs = append(errs, fmt.Errorf("%s leased twice: by %s and %s", m.Key, prev, owner))
						}
						owners[m.ID] = owner
					}
					stop := err != nil || len(got) == 0 || len(errs) > 0
					mu.Unlock()
					if stop {
						return
					}
				}
			})
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			t.Error(err)
		}
		if len(owners) != messages {
			t.Fatalf("%d messages leased, want %d", len(owners), messages)
		}
	})
}
