package payload

import (
	"encoding/json"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/userdata"
)

// Envelope is the JSON body of every event and notification; Data depends
// on Type.
type Envelope struct {
	// ID is the message's idempotency key, as X-Holdline-Idempotency-Key says.
	ID   string             `json:"id"`
	Type callback.EventType `json:"type"`
	// Time is when the change happened.
	Time   time.Time `json:"time"`
	Tenant string    `json:"tenant"`
	// Webhook names the subscription the message was sent to.
	Webhook string `json:"webhook,omitempty"`
	Data    any    `json:"data"`
}

// EnvelopeOf wraps data in the envelope h describes.
func EnvelopeOf(h callback.MessageHeader, data any) Envelope {
	return Envelope{ID: h.Key, Type: h.Type, Time: h.Time, Tenant: h.Tenant, Webhook: h.Webhook, Data: data}
}

// Change is the state change a callback event reports: its history record.
type Change struct {
	// Seq is the history record's sequence number.
	Seq       int64          `json:"seq"`
	From      callback.State `json:"from,omitempty"`
	To        callback.State `json:"to"`
	Event     callback.Event `json:"event"`
	Reason    string         `json:"reason,omitempty"`
	Method    string         `json:"method,omitempty"`
	RequestID string         `json:"requestId,omitempty"`
}

// CallbackEvent is the data of the callback.* events.
type CallbackEvent struct {
	Callback Interaction `json:"callback"`
	Change   Change      `json:"change"`
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

// CallbackEventOf is the data of the callback event e.
func CallbackEventOf(e *callback.CallbackChange) CallbackEvent {
	r := e.Change
	return CallbackEvent{
		Callback: InteractionOf(e.Callback, integrationView),
		Change: Change{Seq: r.Seq, From: r.From, To: r.To, Event: r.Event, Reason: r.Reason, Method: r.Method,
			RequestID: r.RequestID},
		Attempt: e.Attempt, LaunchKey: e.LaunchKey, Result: e.Result, CancelledBy: e.CancelledBy, Cause: e.Cause,
		RetryAt: UTC(e.RetryAt), PreviousAppointmentTime: UTC(e.PreviousAppointmentTime),
	}
}

// ModeEvent is the data of queue.modeChanged.
type ModeEvent struct {
	Queue              string        `json:"queue"`
	Mode               callback.Mode `json:"mode"`
	ModeStatus         string        `json:"modeStatus"`
	PreviousMode       callback.Mode `json:"previousMode"`
	PreviousModeStatus string        `json:"previousModeStatus"`
	By                 string        `json:"by,omitempty"`
	Until              *time.Time    `json:"until,omitempty"`
}

// ModeEventOf is the data of the mode change e.
func ModeEventOf(e *callback.ModeAnnouncement) ModeEvent {
	return ModeEvent{Queue: e.Queue, Mode: e.Mode, ModeStatus: e.Status, PreviousMode: e.PreviousMode,
		PreviousModeStatus: e.PreviousModeStatus, By: e.By, Until: UTC(e.Until)}
}

// NotificationEvent is the data of the notification.* messages.
type NotificationEvent struct {
	// Notification is "confirmation", "reminder" or "finalAttempt".
	Notification string      `json:"notification"`
	Callback     Interaction `json:"callback"`
	// EWTSeconds is the expected wait before the call (confirmation of an ASAP callback).
	EWTSeconds *int64 `json:"ewtSeconds,omitempty"`
	// Attempt is the attempt being made (finalAttempt).
	Attempt int `json:"attempt,omitempty"`
}

// NotificationOf is the data of the notification n.
func NotificationOf(n *callback.Notice) NotificationEvent {
	out := NotificationEvent{Notification: n.Kind, Callback: InteractionOf(n.Callback, integrationView), Attempt: n.Attempt}
	if n.HasEWT {
		s := seconds(n.EWT)
		out.EWTSeconds = &s
	}
	return out
}

// Launch is a launch as dialers receive it: the answer of a claim, and the
// body of a pushed launch.
type Launch struct {
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

// LaunchOf is the JSON form of a launch order.
func LaunchOf(o *callback.LaunchOrder) Launch {
	ud := o.UserData
	if ud == nil {
		ud = userdata.List{}
	}
	return Launch{
		Key: o.Key, InteractionID: o.InteractionID, Attempt: o.Attempt, Tenant: o.Tenant, Queue: o.Queue,
		Segment: o.Segment, Contact: o.Contact, Type: IntegrationTypes.Of(o.Type), FirstParty: o.FirstParty,
		AppointmentTime: UTC(o.AppointmentTime), EWTSeconds: seconds(o.EWT), UserData: ud,
		LeaseExpires: o.LeaseExpires.UTC(),
	}
}

// seconds is d in whole seconds, rounded.
func seconds(d time.Duration) int64 { return int64(d.Round(time.Second) / time.Second) }

// Encoder is the platform's callback.Encoder: every outbox body as JSON.
// The domain wraps its errors with the message they concern.
type Encoder struct{}

var _ callback.Encoder = Encoder{}

// Event is the body of a callback event.
func (Encoder) Event(h callback.MessageHeader, e *callback.CallbackChange) ([]byte, error) {
	return json.Marshal(EnvelopeOf(h, CallbackEventOf(e)))
}

// ModeChanged is the body of a queue.modeChanged event.
func (Encoder) ModeChanged(h callback.MessageHeader, e *callback.ModeAnnouncement) ([]byte, error) {
	return json.Marshal(EnvelopeOf(h, ModeEventOf(e)))
}

// Notification is the body of a notification.
func (Encoder) Notification(h callback.MessageHeader, n *callback.Notice) ([]byte, error) {
	return json.Marshal(EnvelopeOf(h, NotificationOf(n)))
}

// Launch is the body of a pushed launch.
func (Encoder) Launch(o *callback.LaunchOrder) ([]byte, error) { return json.Marshal(LaunchOf(o)) }
