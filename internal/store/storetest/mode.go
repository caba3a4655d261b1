package storetest

import (
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
)

// testMode covers QueueModeGet, QueueModeList, QueueModeSet and
// QueueModeClear: the manual operation modes of queues.
func testMode(t *testing.T, h Harness) {
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		return newBundle(t, h)
	}
	set := func(t *testing.T, b *testBundle, ms ...*callback.ModeOverride) {
		t.Helper()
		for _, o := range ms {
			inTx(t, b.ctx, b.store, func(tx callback.Tx) error { return tx.QueueModeSet(b.ctx, o) })
		}
	}
	getMode := func(t *testing.T, b *testBundle, tenant, queue string) *callback.ModeOverride {
		t.Helper()
		var o *callback.ModeOverride
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			o, err = tx.QueueModeGet(b.ctx, callback.QueueKey{Tenant: tenant, Queue: queue})
			return err
		})
		return o
	}
	requireNoMode := func(t *testing.T, b *testBundle, tenant, queue string) {
		t.Helper()
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error {
			_, err := tx.QueueModeGet(b.ctx, callback.QueueKey{Tenant: tenant, Queue: queue})
			return err
		})
		requireErrorIs(t, err, callback.ErrNotFound)
	}
	list := func(t *testing.T, b *testBundle) []callback.ModeOverride {
		t.Helper()
		var out []callback.ModeOverride
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			out, err = tx.QueueModeList(b.ctx)
			return err
		})
		return out
	}
	clearMode := func(t *testing.T, b *testBundle, tenant, queue string) {
		t.Helper()
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			return tx.QueueModeClear(b.ctx, callback.QueueKey{Tenant: tenant, Queue: queue})
		})
	}
	// mode is an override of tenant/queue to m, set at t0 by "console".
	mode := func(tenant, queue string, m callback.Mode) *callback.ModeOverride {
		return &callback.ModeOverride{Tenant: tenant, Queue: queue, Mode: m, SetAt: t0, By: "console"}
	}

	t.Run("FixtureSetsEveryField", func(t *testing.T) {
		t.Parallel()
		requireEveryFieldSet(t, *fullMode("VHTLab", "Sales Queue"))
	})

	t.Run("GetMissingIsNotFound", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		requireNoMode(t, b, "VHTLab", "Sales Queue")
		set(t, b, mode("VHTLab", "Other Queue", callback.ModeStandby), mode("Portree", "Sales Queue", callback.ModeStandby))
		// Neither the tenant's other queue nor the queue of the same name in
		// another tenant, nor a name differing in case, is this queue.
		requireNoMode(t, b, "VHTLab", "Sales Queue")
		requireNoMode(t, b, "VHTLab", "sales queue")
		requireNoMode(t, b, "vhtlab", "Other Queue")
		requireNoMode(t, b, "VHTLab", "")
		requireNoMode(t, b, "", "Sales Queue")
	})

	t.Run("SetGetRoundTripsEveryField", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := fullMode("VHTLab", "Sales Queue")
		want := *o
		set(t, b, o)
		requireModes(t, b.prec, []callback.ModeOverride{*getMode(t, b, "VHTLab", "Sales Queue")}, []callback.ModeOverride{want})
		requireModes(t, b.prec, list(t, b), []callback.ModeOverride{want})
	})

	t.Run("SetGetRoundTripsZeroValues", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		// No Until (until cleared), no SetAt, no By; and every mode.
		for i, m := range callback.Modes {
			o := &callback.ModeOverride{Tenant: "VHTLab", Queue: string(rune('A' + i)), Mode: m}
			set(t, b, o)
			got := getMode(t, b, o.Tenant, o.Queue)
			requireModes(t, b.prec, []callback.ModeOverride{*got}, []callback.ModeOverride{*o})
			if !got.Until.IsZero() || !got.SetAt.IsZero() {
				t.Fatalf("until %s set at %s, want zero times", got.Until, got.SetAt)
			}
		}
	})

	t.Run("SetReplacesEveryField", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		set(t, b, fullMode("VHTLab", "Sales Queue"), mode("VHTLab", "Other Queue", callback.ModeAfterHours))
		next := &callback.ModeOverride{
			Tenant: "VHTLab", Queue: "Sales Queue", Mode: callback.ModeShutdown,
			SetAt: t0.Add(time.Hour), By: "api-token",
			// Until goes back to zero: a replacement does not keep old fields.
		}
		set(t, b, next)
		want := *next
		requireModes(t, b.prec, []callback.ModeOverride{*getMode(t, b, "VHTLab", "Sales Queue")}, []callback.ModeOverride{want})
		requireModes(t, b.prec, list(t, b), []callback.ModeOverride{*mode("VHTLab", "Other Queue", callback.ModeAfterHours), want})
	})

	t.Run("SetTwiceInOneTx", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		last := mode("VHTLab", "Sales Queue", callback.ModePurge)
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			if err := tx.QueueModeSet(b.ctx, mode("VHTLab", "Sales Queue", callback.ModeStandby)); err != nil {
				return err
			}
			if err := tx.QueueModeSet(b.ctx, last); err != nil {
				return err
			}
			// The transaction reads its own writes.
			got, err := tx.QueueModeGet(b.ctx, callback.QueueKey{Tenant: "VHTLab", Queue: "Sales Queue"})
			if err != nil {
				return err
			}
			if got.Mode != callback.ModePurge {
				t.Errorf("mode inside the tx = %s, want %s", got.Mode, callback.ModePurge)
			}
			return nil
		})
		requireModes(t, b.prec, list(t, b), []callback.ModeOverride{*last})
	})

	t.Run("ListIsOrderedByTenantThenQueue", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		requireModes(t, b.prec, list(t, b), nil)
		// Set in an order that is neither the listed one nor its reverse.
		// The order is byte-wise: upper case before lower case, "Q1" before
		// "Q10" before "Q2", a tenant before the tenant it prefixes.
		want := []callback.ModeOverride{
			*mode("Portree", "Z", callback.ModeStandby),
			*mode("VHT", "Q2", callback.ModeNormal),
			*mode("VHTLab", "Q1", callback.ModePurge),
			*mode("VHTLab", "Q10", callback.ModeRapidPurge),
			*mode("VHTLab", "Q2", callback.ModeQueueSpeak),
			*mode("VHTLab", "q0", callback.ModeAfterHours),
			*mode("vht", "A", callback.ModeDateBook),
		}
		for _, i := range []int{4, 0, 6, 2, 5, 1, 3} {
			set(t, b, &want[i])
		}
		requireModes(t, b.prec, list(t, b), want)
	})

	t.Run("ListKeepsExpiredOverrides", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		// The store has no clock: an Until long past is the caller's to judge.
		past := mode("VHTLab", "Sales Queue", callback.ModeStandby)
		past.Until = time.Date(2001, time.January, 1, 0, 0, 0, 0, time.UTC)
		set(t, b, past)
		requireModes(t, b.prec, list(t, b), []callback.ModeOverride{*past})
		requireModes(t, b.prec, []callback.ModeOverride{*getMode(t, b, "VHTLab", "Sales Queue")}, []callback.ModeOverride{*past})
	})

	t.Run("ClearRemovesOnlyThatQueueAndIsIdempotent", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		// Clearing what was never set is not an error.
		clearMode(t, b, "VHTLab", "Sales Queue")
		keep := []callback.ModeOverride{
			*mode("Portree", "Sales Queue", callback.ModeStandby),
			*mode("VHTLab", "Other Queue", callback.ModePurge),
			*mode("VHTLab", "sales queue", callback.ModeShutdown),
		}
		set(t, b, &keep[0], &keep[1], &keep[2], fullMode("VHTLab", "Sales Queue"))
		clearMode(t, b, "VHTLab", "Sales Queue")
		requireNoMode(t, b, "VHTLab", "Sales Queue")
		requireModes(t, b.prec, list(t, b), keep)
		// Twice, and in a transaction that also clears an unknown queue.
		clearMode(t, b, "VHTLab", "Sales Queue")
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			if err := tx.QueueModeClear(b.ctx, callback.QueueKey{Tenant: "VHTLab", Queue: "Sales Queue"}); err != nil {
				return err
			}
			return tx.QueueModeClear(b.ctx, callback.QueueKey{Tenant: "Nowhere", Queue: "None"})
		})
		requireModes(t, b.prec, list(t, b), keep)
		// A cleared queue can be set again.
		again := mode("VHTLab", "Sales Queue", callback.ModeVirtualQueue)
		set(t, b, again)
		requireModes(t, b.prec, []callback.ModeOverride{*getMode(t, b, "VHTLab", "Sales Queue")}, []callback.ModeOverride{*again})
	})

	t.Run("SurvivesReopen", func(t *testing.T) {
		t.Parallel()
		if h.Reopen == nil {
			t.Skip("the engine cannot reopen a store")
		}
		b := setup(t)
		cleared := mode("VHTLab", "Cleared", callback.ModeStandby)
		want := []callback.ModeOverride{*fullMode("Portree", "Sales Queue"), *fullMode("VHTLab", "Sales Queue")}
		set(t, b, &want[1], cleared, &want[0])
		clearMode(t, b, cleared.Tenant, cleared.Queue)

		b.store = h.Reopen(t, b.store)
		requireModes(t, b.prec, list(t, b), want)
		requireModes(t, b.prec, []callback.ModeOverride{*getMode(t, b, "VHTLab", "Sales Queue")}, want[1:])
		requireNoMode(t, b, cleared.Tenant, cleared.Queue)
		// Still one override per queue after the reopen.
		next := mode("VHTLab", "Sales Queue", callback.ModeNormal)
		set(t, b, next)
		requireModes(t, b.prec, list(t, b), []callback.ModeOverride{want[0], *next})
	})
}
