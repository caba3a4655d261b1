package callback

// This file is a little long on purpose: the tick and every launch decision
// it makes (order, agent first, licences, do-not-call windows, timeouts,
// lost calls in Shutdown) are kept together, where a reader looks for them.

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/holdline/holdline/internal/contact"
	"github.com/holdline/holdline/internal/schedule"
)

// Launching (behaviour.md §6; docs/queue-manager.md):
//
//   - An ASAP callback is launched, in virtual-queue order, when its expected
//     remaining wait falls to the launch lead (Predictive), when the ACD
//     reports an agent free for it (AgentPriority), or at once in Rapid
//     Purge. It never overtakes an earlier callback of its queue.
//   - A scheduled callback is launched at its appointment minus the lead,
//     inside business hours.
//   - The mode must dial that kind of callback; the tenant's outbound licences
//     cap the callbacks launched or connected at once; a retry waits its DueAt;
//     the customer's do-not-call hours hold a callback in its place.
//   - A launch with no outcome within the outbound-start timeout counts as a
//     failed attempt (Timeout).

// QueueManagerOrigin is the Method recorded in the history of changes the
// Queue Manager makes on its own (launches, timeouts).
const QueueManagerOrigin = "QueueManager"

// DefaultTickInterval is how often Run looks for due launches and timeouts.
const DefaultTickInterval = time.Second

// Run launches due callbacks and expires silent launches every interval
// until ctx ends. Time is the platform's clock, so a fake clock drives it in
// tests and the simulator. While the store is unavailable it backs off —
// the interval doubled after each refused round, up to StoreBackoffMax —
// and each round first probes the store with a small write, so the platform
// turns ready again without waiting for a request; the refusals are logged
// once, by the store's health, not at every round.
func (qm *QueueManager) Run(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = DefaultTickInterval
	}
	ctx = WithOrigin(ctx, Origin{Method: QueueManagerOrigin})
	failures := 0
	for {
		err := qm.round(ctx)
		switch {
		case err == nil || ctx.Err() != nil:
			failures = 0
		case IsUnavailable(err):
			failures++
		default:
			failures = 0
			qm.log.ErrorContext(ctx, "queue manager tick failed", "err", err)
		}
		timer := qm.clock.NewTimer(StoreBackoff(interval, failures))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C():
		}
	}
}

// round is one round of Run: a probe of the store while it refuses writes,
// then, once it writes, a Tick.
func (qm *QueueManager) round(ctx context.Context) error {
	if qm.StoreError() != nil {
		if err := qm.probe(ctx); err != nil {
			return err
		}
	}
	_, err := qm.Tick(ctx)
	return err
}

// Tick does one round of the Queue Manager's timed work: it expires launches
// past their outbound-start timeout, announces the operation modes that
// changed (queue.modeChanged), reports the calls still queued in a
// queue shut down ShutdownLostAfter ago lost, then launches what is due. It
// returns the callbacks it launched.
func (qm *QueueManager) Tick(ctx context.Context) ([]*Interaction, error) {
	if err := qm.expireLaunches(ctx); err != nil {
		return nil, err
	}
	if err := qm.watchModes(ctx); err != nil {
		return nil, err
	}
	var launched []*Interaction
	for _, t := range qm.settings.Tenants {
		for _, q := range t.Queues {
			if err := qm.loseShutdownCalls(ctx, t, q); err != nil {
				return launched, fmt.Errorf("shutdown of %s/%s: %w", t.Name, q.Name, err)
			}
			ls, err := qm.launchQueue(ctx, t, q)
			if err != nil {
				return launched, fmt.Errorf("launch %s/%s: %w", t.Name, q.Name, err)
			}
			launched = append(launched, ls...)
		}
	}
	return launched, nil
}

// launchQueue launches the due callbacks of one queue, in one transaction.
func (qm *QueueManager) launchQueue(ctx context.Context, t *Tenant, q *Queue) ([]*Interaction, error) {
	mode, _, err := qm.mode(ctx, nil, t, q)
	if err != nil {
		return nil, err
	}
	caps := mode.Capabilities()
	if (!caps.DialASAP && !caps.DialScheduled) || t.Licenses == nil {
		return nil, nil
	}
	// A closed queue dials nothing (dueCallbacks): it costs a round no
	// transaction, however many callbacks wait in it for the morning.
	if !qm.openAt(t, q, qm.Now()) {
		return nil, nil
	}
	var launched []*Interaction
	err = qm.inTx(ctx, func(tx Tx) error {
		launched = nil
		active, err := qm.dialling(ctx, tx, t)
		if err != nil {
			return err
		}
		room := t.Licenses.Outbound - active
		if room <= 0 {
			return nil
		}
		due, err := qm.dueCallbacks(ctx, tx, t, q, caps, room)
		if err != nil {
			return err
		}
		for _, d := range due[:min(room, len(due))] {
			l, err := qm.launch(ctx, tx, d.it, d.firstParty)
			if err != nil {
				return err
			}
			launched = append(launched, l)
		}
		return nil
	})
	for _, it := range launched {
		qm.log.InfoContext(ctx, "callback launched", "interaction", it.ID, "tenant", it.Tenant, "queue", it.Queue,
			"type", it.Type, "attempt", it.Attempts.Total+1)
	}
	return launched, err
}

// Who a launch calls first.
const (
	FirstPartyCustomer = "customer"
	FirstPartyAgent    = "agent"
)

// launch moves it to Launched and writes the durable launch order for its
// next attempt, in the caller's transaction.
func (qm *QueueManager) launch(ctx context.Context, tx Tx, it *Interaction, firstParty string) (*Interaction, error) {
	attempt := it.Attempts.Total + 1
	l, err := qm.transitionLoaded(ctx, tx, it, EvLaunch, string(it.Type), func(it *Interaction) (string, error) {
		it.DueAt = time.Time{}
		return fmt.Sprintf("attempt %d, %s first", attempt, firstParty), nil
	})
	if err != nil {
		return nil, err
	}
	launch := &Launch{
		Key: LaunchKey(it.ID, attempt), InteractionID: it.ID, Attempt: attempt,
		Tenant: it.Tenant, Queue: it.Queue, FirstParty: firstParty, CreatedAt: qm.now(tx),
	}
	t := qm.settings.Tenant(it.Tenant)
	var q *Queue
	if t != nil {
		q = t.Queue(it.Queue)
	}
	if q != nil && q.Dialer != nil {
		// Pushed: leased to the push until it expires, so that claiming
		// dialers get it only if the push is never acknowledged.
		launch.LeaseOwner, launch.LeaseExpires = PushLeaseOwner, launch.CreatedAt.Add(q.Dialer.Expiry)
	}
	if err := tx.LaunchInsert(ctx, launch); err != nil {
		return nil, err
	}
	if q == nil {
		return l, nil
	}
	if q.Dialer != nil {
		if err := qm.push(ctx, tx, t, q, l, launch); err != nil {
			return nil, err
		}
	}
	return l, qm.finalAttempt(ctx, tx, t, q, l, attempt)
}

// PushLeaseOwner holds the lease of a launch pushed to a dialer.
const PushLeaseOwner = "push"

// push writes the launch to the outbox of the queue's dialer, in the
// launch's transaction.
func (qm *QueueManager) push(ctx context.Context, tx Tx, t *Tenant, q *Queue, it *Interaction, l *Launch) error {
	order := LaunchOrder{Launch: *l, Segment: it.Segment, Contact: it.Contact, Type: it.Type,
		AppointmentTime: it.AppointmentTime, UserData: it.UserData}
	if l.FirstParty == FirstPartyCustomer {
		var err error
		if order.EWT, err = qm.remainingWait(ctx, tx, t, q, it); err != nil {
			return err
		}
	}
	body, err := qm.encoder.Launch(&order)
	if err != nil {
		return fmt.Errorf("launch %s: %w", l.Key, err)
	}
	return tx.OutboxInsert(ctx, &OutboxMessage{
		Tenant: t.Name, Destination: DialerDestination(q.Name), Key: l.Key, Type: TypeLaunch, InteractionID: it.ID,
		Precondition: launchedPrecondition(l.Attempt), Payload: body, CreatedAt: l.CreatedAt, NextAt: l.CreatedAt,
		ExpiresAt: l.LeaseExpires, State: OutboxPending,
	})
}

// LaunchKey is the idempotency key of one attempt of a callback.
func LaunchKey(interactionID string, attempt int) string {
	return fmt.Sprintf("%s/%d", interactionID, attempt)
}

// dueLaunch is a callback due now and who to call first.
type dueLaunch struct {
	it         *Interaction
	firstParty string
}

// dueCallbacks lists the pending callbacks of q that are due now, in the
// order they must be launched, at most room of them. It reads the calls in
// progress (bounded by the traffic) and the first pending callbacks in
// order, page by page, and stops as soon as the order or the room says so:
// its cost does not grow with the length of the virtual queue.
func (qm *QueueManager) dueCallbacks(ctx context.Context, tx Tx, t *Tenant, q *Queue, caps Capabilities, room int) ([]dueLaunch, error) {
	now := qm.now(tx)
	active, err := qm.inProgress(ctx, tx, t, q)
	if err != nil {
		return nil, err
	}
	// A caller who holds although a callback of theirs is pending (a
	// Callback Double Check branch) is not called back while they hold.
	holding := map[string]bool{}
	for _, it := range active {
		if it.holdsForCallback() {
			holding[it.Contact] = true
		}
	}
	var due []dueLaunch
	if caps.DialScheduled && qm.openAt(t, q, now) {
		// Only those due: however many are booked for later, they are not read.
		booked, err := tx.InteractionFind(ctx, &InteractionFindParams{Tenant: t.Name, Queue: q.Name,
			States: []State{StatePendingCallback}, Types: []InteractionType{TypeAppointment}, AppointmentBy: now.Add(q.Launch.Lead)})
		if err != nil {
			return nil, err
		}
		// Booked callbacks go out by appointment time, whatever order they were booked in.
		slices.SortStableFunc(booked, func(a, b *Interaction) int { return a.AppointmentTime.Compare(b.AppointmentTime) })
		for _, it := range booked {
			if it.State == StatePendingCallback && !it.AppointmentTime.Add(-q.Launch.Lead).After(now) &&
				!it.DueAt.After(now) && qm.openAt(t, q, now) && !doNotCall(t, q, it, now) && !holding[it.Contact] {
				due = append(due, dueLaunch{it, FirstPartyCustomer})
			}
		}
	}
	if len(due) >= room || !caps.DialASAP || !qm.openAt(t, q, now) {
		return due, nil
	}
	// waits says whether a pending callback keeps its place without taking
	// an agent now: held back, waiting out its retry, or in its customer's
	// do-not-call hours (it goes first when they end).
	waits := func(it *Interaction) bool {
		return holding[it.Contact] || it.DueAt.After(now) || doNotCall(t, q, it, now)
	}
	if q.QueueMode == QueueModeAgentPriority && !caps.RapidDial {
		return qm.agentFirst(ctx, tx, t, q, active, waits, due, room)
	}
	ahead, next := 0, 0 // interactions before the one considered that will take an agent first
	err = qm.eachPending(ctx, tx, t, q, func(it *Interaction) bool {
		for next < len(active) && placedBefore(active[next], it) {
			ahead++
			next++
		}
		if waits(it) {
			return true
		}
		if !caps.RapidDial && qm.estimate(t, q, ahead).Mean > q.Launch.Lead {
			return false // later callbacks wait for this one: order is never overtaken
		}
		due = append(due, dueLaunch{it, FirstPartyCustomer})
		ahead++
		return len(due) < room
	})
	return due, err
}

// agentFirst picks the ASAP callbacks to launch in Agent Priority: as many,
// in order, as the ACD reports agents available beyond those already
// reserved by agent-first launches in progress.
func (qm *QueueManager) agentFirst(ctx context.Context, tx Tx, t *Tenant, q *Queue, active []*Interaction, waits func(*Interaction) bool, due []dueLaunch, room int) ([]dueLaunch, error) {
	snap := qm.snapshot(t, q)
	if !snap.StaffingKnown {
		return due, nil
	}
	free := snap.Available
	for _, it := range active {
		if it.State == StateLaunched {
			free-- // an agent reserved by a launch that has not connected yet
		}
	}
	if free <= 0 {
		return due, nil
	}
	err := qm.eachPending(ctx, tx, t, q, func(it *Interaction) bool {
		if waits(it) {
			return true
		}
		due = append(due, dueLaunch{it, FirstPartyAgent})
		free--
		return free > 0 && len(due) < room
	})
	return due, err
}

// expireLaunches counts launches that got no outcome within the queue's
// outbound-start timeout as failed attempts (reason Timeout).
func (qm *QueueManager) expireLaunches(ctx context.Context) error {
	now := qm.Now()
	for _, t := range qm.settings.Tenants {
		err := qm.inTx(ctx, func(tx Tx) error {
			launched, err := tx.InteractionFind(ctx, &InteractionFindParams{Tenant: t.Name, States: []State{StateLaunched}})
			if err != nil {
				return err
			}
			for _, it := range launched {
				q := t.Queue(it.Queue)
				if q == nil {
					continue
				}
				at, err := qm.launchedAt(ctx, tx, it)
				if err != nil {
					return err
				}
				if at.Add(q.Launch.OutboundStartTimeout).After(now) {
					continue
				}
				if _, err := qm.failAttempt(ctx, tx, t, it, FailTimeout); err != nil {
					return err
				}
				qm.log.WarnContext(ctx, "launch timed out", "interaction", it.ID, "timeout", q.Launch.OutboundStartTimeout)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("expire launches of %s: %w", t.Name, err)
		}
	}
	return nil
}

// ShutdownLostAfter is how long after a queue switches to Shutdown the calls
// still queued in it are reported lost (behaviour.md §3; the original's
// "Timeout - Call Lost after Shutdown").
const ShutdownLostAfter = 16 * time.Second

// ResultCallLost is the result of a call reported lost.
const ResultCallLost = "Call Lost"

// loseShutdownCalls ends the calls waiting in q's holding and callback
// queues once q has been in Shutdown for ShutdownLostAfter: Disconnected by
// Application, reason Shutdown, result Call Lost.
func (qm *QueueManager) loseShutdownCalls(ctx context.Context, t *Tenant, q *Queue) error {
	now := qm.Now()
	mode, _, since := qm.baseMode(t, q, now)
	if mode != ModeShutdown || now.Before(since.Add(ShutdownLostAfter)) {
		return nil
	}
	var lost []string
	err := qm.inTx(ctx, func(tx Tx) error {
		lost = nil
		queued, err := tx.InteractionFind(ctx, &InteractionFindParams{Tenant: t.Name, Queue: q.Name, States: physicalStates})
		if err != nil {
			return err
		}
		for _, it := range queued {
			_, err := qm.transitionLoaded(ctx, tx, it, EvAppDisconnect, string(ModeShutdown), func(it *Interaction) (string, error) {
				it.Result = ResultCallLost
				return fmt.Sprintf("still queued %s after the switch to Shutdown", ShutdownLostAfter), nil
			})
			if err != nil {
				return err
			}
			lost = append(lost, it.ID)
		}
		return nil
	})
	for _, id := range lost {
		qm.log.WarnContext(ctx, "call lost after shutdown", "interaction", id, "tenant", t.Name, "queue", q.Name)
	}
	return err
}

// launchedAt is when the current attempt of a launched callback was
// launched: its launch order's time. Changes since (an external tracking id,
// user data) do not move it, so they do not restart the outbound-start timeout.
func (qm *QueueManager) launchedAt(ctx context.Context, tx Tx, it *Interaction) (time.Time, error) {
	ls, err := tx.LaunchFind(ctx, &LaunchFindParams{Tenant: it.Tenant, InteractionID: it.ID})
	if err != nil {
		return time.Time{}, err
	}
	for _, l := range ls {
		if l.Attempt == it.Attempts.Total+1 {
			return l.CreatedAt, nil
		}
	}
	return it.UpdatedAt, nil // no launch order found: its last change
}

// doNotCall reports whether now falls in the queue's do-not-call window in
// the customer's local time: the time zones of the number (all of them, when
// the number does not say which), or the tenant's for extensions.
func doNotCall(t *Tenant, q *Queue, it *Interaction, now time.Time) bool {
	w := q.Launch.DoNotCall
	if w.From == w.To {
		return false
	}
	zones := []*time.Location{t.Location}
	if names := contact.TimeZones(it.Contact); len(names) > 0 {
		zones = zones[:0]
		for _, n := range names {
			if loc, err := time.LoadLocation(n); err == nil {
				zones = append(zones, loc)
			}
		}
	}
	for _, loc := range zones {
		local := now.In(loc)
		if w.Contains(schedule.TimeOfDay(local.Hour()*60 + local.Minute())) {
			return true
		}
	}
	return false
}
