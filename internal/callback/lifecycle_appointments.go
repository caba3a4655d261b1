package callback

import (
	"context"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/status"
)

// earliestTime is the earliest time the platform reads as a time: earlier
// ones (the zero time 0001-01-01T00:00:00Z some clients send for "none")
// are mistakes, not requests for "no time".
var earliestTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// CheckTime refuses a time before the year 2000 with 108004 InvalidDateTime,
// naming what (the field) in the message.
func CheckTime(what string, t time.Time) error {
	if t.Before(earliestTime) {
		return status.Errorf(status.InvalidDateTime, "%s %s is not a real time (before the year %d)", what, t.UTC().Format(time.RFC3339), earliestTime.Year())
	}
	return nil
}

// stamp writes t for a message or a history note: UTC to the second.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// appointmentCheck is one scheduled-callback request to check: the time, and
// the interaction that would take the slot (nil for a new one).
type appointmentCheck struct {
	at time.Time
	// moving is the interaction whose appointment moves; it does not count against its own slot.
	moving *Interaction
	// disabledCode is the method's code for a queue that takes no appointments.
	disabledCode status.Code
}

// checkAppointment applies behaviour.md §8's checks, in their order:
// disabled → in the past 108019 → beyond the horizon 108037 → before now +
// EWT 107011 → outside business hours or on a holiday 107010 → slot full 107014.
func (lc *Lifecycle) checkAppointment(ctx context.Context, tx Tx, t *Tenant, q *Queue, c appointmentCheck) error {
	if !q.Appointments.Enabled {
		return status.Errorf(c.disabledCode, "queue %q does not take scheduled callbacks", q.Name)
	}
	now := lc.now(tx)
	at := c.at.UTC()
	if at.Before(now) {
		return status.Errorf(status.AppointmentTimeInThePast, "%s is in the past (now %s)", stamp(at), stamp(now))
	}
	if horizon := now.AddDate(0, 0, q.Appointments.HorizonDays); at.After(horizon) {
		return status.Errorf(status.AppointmentTimeAfterAppointmentTimesRange, "%s is more than %d days ahead", stamp(at), q.Appointments.HorizonDays)
	}
	ewt, err := lc.qm.queueEWT(ctx, tx, t, q)
	if err != nil {
		return err
	}
	if earliest := now.Add(ewt); at.Before(earliest) {
		return status.Errorf(status.AppointmentTimeBeforeEWT, "%s is before the current wait ends (%s, EWT %s)", stamp(at), stamp(earliest), ewt)
	}
	if !lc.openAt(t, q, at) {
		return status.Errorf(status.AppointmentTimeAfterHours, "%s is outside the business hours of queue %q", stamp(at), q.Name)
	}
	taken, err := lc.slotTaken(ctx, tx, t, q, slotStart(t, q, at), c.moving)
	if err != nil {
		return err
	}
	if taken >= q.Appointments.Capacity {
		return status.Errorf(status.AppointmentTimeFull, "the slot of %s already has %d of %d callbacks", stamp(at), taken, q.Appointments.Capacity)
	}
	return nil
}

// slotStart is the start of the appointment slot holding at: slots are
// SlotLength long and aligned to midnight in the tenant's time zone.
func slotStart(t *Tenant, q *Queue, at time.Time) time.Time {
	local := at.In(t.Location)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, t.Location)
	n := local.Sub(midnight) / q.Appointments.SlotLength
	return midnight.Add(n * q.Appointments.SlotLength).UTC()
}

// bookedStates are the states in which a scheduled callback holds its slot.
var bookedStates = []State{StatePendingCallback, StateLaunched, StateOutboundConnected, StateSentToCallbackQueue, StateQueuedCallback}

// slotTaken counts the scheduled callbacks booked in the slot starting at
// start. A booking belongs to the slot slotStart gives it: the last slot of a
// day whose length does not divide 24 hours is cut short at midnight, so a
// range of SlotLength from start would count the next day's first bookings.
func (lc *Lifecycle) slotTaken(ctx context.Context, tx Tx, t *Tenant, q *Queue, start time.Time, except *Interaction) (int, error) {
	booked, err := lc.booked(ctx, tx, t, q)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, it := range booked {
		if except != nil && it.ID == except.ID {
			continue
		}
		if slotStart(t, q, it.AppointmentTime).Equal(start) {
			n++
		}
	}
	return n, nil
}

// DefaultAppointmentCount is how many slots GetNextAvailableAppointmentTimes returns by default.
const DefaultAppointmentCount = 4

// maxAppointmentCount bounds one answer.
const maxAppointmentCount = 100

// NextAppointmentTimes returns up to n free slot starts at or after from
// (default now), skipping closed hours, holidays, slots before the current
// wait ends and full slots; none is AppointmentSlotsNotFound (107012).
// Without a segment, a tenant with a single queue uses it; otherwise the
// queue must be named (108016).
func (lc *Lifecycle) NextAppointmentTimes(ctx context.Context, tenant, segment string, from time.Time, n int) ([]time.Time, error) {
	t, err := lc.tenant(tenant)
	if err != nil {
		return nil, err
	}
	var q *Queue
	if strings.TrimSpace(segment) == "" {
		if len(t.Queues) != 1 {
			return nil, status.Errorf(status.QueueIDRequired, "tenant %q has %d queues: name a segment", t.Name, len(t.Queues))
		}
		q = t.Queues[0]
	} else if _, q, err = lc.segment(t, segment); err != nil {
		return nil, err
	}
	if !q.Appointments.Enabled {
		return nil, status.Errorf(status.AppointmentsDisabled, "queue %q does not take scheduled callbacks", q.Name)
	}
	if n <= 0 {
		n = DefaultAppointmentCount
	}
	n = min(n, maxAppointmentCount)
	var out []time.Time
	err = lc.inView(ctx, func(tx Tx) error {
		out, err = lc.freeSlots(ctx, tx, t, q, from, n)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, status.Errorf(status.AppointmentSlotsNotFound, "queue %q has no free slot in the next %d days", q.Name, q.Appointments.HorizonDays)
	}
	return out, nil
}

func (lc *Lifecycle) freeSlots(ctx context.Context, tx Tx, t *Tenant, q *Queue, from time.Time, n int) ([]time.Time, error) {
	now := lc.now(tx)
	ewt, err := lc.qm.queueEWT(ctx, tx, t, q)
	if err != nil {
		return nil, err
	}
	earliest := now.Add(ewt)
	if from.After(earliest) {
		earliest = from.UTC()
	}
	horizon := now.AddDate(0, 0, q.Appointments.HorizonDays)
	booked, err := lc.booked(ctx, tx, t, q)
	if err != nil {
		return nil, err
	}
	taken := map[time.Time]int{}
	for _, it := range booked {
		taken[slotStart(t, q, it.AppointmentTime)]++
	}
	var out []time.Time
	for s := slotStart(t, q, earliest); !s.After(horizon) && len(out) < n; s = nextSlot(t, q, s) {
		if s.Before(earliest) || !lc.openAt(t, q, s) || taken[s] >= q.Appointments.Capacity {
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

// nextSlot is the start of the slot after the one starting at s; it stays
// aligned to local midnight across daylight-saving changes.
func nextSlot(t *Tenant, q *Queue, s time.Time) time.Time {
	next := slotStart(t, q, s.Add(q.Appointments.SlotLength))
	if !next.After(s) {
		next = s.Add(q.Appointments.SlotLength)
	}
	return next
}
