package callback

import "strings"

// Every enumeration of the platform is declared here once, as a list of
// values; parsing, validation, the WSDL and the docs all read these lists.
// Values are matched case-insensitively and ignoring spaces, so
// "Web Canceled", "WebCanceled" and "webcanceled" are the same value.

// Mode is a queue's operation mode (behaviour.md §3).
type Mode string

// The nine operation modes.
const (
	ModeNormal       Mode = "Normal"
	ModeQueueSpeak   Mode = "QueueSpeak"
	ModePurge        Mode = "Purge"
	ModeRapidPurge   Mode = "RapidPurge"
	ModeStandby      Mode = "Standby"
	ModeAfterHours   Mode = "AfterHours"
	ModeVirtualQueue Mode = "VirtualQueue"
	ModeDateBook     Mode = "DateBook"
	ModeShutdown     Mode = "Shutdown"
)

// Modes lists every operation mode.
var Modes = []Mode{ModeNormal, ModeQueueSpeak, ModePurge, ModeRapidPurge, ModeStandby, ModeAfterHours, ModeVirtualQueue, ModeDateBook, ModeShutdown}

// QueueMode decides who is called first when a callback is launched.
type QueueMode string

// The queue modes.
const (
	// QueueModePredictive calls the customer first, timed by the EWT.
	QueueModePredictive QueueMode = "Predictive"
	// QueueModeAgentPriority reserves an agent first, then calls the customer.
	QueueModeAgentPriority QueueMode = "AgentPriority"
)

// QueueModes lists every queue mode.
var QueueModes = []QueueMode{QueueModePredictive, QueueModeAgentPriority}

// Estimator names an EWT algorithm (behaviour.md §5).
type Estimator string

// The EWT estimators.
const (
	EstimatorQueueLength          Estimator = "QueueLength"
	EstimatorRollingHistory       Estimator = "RollingHistory"
	EstimatorAgentAdjustedHistory Estimator = "AgentAdjustedHistory"
	EstimatorAgentWeighting       Estimator = "AgentWeighting"
)

// Estimators lists every estimator.
var Estimators = []Estimator{EstimatorQueueLength, EstimatorRollingHistory, EstimatorAgentAdjustedHistory, EstimatorAgentWeighting}

// Integration names the telephony integration whose user-data conventions a tenant follows.
type Integration string

// The telephony integrations.
const (
	IntegrationNone    Integration = "none"
	IntegrationGenesys Integration = "genesys"
	IntegrationAvaya   Integration = "avaya"
	IntegrationCisco   Integration = "cisco"
)

// Integrations lists every integration.
var Integrations = []Integration{IntegrationNone, IntegrationGenesys, IntegrationAvaya, IntegrationCisco}

// CallInfoType is the kind of a configured ModifyInteraction result code.
type CallInfoType string

// The CallInfo types.
const (
	CallInfoFailed     CallInfoType = "CALLINFO_CALLBACK_FAILED"
	CallInfoSuccessful CallInfoType = "CALLINFO_CALLBACK_SUCCESSFUL"
	CallInfoCancelled  CallInfoType = "CALLINFO_CALLBACK_CANCELLED"
)

// CallInfoTypes lists every CallInfo type.
var CallInfoTypes = []CallInfoType{CallInfoFailed, CallInfoSuccessful, CallInfoCancelled}

// InteractionType says what kind of contact an interaction is.
type InteractionType string

// The interaction types, as they appear in the InteractionType attribute.
const (
	// TypeInbound is a live call that has not asked for a callback.
	TypeInbound InteractionType = "Inbound"
	// TypeASAP is a first-available callback ("FIFO" on the wire, as in the reference).
	TypeASAP InteractionType = "FIFO"
	// TypeAppointment is a scheduled callback.
	TypeAppointment InteractionType = "Appointment"
)

// CancelledBy is who cancelled a callback (InteractionCancelled).
type CancelledBy string

// Who cancels callbacks the platform cancels on its own.
const (
	// CancelledByCaller: the caller cancelled it from the IVR (Callback Double Check, disconnect and cancel).
	CancelledByCaller CancelledBy = "Caller"
	// CancelledByConfiguration: a rule did (Callback Double Check, the caller held and was answered).
	CancelledByConfiguration CancelledBy = "Configuration"
)

// CancelledByValues lists the accepted InteractionCancelled.CancelledBy values.
var CancelledByValues = []CancelledBy{CancelledByCaller, "Agent", "EyeQueue", CancelledByConfiguration, "Application", "ChoseMessaging", "RejectMessaging"}

// DequeueReason is why an interaction left a skill queue (InteractionDequeued).
type DequeueReason string

// The dequeue reasons.
const (
	DequeueAgentAnswered           DequeueReason = "AgentAnswered"
	DequeueAbandoned               DequeueReason = "Abandoned"
	DequeueAcceptSecondChanceOffer DequeueReason = "AcceptSecondChanceOffer"
)

// DequeueReasons lists every dequeue reason.
var DequeueReasons = []DequeueReason{DequeueAgentAnswered, DequeueAbandoned, DequeueAcceptSecondChanceOffer}

// AppDisconnectReason is why the client application disconnected a call.
type AppDisconnectReason string

// AppDisconnectReasons lists the InteractionDisconnectedByApplication reasons.
var AppDisconnectReasons = []AppDisconnectReason{"AfterHours", "SmartCallBlock", "Other"}

// CallerDisconnectReason is why a caller hung up (InteractionDisconnectedByCaller).
type CallerDisconnectReason string

// The caller disconnect reasons.
const (
	CallerAbandon                        CallerDisconnectReason = "Abandon"
	CallerCBDCDisconnectAndKeepPending   CallerDisconnectReason = "CBDCDisconnectAndKeepPendingCallback"
	CallerCBDCDisconnectAndCancelPending CallerDisconnectReason = "CBDCDisconnectAndCancelPendingCallback"
	CallerCBDCMaxInvalidResponse         CallerDisconnectReason = "CBDCMaxInvalidResponse"
	CallerChoseMessaging                 CallerDisconnectReason = "ChoseMessaging"
)

// CallerDisconnectReasons lists every caller disconnect reason.
var CallerDisconnectReasons = []CallerDisconnectReason{CallerAbandon, CallerCBDCDisconnectAndKeepPending, CallerCBDCDisconnectAndCancelPending, CallerCBDCMaxInvalidResponse, CallerChoseMessaging}

// SendToQueueReason is why the IVR transferred a caller to a queue.
type SendToQueueReason string

// The InteractionSendToQueue reasons.
const (
	SendChoseHold               SendToQueueReason = "ChoseHold"
	SendForceHold               SendToQueueReason = "ForceHold"
	SendMaxInvalidResponse      SendToQueueReason = "MaxInvalidResponse"
	SendQueueSpeak              SendToQueueReason = "QueueSpeak"
	SendSpeakToAgent            SendToQueueReason = "SpeakToAgent"
	SendTroubleTransfer         SendToQueueReason = "TroubleTransfer"
	SendUnderThreshold          SendToQueueReason = "UnderThreshold"
	SendCBDCToHoldingQueue      SendToQueueReason = "CBDCSendToHoldingQueue"
	SendCBDCToPriorityQueue     SendToQueueReason = "CBDCSendToPriorityQueue"
	sendCBDCToPriorityQueueTypo SendToQueueReason = "CNDCSendToPriorityQueue" // the reference's spelling, accepted as an alias
)

// SendToQueueReasons lists every accepted reason (the reference's CNDC typo included).
var SendToQueueReasons = []SendToQueueReason{SendChoseHold, SendForceHold, SendMaxInvalidResponse, SendQueueSpeak, SendSpeakToAgent, SendTroubleTransfer, SendUnderThreshold, SendCBDCToHoldingQueue, SendCBDCToPriorityQueue, sendCBDCToPriorityQueueTypo}

// Canonical maps the reference's typo to the reason it means.
func (r SendToQueueReason) Canonical() SendToQueueReason {
	if r == sendCBDCToPriorityQueueTypo {
		return SendCBDCToPriorityQueue
	}
	return r
}

// ToCallbackQueue reports whether the reason moves a reconnected customer to
// the callback queue rather than a live caller to hold.
func (r SendToQueueReason) ToCallbackQueue() bool { return r.Canonical() == SendSpeakToAgent }

// DoubleCheck reports whether the reason is a Callback Double Check branch:
// a caller who already has a pending callback holds after all (in the
// ordinary queue, or in the priority queue because they waited virtually).
// While they hold, their pending callback is held back from launch; once an
// agent answers them it is cancelled.
func (r SendToQueueReason) DoubleCheck() bool {
	c := r.Canonical()
	return c == SendCBDCToHoldingQueue || c == SendCBDCToPriorityQueue
}

// AttemptFailReason is why an outbound attempt failed (§7).
type AttemptFailReason string

// The outbound attempt failure reasons.
const (
	FailBusy             AttemptFailReason = "Busy"
	FailNoAnswer         AttemptFailReason = "NoAnswer"
	FailAnsweringMachine AttemptFailReason = "AnsweringMachine"
	FailTryAgain         AttemptFailReason = "TryAgain"
	FailAbandoned        AttemptFailReason = "Abandoned"
	FailRejected         AttemptFailReason = "Rejected"
	FailTimeout          AttemptFailReason = "Timeout"
	FailError            AttemptFailReason = "Error"
)

// AttemptFailReasons lists every failure reason.
var AttemptFailReasons = []AttemptFailReason{FailBusy, FailNoAnswer, FailAnsweringMachine, FailTryAgain, FailAbandoned, FailRejected, FailTimeout, FailError}

// ModifyAction is what ModifyInteraction changes.
type ModifyAction string

// The ModifyInteraction actions.
const (
	ModifyAppointmentTime ModifyAction = "AppointmentTime"
	ModifyResult          ModifyAction = "Result"
	ModifyClientID        ModifyAction = "ClientId"
	// ModifyDataName and ModifyDataValue are the reference's names (PTK v2+;
	// "Data Name", "Data Value"): each sets the user-data string named by
	// the DataName option to the DataValue option, as Data does.
	ModifyDataName  ModifyAction = "DataName"
	ModifyDataValue ModifyAction = "DataValue"
	// ModifyData is the earlier name of the same change, still accepted.
	ModifyData ModifyAction = "Data"
)

// ModifyActions lists every ModifyInteraction action; they are matched
// case-insensitively, spaces ignored ("Data Name" is DataName).
var ModifyActions = []ModifyAction{ModifyAppointmentTime, ModifyResult, ModifyClientID, ModifyDataName, ModifyDataValue, ModifyData}

// Canonical maps the reference's data actions to the one change they make.
func (a ModifyAction) Canonical() ModifyAction {
	if a == ModifyDataName || a == ModifyDataValue {
		return ModifyData
	}
	return a
}

// RemoveReason is why a callback is removed (RemoveInteraction).
type RemoveReason string

// RemoveReasons lists the RemoveInteraction reasons.
var RemoveReasons = []RemoveReason{"Web Canceled", "Admin Canceled"}

// UpdateKey is a key UpdateInteractionData may change.
type UpdateKey string

// The UpdateInteractionData keys.
const (
	UpdateContact            UpdateKey = "Contact"
	UpdateAppointmentTime    UpdateKey = "AppointmentTime"
	UpdateExternalTrackingID UpdateKey = "ExternalTrackingId"
	UpdateClientID           UpdateKey = "ClientId"
	UpdateSourceApplication  UpdateKey = "SourceApplication"
	UpdateSegment            UpdateKey = "Segment"
)

// UpdateKeys lists every UpdateInteractionData key.
var UpdateKeys = []UpdateKey{UpdateContact, UpdateAppointmentTime, UpdateExternalTrackingID, UpdateClientID, UpdateSourceApplication, UpdateSegment}

// FindOption is an extra field FindInteraction may be asked for.
type FindOption string

// The FindInteraction data values, and the reference's other spellings of them.
const (
	FindStatus       FindOption = "Status"
	FindScriptNumber FindOption = "ScriptNumber"
	FindVoxFile      FindOption = "VoxFile"
	FindCallID       FindOption = "CallId"
	findScript       FindOption = "Script"
	findVox          FindOption = "Vox"
)

// FindOptions lists the FindInteraction data values, matched
// case-insensitively (CallID is CallId), with the reference's shorter
// spellings Script and Vox.
var FindOptions = []FindOption{FindStatus, FindScriptNumber, FindVoxFile, FindCallID, findScript, findVox}

// Canonical maps a shorter spelling to the value it names.
func (o FindOption) Canonical() FindOption {
	switch o {
	case findScript:
		return FindScriptNumber
	case findVox:
		return FindVoxFile
	}
	return o
}

// ParseFindOption reads one FindInteraction data value; ok is false for a
// value FindInteraction does not know, which it ignores.
func ParseFindOption(raw string) (FindOption, bool) {
	o, ok := Parse(FindOptions, raw)
	return o.Canonical(), ok
}

// Parse finds s in values, matching case-insensitively and ignoring spaces;
// it returns the canonical spelling and whether s was found.
func Parse[T ~string](values []T, s string) (T, bool) {
	key := enumKey(s)
	if key == "" {
		return "", false
	}
	for _, v := range values {
		if enumKey(string(v)) == key {
			return v, true
		}
	}
	return "", false
}

func enumKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}
