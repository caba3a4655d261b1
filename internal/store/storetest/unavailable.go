package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/holdline/holdline/internal/callback"
)

// maxFillWrites bounds how many interactions testUnavailable writes into a
// full store before it gives up waiting for a refusal.
const maxFillWrites = 10_000

// testUnavailable fills the store (Harness.Fill) and writes one interaction
// per transaction until a write is refused: the refusal must be
// ErrUnavailable and leave nothing behind, reads must still answer, and once
// the room is back a write must succeed with every interaction committed
// before it still there, also after a reopen.
func testUnavailable(t *testing.T, h Harness) {
	if h.Fill == nil {
		t.Skip("the harness cannot fill the store (Harness.Fill)")
	}
	b := newBundle(t, h)
	insert(t, b, sparse("V-before"))
	release := h.Fill(t, b.store)
	var committed []string
	var refused error
	refusedID := ""
	for i := range maxFillWrites {
		id := fmt.Sprintf("V-full-%05d", i)
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.InteractionInsert(b.ctx, full(id)) })
		if err != nil {
			refused, refusedID = err, id
			break
		}
		committed = append(committed, id)
	}
	if refused == nil {
		release()
		t.Fatalf("%d writes into a full store all succeeded", maxFillWrites)
	}
	requireErrorIs(t, refused, callback.ErrUnavailable)
	if errors.Is(refused, callback.ErrConflict) || errors.Is(refused, callback.ErrNotFound) {
		t.Fatalf("the refusal %v is also a conflict or a not-found", refused)
	}
	// Reads still answer while the store is full.
	get(t, b, "V-before")
	release()
	insert(t, b, sparse("V-after"))
	check := func(b *testBundle) {
		t.Helper()
		for _, id := range append([]string{"V-before", "V-after"}, committed...) {
			get(t, b, id)
		}
		err := b.store.InTx(b.ctx, func(tx callback.Tx) error {
			_, err := tx.InteractionGet(b.ctx, refusedID)
			return err
		})
		requireErrorIs(t, err, callback.ErrNotFound)
	}
	check(b)
	if h.Reopen != nil {
		check(&testBundle{ctx: b.ctx, store: h.Reopen(t, b.store), prec: b.prec})
	}
}
