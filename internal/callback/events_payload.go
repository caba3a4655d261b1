package callback

import (
	"time"

	"github.com/holdline/holdline/internal/userdata"
)

// The JSON the platform writes for the outside world: the envelope of every
// event and notification, the one view of a callback they show, and a launch
// as a dialer receives it. events.go decides what is written and when.

// Envelope is the JSON body of every event and notification.
type Envelope struct {
	// ID is the event's idempotency key, as X-Holdline-Idempotency-Key says.
	ID   string    `json:"id"`
	Type EventType `json:"type"`
	// Time is when the change happened.
	Time   time.Time `json:"time"`
	Tenant string    `json:"tenant"`
	// Webhook names the subscription the message was sent to.
	Webhook string `json:"webhook,omitempty"`
	Data    any    `json:"data"`
}

// CallbackView is a callback as events, notifications and launches show it.
type CallbackView struct {
	ID                 string        `json:"id"`
	Tenant             string        `json:"tenant"`
	Segment            string        `json:"segment"`
	Queue              string        `json:"queue"`
	Type               string        `json:"type"`
	State              State         `json:"state"`
	Status             string        `json:"status"`
	Contact            string        `json:"contact"`
	SourceApplication  string        `json:"sourceApplication,omitempty"`
	ClientID           string        `json:"clientId,omitempty"`
	ExternalTrackingID string        `json:"externalTrackingId,omitempty"`
	AppointmentTime    *time.Time    `json:"appointmentTime,omitempty"`
	QueuedAt           *time.Time    `json:"queuedAt,omitempty"`
	Attempts           Attempts      `json:"attempts"`
	Result             string        `json:"result,omitempty"`
	UserData           userdata.List `json:"userData"`
	CreatedAt          time.Time     `json:"createdAt"`
	UpdatedAt          time.Time     `json:"updatedAt"`
}

// CallbackKind is a callback's type as the JSON integrations spell it:
// "ASAP" or "Appointment".
func CallbackKind(t InteractionType) string {
	if t == TypeASAP {
		return "ASAP"
	}
	return string(t)
}

// ViewOf is the JSON view of a callback.
func ViewOf(it *Interaction) CallbackView {
	v := CallbackView{
		ID: it.ID, Tenant: it.Tenant, Segment: it.Segment, Queue: it.Queue, Type: CallbackKind(it.Type),
		State: it.State, Status: it.State.Report(), Contact: it.Contact, SourceApplication: it.SourceApplication,
		ClientID: it.ClientID, ExternalTrackingID: it.ExternalTrackingID, AppointmentTime: utcPtr(it.AppointmentTime),
		QueuedAt: utcPtr(it.QueuedAt), Attempts: it.Attempts, Result: it.Result, UserData: it.UserData,
		CreatedAt: it.CreatedAt.UTC(), UpdatedAt: it.UpdatedAt.UTC(),
	}
	if v.UserData == nil {
		v.UserData = userdata.List{}
	}
	return v
}

func utcPtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// ChangeView is the state change an event reports.
type ChangeView struct {
	// Seq is the history record's sequence number.
	Seq       int64  `json:"seq"`
	From      State  `json:"from,omitempty"`
	To        State  `json:"to"`
	Event     Event  `json:"event"`
	Reason    string `json:"reason,omitempty"`
	Method    string `json:"method,omitempty"`
	RequestID string `json:"requestId,omitempty"`
}

// CallbackEvent is the data of the callback.* events.
type CallbackEvent struct {
	Callback CallbackView `json:"callback"`
	Change   ChangeView   `json:"change"`
	// Attempt is the attempt launched, connected, retried or failed last.
	Attempt int `json:"attempt,omitempty"`
	// LaunchKey is the launch's idempotency key (launched, connected).
	LaunchKey string `json:"launchKey,omitempty"`
	// Result is the final result (failed).
	Result string `json:"result,omitempty"`
	// CancelledBy says who cancelled (cancelled).
	CancelledBy string `json:"cancelledBy,omitempty"`
	// Cause is "appointment" or "retry" (rescheduled).
	Cause string `json:"cause,omitempty"`
	// RetryAt is when the next attempt may start (rescheduled, cause retry).
	RetryAt *time.Time `json:"retryAt,omitempty"`
	// PreviousAppointmentTime is the appointment before it moved (rescheduled).
	PreviousAppointmentTime *time.Time `json:"previousAppointmentTime,omitempty"`
}

// ModeEvent is the data of queue.modeChanged.
type ModeEvent struct {
	Queue              string     `json:"queue"`
	Mode               Mode       `json:"mode"`
	ModeStatus         string     `json:"modeStatus"`
	PreviousMode       Mode       `json:"previousMode"`
	PreviousModeStatus string     `json:"previousModeStatus"`
	By                 string     `json:"by,omitempty"`
	Until              *time.Time `json:"until,omitempty"`
}

// NotificationEvent is the data of the notification.* events.
type NotificationEvent struct {
	// Notification is "confirmation", "reminder" or "finalAttempt".
	Notification string       `json:"notification"`
	Callback     CallbackView `json:"callback"`
	// EWTSeconds is the expected wait before the call (confirmation of an ASAP callback).
	EWTSeconds *int64 `json:"ewtSeconds,omitempty"`
	// Attempt is the attempt being made (finalAttempt).
	Attempt int `json:"attempt,omitempty"`
}

// LaunchPayload is a launch as dialers receive it: the answer of a claim,
// and the body of a pushed launch.
type LaunchPayload struct {
	Key             string        `json:"key"`
	InteractionID   string        `json:"interactionId"`
	Attempt         int           `json:"attempt"`
	Tenant          string        `json:"tenant"`
	Queue           string        `json:"queue"`
	Segment         string        `json:"segment"`
	Contact         string        `json:"contact"`
	Type            string        `json:"type"`
	FirstParty      string        `json:"firstParty"`
	AppointmentTime *time.Time    `json:"appointmentTime,omitempty"`
	EWTSeconds      int64         `json:"ewtSeconds"`
	UserData        userdata.List `json:"userData"`
	LeaseExpires    time.Time     `json:"leaseExpires"`
}

// Payload is the JSON form of a launch order.
func (o *LaunchOrder) Payload() LaunchPayload {
	ud := o.UserData
	if ud == nil {
		ud = userdata.List{}
	}
	return LaunchPayload{
		Key: o.Key, InteractionID: o.InteractionID, Attempt: o.Attempt, Tenant: o.Tenant, Queue: o.Queue,
		Segment: o.Segment, Contact: o.Contact, Type: CallbackKind(o.Type), FirstParty: o.FirstParty,
		AppointmentTime: utcPtr(o.AppointmentTime), EWTSeconds: seconds64(o.EWT), UserData: ud,
		LeaseExpires: o.LeaseExpires.UTC(),
	}
}

func seconds64(d time.Duration) int64 { return int64(d.Round(time.Second) / time.Second) }
