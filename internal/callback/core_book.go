package callback

// The appointment book and the business hours, shared: the Lifecycle books
// and moves appointments, the Queue Manager launches them when due.

import (
	"context"
	"time"
)

// openAt reports whether queue q is open at t: inside its business hours and
// not on one of its holidays, both read in the tenant's time zone.
func (c *core) openAt(t *Tenant, q *Queue, at time.Time) bool {
	return !q.Holidays.ClosedAt(at, t.Location) && q.BusinessHours.OpenAt(at, t.Location)
}

// booked lists the scheduled callbacks of q that hold a slot.
func (c *core) booked(ctx context.Context, tx Tx, t *Tenant, q *Queue) ([]*Interaction, error) {
	return tx.InteractionFind(ctx, &InteractionFindParams{Tenant: t.Name, Queue: q.Name, States: bookedStates, Types: []InteractionType{TypeAppointment}})
}
