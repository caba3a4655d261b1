package callback

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/holdline/holdline/internal/ewt"
)

// The Queue Manager's live knowledge of each queue: an ewt.Tracker that
// follows the physical waiting line (callers on hold, reconnected callback
// customers waiting for an agent) and measures service and abandonment.
// It is a cache of the store (architecture rule 3): fed with every
// committed change, and rebuilt at Start by replaying the recent history.

// QueueManager is the per-queue timed work of the platform: the live
// operation mode of every queue (its schedule, holidays, manual modes,
// Smart Purge) and the announcement of its changes (qm_mode*.go), the EWT
// trackers fed by every committed change (this file, qm_queue.go, and
// qm_status.go for a queue's state), and the tick that launches callbacks
// in order, times out launches and retries (qm_launch.go). It keeps caches
// of the store and rebuilds them at Start.
type QueueManager struct {
	*core

	// overrides caches the manual operation modes (the store holds them).
	overrides overrides
	// queues is the live state of every configured queue.
	queues map[QueueKey]*queueState
	// modes are the operation modes last announced (queue.modeChanged).
	modes announcedModes
	// counts are the queues' waiting interactions and the tenants' licences
	// in use (qm_counts.go).
	counts liveCounts
}

// moved moves the counts by a committed transaction's changes.
func (qm *QueueManager) moved(m *moves) bool { return qm.counts.apply(m) }

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
func newQueueStates(s *Settings) map[QueueKey]*queueState {
	out := map[QueueKey]*queueState{}
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
func (qm *QueueManager) observe(records []Record) {
	for _, r := range records {
		qs := qm.queues[QueueKey{r.Tenant, r.Queue}]
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

// replay rebuilds the trackers from the store: the history of the last
// replayWindow, then the callers waiting now that the window did not see
// join (they joined earlier), at the time they joined.
func (qm *QueueManager) replay(ctx context.Context, tx Tx) error {
	since := qm.now(tx).Add(-replayWindow)
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
	qm.observe(early)
	qm.observe(records)
	return nil
}

// MaxAgents bounds the agents an ACD report may count: more is a broken
// adapter, and would make the EWT 0 and launch a burst of callbacks.
const MaxAgents = 100_000

// checkStaffing refuses agent counts no ACD can report: negative, above
// MaxAgents, or more available than staffed.
func checkStaffing(staffed, available int) error {
	if staffed < 0 || staffed > MaxAgents || available < 0 || available > staffed {
		return argumentErrorf(ArgStaffing, "agentsStaffed must be 0 to %d and agentsAvailable 0 to agentsStaffed: %d staffed and %d available is not possible",
			MaxAgents, staffed, available)
	}
	return nil
}

// Staffing records the ACD statistics a CTI adapter reports for a queue:
// agents staffed and available. They refine the EWT and drive Agent
// Priority launches. Counts no ACD can report are an ArgumentError, refused
// before the queue is looked up.
func (qm *QueueManager) Staffing(ctx context.Context, tenant, queue string, staffed, available int) error {
	if err := checkStaffing(staffed, available); err != nil {
		return err
	}
	t, q, err := qm.queue(tenant, queue)
	if err != nil {
		return err
	}
	qm.queues[keyOf(t, q)].with(qm.Now(), func(tr *ewt.Tracker, now time.Time) { tr.Staffing(now, staffed, available) })
	qm.log.DebugContext(ctx, "ACD statistics", "tenant", t.Name, "queue", q.Name, "staffed", staffed, "available", available)
	return nil
}

// estimate asks the queue's tracker for the wait of a caller with ahead
// interactions before it.
func (qm *QueueManager) estimate(t *Tenant, q *Queue, ahead int) ewt.Estimate {
	var e ewt.Estimate
	qm.queues[keyOf(t, q)].with(qm.Now(), func(tr *ewt.Tracker, now time.Time) { e = tr.Estimate(now, ahead) })
	return e
}

// snapshot reads the queue's measurements.
func (qm *QueueManager) snapshot(t *Tenant, q *Queue) ewt.Snapshot {
	var s ewt.Snapshot
	qm.queues[keyOf(t, q)].with(qm.Now(), func(tr *ewt.Tracker, now time.Time) { s = tr.Snapshot(now) })
	return s
}

// start loads what the Queue Manager keeps in memory from the store: the
// manual operation modes, its measurements rebuilt from the recent history,
// and the modes last announced.
func (qm *QueueManager) start(ctx context.Context) error {
	return qm.store.InTx(ctx, func(tx Tx) error {
		list, err := tx.QueueModeList(ctx)
		if err != nil {
			return fmt.Errorf("load manual modes: %w", err)
		}
		for i := range list {
			o := list[i]
			qm.overrides.set(QueueKey{o.Tenant, o.Queue}, &o)
		}
		if err := qm.replay(ctx, tx); err != nil {
			return err
		}
		if err := qm.counts.load(ctx, tx); err != nil {
			return fmt.Errorf("count the waiting interactions and the licences in use: %w", err)
		}
		return qm.learnModes(ctx, tx)
	})
}
