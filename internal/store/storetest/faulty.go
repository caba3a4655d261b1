package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/holdline/holdline/internal/callback"
)

// Fault is how a Faulty store fails.
type Fault int32

// The faults a Faulty store can show.
const (
	// NoFault passes everything to the wrapped store.
	NoFault Fault = iota
	// FullDisk lets reads through and refuses, at commit, every transaction
	// that wrote, as SQLite on a full disk does.
	FullDisk
	// Unreachable refuses every transaction and ping, as a database server
	// that is down does.
	Unreachable
	// Broken fails every transaction with an error that is not
	// ErrUnavailable, as a bug or a damaged file would: the platform's
	// "unexpected" path (109000).
	Broken
)

// Faulty wraps a store and refuses work with callback.ErrUnavailable while
// a Fault is set, for tests of what the platform, its fronts and its
// background loops do when the store fails. A refused transaction is rolled
// back in the wrapped store, so nothing of it is committed.
type Faulty struct {
	callback.Store
	fault atomic.Int32
	txs   atomic.Int64
}

// NewFaulty wraps s, with no fault set.
func NewFaulty(s callback.Store) *Faulty { return &Faulty{Store: s} }

// Set sets the fault shown from now on.
func (f *Faulty) Set(fault Fault) { f.fault.Store(int32(fault)) }

// Transactions counts the InTx calls so far, refused ones included.
func (f *Faulty) Transactions() int64 { return f.txs.Load() }

// errFault is the refusal, with the fault named for the logs.
func errFault(fault Fault) error {
	what := map[Fault]string{FullDisk: "the disk is full", Unreachable: "the store cannot be reached"}[fault]
	return fmt.Errorf("storetest: %w (%s)", callback.ErrUnavailable, what)
}

// InTx runs fn in the wrapped store, unless the fault refuses it.
func (f *Faulty) InTx(ctx context.Context, fn func(tx callback.Tx) error) error {
	f.txs.Add(1)
	fault := Fault(f.fault.Load())
	switch fault {
	case Unreachable:
		return errFault(fault)
	case Broken:
		return errors.New("storetest: the store answered something it should not (a broken fault)")
	}
	return f.Store.InTx(ctx, func(tx callback.Tx) error {
		ft := &faultyTx{Tx: tx}
		if err := fn(ft); err != nil {
			return err
		}
		if fault == FullDisk && ft.wrote {
			return errFault(fault)
		}
		return nil
	})
}

// View runs fn in the wrapped store's read-only transaction, unless the
// store is Unreachable or Broken; a full disk still lets reads through.
func (f *Faulty) View(ctx context.Context, fn func(tx callback.Tx) error) error {
	f.txs.Add(1)
	switch fault := Fault(f.fault.Load()); fault {
	case Unreachable:
		return errFault(fault)
	case Broken:
		return errors.New("storetest: the store answered something it should not (a broken fault)")
	}
	return f.Store.View(ctx, fn)
}

// Ping fails while the store is Unreachable.
func (f *Faulty) Ping(ctx context.Context) error {
	if fault := Fault(f.fault.Load()); fault == Unreachable {
		return errFault(fault)
	}
	return f.Store.Ping(ctx)
}

// faultyTx notes whether its transaction wrote anything.
type faultyTx struct {
	callback.Tx
	wrote bool
}

// did notes a write that succeeded and returns err.
func (t *faultyTx) did(err error) error {
	if err == nil {
		t.wrote = true
	}
	return err
}

// noting passes a Tx method's results through, noting a write when it
// succeeded.
func noting[T any](t *faultyTx) func(T, error) (T, error) {
	return func(v T, err error) (T, error) { return v, t.did(err) }
}

// claimed is noting for a claim: a claim that leased nothing wrote nothing.
func claimed[T any](t *faultyTx) func([]T, error) ([]T, error) {
	return func(v []T, err error) ([]T, error) {
		if len(v) > 0 {
			_ = t.did(err)
		}
		return v, err
	}
}

func (t *faultyTx) InteractionInsert(ctx context.Context, it *callback.Interaction) error {
	return t.did(t.Tx.InteractionInsert(ctx, it))
}

func (t *faultyTx) InteractionUpdate(ctx context.Context, it *callback.Interaction) error {
	return t.did(t.Tx.InteractionUpdate(ctx, it))
}

func (t *faultyTx) RecordAppend(ctx context.Context, r *callback.Record) error {
	return t.did(t.Tx.RecordAppend(ctx, r))
}

func (t *faultyTx) QueueModeSet(ctx context.Context, o *callback.ModeOverride) error {
	return t.did(t.Tx.QueueModeSet(ctx, o))
}

func (t *faultyTx) QueueModeClear(ctx context.Context, q callback.QueueKey) error {
	return t.did(t.Tx.QueueModeClear(ctx, q))
}

func (t *faultyTx) LaunchInsert(ctx context.Context, l *callback.Launch) error {
	return t.did(t.Tx.LaunchInsert(ctx, l))
}

func (t *faultyTx) LaunchClaim(ctx context.Context, p *callback.LaunchClaimParams) ([]callback.Launch, error) {
	return claimed[callback.Launch](t)(t.Tx.LaunchClaim(ctx, p))
}

func (t *faultyTx) LaunchAck(ctx context.Context, p *callback.LaunchAckParams) (*callback.Launch, error) {
	return noting[*callback.Launch](t)(t.Tx.LaunchAck(ctx, p))
}

func (t *faultyTx) OutboxInsert(ctx context.Context, m *callback.OutboxMessage) error {
	return t.did(t.Tx.OutboxInsert(ctx, m))
}

func (t *faultyTx) OutboxClaim(ctx context.Context, p *callback.OutboxClaimParams) ([]callback.OutboxMessage, error) {
	return claimed[callback.OutboxMessage](t)(t.Tx.OutboxClaim(ctx, p))
}

func (t *faultyTx) OutboxDelivered(ctx context.Context, p *callback.OutboxDeliveredParams) (*callback.OutboxMessage, error) {
	return noting[*callback.OutboxMessage](t)(t.Tx.OutboxDelivered(ctx, p))
}

func (t *faultyTx) OutboxRetry(ctx context.Context, p *callback.OutboxRetryParams) (*callback.OutboxMessage, error) {
	return noting[*callback.OutboxMessage](t)(t.Tx.OutboxRetry(ctx, p))
}

func (t *faultyTx) OutboxDiscard(ctx context.Context, p *callback.OutboxDiscardParams) (*callback.OutboxMessage, error) {
	return noting[*callback.OutboxMessage](t)(t.Tx.OutboxDiscard(ctx, p))
}

func (t *faultyTx) SequenceNext(ctx context.Context, name string) (int64, error) {
	return noting[int64](t)(t.Tx.SequenceNext(ctx, name))
}
