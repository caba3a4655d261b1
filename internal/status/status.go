// Package status holds the one table of Platform Toolkit status codes and the
// error type that carries them. Every layer (domain, SOAP, JSON, docs, WSDL)
// takes its codes, names and descriptions from here, so they can never drift.
package status

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"
)

// Code is a PTK status code as it appears on the wire (for example 107000).
type Code int

// Entry describes one status code: the number, the name clients see in the
// Result element, and the human description from the PTK reference.
type Entry struct {
	Code        Code
	Name        string
	Description string
}

// The status codes of the PTK reference. Names and descriptions are taken
// from the reference verbatim; where the reference contradicts itself the
// choice made is written in docs/ptk.md.
const (
	PlatformAvailable                                Code = 106000
	RequestCompleted                                 Code = 107000
	RequestPartiallyCompleted                        Code = 107001
	InteractionNotFound                              Code = 107002
	SegmentsNotFound                                 Code = 107003
	InvalidOperationModeReturned                     Code = 107004
	RequestRefusedDueToOperationMode                 Code = 107005
	AppointmentsDisabled                             Code = 107007
	DuplicateContactInQueue                          Code = 107009
	AppointmentTimeAfterHours                        Code = 107010
	AppointmentTimeBeforeEWT                         Code = 107011
	AppointmentSlotsNotFound                         Code = 107012
	AppointmentTimeFull                              Code = 107014
	InteractionStatePreventsModifyingAppointmentTime Code = 107015
	InvalidContactURIFormat                          Code = 107017
	InteractionStatePreventsRequestedAction          Code = 107018
	InvalidSourceApplicationFormat                   Code = 107019
	SegmentNotSet                                    Code = 107020
	RequestCompletedWithInteractionID                Code = 107100
	InvalidTenant                                    Code = 108000
	InvalidSegment                                   Code = 108001
	InvalidDateTime                                  Code = 108004
	InvalidContact                                   Code = 108005
	InvalidInteractionID                             Code = 108007
	ContactRequired                                  Code = 108009
	AppointmentTimeRequired                          Code = 108010
	UserDataRequired                                 Code = 108011
	InteractionIDRequired                            Code = 108014
	QueueIDRequired                                  Code = 108016
	AppointmentTimeInThePast                         Code = 108019
	SegmentRequired                                  Code = 108022
	InvalidSearchParameters                          Code = 108026
	ReasonRequired                                   Code = 108027
	InvalidInteractionReason                         Code = 108028
	InteractionCannotBeCancelled                     Code = 108029
	InvalidAction                                    Code = 108030
	CancelledByRequired                              Code = 108031
	InvalidResult                                    Code = 108033
	AppointmentTimeAfterAppointmentTimesRange        Code = 108037
	InvalidDataName                                  Code = 108038
	DataValueRequired                                Code = 108039
	UserDataFailedValidation                         Code = 108040
	ExternalTrackingIDMissing                        Code = 108041
	DuplicateExternalTrackingIDFound                 Code = 108042
	KeyNotSupportedUpdatingData                      Code = 108043
	SkillIDNotFound                                  Code = 108045
	InteractionIDOrExternalTrackingIDRequired        Code = 108046
	DequeuedReasonMissing                            Code = 108047
	DequeuedReasonInvalid                            Code = 108048
	InvalidCallType                                  Code = 108054
	InteractionCannotBeDisconnected                  Code = 108055
	UnexpectedError                                  Code = 109000
	MethodNotImplemented                             Code = 109001
	ResourcesUnavailable                             Code = 109003
	PlatformUnavailable                              Code = 109004
	LicenseUnavailable                               Code = 109005
	TenantsNotFound                                  Code = 109006
	AppointmentError                                 Code = 109009
	UnableToCreateInteraction                        Code = 109010
	InvalidEWTReturned                               Code = 109012
	InvalidOfferTreatment                            Code = 109015
	QueueIDNotFound                                  Code = 109016
	InvalidResultConfiguration                       Code = 109020
	ContactNotFound                                  Code = 109021
	InvalidModeStatusReturned                        Code = 109024
	InvalidRecommendedDestinationReturned            Code = 109025
	DataNameUnavailable                              Code = 109028
	DataRequired                                     Code = 109029
	InvalidModeStatusForInteraction                  Code = 109030
	UpdateInteractionDataFailed                      Code = 109031
	InvalidLicenseResult                             Code = 109032
	FeatureUnavailable                               Code = 109033
	NoValidLicenseFile                               Code = 109034
	BandwidthExceeded                                Code = 109035
	QueueModeInvalidOrMissing                        Code = 109036
)

// table is the single source of truth for names and descriptions.
var table = []Entry{
	{PlatformAvailable, "PlatformAvailable", "The platform for the tenant can process requests now."},
	{RequestCompleted, "RequestCompleted", "The platform completed the request."},
	{RequestPartiallyCompleted, "RequestPartiallyCompleted", "The platform completed part of the request."},
	{InteractionNotFound, "InteractionNotFound", "The platform cannot find the interaction. The system is no longer tracking interactions for this ID."},
	{SegmentsNotFound, "SegmentsNotFound", "The platform cannot find any segments. Set up segments for the tenant or tenants and retry the request."},
	{InvalidOperationModeReturned, "InvalidOperationModeReturned", "The Operation Mode that this request returned is either missing or not valid."},
	{RequestRefusedDueToOperationMode, "RequestRefusedDueToOperationMode", "The current Operation Mode cannot accept this interaction. Change the Operation Mode and retry the request."},
	{AppointmentsDisabled, "AppointmentsDisabled", "Appointment interactions are disabled in the platform. Enable appointment interactions and retry the request."},
	{DuplicateContactInQueue, "DuplicateContactInQueue", "The platform could not complete the request because callback double check detected another interaction with this contact in this queue. Change the contact and retry the request."},
	{AppointmentTimeAfterHours, "AppointmentTimeAfterHours", "The appointment time that you submitted is outside of the business hours."},
	{AppointmentTimeBeforeEWT, "AppointmentTimeBeforeEWT", "The appointment time that you submitted is before the estimated wait time for this queue."},
	{AppointmentSlotsNotFound, "AppointmentSlotsNotFound", "No appointments are available for the specified times."},
	{AppointmentTimeFull, "AppointmentTimeFull", "No appointments are available for the specified times."},
	{InteractionStatePreventsModifyingAppointmentTime, "InteractionStatePreventsModifyingAppointmentTime", "You cannot change the appointment time because the interaction is already active."},
	{InvalidContactURIFormat, "InvalidContactURIFormat", "The Contact URI you submitted is not valid. Either the phone number is not valid or the date is not in the correct format: yyyy-mm-ddTHH:mm:ssZ."},
	{InteractionStatePreventsRequestedAction, "InteractionStatePreventsRequestedAction", "The Interaction is currently in a state the prevents the requested action from being performed. The action is not appropriate at this time."},
	{InvalidSourceApplicationFormat, "InvalidSourceApplicationFormat", "The Source Application specified is in an invalid format and cannot be processed. Check the data value and resubmit the request. This return is only applicable for the Add Interaction and Create Interaction methods."},
	{SegmentNotSet, "SegmentNotSet", "The interaction has no segment, so the platform cannot tell which queue it belongs to."},
	{RequestCompletedWithInteractionID, "RequestCompletedWithInteractionId", "The platform completed the request and returned an interaction id."},
	{InvalidTenant, "InvalidTenant", "The tenant name that you submitted is not valid. Try another tenant name and resubmit your request."},
	{InvalidSegment, "InvalidSegment", "The segment is not valid for the specified tenant."},
	{InvalidDateTime, "InvalidDateTime", "The date or time that you submitted is not valid. Verify that the date or time is in the following format: yyyy-mm-ddTHH:mm:ssZ. The hours must be in 24-hour format."},
	{InvalidContact, "InvalidContact", "The contact that you provided is not valid. Verify that the contact meets the phone number validation requirements in Callback and then resubmit the request."},
	{InvalidInteractionID, "InvalidInteractionId", "The interaction ID that you submitted is not valid. Revise the interaction ID and resubmit the request."},
	{ContactRequired, "ContactRequired", "You must submit a contact for this request."},
	{AppointmentTimeRequired, "AppointmentTimeRequired", "You must submit an appointment time for this request."},
	{UserDataRequired, "UserDataRequired", "You must submit user data for this request."},
	{InteractionIDRequired, "InteractionIdRequired", "You must submit an interaction ID for this request."},
	{QueueIDRequired, "QueueIdRequired", "You must submit a QueueID for this request."},
	{AppointmentTimeInThePast, "AppointmentTimeInThePast", "The time that you submitted for the appointment is before the current time. Submit a valid time and retry the request."},
	{SegmentRequired, "SegmentRequired", "You must submit a segment for this request."},
	{InvalidSearchParameters, "InvalidSearchParameters", "One or more of the search parameters is not valid."},
	{ReasonRequired, "ReasonRequired", "You must submit a reason code for this request."},
	{InvalidInteractionReason, "InvalidInteractionReason", "You must submit a valid reason for the interaction that you want to remove. Valid reasons are Web Canceled and Admin Canceled."},
	{InteractionCannotBeCancelled, "InteractionCannotBeCancelled", "An interaction can only be cancelled if it is a callback and if that callback has not been accepted by the caller. The interaction was not cancelled."},
	{InvalidAction, "InvalidAction", "The action that you selected to modify the interaction is invalid."},
	{CancelledByRequired, "CancelledByRequired", "The cancelling party must be included in the CancelledBy field."},
	{InvalidResult, "InvalidResult", "The result code for the attempt to modify the interaction is not valid."},
	{AppointmentTimeAfterAppointmentTimesRange, "AppointmentTimeAfterAppointmentTimesRange", "The appointment time that you provided is after the valid appointment time range."},
	{InvalidDataName, "InvalidDataName", "You must submit a valid data name for this request."},
	{DataValueRequired, "DataValueRequired", "You must submit a data value for this request."},
	{UserDataFailedValidation, "UserDataFailedValidation", "The user data entered is not in the correct format."},
	{ExternalTrackingIDMissing, "ExternalTrackingIdMissing", "The external tracking id is missing or invalid."},
	{DuplicateExternalTrackingIDFound, "DuplicateExternalTrackingIdFound", "The external tracking id passed in already exists in our system."},
	{KeyNotSupportedUpdatingData, "KeyNotSupportedUpdatingData", "The key used to update the interaction is not supported or invalid."},
	{SkillIDNotFound, "SkillIdNotFound", "The skill id submitted was not found."},
	{InteractionIDOrExternalTrackingIDRequired, "InteractionIDOrExternalTrackingIDRequired", "The interaction is missing an Interaction ID and external tracking ID."},
	{DequeuedReasonMissing, "DequeuedReasonMissing", "Reason for dequeue is blank."},
	{DequeuedReasonInvalid, "DequeuedReasonInvalid", "When reason provided is something other than AgentAnswered or Abandoned."},
	{InvalidCallType, "InvalidCallType", "The call type must be valid (ASAP or Callback)."},
	{InteractionCannotBeDisconnected, "InteractionCannotBeDisconnected", "The interaction must be receiving inbound treatment or be in a queue for an agent in order to be disconnected. Interaction was not disconnected."},
	{UnexpectedError, "UnexpectedError", "The request could not be completed because the server encountered an unexpected condition. Try the request again. If this error continues, contact your support representative."},
	{MethodNotImplemented, "MethodNotImplemented", "The request could not be completed because the server does not support the functionality required to do so."},
	{ResourcesUnavailable, "ResourcesUnavailable", "The request could not be completed. A Callback resource might be down or unavailable. Submit your request again."},
	{PlatformUnavailable, "PlatformUnavailable", "The request could not be completed. The platform is not available and cannot process requests. Submit your request again."},
	{LicenseUnavailable, "LicenseUnavailable", "A license for this request is not available."},
	{TenantsNotFound, "TenantsNotFound", "No tenants were found."},
	{AppointmentError, "AppointmentError", "An error occurred when making the interaction appointment. Verify that you have scheduling enabled and then try your request again."},
	{UnableToCreateInteraction, "UnableToCreateInteraction", "Callback was unable to create the interaction because an error occurred in a Callback component."},
	{InvalidEWTReturned, "InvalidEWTReturned", "A request to retrieve the estimated wait time returned a value that is not valid."},
	{InvalidOfferTreatment, "InvalidOfferTreatment", "The offer treatment is not valid."},
	{QueueIDNotFound, "QueueIdNotFound", "The Queue ID could not be found."},
	{InvalidResultConfiguration, "InvalidResultConfiguration", "The configuration for interaction results is incorrect. Revise your configuration file and retry your request."},
	{ContactNotFound, "ContactNotFound", "The contact that you submitted does not exist in Callback."},
	{InvalidModeStatusReturned, "InvalidModeStatusReturned", "A request for treatment data returned a mode status that is not valid."},
	{InvalidRecommendedDestinationReturned, "InvalidRecommendedDestinationReturned", "A request for treatment data returned a recommended destination that is not valid."},
	{DataNameUnavailable, "DataNameUnavailable", "When requesting a private data name."},
	{DataRequired, "DataRequired", "All data is missing when sending request."},
	{InvalidModeStatusForInteraction, "InvalidModeStatusForInteraction", "The request to add an interaction failed because the mode status was not valid."},
	{UpdateInteractionDataFailed, "UpdateInteractionDataFailed", "Two or More Data Values failed to update."},
	{InvalidLicenseResult, "InvalidLicenseResult", "The license availability request returned an invalid result."},
	{FeatureUnavailable, "FeatureUnavailable", "The feature for this request is not available for Site or Queue."},
	{NoValidLicenseFile, "NoValidLicenseFile", "The license file is missing, invalid, or expired."},
	{BandwidthExceeded, "BandwidthExceeded", "Total number of requests from the previous time period (specified in license file, default = 15 minutes) is greater than the allowed bandwidth for this group."},
	{QueueModeInvalidOrMissing, "QueueModeInvalidOrMissing", "The queue mode is invalid or missing."},
}

var byCode = func() map[Code]Entry {
	m := make(map[Code]Entry, len(table))
	for _, e := range table {
		if _, dup := m[e.Code]; dup {
			panic(fmt.Sprintf("status: code %d listed twice", e.Code))
		}
		m[e.Code] = e
	}
	return m
}()

// All returns every status code entry, sorted by code.
func All() []Entry {
	out := append([]Entry(nil), table...)
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Lookup returns the entry for c and whether the code is known.
func Lookup(c Code) (Entry, bool) {
	e, ok := byCode[c]
	return e, ok
}

// Name is the wire name of c (the Result element), or "Unknown".
func (c Code) Name() string {
	if e, ok := byCode[c]; ok {
		return e.Name
	}
	return "Unknown"
}

// Description is the reference's description of c.
func (c Code) Description() string {
	return byCode[c].Description
}

// String renders the code as "107000 RequestCompleted" for logs.
func (c Code) String() string { return fmt.Sprintf("%d %s", int(c), c.Name()) }

// Success reports whether c is one of the codes that mean the request was done.
func (c Code) Success() bool {
	return c == RequestCompleted || c == RequestCompletedWithInteractionID || c == PlatformAvailable
}

// Error is a domain error carrying the PTK status code a client must see, and
// a message that says what was wrong with this particular request.
type Error struct {
	Code Code
	// Msg explains this occurrence ("segment \"X\" is not configured for tenant \"Y\"").
	Msg string
	// Err is the underlying cause, if any; it is logged, never sent to clients.
	Err error
}

// Errorf builds an *Error with code c and a formatted message.
func Errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Msg: fmt.Sprintf(format, args...)}
}

// Wrap builds an *Error with code c that keeps err as its cause.
func Wrap(c Code, err error, msg string) *Error {
	return &Error{Code: c, Msg: msg, Err: err}
}

func (e *Error) Error() string {
	switch {
	case e.Msg != "" && e.Err != nil && e.Msg != e.Err.Error():
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Msg, e.Err)
	case e.Msg != "":
		return fmt.Sprintf("%s: %s", e.Code, e.Msg)
	case e.Err != nil:
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	}
	return e.Code.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Of returns the status code an error maps to: the code of the first *Error in
// its chain, RequestCompleted for nil, and UnexpectedError for anything else.
func Of(err error) Code {
	if err == nil {
		return RequestCompleted
	}
	var se *Error
	if errors.As(err, &se) {
		return se.Code
	}
	return UnexpectedError
}

// Message returns the client-facing message of err: the Msg of its *Error, or
// empty for errors that carry no code (their detail is for the logs only).
// It is cut to MaxMessage characters (see Clip): a message that repeats a
// client's input whole cannot make an answer as large as the request.
func Message(err error) string {
	var se *Error
	if errors.As(err, &se) {
		return Clip(se.Msg, MaxMessage)
	}
	return ""
}

// Bounds on what a message sent to a client repeats of the client's input.
const (
	// MaxQuoted is the most characters of one input (a name, a value) that
	// Quote repeats.
	MaxQuoted = 64
	// MaxMessage is the most characters of a whole message Message returns.
	MaxMessage = 1024
)

// Quote quotes a client's input for a message, as %q does, repeating at most
// MaxQuoted characters of it: a longer input is cut, marked with "…" and
// followed by its length in bytes, as in "GetStatusGetStatus…" (500000 bytes).
// Every message that quotes input (faults, refusals, validation errors) uses
// it, so that no input makes an answer, or a log line, as large as itself.
func Quote(s string) string {
	prefix, cut := prefixOf(s, MaxQuoted)
	if !cut {
		return strconv.Quote(s)
	}
	return strconv.Quote(prefix+"…") + lengthNote(s)
}

// Clip returns s when it has at most limit characters; otherwise its first limit
// characters followed by "…" and the length of s in bytes. It bounds text that
// already embeds input (a parser's message); Quote is for input itself.
func Clip(s string, limit int) string {
	prefix, cut := prefixOf(s, limit)
	if !cut {
		return s
	}
	return prefix + "…" + lengthNote(s)
}

// prefixOf returns the first limit characters of s (an invalid UTF-8 byte
// counts as one) and whether that is less than s.
func prefixOf(s string, limit int) (string, bool) {
	if len(s) <= limit {
		return s, false
	}
	end := 0
	for n := 0; n < limit && end < len(s); n++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	return s[:end], end < len(s)
}

func lengthNote(s string) string { return " (" + strconv.Itoa(len(s)) + " bytes)" }
