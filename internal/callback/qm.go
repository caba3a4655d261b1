package callback

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/holdline/holdline/internal/ewt"
	"github.com/holdline/holdline/internal/status"
)

// The Queue Manager's live knowledge of each queue: an ewt.Tracker that
// follows the physical waiting line (callers on hold, reconnected callback
// customers waiting for an agent) and measures service and abandonment.
// It is a cache of the store (architecture rule 3): fed with every
// committed change, and rebuilt at Start by replaying the recent history.

// replayWindow is how much history Start replays into the trackers: enough
// for the smoothed measurements (15 min time constant by default) to settle.
const replayWindow = 2 * time.Hour

// physicalStates are the states of an interaction waiting in an ACD queue.
var physicalStates = []State{StateSentToHold, StateQueuedHold, StateSentToCallbackQueue, StateQueuedCallback}

func physical(s State) bool {
	switch s {
	case StateSentToHold, StateQueuedHold, StateSentToCallbackQueue, StateQueuedCallback:
		return true
	}
	return false
}

// queueState is the live state of one queue.
type queueState struct {
	mu      sync.Mutex
	tracker *ewt.Tracker
	// last is the latest event time fed, so late-arriving commits never move
	// the tracker's clock backwards.
	last time.Time
}

func trackerConfig(q *Queue) ewt.Config {
	return ewt.Config{
		Estimator:            ewt.Kind(q.EWT.Estimator),
		DefaultHandleTime:    q.EWT.DefaultHandleTime,
		DefaultAgents:        q.EWT.DefaultAgents,
		MinAnswers:           q.EWT.MinAnswers,
		Smoothing:            q.EWT.Smoothing,
		MultiplicationFactor: q.EWT.MultiplicationFactor,
		Median:               q.EWT.Median,
	}
}

// newQueueStates makes the live state of every configured queue.
func newQueueStates(s *Settings) map[queueKey]*queueState {
	out := map[queueKey]*queueState{}
	for _, t := range s.Tenants {
		for _, q := range t.Queues {
			out[keyOf(t, q)] = &queueState{tracker: ewt.NewTracker(trackerConfig(q))}
		}
	}
	return out
}

// with runs fn on the queue's state under its lock, with the time to use.
func (qs *queueState) with(at time.Time, fn func(tr *ewt.Tracker, now time.Time)) {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	if at.Before(qs.last) {
		at = qs.last
	}
	qs.last = at
	fn(qs.tracker, at)
}

// observe feeds committed history records to the queues' trackers.
func (p *Platform) observe(records []Record) {
	for _, r := range records {
		qs := p.queues[queueKey{r.Tenant, r.Queue}]
		if qs == nil || physical(r.From) == physical(r.To) {
			continue
		}
		qs.with(r.At, func(tr *ewt.Tracker, now time.Time) {
			switch {
			case physical(r.To):
				tr.Joined(now, r.InteractionID)
			case r.To == StateCompleteHold || r.To == StateCompleteUnderThreshold || r.To == StateCompleteForceHold || r.To == StateCompleteCallback:
				tr.Answered(now, r.InteractionID)
			case r.To == StateAbandonHold || r.To == StateAbandonCallback || r.To == StateDisconnectedByCaller:
				tr.Abandoned(now, r.InteractionID)
			default:
				tr.Left(now, r.InteractionID)
			}
		})
	}
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
func (p *Platform) inTx(ctx context.Context, fn func(tx Tx) error) error {
	var rec *recordingTx
	err := p.store.InTx(ctx, func(tx Tx) error {
		rec = &recordingTx{Tx: tx}
		return fn(rec)
	})
	if IsUnavailable(err) {
		p.health.failed(ctx, p.log, p.Now(), err)
		return status.Wrap(status.PlatformUnavailable, err, unavailableMessage)
	}
	if err == nil && rec != nil {
		if rec.wrote() {
			p.health.wrote(ctx, p.log, p.Now())
		}
		p.observe(rec.records)
		for _, tenant := range rec.launched {
			p.signals.launches(tenant).notify()
		}
		if rec.outbox {
			p.signals.outbox.notify()
		}
		for _, f := range rec.afterCommit {
			f()
		}
	}
	return err
}

// replay rebuilds the trackers from the store: the history of the last
// replayWindow, then the callers waiting now that the window did not see
// join (they joined earlier), at the time they joined.
func (p *Platform) replay(ctx context.Context, tx Tx) error {
	since := p.Now().Add(-replayWindow)
	records, err := tx.RecordFind(ctx, &RecordFindParams{Since: since})
	if err != nil {
		return fmt.Errorf("replay history: %w", err)
	}
	waiting, err := tx.InteractionFind(ctx, &InteractionFindParams{States: physicalStates})
	if err != nil {
		return fmt.Errorf("replay waiting line: %w", err)
	}
	seen := map[string]bool{}
	for _, r := range records {
		if physical(r.To) {
			seen[r.InteractionID] = true
		}
	}
	var early []Record
	for _, it := range waiting {
		if !seen[it.ID] {
			early = append(early, Record{InteractionID: it.ID, Tenant: it.Tenant, Queue: it.Queue, At: since, From: StateNone, To: it.State})
		}
	}
	p.observe(early)
	p.observe(records)
	return nil
}

// MaxAgents bounds the agents an ACD report may count: more is a broken
// adapter, and would make the EWT 0 and launch a burst of callbacks.
const MaxAgents = 100_000

// CheckStaffing refuses agent counts no ACD can report: negative, above
// MaxAgents, or more available than staffed.
func CheckStaffing(staffed, available int) error {
	if staffed < 0 || staffed > MaxAgents || available < 0 || available > staffed {
		return fmt.Errorf("agentsStaffed must be 0 to %d and agentsAvailable 0 to agentsStaffed: %d staffed and %d available is not possible",
			MaxAgents, staffed, available)
	}
	return nil
}

// Staffing records the ACD statistics a CTI adapter reports for a queue:
// agents staffed and available. They refine the EWT and drive Agent
// Priority launches.
func (p *Platform) Staffing(ctx context.Context, tenant, queue string, staffed, available int) error {
	t, q, err := p.queue(tenant, queue)
	if err != nil {
		return err
	}
	if err := CheckStaffing(staffed, available); err != nil {
		return fmt.Errorf("staffing of %s/%s: %w", t.Name, q.Name, err)
	}
	p.queues[keyOf(t, q)].with(p.Now(), func(tr *ewt.Tracker, now time.Time) { tr.Staffing(now, staffed, available) })
	p.log.DebugContext(ctx, "ACD statistics", "tenant", t.Name, "queue", q.Name, "staffed", staffed, "available", available)
	return nil
}

// estimate asks the queue's tracker for the wait of a caller with ahead
// interactions before it.
func (p *Platform) estimate(t *Tenant, q *Queue, ahead int) ewt.Estimate {
	var e ewt.Estimate
	p.queues[keyOf(t, q)].with(p.Now(), func(tr *ewt.Tracker, now time.Time) { e = tr.Estimate(now, ahead) })
	return e
}

// snapshot reads the queue's measurements.
func (p *Platform) snapshot(t *Tenant, q *Queue) ewt.Snapshot {
	var s ewt.Snapshot
	p.queues[keyOf(t, q)].with(p.Now(), func(tr *ewt.Tracker, now time.Time) { s = tr.Snapshot(now) })
	return s
}
