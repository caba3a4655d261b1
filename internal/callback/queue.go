package callback

import (
	"context"
	"slices"
	"time"
)

// The live view of a queue that the operations need: its mode now and the
// interactions waiting in it. The Queue Manager issue replaces the seeded
// estimate below with measured rates; the questions asked stay the same.

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
func (p *Platform) waiting(ctx context.Context, tx Tx, t *Tenant, q *Queue) ([]*Interaction, error) {
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

// orderKey is an interaction's place in the virtual queue.
func orderKey(it *Interaction) time.Time {
	if !it.QueuedAt.IsZero() {
		return it.QueuedAt
	}
	return it.CreatedAt
}

// queueEWT is the estimate for a caller joining the back of queue q now.
func (p *Platform) queueEWT(ctx context.Context, tx Tx, t *Tenant, q *Queue) (time.Duration, error) {
	w, err := p.waiting(ctx, tx, t, q)
	if err != nil {
		return 0, err
	}
	return p.estimate(t, q, len(w)).Mean, nil
}

// remainingWait is the expected wait of it, from its place in the queue.
func (p *Platform) remainingWait(ctx context.Context, tx Tx, t *Tenant, q *Queue, it *Interaction) (time.Duration, error) {
	w, err := p.waiting(ctx, tx, t, q)
	if err != nil {
		return 0, err
	}
	ahead := 0
	for _, o := range w {
		if o.ID == it.ID {
			break
		}
		ahead++
	}
	return p.estimate(t, q, ahead).Mean, nil
}
