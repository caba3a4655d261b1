package callback

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// The number of interactions waiting in each queue — what the EWT of a
// caller joining now is computed from, at every GetSegmentState — kept in
// memory: counted once at start, then moved by every committed change, so a
// read costs the same with fifty thousand callbacks waiting as with ten.
//
// A transaction notes, for each interaction it inserts or updates, where the
// interaction stood before (as it first read it) and after; once it has
// committed, the counts move by the difference. A transaction that updates
// an interaction it did not read first leaves the counts unknown, and the
// next read counts again from the store.

// place is where an interaction stands, for the counts: its queue, and
// whether it waits there (WaitingStates, a booked callback not counted).
type place struct {
	queue   QueueKey
	waiting bool
}

// placeOf is where it stands.
func placeOf(it *Interaction) place {
	return place{queue: QueueKey{Tenant: it.Tenant, Queue: it.Queue}, waiting: countsAsWaiting(it)}
}

// countsAsWaiting reports whether it is one of the interactions ahead of a
// caller joining now: waiting for an agent, or a pending ASAP callback.
func countsAsWaiting(it *Interaction) bool {
	return slices.Contains(waitingStates, it.State) && (it.State != StatePendingCallback || it.Type != TypeAppointment)
}

// moves are the changes of place a transaction made.
type moves struct {
	// before is each interaction's place as the transaction first saw it;
	// nil for one it inserted.
	before map[string]*place
	after  map[string]place
	// unknown: an interaction was updated without being read first.
	unknown bool
}

func (m *moves) saw(it *Interaction) {
	if m.before == nil {
		m.before = map[string]*place{}
	}
	if _, ok := m.before[it.ID]; !ok {
		p := placeOf(it)
		m.before[it.ID] = &p
	}
}

func (m *moves) inserted(it *Interaction) {
	if m.before == nil {
		m.before = map[string]*place{}
	}
	if _, ok := m.before[it.ID]; !ok {
		m.before[it.ID] = nil
	}
	m.moved(it)
}

func (m *moves) updated(it *Interaction) {
	if _, ok := m.before[it.ID]; !ok {
		m.unknown = true
	}
	m.moved(it)
}

func (m *moves) moved(it *Interaction) {
	if m.after == nil {
		m.after = map[string]place{}
	}
	m.after[it.ID] = placeOf(it)
}

// deltas are the count changes per queue.
func (m *moves) deltas() map[QueueKey]int {
	out := map[QueueKey]int{}
	for id, a := range m.after {
		if b := m.before[id]; b != nil && b.waiting {
			out[b.queue]--
		}
		if a.waiting {
			out[a.queue]++
		}
	}
	return out
}

// waitingCounts are the queues' counts, counted from the store when the
// platform starts (before it serves) and moved by each committed change.
// Once a change could not be followed (unknown), they are dropped for good
// and every read counts from the store again: slower, never wrong.
type waitingCounts struct {
	mu     sync.Mutex
	counts map[QueueKey]int // nil: not known
	lost   bool
}

// load counts every configured queue from the store.
func (w *waitingCounts) load(ctx context.Context, tx Tx, s *Settings) error {
	counts := map[QueueKey]int{}
	for _, t := range s.Tenants {
		for _, q := range t.Queues {
			n, err := countWaiting(ctx, tx, t, q)
			if err != nil {
				return err
			}
			counts[keyOf(t, q)] = n
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.lost {
		w.counts = counts
	}
	return nil
}

// apply moves the counts by a committed transaction's changes. It reports
// whether the counts were lost by this change.
func (w *waitingCounts) apply(m *moves) (lost bool) {
	if len(m.after) == 0 && !m.unknown {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.counts == nil {
		return false
	}
	if m.unknown {
		w.counts, w.lost = nil, true
		return true
	}
	for q, d := range m.deltas() {
		if _, ok := w.counts[q]; ok {
			w.counts[q] += d
		}
	}
	return false
}

// get returns q's count and whether it is known.
func (w *waitingCounts) get(q QueueKey) (int, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, ok := w.counts[q]
	return n, ok
}

// countWaiting counts q's waiting interactions in the store: those in a
// waiting state, but the booked callbacks.
func countWaiting(ctx context.Context, tx Tx, t *Tenant, q *Queue) (int, error) {
	all, err := tx.InteractionCount(ctx, &InteractionFindParams{Tenant: t.Name, Queue: q.Name, States: waitingStates})
	if err != nil {
		return 0, err
	}
	booked, err := tx.InteractionCount(ctx, &InteractionFindParams{Tenant: t.Name, Queue: q.Name,
		States: []State{StatePendingCallback}, Types: []InteractionType{TypeAppointment}})
	return all - booked, err
}

// CheckWaitingCounts compares the in-memory count of every configured queue
// with a count in the store: they agree after any sequence of changes this
// platform committed (tests check it; another writer on the same store
// makes them differ).
func (qm *QueueManager) CheckWaitingCounts(ctx context.Context) error {
	return qm.store.View(ctx, func(tx Tx) error {
		for _, t := range qm.settings.Tenants {
			for _, q := range t.Queues {
				mem, ok := qm.counts.get(keyOf(t, q))
				if !ok {
					return fmt.Errorf("queue %s/%s: the counts lost track", t.Name, q.Name)
				}
				stored, err := countWaiting(ctx, tx, t, q)
				if err != nil {
					return err
				}
				if mem != stored {
					return fmt.Errorf("queue %s/%s: %d waiting in memory, %d in the store", t.Name, q.Name, mem, stored)
				}
			}
		}
		return nil
	})
}
