package callback

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// The counts the hot read paths need, kept in memory: the interactions
// waiting in each queue (what the EWT of a caller joining now is computed
// from) and the registration licences each tenant has in use (what the offer
// decision checks), at every GetSegmentState. They are counted once at
// start, then moved by every committed change, so a read costs the same
// with fifty thousand callbacks waiting as with ten, and touches no row.
//
// A transaction notes, for each interaction it inserts or updates, where the
// interaction stood before (as it first read it) and after; once it has
// committed, the counts move by the difference. A transaction that updates
// an interaction it did not read first leaves the counts unknown, and the
// next read counts again from the store.
//
// The counts are the last commit's: a check that must see the writes of its
// own transaction (a licence taken at registration) counts in the store.

// place is where an interaction stands, for the counts: its queue, whether
// it waits there (WaitingStates, a booked callback not counted), and the
// source application whose licence it holds while in inbound treatment
// (holdsLicence).
type place struct {
	queue   QueueKey
	waiting bool
	// licence: it holds a registration licence, of source application app.
	licence bool
	app     string
}

// placeOf is where it stands.
func placeOf(it *Interaction) place {
	p := place{queue: QueueKey{Tenant: it.Tenant, Queue: it.Queue}, waiting: countsAsWaiting(it)}
	if it.State == licenceState {
		p.licence, p.app = true, it.SourceApplication
	}
	return p
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

// delta is how a committed transaction moved the counts.
type delta struct {
	waiting map[QueueKey]int
	// licences are per tenant and source application.
	licences map[string]map[string]int
}

func (d *delta) add(p place, n int) {
	if p.waiting {
		d.waiting[p.queue] += n
	}
	if p.licence {
		byApp := d.licences[p.queue.Tenant]
		if byApp == nil {
			byApp = map[string]int{}
			d.licences[p.queue.Tenant] = byApp
		}
		byApp[p.app] += n
	}
}

// delta is the transaction's count changes.
func (m *moves) delta() delta {
	d := delta{waiting: map[QueueKey]int{}, licences: map[string]map[string]int{}}
	for id, a := range m.after {
		if b := m.before[id]; b != nil {
			d.add(*b, -1)
		}
		d.add(a, 1)
	}
	return d
}

// licenceCount is a tenant's registration licences in use, by pool.
type licenceCount struct {
	voice, nonVoice int
}

func (lc *licenceCount) get(voice bool) int {
	if voice {
		return lc.voice
	}
	return lc.nonVoice
}

func (lc *licenceCount) set(voice bool, n int) {
	if voice {
		lc.voice = n
	} else {
		lc.nonVoice = n
	}
}

// liveCounts are the queues' waiting counts and the tenants' licences in
// use, counted from the store when the platform starts (before it serves)
// and moved by each committed change. Once a change could not be followed
// (unknown), they are dropped for good and every read counts from the store
// again: slower, never wrong.
type liveCounts struct {
	settings *Settings

	mu       sync.Mutex
	waiting  map[QueueKey]int         // nil: not known
	licences map[string]*licenceCount // by tenant
	lost     bool
}

// load counts every configured queue and tenant in the store.
func (w *liveCounts) load(ctx context.Context, tx Tx) error {
	waiting, licences := map[QueueKey]int{}, map[string]*licenceCount{}
	for _, t := range w.settings.Tenants {
		for _, q := range t.Queues {
			n, err := countWaiting(ctx, tx, t, q)
			if err != nil {
				return err
			}
			waiting[keyOf(t, q)] = n
		}
		if t.Licenses == nil {
			continue
		}
		var lc licenceCount
		for _, pl := range poolsOf(t.Licenses) {
			n, err := pl.count(ctx, tx, t.Name, InteractionFindParams{States: []State{licenceState}})
			if err != nil {
				return err
			}
			lc.set(pl.voice, n)
		}
		licences[t.Name] = &lc
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.lost {
		w.waiting, w.licences = waiting, licences
	}
	return nil
}

// apply moves the counts by a committed transaction's changes. It reports
// whether the counts were lost by this change.
func (w *liveCounts) apply(m *moves) (lost bool) {
	if len(m.after) == 0 && !m.unknown {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.waiting == nil {
		return false
	}
	if m.unknown {
		w.waiting, w.licences, w.lost = nil, nil, true
		return true
	}
	d := m.delta()
	for q, n := range d.waiting {
		if _, ok := w.waiting[q]; ok {
			w.waiting[q] += n
		}
	}
	for tenant, byApp := range d.licences {
		lc, t := w.licences[tenant], w.settings.Tenant(tenant)
		if lc == nil || t == nil {
			continue
		}
		for app, n := range byApp {
			voice := t.Licenses.IsVoice(app)
			lc.set(voice, lc.get(voice)+n)
		}
	}
	return false
}

// errCountsLost says a figure asked for without a transaction is not in
// memory: ask again in one (QueueManager.counted).
var errCountsLost = errors.New("the in-memory counts lost track")

// counted runs fn without a transaction (a nil Tx) while the figures it asks
// for are in memory, which is nearly always; else in a read transaction.
func (qm *QueueManager) counted(ctx context.Context, fn func(tx Tx) error) error {
	if err := fn(nil); !errors.Is(err, errCountsLost) {
		return err
	}
	return qm.inView(ctx, fn)
}

// licencesInUse is c.licences from memory (qm_counts.go), or from tx when
// the counts were lost (without a transaction, errCountsLost). It does not
// see tx's own writes: a check before a registration counts in the store.
func (qm *QueueManager) licencesInUse(ctx context.Context, tx Tx, t *Tenant, app string) (licenceUse, error) {
	pl := poolOf(t.Licenses, app)
	if n, ok := qm.counts.licencesUsed(t.Name, pl.voice); ok {
		return licenceUse{pool: pl, used: n}, nil
	}
	if tx == nil {
		return licenceUse{}, errCountsLost
	}
	return qm.licences(ctx, tx, t, app)
}

// waitingIn returns q's waiting count and whether it is known.
func (w *liveCounts) waitingIn(q QueueKey) (int, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, ok := w.waiting[q]
	return n, ok
}

// licencesUsed returns the licences in use in tenant's pool (voice or not)
// and whether they are known.
func (w *liveCounts) licencesUsed(tenant string, voice bool) (int, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	lc, ok := w.licences[tenant]
	if !ok {
		return 0, false
	}
	return lc.get(voice), true
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

// CheckCounts compares the in-memory counts — every configured queue's
// waiting interactions, every tenant's licences in use — with counts in the
// store: they agree after any sequence of changes this platform committed
// (tests check it; another writer on the same store makes them differ).
func (qm *QueueManager) CheckCounts(ctx context.Context) error {
	return qm.store.View(ctx, func(tx Tx) error {
		for _, t := range qm.settings.Tenants {
			for _, q := range t.Queues {
				mem, ok := qm.counts.waitingIn(keyOf(t, q))
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
			if t.Licenses == nil {
				continue
			}
			for _, pl := range poolsOf(t.Licenses) {
				mem, ok := qm.counts.licencesUsed(t.Name, pl.voice)
				if !ok {
					return fmt.Errorf("tenant %s: the counts lost track", t.Name)
				}
				stored, err := pl.count(ctx, tx, t.Name, InteractionFindParams{States: []State{licenceState}})
				if err != nil {
					return err
				}
				if mem != stored {
					return fmt.Errorf("tenant %s: %d %s licences in use in memory, %d in the store", t.Name, mem, pl.name, stored)
				}
			}
		}
		return nil
	})
}
