package callback

import (
	"time"

	"github.com/holdline/holdline/internal/userdata"
)

// The parameter and result types of the Platform's operations. They mirror
// the PTK methods' parameters in domain terms; the wire layers decode into
// them and encode from them.

// CreateParams create a live interaction (CreateInteraction).
type CreateParams struct {
	Tenant             string
	Segment            string
	ExternalTrackingID string
	SourceApplication  string
	UserData           userdata.List
}

// QueuedParams report an interaction queued to a skill (InteractionQueued).
type QueuedParams struct {
	Tenant             string
	InteractionID      string
	ExternalTrackingID string
	SkillID            string
	// Segment is optional; it places an interaction the platform does not know yet.
	Segment string
}

// DequeuedParams report an interaction leaving a skill queue (InteractionDequeued).
type DequeuedParams struct {
	Tenant             string
	InteractionID      string
	ExternalTrackingID string
	Reason             string
}

// ModifyParams change a pending interaction (ModifyInteraction).
type ModifyParams struct {
	Tenant        string
	InteractionID string
	// Action is AppointmentTime, Result, ClientId or Data.
	Action string
	// ClientID is the new client id (Action ClientId).
	ClientID string
	// Result is a configured CallInfo code (Action Result).
	Result string
	// AppointmentTime is the new time (Action AppointmentTime).
	AppointmentTime Moment
	// DataName and DataValue set one user-data string (Action Data).
	DataName  string
	DataValue string
}

// KeyValue is one UpdateInteractionData pair, as the wire gave it; a front
// reads the value of a key that holds a time (TimeKey) into At.
type KeyValue struct {
	Key   string
	Value string
	At    Moment
}

// TimeKey reports whether UpdateInteractionData's key holds a time, which a
// front reads from its wire format into KeyValue.At.
func TimeKey(key string) bool {
	k, ok := Parse(UpdateKeys, key)
	return ok && k == UpdateAppointmentTime
}

// Moment is a time a front read from its wire format: the time, or the coded
// error reading it gave. The domain reports Err in its place among the
// argument checks (after the tenant and the interaction are found), so each
// front reads times its own way and the codes keep their documented order.
type Moment struct {
	At  time.Time
	Err error
}

// given reports whether the request carried a time at all.
func (m Moment) given() bool { return m.Err != nil || !m.At.IsZero() }

// ContactRequest is what a live caller asks to be called on
// (InteractionRequestContact): a number and, for a scheduled callback, the
// appointment time (zero for ASAP) — or the error the front met reading them.
type ContactRequest struct {
	Number      string
	Appointment time.Time
	Err         error
}

// FindParams search interactions (FindInteraction). Either InteractionID
// or Contact is required.
type FindParams struct {
	Tenant        string
	InteractionID string
	Contact       string
	Segment       string
	// Options are extra values asked for: Status, ScriptNumber (Script),
	// VoxFile (Vox), CallId; a value not known is ignored.
	Options []string
}

// Found is one interaction FindInteraction returns, with what the caller
// would be told about it.
type Found struct {
	*Interaction
	// RemainingWait is the expected wait before an ASAP callback is launched.
	RemainingWait time.Duration
	// Information is each value of FindParams.Options, in the order asked.
	Information []Variable
}

// SegmentInfo names one configured segment (GetSegments).
type SegmentInfo struct {
	Tenant  string
	Segment string
	Queue   string
}

// OfferTreatment is what GetSegmentState tells the IVR to offer (behaviour.md §4).
type OfferTreatment int

// The offer treatments.
const (
	// OfferNone routes the caller to the recommended destination without an offer.
	OfferNone OfferTreatment = 0
	// OfferCallback offers ASAP and scheduled callbacks (and hold if the mode allows).
	OfferCallback OfferTreatment = 1
	// OfferScheduledOnly offers scheduled callbacks only.
	OfferScheduledOnly OfferTreatment = 2
	// OfferEWTOnly announces the EWT only (QueueSpeak).
	OfferEWTOnly OfferTreatment = 3
	// OfferBlock blocks the call (Smart Call Block).
	OfferBlock OfferTreatment = 4
)

// SegmentState is the answer of GetSegmentState: what the IVR should do with
// a caller arriving on a segment now.
type SegmentState struct {
	Tenant  string
	Segment string
	Queue   string
	// Mode is the queue's operation mode now, and ModeStatus why (Manual,
	// Scheduled, Holiday, SmartPurge, or empty for the default).
	Mode       Mode
	ModeStatus string
	// EWT is the estimated wait for a caller joining the back of the queue now.
	EWT time.Duration
	// EWT95 is the wait 95 % of such callers stay under, from the same
	// estimate: the "less than X" quote. The PTK answer does not carry it.
	EWT95 time.Duration
	// Offer is the offer treatment.
	Offer OfferTreatment
	// RecommendedDestination is the device to route the caller to.
	RecommendedDestination string
	QueueMode              QueueMode
	// Why explains the decision, for logs and support (a sentence when
	// printed).
	Why OfferReason
}

// SegmentVariables are the IVR variables of a segment's queue (GetSegmentVariables).
type SegmentVariables struct {
	Tenant    string
	Segment   string
	Queue     string
	Variables []Variable
}
