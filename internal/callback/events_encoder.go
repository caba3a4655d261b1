package callback

import "time"

// What the platform tells the outside world, as the domain decides it: the
// facts of every event, notification and pushed launch, and the Encoder that
// spells them as the bytes an outbox row holds. The domain knows no wire
// format; the JSON shapes and their one builder each live at the edge, in
// internal/payload, which every platform is given (Deps.Encoder). events.go
// decides what is written and when.

// Encoder spells the platform's messages as bytes. It is called inside the
// transaction of the change that causes them, so the outbox row holds its
// bytes once the change has committed; an error aborts the change.
type Encoder interface {
	// Event encodes a callback.* event for one destination.
	Event(h MessageHeader, e *CallbackChange) ([]byte, error)
	// ModeChanged encodes a queue.modeChanged event for one destination.
	ModeChanged(h MessageHeader, e *ModeAnnouncement) ([]byte, error)
	// Notification encodes a notification.* message for one destination.
	Notification(h MessageHeader, n *Notice) ([]byte, error)
	// Launch encodes a launch pushed to a dialer.
	Launch(o *LaunchOrder) ([]byte, error)
}

// MessageHeader is what every event and notification says of itself.
type MessageHeader struct {
	// Key is the message's idempotency key.
	Key  string
	Type EventType
	// Time is when the change happened (the transaction's time).
	Time   time.Time
	Tenant string
	// Webhook names the subscription the message is written for; empty for
	// the SMS gateway.
	Webhook string
}

// CallbackChange is a callback.* event: the callback after its change, the
// change as its history record says it, and what the event's type adds.
type CallbackChange struct {
	Callback *Interaction
	// Change is the change's history record (Seq, From, To, Event, Reason,
	// Method, RequestID).
	Change Record
	// Attempt is the attempt launched, connected, retried or failed last.
	Attempt int
	// LaunchKey is the launch's idempotency key (launched, connected).
	LaunchKey string
	// Result is the final result (failed).
	Result string
	// CancelledBy says who cancelled (cancelled).
	CancelledBy string
	// Cause is "appointment" or "retry" (rescheduled).
	Cause string
	// RetryAt is when the next attempt may start (rescheduled, cause retry).
	RetryAt time.Time
	// PreviousAppointmentTime is the appointment before it moved
	// (rescheduled, cause appointment).
	PreviousAppointmentTime time.Time
}

// ModeAnnouncement is a queue.modeChanged event: a queue's operation mode,
// the one announced before it, and why.
type ModeAnnouncement struct {
	Queue string
	Mode  Mode
	// Status says why the mode holds (ModeStatusManual...; empty: the default).
	Status             string
	PreviousMode       Mode
	PreviousModeStatus string
	// By is who set a manual mode.
	By string
	// Until is the end of a manual mode; zero when it has none.
	Until time.Time
}

// Notice is a customer notification (notification.*).
type Notice struct {
	// Kind is "confirmation", "reminder" or "finalAttempt".
	Kind     string
	Callback *Interaction
	// EWT is the expected wait before the call, when HasEWT (confirmation
	// of an ASAP callback).
	EWT    time.Duration
	HasEWT bool
	// Attempt is the attempt being made (finalAttempt).
	Attempt int
}
