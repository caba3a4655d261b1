package callback

import (
	"context"
	"slices"
	"time"

	"github.com/holdline/holdline/internal/ewt"
)

// The interactions waiting in a queue, in virtual-queue order, and the
// waits the Queue Manager's estimate gives them (qm.go measures the rates).

// waitingStates are the states of interactions that will take an agent
// before a caller joining the queue now.
var waitingStates = []State{
	StateSentToHold, StateQueuedHold, StatePendingCallback, StateLaunched,
	StateOutboundConnected, StateSentToCallbackQueue, StateQueuedCallback,
}

// waiting lists the interactions of queue q (tenant t) waiting for an agent,
// in virtual-queue order (the time each caller entered the queue). Pending
// scheduled callbacks wait for their appointment, not for an agent, and are
// left out.
func (qm *QueueManager) waiting(ctx context.Context, tx Tx, t *Tenant, q *Queue) ([]*Interaction, error) {
	its, err := tx.InteractionFind(ctx, &InteractionFindParams{Tenant: t.Name, Queue: q.Name, States: waitingStates})
	if err != nil {
		return nil, err
	}
	its = slices.DeleteFunc(its, func(it *Interaction) bool {
		return it.State == StatePendingCallback && it.Type == TypeAppointment
	})
	slices.SortStableFunc(its, func(a, b *Interaction) int { return orderKey(a).Compare(orderKey(b)) })
	return its, nil
}

// inProgressStates are the waiting states but pending: callers holding and
// callbacks being dialled or reconnected — few, bounded by the calls in
// progress, where the pending callbacks may be many.
var inProgressStates = slices.DeleteFunc(slices.Clone(waitingStates), func(s State) bool { return s == StatePendingCallback })

// inProgress lists q's waiting interactions that are not pending
// callbacks, in place order.
func (qm *QueueManager) inProgress(ctx context.Context, tx Tx, t *Tenant, q *Queue) ([]*Interaction, error) {
	return tx.InteractionFind(ctx, &InteractionFindParams{Tenant: t.Name, Queue: q.Name, States: inProgressStates, ByPlace: true})
}

// pendingPage is how many pending callbacks eachPending reads at a time.
const pendingPage = 64

// eachPending calls yield with q's pending ASAP callbacks in place order, a
// page at a time, until yield returns false or none is left.
func (qm *QueueManager) eachPending(ctx context.Context, tx Tx, t *Tenant, q *Queue, yield func(*Interaction) bool) error {
	var after *Interaction
	for {
		page, err := tx.InteractionFind(ctx, &InteractionFindParams{Tenant: t.Name, Queue: q.Name,
			States: []State{StatePendingCallback}, Types: []InteractionType{TypeASAP}, ByPlace: true, After: after, Limit: pendingPage})
		if err != nil {
			return err
		}
		for _, it := range page {
			if !yield(it) {
				return nil
			}
		}
		if len(page) < pendingPage {
			return nil
		}
		after = page[len(page)-1]
	}
}

// placedBefore orders two interactions as the virtual queue does: by place,
// then creation, then id (the store's ByPlace order).
func placedBefore(a, b *Interaction) bool {
	if c := orderKey(a).Compare(orderKey(b)); c != 0 {
		return c < 0
	}
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c < 0
	}
	return a.ID < b.ID
}

// orderKey is an interaction's place in the virtual queue.
func orderKey(it *Interaction) time.Time {
	if !it.QueuedAt.IsZero() {
		return it.QueuedAt
	}
	return it.CreatedAt
}

// waitingCount is len(p.waiting(...)) without reading the rows: a caller
// joining now has that many interactions ahead. It comes from memory
// (qm_counts.go), or from the store when the counts were lost (without a
// transaction, errCountsLost).
func (qm *QueueManager) waitingCount(ctx context.Context, tx Tx, t *Tenant, q *Queue) (int, error) {
	if n, ok := qm.counts.waitingIn(keyOf(t, q)); ok {
		return max(n, 0), nil
	}
	if tx == nil {
		return 0, errCountsLost
	}
	return countWaiting(ctx, tx, t, q)
}

// joinEstimate is the estimate for a caller joining the back of queue q now.
func (qm *QueueManager) joinEstimate(ctx context.Context, tx Tx, t *Tenant, q *Queue) (ewt.Estimate, error) {
	n, err := qm.waitingCount(ctx, tx, t, q)
	if err != nil {
		return ewt.Estimate{}, err
	}
	return qm.estimate(t, q, n), nil
}

// queueEWT is the mean wait of a caller joining the back of queue q now.
func (qm *QueueManager) queueEWT(ctx context.Context, tx Tx, t *Tenant, q *Queue) (time.Duration, error) {
	e, err := qm.joinEstimate(ctx, tx, t, q)
	return e.Mean, err
}

// remainingWait is the expected wait of it, from its place in the queue:
// the interactions waiting ahead of it are counted in the store's place
// index, not read.
func (qm *QueueManager) remainingWait(ctx context.Context, tx Tx, t *Tenant, q *Queue, it *Interaction) (time.Duration, error) {
	all, err := tx.InteractionCount(ctx, &InteractionFindParams{Tenant: t.Name, Queue: q.Name, States: waitingStates, ByPlace: true, Before: it})
	if err != nil {
		return 0, err
	}
	booked, err := tx.InteractionCount(ctx, &InteractionFindParams{Tenant: t.Name, Queue: q.Name,
		States: []State{StatePendingCallback}, Types: []InteractionType{TypeAppointment}, ByPlace: true, Before: it})
	if err != nil {
		return 0, err
	}
	return qm.estimate(t, q, all-booked).Mean, nil
}
