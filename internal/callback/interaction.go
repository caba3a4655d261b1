package callback

import (
	"time"

	"github.com/holdline/holdline/internal/userdata"
)

// Interaction is one customer contact tracked from creation to a final state:
// a live inbound call, an ASAP callback or a scheduled callback.
type Interaction struct {
	// ID is the interaction id (see NewID), unique across restarts and nodes.
	ID string
	// Tenant, Segment and Queue are the configured names the interaction belongs to.
	Tenant  string
	Segment string
	Queue   string
	// Type is Inbound, FIFO (ASAP callback) or Appointment.
	Type InteractionType
	// State is the lifecycle state.
	State State
	// Contact is the normalised callback number; empty for a live call.
	Contact string
	// ExternalTrackingID is the ACD's id for the call, if known.
	ExternalTrackingID string
	// SourceApplication is who created the interaction.
	SourceApplication string
	// ClientID is the client's opaque correlation id.
	ClientID string
	// AppointmentTime is the booked time of a scheduled callback (UTC); zero otherwise.
	AppointmentTime time.Time
	// QueuedAt is the virtual-queue order key: when the caller entered the
	// queue (or registered, for AddInteraction). Zero until known.
	QueuedAt time.Time
	// DueAt is when the next launch attempt may start (retry wait); zero when not waiting.
	DueAt time.Time
	// HoldReason is why the caller was sent to hold; it decides how an answer completes.
	HoldReason SendToQueueReason
	// Attempts counts failed outbound attempts, by reason and in total.
	Attempts Attempts
	// Result is the final result ("Outreach max busy") or a CallInfo code set by ModifyInteraction.
	Result string
	// LinkedID links a Second Chance callback to the hold call it came from, and back.
	LinkedID string
	// UserData is the interaction's user-data tree.
	UserData userdata.List
	// CreatedAt and UpdatedAt are the times of creation and of the last change.
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version increases on every stored change; the store uses it to refuse lost updates.
	Version int64
}

// Attempts counts failed outbound attempts (§7).
type Attempts struct {
	// Total is the number of failed attempts of any reason.
	Total int `json:"total"`
	// ByReason counts failures per reason.
	ByReason map[AttemptFailReason]int `json:"byReason,omitempty"`
}

// Status is the interaction's status as reports and the PTK's Status
// information show it: its state's report name, except that a caller the
// Callback Double Check sent to the priority queue says so.
func (it *Interaction) Status() string {
	if it.HoldReason.Canonical() == SendCBDCToPriorityQueue {
		switch it.State {
		case StateSentToHold:
			return "Sent to Priority Queue"
		case StateQueuedHold:
			return "Queued to Priority Queue"
		}
	}
	return it.State.Report()
}

// holdsForCallback reports whether it is a live caller holding although a
// pending callback of theirs waits in the queue (a Callback Double Check
// branch): that callback is not launched while they hold.
func (it *Interaction) holdsForCallback() bool {
	return (it.State == StateSentToHold || it.State == StateQueuedHold) && it.HoldReason.DoubleCheck() && it.Contact != ""
}

// IsCallback reports whether the interaction is (or became) a callback.
func (it *Interaction) IsCallback() bool { return it.Type == TypeASAP || it.Type == TypeAppointment }

// Record is one row of an interaction's append-only history: every change of
// state (and every change of data) writes one, in the same transaction.
type Record struct {
	// Seq orders records across the whole store; assigned on append.
	Seq int64
	// InteractionID is the interaction the record belongs to.
	InteractionID string
	// Tenant and Queue are the interaction's at the time of the change.
	Tenant string
	Queue  string
	// At is when the change happened (the clock's time).
	At time.Time
	// From and To are the states before and after (equal for data changes).
	From State
	To   State
	// Event is the state-machine event applied.
	Event Event
	// Reason is the reason given by the request or decided by the platform.
	Reason string
	// Method is the PTK method or platform component that caused the change.
	Method string
	// RequestID is the id of the request that caused the change (the response's Guid).
	RequestID string
	// Detail is a short human-readable note ("appointment moved to ...").
	Detail string
}
