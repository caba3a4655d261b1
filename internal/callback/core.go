package callback

import (
	"context"
	"log/slog"
	"time"

	"github.com/holdline/holdline/internal/clock"
	"github.com/holdline/holdline/internal/status"
)

// core is what the platform's parts share: the store and the clock, the
// settings, the node's number, the store's health, and the one way they
// all change the store — a transaction (inTx) that records its history,
// writes the events it causes (events.go) and, once committed, tells the
// Queue Manager what changed and wakes those waiting for launches and
// outbox messages.
type core struct {
	store    Store
	clock    clock.Clock
	settings *Settings
	node     int
	log      *slog.Logger

	// health follows whether the store can write (health.go).
	health storeHealth
	// signals wake those waiting for committed launches and outbox messages.
	signals signals
	// view is what the transactions need of the Queue Manager: its
	// trackers, fed the committed history, and the waits it estimates.
	view queueView
}

// queueView is what every transaction needs of the Queue Manager.
type queueView interface {
	// observe feeds committed history records to the queues' trackers.
	observe(records []Record)
	// remainingWait is the wait still ahead of an interaction in queue q.
	remainingWait(ctx context.Context, tx Tx, t *Tenant, q *Queue, it *Interaction) (time.Duration, error)
}

// recordingTx is a Tx that keeps the records its transaction appends, so
// they can be observed once it commits, and notes the launches and outbox
// messages it writes, so their waiters can be woken then.
type recordingTx struct {
	Tx
	records []Record
	// launched are the tenants of the launches inserted.
	launched []string
	// outbox says whether an outbox message was inserted.
	outbox bool
	// sequenced says whether a sequence value was taken.
	sequenced bool
	// afterCommit run, in order, once the transaction has committed.
	afterCommit []func()
}

func (r *recordingTx) RecordAppend(ctx context.Context, rec *Record) error {
	if err := r.Tx.RecordAppend(ctx, rec); err != nil {
		return err
	}
	r.records = append(r.records, *rec)
	return nil
}

func (r *recordingTx) LaunchInsert(ctx context.Context, l *Launch) error {
	if err := r.Tx.LaunchInsert(ctx, l); err != nil {
		return err
	}
	r.launched = append(r.launched, l.Tenant)
	return nil
}

func (r *recordingTx) OutboxInsert(ctx context.Context, m *OutboxMessage) error {
	if err := r.Tx.OutboxInsert(ctx, m); err != nil {
		return err
	}
	r.outbox = true
	return nil
}

func (r *recordingTx) SequenceNext(ctx context.Context, name string) (int64, error) {
	v, err := r.Tx.SequenceNext(ctx, name)
	if err == nil {
		r.sequenced = true
	}
	return v, err
}

// wrote reports whether the transaction surely changed the store: it
// appended history, issued a launch or an outbox message, or took a
// sequence value. Only such a commit proves the store can write again.
func (r *recordingTx) wrote() bool {
	return len(r.records) > 0 || len(r.launched) > 0 || r.outbox || r.sequenced
}

// onCommit runs fn once tx has committed, when tx is a transaction of
// Platform.inTx; otherwise at once.
func onCommit(tx Tx, fn func()) {
	if r, ok := tx.(*recordingTx); ok {
		r.afterCommit = append(r.afterCommit, fn)
		return
	}
	fn()
}

// inTx runs fn in one store transaction and, once it has committed, feeds
// the changes it made to the Queue Manager's live state and wakes those
// waiting for new launches or outbox messages. Every transaction of the
// platform passes here, so here a store's refusal (ErrUnavailable) becomes
// 109004 PlatformUnavailable and moves the store's health.
func (c *core) inTx(ctx context.Context, fn func(tx Tx) error) error {
	var rec *recordingTx
	err := c.store.InTx(ctx, func(tx Tx) error {
		rec = &recordingTx{Tx: tx}
		return fn(rec)
	})
	if IsUnavailable(err) {
		c.health.failed(ctx, c.log, c.Now(), err)
		return status.Wrap(status.PlatformUnavailable, err, unavailableMessage)
	}
	if err == nil && rec != nil {
		if rec.wrote() {
			c.health.wrote(ctx, c.log, c.Now())
		}
		c.view.observe(rec.records)
		for _, tenant := range rec.launched {
			c.signals.launches(tenant).notify()
		}
		if rec.outbox {
			c.signals.outbox.notify()
		}
		for _, f := range rec.afterCommit {
			f()
		}
	}
	return err
}
