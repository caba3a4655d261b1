// Package payload holds the JSON the platform shows the outside world, at
// the edge: the one view of an interaction (REST answers, events,
// notifications), the envelope and data of every event and notification, a
// launch as dialers receive it, and the Encoder the domain writes its outbox
// bodies with (callback.Encoder). Each shape has one function that builds
// it. It imports the domain; the domain never imports it.
package payload

import (
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/userdata"
)

// TypeNames spells an interaction's type for one kind of reader; a type it
// does not name is written as the domain names it.
type TypeNames map[callback.InteractionType]string

// The two spellings of an interaction's type (docs/design.md says why there
// are two).
var (
	// PTKTypes is the REST API's: the PTK's InteractionType enumeration
	// ("FIFO", "Appointment", "Inbound"), so that a client matches REST
	// answers against GetInteractionData.
	PTKTypes = TypeNames{
		callback.TypeASAP: "FIFO", callback.TypeAppointment: "Appointment", callback.TypeInbound: "Inbound",
	}
	// IntegrationTypes is that of events, notifications and launches: the
	// product's word, "ASAP", or "Appointment".
	IntegrationTypes = TypeNames{
		callback.TypeASAP: "ASAP", callback.TypeAppointment: "Appointment", callback.TypeInbound: "Inbound",
	}
)

// Of is t as these names spell it.
func (n TypeNames) Of(t callback.InteractionType) string {
	if s, ok := n[t]; ok {
		return s
	}
	return string(t)
}

// Interaction is the one JSON view of an interaction: the REST API's
// answers and the callback of every event and notification.
type Interaction struct {
	ID                 string            `json:"id"`
	Tenant             string            `json:"tenant"`
	Segment            string            `json:"segment"`
	Queue              string            `json:"queue"`
	Type               string            `json:"type"`
	State              callback.State    `json:"state"`
	Status             string            `json:"status"`
	Final              bool              `json:"final"`
	Contact            string            `json:"contact,omitempty"`
	ExternalTrackingID string            `json:"externalTrackingId,omitempty"`
	SourceApplication  string            `json:"sourceApplication,omitempty"`
	ClientID           string            `json:"clientId,omitempty"`
	AppointmentTime    *time.Time        `json:"appointmentTime,omitempty"`
	QueuedAt           *time.Time        `json:"queuedAt,omitempty"`
	DueAt              *time.Time        `json:"dueAt,omitempty"`
	Attempts           callback.Attempts `json:"attempts"`
	Result             string            `json:"result,omitempty"`
	LinkedID           string            `json:"linkedId,omitempty"`
	UserData           userdata.List     `json:"userData"`
	CreatedAt          time.Time         `json:"createdAt"`
	UpdatedAt          time.Time         `json:"updatedAt"`
	History            []Record          `json:"history,omitempty"`
}

// Record is the JSON form of a history record.
type Record struct {
	Seq       int64          `json:"seq"`
	At        time.Time      `json:"at"`
	From      callback.State `json:"from"`
	To        callback.State `json:"to"`
	Event     callback.Event `json:"event"`
	Reason    string         `json:"reason,omitempty"`
	Method    string         `json:"method,omitempty"`
	RequestID string         `json:"requestId,omitempty"`
	Detail    string         `json:"detail,omitempty"`
}

// View says how InteractionOf shows an interaction to its reader.
type View struct {
	// Types spells the interaction's type: PTKTypes for the REST API,
	// IntegrationTypes for events and notifications.
	Types TypeNames
	// Contact, when set, is the customer's number as the reader may see it
	// (the REST API masks it without the contacts permission); nil shows it
	// as stored: webhooks and the SMS gateway are trusted.
	Contact func(number string) string
	// History, when given, is shown with the interaction (the REST API's GET).
	History []callback.Record
}

// integrationView is how events and notifications show their callback.
var integrationView = View{Types: IntegrationTypes}

// InteractionOf is the JSON view of it as v shows it.
func InteractionOf(it *callback.Interaction, v View) Interaction {
	contact := it.Contact
	if v.Contact != nil {
		contact = v.Contact(contact)
	}
	out := Interaction{
		ID: it.ID, Tenant: it.Tenant, Segment: it.Segment, Queue: it.Queue, Type: v.Types.Of(it.Type),
		State: it.State, Status: it.Status(), Final: it.State.Final(), Contact: contact,
		ExternalTrackingID: it.ExternalTrackingID, SourceApplication: it.SourceApplication, ClientID: it.ClientID,
		AppointmentTime: UTC(it.AppointmentTime), QueuedAt: UTC(it.QueuedAt), DueAt: UTC(it.DueAt),
		Attempts: it.Attempts, Result: it.Result, LinkedID: it.LinkedID, UserData: it.UserData,
		CreatedAt: it.CreatedAt.UTC(), UpdatedAt: it.UpdatedAt.UTC(),
	}
	if out.UserData == nil {
		out.UserData = userdata.List{}
	}
	for _, r := range v.History {
		out.History = append(out.History, Record{
			Seq: r.Seq, At: r.At, From: r.From, To: r.To, Event: r.Event, Reason: r.Reason,
			Method: r.Method, RequestID: r.RequestID, Detail: r.Detail,
		})
	}
	return out
}

// UTC is t in UTC for a JSON field that is left out when unset: nil for the
// zero time.
func UTC(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
