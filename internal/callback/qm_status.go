package callback

import (
	"context"
	"fmt"
	"time"
)

// QueueStatus is a queue's live state, for supervisors (the console, the
// queue API): what the platform would tell a caller now and what it is
// working through.
type QueueStatus struct {
	Tenant string
	Queue  string
	// Mode, ModeStatus and Manual say which operation mode applies and why.
	Mode       Mode
	ModeStatus string
	Manual     *ModeOverride
	QueueMode  QueueMode
	// Open says whether the queue is inside business hours and not on a holiday.
	Open bool
	// EWT is the estimate for a caller joining now; EWT95 the wait 95 % of
	// such callers stay under; Seeded that it still rests on the seeds.
	EWT    time.Duration
	EWT95  time.Duration
	Seeded bool
	// LiveCallers are waiting in the ACD (on hold, or reconnected callback
	// customers waiting for an agent).
	LiveCallers int
	// PendingASAP are ASAP callbacks keeping a place in the virtual queue.
	PendingASAP int
	// Scheduled are booked callbacks waiting for their appointment.
	Scheduled int
	// Dialling are callbacks launched or connected, holding a dialling licence.
	Dialling int
	// Staffing is the latest ACD report (Known false when none was pushed).
	StaffingKnown bool
	Staffed       int
	Available     int
	// ServiceRate is the measured answers per second; AbandonRate abandons per second per waiting caller.
	ServiceRate float64
	AbandonRate float64
}

// QueueStatusOf reports a queue's live state.
func (qm *QueueManager) QueueStatusOf(ctx context.Context, tenant, queue string) (*QueueStatus, error) {
	t, q, err := qm.queue(tenant, queue)
	if err != nil {
		return nil, err
	}
	st := &QueueStatus{Tenant: t.Name, Queue: q.Name, QueueMode: q.QueueMode, Open: qm.openAt(t, q, qm.Now())}
	err = qm.inView(ctx, func(tx Tx) error {
		waiting, err := qm.waiting(ctx, tx, t, q)
		if err != nil {
			return err
		}
		for _, it := range waiting {
			switch {
			case physical(it.State):
				st.LiveCallers++
			case it.State == StatePendingCallback:
				st.PendingASAP++
			}
		}
		if st.Scheduled, err = tx.InteractionCount(ctx, &InteractionFindParams{Tenant: t.Name, Queue: q.Name,
			States: []State{StatePendingCallback}, Types: []InteractionType{TypeAppointment}}); err != nil {
			return err
		}
		if st.Dialling, err = tx.InteractionCount(ctx, &InteractionFindParams{Tenant: t.Name, Queue: q.Name,
			States: []State{StateLaunched, StateOutboundConnected}}); err != nil {
			return err
		}
		e := qm.estimate(t, q, len(waiting))
		st.EWT, st.EWT95, st.Seeded = e.Mean, e.P95, e.Seeded
		st.Mode, st.ModeStatus, err = qm.mode(ctx, tx, t, q)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("queue status %s/%s: %w", t.Name, q.Name, err)
	}
	if o, ok := qm.overrides.get(keyOf(t, q)); ok && st.ModeStatus == ModeStatusManual {
		st.Manual = &o
	}
	snap := qm.snapshot(t, q)
	st.StaffingKnown, st.Staffed, st.Available = snap.StaffingKnown, snap.Staffed, snap.Available
	st.ServiceRate, st.AbandonRate = snap.ServiceRate, snap.AbandonRate
	return st, nil
}
