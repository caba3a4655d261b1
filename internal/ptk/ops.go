package ptk

// This file is longer than most on purpose: it holds the one table of PTK
// methods — every method, its summary, its parameters and result types, and
// every status code it documents with the reason for each — kept whole so
// that the contract reads in one place (the WSDL, docs/ptk.md and the
// coverage tests derive from it).

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/status"
)

// TargetNamespace is the namespace of the WSDL, its schema and the answers
// to requests sent in it.
const TargetNamespace = "urn:holdline:ptk"

// Family is the response shape of a method. The reference shows two.
type Family int

// The two response families.
const (
	// Classic methods (the original web-facing PTK) answer
	// <XResult><Header><ClientID/><Id/><Status>…</Status></Header><Data>…</Data></XResult>.
	Classic Family = iota + 1
	// InteractionState methods (added for the VXML Interaction Server)
	// answer <XResult><ResultCode/><Result/><Description/><Guid/>…</XResult>.
	InteractionState
)

// String names the family in the docs.
func (f Family) String() string {
	if f == Classic {
		return "classic"
	}
	return "interaction-state"
}

// CodeDoc is one status code a method documents.
type CodeDoc struct {
	Code status.Code
	// Added marks a code the reference's list for the method lacks.
	Added bool
	// Note explains a correction of the reference, or why the code is added.
	Note string
	// Unreachable, when set, says why no request can produce the code (yet).
	Unreachable string
}

func ref(c status.Code) CodeDoc                  { return CodeDoc{Code: c} }
func fixed(c status.Code, note string) CodeDoc   { return CodeDoc{Code: c, Note: note} }
func added(c status.Code, why string) CodeDoc    { return CodeDoc{Code: c, Added: true, Note: why} }
func never(c status.Code, why string) CodeDoc    { return CodeDoc{Code: c, Unreachable: why} }
func addedCompleted() CodeDoc                    { return added(status.RequestCompleted, whySuccess) }
func addedInvalidID() CodeDoc                    { return added(status.InvalidInteractionID, whyInvalidID) }
func addedFinal() CodeDoc                        { return added(status.InteractionStatePreventsRequestedAction, whyFinal) }
func addedIDRequired() CodeDoc                   { return added(status.InteractionIDRequired, whyIDRequired) }
func notFoundTypo() CodeDoc                      { return fixed(status.InteractionNotFound, "the reference writes 17002") }
func neverNoData(c status.Code) CodeDoc          { return never(c, whyNoDataName) }
func neverInternal(c status.Code) CodeDoc        { return never(c, whyInternal) }
func neverQueueConfigured(c status.Code) CodeDoc { return never(c, whyQueueConfigured) }

// neverNoStore is the 109004 row of a method that does not use the store.
func neverNoStore() CodeDoc {
	return CodeDoc{Code: status.PlatformUnavailable, Added: true, Note: "listed for every method", Unreachable: whyNoStore}
}

// Reasons shared by several rows of the table.
const (
	whySuccess         = "the success code; the reference lists only refusals"
	whyInvalidID       = "a malformed interaction id (not V and 31 digits; docs/design.md)"
	whyIDRequired      = "an empty interaction id"
	whyFinal           = "the state machine refuses the request in the interaction's state (docs/states.md)"
	whyNoDataName      = "the method has no data name or value parameter; the reference repeats another method's rows"
	whyInternal        = "Holdline computes this value itself, so it is never missing or invalid"
	whyQueueConfigured = "a segment always names a configured queue (configuration validation)"
	whyQueueRemoved    = "the interaction's queue was removed from the configuration since it was created (a restart with an edited file)"
	whyLicenseV4       = "PTK v1–4's licence code; Holdline answers v5's 109005"
	whyNoCallType      = "the method has no call-type parameter: the type follows from the appointment time"
	whyModeStatus      = "mode statuses are Holdline's own values, never invalid"
	whyLicenseResult   = "licences are counted in the process: there is no licence service to answer an invalid result"
	whyCreates         = "an unknown id or tracking id creates the interaction (107100), as the reference says"
	whyCreateRefused   = "creating an interaction cannot be refused by the state machine; a store failure is 109004 (or 109000 when unexpected)"
	whyStoreFails      = "the store cannot write (a full disk, an I/O error) or cannot be reached: nothing was changed, try again later (docs/design.md, \"When the store fails\")"
	whyNoStore         = "the method answers from the configuration alone, so it still answers while the store fails"
)

// withUnavailable returns codes with 109004 PlatformUnavailable added when
// the list lacks it: every method that uses the store answers it when the
// store refuses the work, whatever the reference lists. A method that does
// not use the store lists it as never answered (whyNoStore).
func withUnavailable(codes []CodeDoc) []CodeDoc {
	for _, c := range codes {
		if c.Code == status.PlatformUnavailable {
			return codes
		}
	}
	return append(codes, added(status.PlatformUnavailable, whyStoreFails))
}

// Operation is one PTK method: everything the wire, the WSDL, the docs, the
// JSON mirror and the client know about it.
type Operation struct {
	// Name is the method's name, the WSDL operation's and the request element's.
	Name string
	// Aliases are further names accepted on the wire only (not in the WSDL).
	Aliases []string
	Family  Family
	// Summary says in a sentence what the method does.
	Summary string
	// Params is the request's schema: the content of <data> (classic) or of
	// the operation element (interaction-state).
	Params *Type
	// Result is the schema of <Data>'s content (classic), or of the elements
	// after Guid (interaction-state).
	Result *Type
	// Success is the code of a completed request (107000; 106000 for GetStatus).
	Success status.Code
	// Codes are the documented status codes, the reference's (corrected) and Holdline's additions.
	Codes []CodeDoc
	// Need is the permission a principal needs for the method (access.Change
	// unless the method only reads).
	Need access.Permission

	// tenant locates the Tenant parameter in the params; nil when the method
	// takes none (GetVersion). tenantOptional marks a tenant whose absence
	// means every tenant (GetSegments, GetStatus).
	tenant         []int
	tenantOptional bool

	newParams func() any
	call      func(ctx context.Context, p Domain, params any) (any, error)
}

// SOAPAction is the operation's action in both WSDL bindings.
func (op *Operation) SOAPAction() string { return TargetNamespace + "/" + op.Name }

// Documents reports whether the method's table lists c as a code it
// answers: a row not marked never answered. Anything else it answers is a
// gap in the table, counted by the handler's guard.
func (op *Operation) Documents(c status.Code) bool {
	d, ok := op.Code(c)
	return ok && d.Unreachable == ""
}

// Code returns the documentation of code c for the method.
func (op *Operation) Code(c status.Code) (CodeDoc, bool) {
	for _, d := range op.Codes {
		if d.Code == c {
			return d, true
		}
	}
	return CodeDoc{}, false
}

// successCoder is implemented by results whose success code depends on the answer.
type successCoder interface{ successCode() status.Code }

// successNoticer is implemented by results whose success may carry an
// ErrorMessage (something of the request that was ignored).
type successNoticer interface{ successNotice() string }

// define builds an operation from its typed domain call; the schemas come
// from the Go types P and R.
func define[P, R any](name string, fam Family, summary string,
	call func(context.Context, Domain, *P) (R, error), codes ...CodeDoc) *Operation {
	params, err := types.typeOf(reflect.TypeFor[P]())
	if err == nil {
		var result *Type
		if result, err = types.typeOf(reflect.TypeFor[R]()); err == nil {
			if fam == Classic {
				// <Data> is empty in a refusal: everything in it is optional.
				for _, f := range result.Fields {
					f.Optional = true
				}
			}
			tenant, optional := tenantParam(params)
			return &Operation{
				Name: name, Family: fam, Summary: summary, Params: params, Result: result,
				Success: status.RequestCompleted, Codes: withUnavailable(codes), Need: access.Change,
				tenant: tenant, tenantOptional: optional,
				newParams: func() any { return new(P) },
				call: func(ctx context.Context, p Domain, params any) (any, error) {
					return call(ctx, p, params.(*P))
				},
			}
		}
	}
	// The table is the program's own data; a broken entry is caught by every test run.
	panic(fmt.Sprintf("ptk: operation %s: %v", name, err))
}

// tenantParam finds the Tenant parameter of a request schema: a field of
// its own, or one of an inline options block, whose absence then means
// every tenant.
func tenantParam(t *Type) (index []int, optional bool) {
	for _, f := range t.Fields {
		switch {
		case f.Name == "Tenant" && f.Type.Kind == KindString && !f.Repeated:
			return f.index, false
		case f.Inline:
			if inner, _ := tenantParam(f.Type); inner != nil {
				return append(append([]int(nil), f.index...), inner...), true
			}
		}
	}
	return nil, false
}

// TenantOf is the tenant a request's decoded params name, and whether the
// method takes one at all.
func (op *Operation) TenantOf(params any) (tenant string, takes bool) {
	if op.tenant == nil {
		return "", false
	}
	return reflect.ValueOf(params).Elem().FieldByIndex(op.tenant).String(), true
}

func (op *Operation) readOnly() *Operation { op.Need = access.Read; return op }

func (op *Operation) withAliases(names ...string) *Operation { op.Aliases = names; return op }

func (op *Operation) withSuccess(c status.Code) *Operation { op.Success = c; return op }

// operations is THE table of PTK methods, in the reference's order.
var operations = []*Operation{
	define("AddInteraction", Classic,
		"Adds a callback: ASAP (first available) without AppointmentTime, scheduled with it.", addInteraction,
		ref(status.RequestCompleted),
		ref(status.RequestRefusedDueToOperationMode),
		ref(status.AppointmentsDisabled),
		ref(status.DuplicateContactInQueue),
		ref(status.AppointmentTimeAfterHours),
		ref(status.AppointmentTimeBeforeEWT),
		ref(status.AppointmentTimeFull),
		ref(status.InvalidSourceApplicationFormat),
		ref(status.InvalidTenant),
		ref(status.InvalidSegment),
		ref(status.InvalidDateTime),
		ref(status.InvalidContact),
		ref(status.ContactRequired),
		neverQueueConfigured(status.QueueIDRequired),
		ref(status.SegmentRequired),
		added(status.AppointmentTimeInThePast, "the reference's list lacks it, but a booking in the past must be refused: the appointment checks run in a fixed order, the past first (docs/queue-manager.md)"),
		ref(status.AppointmentTimeAfterAppointmentTimesRange),
		ref(status.UserDataFailedValidation),
		never(status.InvalidCallType, whyNoCallType),
		ref(status.UnexpectedError),
		never(status.ResourcesUnavailable, whyLicenseV4),
		fixed(status.PlatformUnavailable, whyStoreFails),
		ref(status.LicenseUnavailable),
		fixed(status.AppointmentError, "scheduled callbacks are not licensed for the tenant (licenses.scheduled)"),
		never(status.InvalidModeStatusForInteraction, whyModeStatus),
		never(status.InvalidLicenseResult, whyLicenseResult),
		ref(status.FeatureUnavailable),
		ref(status.NoValidLicenseFile),
		ref(status.BandwidthExceeded),
	),
	define("AssociateInteractionWithExternalTrackingID", InteractionState,
		"Links an interaction to the ACD's id for its call, so a call appearing in a queue can be matched.", associateExternalTrackingID,
		addedCompleted(),
		notFoundTypo(),
		addedFinal(),
		ref(status.InvalidTenant),
		ref(status.InvalidInteractionID),
		ref(status.InteractionIDRequired),
		ref(status.ExternalTrackingIDMissing),
		ref(status.DuplicateExternalTrackingIDFound),
	),
	define("CreateInteraction", InteractionState,
		"Creates a live interaction for a caller entering the IVR; answers its InteractionId.", createInteraction,
		ref(status.RequestCompleted),
		never(status.InteractionNotFound, "CreateInteraction names no existing interaction"),
		neverInternal(status.InvalidOperationModeReturned),
		added(status.RequestRefusedDueToOperationMode, "the method's description: Shutdown refuses it"),
		ref(status.InvalidSourceApplicationFormat),
		ref(status.InvalidTenant),
		ref(status.InvalidSegment),
		never(status.InteractionIDRequired, "CreateInteraction takes no interaction id"),
		ref(status.SegmentRequired),
		ref(status.UserDataFailedValidation),
		ref(status.ExternalTrackingIDMissing),
		ref(status.DuplicateExternalTrackingIDFound),
		never(status.InvalidCallType, "CreateInteraction has no call-type parameter"),
		never(status.MethodNotImplemented, "every method is implemented"),
		ref(status.LicenseUnavailable),
		never(status.UnableToCreateInteraction, whyCreateRefused),
		never(status.InvalidLicenseResult, whyLicenseResult),
		ref(status.FeatureUnavailable),
		ref(status.NoValidLicenseFile),
		added(status.BandwidthExceeded, "the licence group's request bandwidth (licenses.bandwidthLimit) is used up"),
	),
	define("FindInteraction", Classic,
		"Finds pending interactions by InteractionId or Contact, with their wait and the data values asked for.", findInteraction,
		addedCompleted(),
		ref(status.InteractionNotFound),
		ref(status.InvalidTenant),
		ref(status.InvalidSearchParameters),
		neverQueueConfigured(status.QueueIDNotFound),
		ref(status.ContactNotFound),
	).readOnly(),
	define("GetInteractionData", Classic,
		"Returns an interaction's attributes, state, times and user data.", getInteractionData,
		addedCompleted(),
		ref(status.InteractionNotFound),
		ref(status.InvalidTenant),
		ref(status.InvalidInteractionID),
		addedIDRequired(),
	).readOnly(),
	define("GetNextAvailableAppointmentTimes", Classic,
		"Returns the next free appointment slots (default 4) from a time (default now).", nextAppointmentTimes,
		addedCompleted(),
		ref(status.AppointmentSlotsNotFound),
		added(status.AppointmentsDisabled, "the segment's queue takes no appointments"),
		ref(status.InvalidTenant),
		added(status.InvalidSegment, "a segment that is not configured for the tenant"),
		ref(status.InvalidDateTime),
		ref(status.QueueIDRequired),
	).withAliases("GetNextAvailableAppointmentTime").readOnly(),
	define("GetSegments", Classic,
		"Lists the configured segments of a tenant, or of every tenant.", getSegments,
		addedCompleted(),
		ref(status.SegmentsNotFound),
		ref(status.InvalidTenant),
		neverNoStore(),
	).readOnly(),
	define("GetSegmentState", Classic,
		"Tells the IVR what to do with a caller arriving now: mode, EWT, offer, destination.", getSegmentState,
		addedCompleted(),
		neverInternal(status.InvalidOperationModeReturned),
		ref(status.InvalidTenant),
		ref(status.InvalidSegment),
		never(status.ResourcesUnavailable, whyLicenseV4),
		never(status.LicenseUnavailable, "the reference: the response \"considers whether or not a license is available for the segment and source application\" — so with no licence free Holdline answers 107000 with OfferTreatment 0 (no callback offer), and the IVR still gets the mode and the destination to send the caller to hold"),
		neverInternal(status.InvalidEWTReturned),
		neverInternal(status.InvalidOfferTreatment),
		neverInternal(status.InvalidModeStatusReturned),
		never(status.InvalidRecommendedDestinationReturned, "configuration validation requires every queue to name a holding skill (id or device), so there is always a destination to recommend"),
		neverInternal(status.QueueModeInvalidOrMissing),
	).readOnly(),
	define("GetSegmentVariables", Classic,
		"Returns the IVR queue variables of a segment, all or those named, always with CountryCode.", getSegmentVariables,
		addedCompleted(),
		ref(status.InvalidTenant),
		fixed(status.InvalidSegment, "the reference writes 1080001"),
		added(status.SegmentRequired, "no segment, and the tenant has more than one"),
		neverNoStore(),
	).readOnly(),
	define("GetStatus", Classic,
		"Says whether the platform can serve requests, with the tenants it serves.", getStatus,
		ref(status.PlatformAvailable),
		fixed(status.PlatformUnavailable, "the store cannot be reached, or refuses writes since its last refusal (a full disk, an I/O error)"),
		ref(status.TenantsNotFound),
	).withSuccess(status.PlatformAvailable).readOnly(),
	define("GetSystemVariables", InteractionState,
		"Returns the tenant's system variables.", getSystemVariables,
		addedCompleted(),
		ref(status.InvalidTenant),
		neverNoStore(),
	).readOnly(),
	define("GetVersion", Classic,
		"Returns the WSDL's version, major.minor.", getVersion,
		fixed(status.RequestCompleted, "the reference writes 07000"),
		neverNoStore(),
	).readOnly(),
	define("InteractionCancelled", InteractionState,
		"Cancels a callback on behalf of the caller, an agent, EyeQueue, configuration or an application.", interactionCancelled,
		addedCompleted(),
		ref(status.InteractionNotFound),
		ref(status.InvalidTenant),
		addedInvalidID(),
		ref(status.InteractionIDRequired),
		fixed(status.InteractionCannotBeCancelled, "as the reference says: only a callback the customer has not accepted yet (pending, launched, or connected before SendToQueue SpeakToAgent); a live call in the IVR or on hold, an accepted callback, or an ended interaction"),
		ref(status.CancelledByRequired),
	),
	define("InteractionDequeued", InteractionState,
		"Records an interaction leaving a skill queue: answered, abandoned, or accepting Second Chance (answers the new callback's InteractionId).", interactionDequeued,
		addedCompleted(),
		ref(status.InteractionNotFound),
		ref(status.InteractionStatePreventsRequestedAction),
		ref(status.InvalidTenant),
		addedInvalidID(),
		fixed(status.InteractionIDOrExternalTrackingIDRequired, "the reference's name has a space: \"InteractionIDOrExternalTrackingID Required\""),
		ref(status.DequeuedReasonMissing),
		ref(status.DequeuedReasonInvalid),
		added(status.ContactRequired, "Second Chance for a caller whose number is not known yet"),
		added(status.RequestRefusedDueToOperationMode, "Second Chance in a mode that takes no ASAP callback (DateBook, AfterHours...): the callback it would register is refused"),
		added(status.DuplicateContactInQueue, "Second Chance for a caller who already has a pending callback in the queue (Callback Double Check)"),
	),
	define("InteractionDisconnectedByApplication", InteractionState,
		"Records the client application ending the call (AfterHours, SmartCallBlock, Other).", disconnectedByApplication,
		addedCompleted(),
		ref(status.InteractionNotFound),
		addedFinal(),
		ref(status.InvalidTenant),
		addedInvalidID(),
		ref(status.InteractionIDRequired),
		fixed(status.InvalidDataName, "Holdline's answer to a missing or unknown Reason, the only refusal of the reference's list that fits"),
		neverNoData(status.DataNameUnavailable),
	),
	define("InteractionDisconnectedByCaller", InteractionState,
		"Records the caller hanging up in a call flow or in a queue.", disconnectedByCaller,
		addedCompleted(),
		ref(status.InteractionNotFound),
		ref(status.InvalidTenant),
		addedInvalidID(),
		ref(status.InteractionIDRequired),
		added(status.ReasonRequired, "a missing or unknown Reason"),
		ref(status.InteractionCannotBeDisconnected),
	),
	define("InteractionOutboundAttemptFailed", InteractionState,
		"Records a failed callback attempt; the platform retries or ends it (docs/queue-manager.md).", outboundAttemptFailed,
		addedCompleted(),
		added(status.InteractionNotFound, "a well-formed id the platform does not know"),
		addedFinal(),
		ref(status.InvalidTenant),
		addedInvalidID(),
		ref(status.InteractionIDRequired),
		ref(status.ReasonRequired),
		neverNoData(status.DataNameUnavailable),
		fixed(status.DataRequired, "a request with no Tenant, InteractionId or Reason at all"),
	),
	define("InteractionOutboundConnected", InteractionState,
		"Records a launched callback reaching the customer.", outboundConnected,
		addedCompleted(),
		ref(status.InteractionNotFound),
		ref(status.InteractionStatePreventsRequestedAction),
		ref(status.InvalidTenant),
		addedInvalidID(),
		ref(status.InteractionIDRequired),
	),
	define("InteractionQueued", InteractionState,
		"Records an interaction arriving in a holding or callback skill queue; creates it when unknown (107100).", interactionQueued,
		added(status.RequestCompleted, "an interaction the platform already knew"),
		never(status.InteractionNotFound, whyCreates),
		ref(status.RequestRefusedDueToOperationMode),
		ref(status.InteractionStatePreventsRequestedAction),
		ref(status.RequestCompletedWithInteractionID),
		ref(status.InvalidTenant),
		ref(status.InvalidSegment),
		addedInvalidID(),
		added(status.InteractionIDOrExternalTrackingIDRequired, "neither an InteractionId nor an ExternalTrackingId"),
		ref(status.ExternalTrackingIDMissing),
		fixed(status.DuplicateExternalTrackingIDFound, "with an InteractionId: the ExternalTrackingId is held by another live interaction, or differs from the interaction's own"),
		ref(status.SkillIDNotFound),
		never(status.UnableToCreateInteraction, whyCreateRefused),
		fixed(status.QueueIDNotFound, whyQueueRemoved),
	),
	define("InteractionRequestContact", InteractionState,
		"Turns a live interaction into a callback: voice://NUMBER (ASAP) or voice://NUMBER?appt=TIME (scheduled).", requestContact,
		addedCompleted(),
		added(status.NoValidLicenseFile, "a tenant without a licence configuration, whose call the ACD reported (InteractionQueued creates it without a licence)"),
		ref(status.InteractionNotFound),
		ref(status.RequestRefusedDueToOperationMode),
		ref(status.AppointmentsDisabled),
		ref(status.DuplicateContactInQueue),
		ref(status.AppointmentTimeAfterHours),
		ref(status.AppointmentTimeBeforeEWT),
		ref(status.AppointmentTimeFull),
		ref(status.InvalidContactURIFormat),
		addedFinal(),
		ref(status.SegmentNotSet),
		ref(status.InvalidTenant),
		ref(status.InvalidDateTime),
		ref(status.InvalidContact),
		ref(status.InvalidInteractionID),
		ref(status.InteractionIDRequired),
		ref(status.AppointmentTimeInThePast),
		ref(status.AppointmentTimeAfterAppointmentTimesRange),
		fixed(status.InvalidCallType, "a ContactURI scheme other than voice"),
		added(status.AppointmentError, "a scheduled callback when the tenant's licences take none (licenses.scheduled: false): the reference's \"verify that you have scheduling enabled\""),
		neverQueueConfigured(status.QueueIDNotFound),
		never(status.InvalidModeStatusForInteraction, whyModeStatus),
	),
	define("InteractionSendToQueue", InteractionState,
		"Records the IVR transferring a caller to the holding queue, or a reconnected customer to the callback queue.", sendToQueue,
		addedCompleted(),
		ref(status.InteractionNotFound),
		addedFinal(),
		ref(status.InvalidTenant),
		addedInvalidID(),
		ref(status.InteractionIDRequired),
		fixed(status.InvalidDataName, "Holdline's answer to an unknown Reason"),
		fixed(status.DataValueRequired, "Holdline's answer to a missing Reason"),
		neverNoData(status.DataNameUnavailable),
	),
	define("ModifyInteraction", Classic,
		"Changes a pending interaction: its AppointmentTime, Result, ClientId, or one user-data value (Data).", modifyInteraction,
		addedCompleted(),
		fixed(status.InteractionNotFound, "also a Result for an interaction that has already ended: the platform no longer tracks it"),
		fixed(status.AppointmentTimeAfterHours, "the reference's name column repeats 107002's description"),
		ref(status.AppointmentTimeBeforeEWT),
		ref(status.AppointmentTimeFull),
		ref(status.InteractionStatePreventsModifyingAppointmentTime),
		added(status.InteractionStatePreventsRequestedAction, "a Result for a callback being dialled (Launched, OutboundConnected): the dialler reports how it ends; ClientId or Data on an ended interaction"),
		ref(status.InvalidTenant),
		ref(status.InvalidDateTime),
		addedInvalidID(),
		ref(status.AppointmentTimeRequired),
		ref(status.InteractionIDRequired),
		ref(status.AppointmentTimeInThePast),
		never(status.InvalidInteractionReason, "ModifyInteraction has no Reason; the row belongs to RemoveInteraction"),
		ref(status.InvalidAction),
		ref(status.InvalidResult),
		ref(status.AppointmentTimeAfterAppointmentTimesRange),
		ref(status.InvalidDataName),
		ref(status.DataValueRequired),
		fixed(status.AppointmentError, "moving an appointment in a queue that takes none"),
		fixed(status.QueueIDNotFound, whyQueueRemoved),
		ref(status.InvalidResultConfiguration),
		ref(status.DataNameUnavailable),
	),
	define("RemoveInteraction", Classic,
		"Removes a callback the customer (Web Canceled) or an administrator (Admin Canceled) cancelled.", removeInteraction,
		addedCompleted(),
		fixed(status.InteractionNotFound, "also an interaction that has already ended (a second removal included): the platform no longer tracks it, though GetInteractionData still reads it"),
		ref(status.InvalidTenant),
		ref(status.InvalidInteractionID),
		ref(status.InteractionIDRequired),
		ref(status.ReasonRequired),
		ref(status.InvalidInteractionReason),
	),
	define("UpdateInteractionData", InteractionState,
		"Changes interaction fields by key: Contact, AppointmentTime, ExternalTrackingId, ClientId, SourceApplication, Segment.", updateInteractionData,
		addedCompleted(),
		ref(status.InteractionNotFound),
		ref(status.DuplicateContactInQueue),
		ref(status.AppointmentTimeAfterHours),
		ref(status.AppointmentTimeBeforeEWT),
		ref(status.AppointmentTimeFull),
		ref(status.InteractionStatePreventsModifyingAppointmentTime),
		addedFinal(),
		ref(status.InvalidTenant),
		ref(status.InvalidDateTime),
		ref(status.InvalidContact),
		addedInvalidID(),
		ref(status.ContactRequired),
		ref(status.AppointmentTimeRequired),
		ref(status.InteractionIDRequired),
		ref(status.AppointmentTimeInThePast),
		ref(status.AppointmentTimeAfterAppointmentTimesRange),
		ref(status.DataValueRequired),
		ref(status.ExternalTrackingIDMissing),
		ref(status.DuplicateExternalTrackingIDFound),
		ref(status.KeyNotSupportedUpdatingData),
		fixed(status.AppointmentError, "moving an appointment in a queue that takes none"),
		fixed(status.QueueIDNotFound, "a Segment key naming a segment that is not configured"),
		ref(status.UpdateInteractionDataFailed),
	),
	define("UpdateUserData", InteractionState,
		"Merges user data into an interaction's (a scalar replaces, lists merge).", updateUserData,
		addedCompleted(),
		ref(status.InteractionNotFound),
		addedFinal(),
		ref(status.InvalidTenant),
		addedInvalidID(),
		ref(status.UserDataRequired),
		ref(status.InteractionIDRequired),
		ref(status.UserDataFailedValidation),
	),
	define("ValidateContact", Classic,
		"Checks a contact against the tenant's numbering rules and answers it normalised.", validateContact,
		addedCompleted(),
		ref(status.InvalidTenant),
		ref(status.InvalidSegment),
		ref(status.InvalidContact),
		ref(status.ContactRequired),
		never(status.InteractionIDRequired, "ValidateContact takes no interaction id"),
		never(status.SegmentRequired, "without a segment the tenant's first segment's country code applies"),
		never(status.ReasonRequired, "ValidateContact takes no reason; the reference repeats another method's row"),
		neverNoStore(),
	).readOnly(),
}

// Operations returns the table of PTK methods, in the reference's order.
func Operations() []*Operation { return append([]*Operation(nil), operations...) }

// Lookup finds the operation named name (or one of its aliases),
// case-insensitively, and returns it with the canonical spelling of the name
// matched, which the response elements are named after.
func Lookup(name string) (op *Operation, matched string, ok bool) {
	for _, op := range operations {
		for _, n := range append([]string{op.Name}, op.Aliases...) {
			if strings.EqualFold(n, name) {
				return op, n, true
			}
		}
	}
	return nil, "", false
}

// operationNames lists the canonical names, for fault messages.
func operationNames() string {
	names := make([]string, len(operations))
	for i, op := range operations {
		names[i] = op.Name
	}
	return strings.Join(names, ", ")
}
