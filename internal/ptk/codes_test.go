package ptk_test

import (
	"context"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/store/storetest"
)

// Identifiers the status-code cases use.
const (
	unknownID = "V0001000000999926112026150000000"
	future    = "2026-11-27T10:00:00Z" // Friday: open everywhere, inside every horizon
	saturday  = "2026-11-28T10:00:00Z" // outside queue Hours' business hours
	tooSoon   = "2026-11-26T15:00:10Z" // before now + EWT (30 s)
	past      = "2026-11-25T10:00:00Z"
	farAway   = "2026-12-31T10:00:00Z" // beyond the 7-day horizon
)

var longExternalID = strings.Repeat("E", 130)

// codeCase is one request through the wire with the status code it must
// answer. given (and given2) create interactions first, through the wire,
// whose ids replace {{id}} (and {{id2}}) in the parameters.
type codeCase struct {
	op     string
	code   status.Code
	given  string
	given2 string
	// seg is the segment of tenant Rules the given interactions are created on (default Open).
	seg    string
	params string
	// closeStore makes the store fail before the request.
	closeStore bool
	// fault makes the store refuse work before the request (after the given
	// interactions are created).
	fault storetest.Fault
}

func (c codeCase) name() string {
	n := c.op + "/" + c.code.String()
	if c.given != "" {
		n += "/" + c.given
	}
	switch c.fault {
	case storetest.FullDisk:
		n += "/full-disk"
	case storetest.Unreachable:
		n += "/unreachable"
	}
	return n
}

// unavailableCases derive, from the first success case of every method that
// lists 109004 as reachable, the same request on a store that refuses it —
// a full disk for the methods that write, a store that cannot be reached for
// those that only read (access.Read: a full disk does not stop them) —
// which must answer 109004 PlatformUnavailable.
func unavailableCases() []codeCase {
	var out []codeCase
	for _, op := range ptk.Operations() {
		if d, ok := op.Code(status.PlatformUnavailable); !ok || d.Unreachable != "" {
			continue
		}
		for _, c := range codeCases {
			if c.op != op.Name || c.code != op.Success || c.closeStore {
				continue
			}
			c.code, c.fault = status.PlatformUnavailable, storetest.FullDisk
			if op.Need == access.Read {
				c.fault = storetest.Unreachable
			}
			out = append(out, c)
			break
		}
	}
	return out
}

// rules is the parameters prefix of most cases: tenant Rules.
const rules = "<Tenant>Rules</Tenant>"

func opts(inner string) string { return "<Options>" + inner + "</Options>" }

func ud(key, value string) string {
	return `<UserDataAssignment><Key>` + key + `</Key><Value>` + value + `</Value></UserDataAssignment>`
}

func kv(key, value string) string {
	return "<InteractionData><Key>" + key + "</Key><Value>" + value + "</Value></InteractionData>"
}

// codeCases produce every reachable (method, documented code) pair.
var codeCases = []codeCase{
	// AddInteraction
	{op: "AddInteraction", code: 107000, params: rules + "<Segment>Open</Segment><Contact>80001</Contact>" + opts("<ClientId>c-1</ClientId><UserDataContainer>"+ud("account", "<StringValue>A-1</StringValue>")+"</UserDataContainer>")},
	{op: "AddInteraction", code: 107005, params: rules + "<Segment>Standby</Segment><Contact>80001</Contact>"},
	{op: "AddInteraction", code: 107007, params: rules + "<Segment>NoAppt</Segment><Contact>80001</Contact>" + opts("<AppointmentTime>"+future+"</AppointmentTime>")},
	{op: "AddInteraction", code: 107009, given: "pending", params: rules + "<Segment>Open</Segment><Contact>80009</Contact>"},
	{op: "AddInteraction", code: 107010, params: rules + "<Segment>Hours</Segment><Contact>80001</Contact>" + opts("<AppointmentTime>"+saturday+"</AppointmentTime>")},
	{op: "AddInteraction", code: 107011, params: rules + "<Segment>Open</Segment><Contact>80001</Contact>" + opts("<AppointmentTime>"+tooSoon+"</AppointmentTime>")},
	{op: "AddInteraction", code: 107014, given: "appointment", seg: "Full", params: rules + "<Segment>Full</Segment><Contact>80001</Contact>" + opts("<AppointmentTime>"+future+"</AppointmentTime>")},
	{op: "AddInteraction", code: 107019, params: rules + "<Segment>Open</Segment><Contact>80001</Contact>" + opts("<SourceApplication>Web|Phone</SourceApplication>")},
	{op: "AddInteraction", code: 108000, params: "<Tenant>Nope</Tenant><Segment>Open</Segment><Contact>80001</Contact>"},
	{op: "AddInteraction", code: 108001, params: rules + "<Segment>Nope</Segment><Contact>80001</Contact>"},
	{op: "AddInteraction", code: 108004, params: rules + "<Segment>Open</Segment><Contact>80001</Contact>" + opts("<AppointmentTime>tomorrow</AppointmentTime>")},
	{op: "AddInteraction", code: 108005, params: rules + "<Segment>Open</Segment><Contact>12</Contact>"},
	{op: "AddInteraction", code: 108009, params: rules + "<Segment>Open</Segment><Contact/>"},
	{op: "AddInteraction", code: 108019, params: rules + "<Segment>Open</Segment><Contact>80001</Contact>" + opts("<AppointmentTime>"+past+"</AppointmentTime>")},
	{op: "AddInteraction", code: 108022, params: rules + "<Contact>80001</Contact>"},
	{op: "AddInteraction", code: 108037, params: rules + "<Segment>Open</Segment><Contact>80001</Contact>" + opts("<AppointmentTime>"+farAway+"</AppointmentTime>")},
	{op: "AddInteraction", code: 108040, params: rules + "<Segment>Open</Segment><Contact>80001</Contact>" + opts("<UserData>"+ud("Avaya_UUI", "<StringValue>not hex</StringValue>")+"</UserData>")},
	{op: "AddInteraction", code: 109000, fault: storetest.Broken, params: rules + "<Segment>Open</Segment><Contact>80001</Contact>"},
	{op: "AddInteraction", code: 109033, params: rules + "<Segment>Mobile</Segment><Contact>80001</Contact>"},
	{op: "AddInteraction", code: 109005, params: "<Tenant>Scarce</Tenant><Segment>S</Segment><Contact>80001</Contact>" + opts("<SourceApplication>VXML Interaction Server</SourceApplication>")},
	{op: "AddInteraction", code: 109009, params: "<Tenant>Scarce</Tenant><Segment>S</Segment><Contact>80001</Contact>" + opts("<AppointmentTime>"+future+"</AppointmentTime>")},
	{op: "CreateInteraction", code: 109005, params: "<Tenant>Scarce</Tenant><Segment>S</Segment><SourceApplication>VXML Interaction Server</SourceApplication>"},
	{op: "AddInteraction", code: 109034, params: "<Tenant>Unlicensed</Tenant><Segment>S</Segment><Contact>80001</Contact>"},

	// AssociateInteractionWithExternalTrackingID
	{op: "AssociateInteractionWithExternalTrackingID", code: 107000, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><ExternalTrackingId>CALL-1</ExternalTrackingId>"},
	{op: "AssociateInteractionWithExternalTrackingID", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId><ExternalTrackingId>CALL-1</ExternalTrackingId>"},
	{op: "AssociateInteractionWithExternalTrackingID", code: 107018, given: "cancelled", params: rules + "<InteractionId>{{id}}</InteractionId><ExternalTrackingId>CALL-1</ExternalTrackingId>"},
	{op: "AssociateInteractionWithExternalTrackingID", code: 108000, params: "<Tenant>Nope</Tenant><InteractionId>" + unknownID + "</InteractionId><ExternalTrackingId>CALL-1</ExternalTrackingId>"},
	{op: "AssociateInteractionWithExternalTrackingID", code: 108007, params: rules + "<InteractionId>V1</InteractionId><ExternalTrackingId>CALL-1</ExternalTrackingId>"},
	{op: "AssociateInteractionWithExternalTrackingID", code: 108014, params: rules + "<ExternalTrackingId>CALL-1</ExternalTrackingId>"},
	{op: "AssociateInteractionWithExternalTrackingID", code: 108041, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>"},
	{op: "AssociateInteractionWithExternalTrackingID", code: 108042, given: "inbound", given2: "pending", params: rules + "<InteractionId>{{id2}}</InteractionId><ExternalTrackingId>TRACK-1</ExternalTrackingId>"},

	// CreateInteraction
	{op: "CreateInteraction", code: 107000, params: rules + "<Segment>Open</Segment><ExternalTrackingId>T-9</ExternalTrackingId><SourceApplication>VXML Interaction Server</SourceApplication><UserData>" + ud("Avaya_UUI", "<StringValue>0A0B</StringValue>") + "</UserData>"},
	{op: "CreateInteraction", code: 107005, params: rules + "<Segment>Shutdown</Segment>"},
	{op: "CreateInteraction", code: 107019, params: rules + "<Segment>Open</Segment><SourceApplication>a|b</SourceApplication>"},
	{op: "CreateInteraction", code: 108000, params: "<Tenant>Nope</Tenant><Segment>Open</Segment>"},
	{op: "CreateInteraction", code: 108001, params: rules + "<Segment>Nope</Segment>"},
	{op: "CreateInteraction", code: 108022, params: rules},
	{op: "CreateInteraction", code: 108040, params: rules + "<Segment>Open</Segment><UserDataContainer>" + ud("n", "<IntegerValue>ten</IntegerValue>") + "</UserDataContainer>"},
	{op: "CreateInteraction", code: 108041, params: rules + "<Segment>Open</Segment><ExternalTrackingId>" + longExternalID + "</ExternalTrackingId>"},
	{op: "CreateInteraction", code: 108042, given: "inbound", params: rules + "<Segment>Open</Segment><ExternalTrackingId>TRACK-1</ExternalTrackingId>"},
	{op: "CreateInteraction", code: 109033, params: rules + "<Segment>Mobile</Segment><SourceApplication>VXML Interaction Server</SourceApplication>"},
	{op: "CreateInteraction", code: 109034, params: "<Tenant>Unlicensed</Tenant><Segment>S</Segment>"},

	// FindInteraction
	{op: "FindInteraction", code: 107000, given: "pending", params: rules + "<InteractionID>{{id}}</InteractionID>" + opts("<Data>Status</Data><Data>ScriptNumber</Data><Data>VoxFile</Data><Data>CallId</Data>")},
	{op: "FindInteraction", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId>"},
	{op: "FindInteraction", code: 108000, params: "<Tenant>Nope</Tenant><Contact>80001</Contact>"},
	{op: "FindInteraction", code: 108026, params: rules},
	{op: "FindInteraction", code: 109021, params: rules + "<Contact>89999</Contact>"},

	// GetInteractionData
	{op: "GetInteractionData", code: 107000, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>"},
	{op: "GetInteractionData", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId>"},
	{op: "GetInteractionData", code: 108000, params: "<Tenant>Nope</Tenant><InteractionId>" + unknownID + "</InteractionId>"},
	{op: "GetInteractionData", code: 108007, params: rules + "<InteractionId>V1</InteractionId>"},
	{op: "GetInteractionData", code: 108014, params: rules},

	// GetNextAvailableAppointmentTimes
	{op: "GetNextAvailableAppointmentTimes", code: 107000, params: rules + "<Segment>Open</Segment>" + opts("<NumberofAppointments>3</NumberofAppointments><AppointmentTime>"+future+"</AppointmentTime>")},
	{op: "GetNextAvailableAppointmentTimes", code: 107007, params: rules + "<Segment>NoAppt</Segment>"},
	{op: "GetNextAvailableAppointmentTimes", code: 107012, params: rules + "<Segment>Never</Segment>"},
	{op: "GetNextAvailableAppointmentTimes", code: 108000, params: "<Tenant>Nope</Tenant>"},
	{op: "GetNextAvailableAppointmentTimes", code: 108001, params: rules + "<Segment>Nope</Segment>"},
	{op: "GetNextAvailableAppointmentTimes", code: 108004, params: rules + "<Segment>Open</Segment>" + opts("<AppointmentTime>2026-11-27 10:00</AppointmentTime>")},
	{op: "GetNextAvailableAppointmentTimes", code: 108016, params: rules},

	// GetSegments
	{op: "GetSegments", code: 107000, params: opts("<Tenant>Rules</Tenant>")},
	{op: "GetSegments", code: 107003, params: opts("<Tenant>Empty</Tenant>")},
	{op: "GetSegments", code: 108000, params: opts("<Tenant>Nope</Tenant>")},

	// GetSegmentState
	{op: "GetSegmentState", code: 107000, params: "<Tenant>Portree</Tenant><Segment>VHT_Test</Segment>"},
	{op: "GetSegmentState", code: 108000, params: "<Tenant>Nope</Tenant><Segment>VHT_Test</Segment>"},
	{op: "GetSegmentState", code: 108001, params: "<Tenant>Portree</Tenant><Segment>Nope</Segment>"},

	// GetSegmentVariables
	{op: "GetSegmentVariables", code: 107000, params: "<Tenant>VHT</Tenant><Segment>VHT_Test</Segment>" + opts("<Variable>SCRIPTNUMBER</Variable><Variable>MAXATTEMPTS</Variable>")},
	{op: "GetSegmentVariables", code: 108000, params: "<Tenant>Nope</Tenant>"},
	{op: "GetSegmentVariables", code: 108001, params: "<Tenant>VHT</Tenant><Segment>Nope</Segment>"},
	{op: "GetSegmentVariables", code: 108022, params: rules},

	// GetStatus
	{op: "GetStatus", code: 106000, params: opts("<ClientId>c-9</ClientId>")},
	{op: "GetStatus", code: 109004, closeStore: true},
	{op: "GetStatus", code: 109006, params: opts("<Tenant>Nope</Tenant>")},

	// GetSystemVariables
	{op: "GetSystemVariables", code: 107000, params: "<Tenant>VHTLab</Tenant>"},
	{op: "GetSystemVariables", code: 108000, params: "<Tenant>Nope</Tenant>"},

	// GetVersion
	{op: "GetVersion", code: 107000},

	// InteractionCancelled
	{op: "InteractionCancelled", code: 107000, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><CancelledBy>Caller</CancelledBy>"},
	{op: "InteractionCancelled", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId><CancelledBy>Caller</CancelledBy>"},
	{op: "InteractionCancelled", code: 108000, params: "<Tenant>Nope</Tenant><InteractionId>" + unknownID + "</InteractionId><CancelledBy>Caller</CancelledBy>"},
	{op: "InteractionCancelled", code: 108007, params: rules + "<InteractionId>V1</InteractionId><CancelledBy>Caller</CancelledBy>"},
	{op: "InteractionCancelled", code: 108014, params: rules + "<CancelledBy>Caller</CancelledBy>"},
	{op: "InteractionCancelled", code: 108029, given: "cancelled", params: rules + "<InteractionId>{{id}}</InteractionId><CancelledBy>Caller</CancelledBy>"},
	{op: "InteractionCancelled", code: 108031, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>"},

	// InteractionDequeued
	{op: "InteractionDequeued", code: 107000, given: "queued", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>AgentAnswered</Reason>"},
	{op: "InteractionDequeued", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId><Reason>Abandoned</Reason>"},
	{op: "InteractionDequeued", code: 107005, given: "holdingCaller", seg: "Booked", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>AcceptSecondChanceOffer</Reason>"},
	{op: "InteractionDequeued", code: 107009, given: "holdingCaller", given2: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>AcceptSecondChanceOffer</Reason>"},
	{op: "InteractionDequeued", code: 107018, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>AgentAnswered</Reason>"},
	{op: "InteractionDequeued", code: 108000, params: "<Tenant>Nope</Tenant><InteractionId>" + unknownID + "</InteractionId><Reason>Abandoned</Reason>"},
	{op: "InteractionDequeued", code: 108007, params: rules + "<InteractionId>V1</InteractionId><Reason>Abandoned</Reason>"},
	{op: "InteractionDequeued", code: 108009, given: "queued", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>AcceptSecondChanceOffer</Reason>"},
	{op: "InteractionDequeued", code: 108046, params: rules + "<Reason>Abandoned</Reason>"},
	{op: "InteractionDequeued", code: 108047, given: "queued", params: rules + "<InteractionId>{{id}}</InteractionId>"},
	{op: "InteractionDequeued", code: 108048, given: "queued", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>Passed</Reason>"},

	// InteractionDisconnectedByApplication
	{op: "InteractionDisconnectedByApplication", code: 107000, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>AfterHours</Reason>"},
	{op: "InteractionDisconnectedByApplication", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId><Reason>Other</Reason>"},
	{op: "InteractionDisconnectedByApplication", code: 107018, given: "cancelled", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>Other</Reason>"},
	{op: "InteractionDisconnectedByApplication", code: 108000, params: "<Tenant>Nope</Tenant><InteractionId>" + unknownID + "</InteractionId><Reason>Other</Reason>"},
	{op: "InteractionDisconnectedByApplication", code: 108007, params: rules + "<InteractionId>V1</InteractionId><Reason>Other</Reason>"},
	{op: "InteractionDisconnectedByApplication", code: 108014, params: rules + "<Reason>Other</Reason>"},
	{op: "InteractionDisconnectedByApplication", code: 108038, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>Lunch</Reason>"},

	// InteractionDisconnectedByCaller
	{op: "InteractionDisconnectedByCaller", code: 107000, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>Abandon</Reason>"},
	{op: "InteractionDisconnectedByCaller", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId><Reason>Abandon</Reason>"},
	{op: "InteractionDisconnectedByCaller", code: 108000, params: "<Tenant>Nope</Tenant><InteractionId>" + unknownID + "</InteractionId><Reason>Abandon</Reason>"},
	{op: "InteractionDisconnectedByCaller", code: 108007, params: rules + "<InteractionId>V1</InteractionId><Reason>Abandon</Reason>"},
	{op: "InteractionDisconnectedByCaller", code: 108014, params: rules + "<Reason>Abandon</Reason>"},
	{op: "InteractionDisconnectedByCaller", code: 108027, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId>"},
	{op: "InteractionDisconnectedByCaller", code: 108055, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>Abandon</Reason>"},

	// InteractionOutboundAttemptFailed
	{op: "InteractionOutboundAttemptFailed", code: 107000, given: "launched", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>Busy</Reason>"},
	{op: "InteractionOutboundAttemptFailed", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId><Reason>Busy</Reason>"},
	{op: "InteractionOutboundAttemptFailed", code: 107018, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>Busy</Reason>"},
	{op: "InteractionOutboundAttemptFailed", code: 108000, params: "<Tenant>Nope</Tenant><InteractionId>" + unknownID + "</InteractionId><Reason>Busy</Reason>"},
	{op: "InteractionOutboundAttemptFailed", code: 108007, params: rules + "<InteractionId>V1</InteractionId><Reason>Busy</Reason>"},
	{op: "InteractionOutboundAttemptFailed", code: 108014, params: rules + "<Reason>Busy</Reason>"},
	{op: "InteractionOutboundAttemptFailed", code: 108027, params: rules + "<InteractionId>" + unknownID + "</InteractionId>"},
	{op: "InteractionOutboundAttemptFailed", code: 109029},

	// InteractionOutboundConnected
	{op: "InteractionOutboundConnected", code: 107000, given: "launched", params: rules + "<InteractionId>{{id}}</InteractionId>"},
	{op: "InteractionOutboundConnected", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId>"},
	{op: "InteractionOutboundConnected", code: 107018, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>"},
	{op: "InteractionOutboundConnected", code: 108000, params: "<Tenant>Nope</Tenant><InteractionId>" + unknownID + "</InteractionId>"},
	{op: "InteractionOutboundConnected", code: 108007, params: rules + "<InteractionId>V1</InteractionId>"},
	{op: "InteractionOutboundConnected", code: 108014, params: rules},

	// InteractionQueued
	{op: "InteractionQueued", code: 107000, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><SkillId>2000</SkillId>"},
	{op: "InteractionQueued", code: 107005, params: rules + "<ExternalTrackingId>NEW-1</ExternalTrackingId><SkillId>3005</SkillId><Segment>Shutdown</Segment>"},
	{op: "InteractionQueued", code: 107018, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><SkillId>2000</SkillId>"},
	{op: "InteractionQueued", code: 107100, params: rules + "<ExternalTrackingId>NEW-1</ExternalTrackingId><SkillId>2000</SkillId>"},
	{op: "InteractionQueued", code: 108042, given: "inbound", given2: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><ExternalTrackingId>TRACK-2</ExternalTrackingId><SkillId>2000</SkillId>"},
	{op: "InteractionQueued", code: 108000, params: "<Tenant>Nope</Tenant><ExternalTrackingId>NEW-1</ExternalTrackingId><SkillId>2000</SkillId>"},
	{op: "InteractionQueued", code: 108001, params: rules + "<ExternalTrackingId>NEW-1</ExternalTrackingId><SkillId>2000</SkillId><Segment>Nope</Segment>"},
	{op: "InteractionQueued", code: 108007, params: rules + "<InteractionId>V1</InteractionId><SkillId>2000</SkillId>"},
	{op: "InteractionQueued", code: 108041, params: rules + "<ExternalTrackingId>" + longExternalID + "</ExternalTrackingId><SkillId>2000</SkillId>"},
	{op: "InteractionQueued", code: 108045, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><SkillId>9999</SkillId>"},
	{op: "InteractionQueued", code: 108046, params: rules + "<SkillId>2000</SkillId>"},

	// InteractionRequestContact
	{op: "InteractionRequestContact", code: 107000, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>voice://80001/</ContactURI>"},
	{op: "InteractionRequestContact", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId><ContactURI>voice://80001/</ContactURI>"},
	{op: "InteractionRequestContact", code: 107005, given: "inbound", seg: "Standby", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>voice://80001/</ContactURI>"},
	{op: "InteractionRequestContact", code: 107007, given: "inbound", seg: "NoAppt", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>voice://80001?appt=" + future + "</ContactURI>"},
	{op: "InteractionRequestContact", code: 107009, given: "inbound", given2: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>voice://80008/</ContactURI>"},
	{op: "InteractionRequestContact", code: 107010, given: "inbound", seg: "Hours", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>voice://80001?appt=" + saturday + "</ContactURI>"},
	{op: "InteractionRequestContact", code: 107011, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>voice://80001?appt=" + tooSoon + "</ContactURI>"},
	{op: "InteractionRequestContact", code: 107014, given: "inbound", given2: "appointment", seg: "Full", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>voice://80001?appt=" + future + "</ContactURI>"},
	{op: "InteractionRequestContact", code: 107017, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>80001</ContactURI>"},
	{op: "InteractionRequestContact", code: 107018, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>voice://80001/</ContactURI>"},
	{op: "InteractionRequestContact", code: 107020, given: "unplaced", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>voice://80001/</ContactURI>"},
	{op: "InteractionRequestContact", code: 109009, given: "noSchedulingCall", params: "<Tenant>NoResults</Tenant><InteractionId>{{id}}</InteractionId><ContactURI>voice://80001?appt=" + future + "</ContactURI>"},
	{op: "InteractionRequestContact", code: 109034, given: "unlicensedCall", params: "<Tenant>Unlicensed</Tenant><InteractionId>{{id}}</InteractionId><ContactURI>voice://80001</ContactURI>"},
	{op: "InteractionRequestContact", code: 108000, params: "<Tenant>Nope</Tenant><InteractionId>" + unknownID + "</InteractionId><ContactURI>voice://80001/</ContactURI>"},
	{op: "InteractionRequestContact", code: 108004, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>voice://80001?appt=soon</ContactURI>"},
	{op: "InteractionRequestContact", code: 108005, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>voice://12/</ContactURI>"},
	{op: "InteractionRequestContact", code: 108007, params: rules + "<InteractionId>V1</InteractionId><ContactURI>voice://80001/</ContactURI>"},
	{op: "InteractionRequestContact", code: 108014, params: rules + "<ContactURI>voice://80001/</ContactURI>"},
	{op: "InteractionRequestContact", code: 108019, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>voice://80001?appt=" + past + "</ContactURI>"},
	{op: "InteractionRequestContact", code: 108037, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>voice://80001?appt=" + farAway + "</ContactURI>"},
	{op: "InteractionRequestContact", code: 108054, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><ContactURI>sms://80001/</ContactURI>"},

	// InteractionSendToQueue
	{op: "InteractionSendToQueue", code: 107000, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>ChoseHold</Reason>"},
	{op: "InteractionSendToQueue", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId><Reason>ChoseHold</Reason>"},
	{op: "InteractionSendToQueue", code: 107018, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>ChoseHold</Reason>"},
	{op: "InteractionSendToQueue", code: 108000, params: "<Tenant>Nope</Tenant><InteractionId>" + unknownID + "</InteractionId><Reason>ChoseHold</Reason>"},
	{op: "InteractionSendToQueue", code: 108007, params: rules + "<InteractionId>V1</InteractionId><Reason>ChoseHold</Reason>"},
	{op: "InteractionSendToQueue", code: 108014, params: rules + "<Reason>ChoseHold</Reason>"},
	{op: "InteractionSendToQueue", code: 108038, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>Elsewhere</Reason>"},
	{op: "InteractionSendToQueue", code: 108039, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId>"},

	// ModifyInteraction
	{op: "ModifyInteraction", code: 107000, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Action>ClientId</Action>" + opts("<ClientId>c-2</ClientId>")},
	{op: "ModifyInteraction", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId><Action>ClientId</Action>" + opts("<ClientId>c-2</ClientId>")},
	{op: "ModifyInteraction", code: 107010, given: "pending", seg: "Hours", params: rules + "<InteractionId>{{id}}</InteractionId><Action>AppointmentTime</Action>" + opts("<AppointmentTime>"+saturday+"</AppointmentTime>")},
	{op: "ModifyInteraction", code: 107011, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Action>AppointmentTime</Action>" + opts("<AppointmentTime>"+tooSoon+"</AppointmentTime>")},
	{op: "ModifyInteraction", code: 107014, given: "appointment", given2: "pending", seg: "Full", params: rules + "<InteractionId>{{id2}}</InteractionId><Action>AppointmentTime</Action>" + opts("<AppointmentTime>"+future+"</AppointmentTime>")},
	{op: "ModifyInteraction", code: 107015, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId><Action>AppointmentTime</Action>" + opts("<AppointmentTime>"+future+"</AppointmentTime>")},
	{op: "ModifyInteraction", code: 107018, given: "cancelled", params: rules + "<InteractionId>{{id}}</InteractionId><Action>ClientId</Action>" + opts("<ClientId>c-2</ClientId>")},
	{op: "ModifyInteraction", code: 108000, params: "<Tenant>Nope</Tenant><InteractionId>" + unknownID + "</InteractionId><Action>ClientId</Action>"},
	{op: "ModifyInteraction", code: 108004, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Action>AppointmentTime</Action>" + opts("<AppointmentTime>27/11/2026</AppointmentTime>")},
	{op: "ModifyInteraction", code: 108007, params: rules + "<InteractionId>V1</InteractionId><Action>ClientId</Action>"},
	{op: "ModifyInteraction", code: 108010, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Action>AppointmentTime</Action>"},
	{op: "ModifyInteraction", code: 108014, params: rules + "<Action>ClientId</Action>"},
	{op: "ModifyInteraction", code: 108019, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Action>AppointmentTime</Action>" + opts("<AppointmentTime>"+past+"</AppointmentTime>")},
	{op: "ModifyInteraction", code: 108030, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Action>Colour</Action>"},
	{op: "ModifyInteraction", code: 108033, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Action>Result</Action>" + opts("<Result>NOPE</Result>")},
	{op: "ModifyInteraction", code: 108037, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Action>AppointmentTime</Action>" + opts("<AppointmentTime>"+farAway+"</AppointmentTime>")},
	{op: "ModifyInteraction", code: 108038, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Action>Data</Action>" + opts("<DataValue>1</DataValue>")},
	{op: "ModifyInteraction", code: 108039, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Action>Data</Action>" + opts("<DataName>note</DataName>")},
	{op: "ModifyInteraction", code: 109009, given: "pending", seg: "NoAppt", params: rules + "<InteractionId>{{id}}</InteractionId><Action>AppointmentTime</Action>" + opts("<AppointmentTime>"+future+"</AppointmentTime>")},
	{op: "ModifyInteraction", code: 109020, params: "<Tenant>NoResults</Tenant><InteractionId>" + unknownID + "</InteractionId><Action>Result</Action>" + opts("<Result>SUCCESS</Result>")},
	{op: "ModifyInteraction", code: 109028, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Action>Data</Action>" + opts("<DataName>_private</DataName><DataValue>1</DataValue>")},

	// RemoveInteraction
	{op: "RemoveInteraction", code: 107000, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>Web Canceled</Reason>" + opts("<ClientId>c-3</ClientId>")},
	{op: "RemoveInteraction", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId><Reason>Web Canceled</Reason>"},
	{op: "RemoveInteraction", code: 107002, given: "cancelled", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>AdminCanceled</Reason>"},
	{op: "RemoveInteraction", code: 108000, params: "<Tenant>Nope</Tenant><InteractionId>" + unknownID + "</InteractionId><Reason>Web Canceled</Reason>"},
	{op: "RemoveInteraction", code: 108007, params: rules + "<InteractionId>V1</InteractionId><Reason>Web Canceled</Reason>"},
	{op: "RemoveInteraction", code: 108014, params: rules + "<Reason>Web Canceled</Reason>"},
	{op: "RemoveInteraction", code: 108027, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>"},
	{op: "RemoveInteraction", code: 108028, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><Reason>Bored</Reason>"},

	// UpdateInteractionData
	{op: "UpdateInteractionData", code: 107000, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("ClientId", "c-4") + kv("Contact", "80002")},
	{op: "UpdateInteractionData", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId>" + kv("ClientId", "c-4")},
	{op: "UpdateInteractionData", code: 107009, given: "pending", given2: "pending", params: rules + "<InteractionId>{{id2}}</InteractionId>" + kv("Contact", "80009")},
	{op: "UpdateInteractionData", code: 107010, given: "pending", seg: "Hours", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("AppointmentTime", saturday)},
	{op: "UpdateInteractionData", code: 107011, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("AppointmentTime", tooSoon)},
	{op: "UpdateInteractionData", code: 107014, given: "appointment", given2: "pending", seg: "Full", params: rules + "<InteractionId>{{id2}}</InteractionId>" + kv("AppointmentTime", future)},
	{op: "UpdateInteractionData", code: 107015, given: "inbound", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("AppointmentTime", future)},
	{op: "UpdateInteractionData", code: 107018, given: "cancelled", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("ClientId", "c-4")},
	{op: "UpdateInteractionData", code: 108000, params: "<Tenant>Nope</Tenant><InteractionId>" + unknownID + "</InteractionId>" + kv("ClientId", "c-4")},
	{op: "UpdateInteractionData", code: 108004, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("AppointmentTime", "later")},
	{op: "UpdateInteractionData", code: 108005, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("Contact", "12")},
	{op: "UpdateInteractionData", code: 108007, params: rules + "<InteractionId>V1</InteractionId>" + kv("ClientId", "c-4")},
	{op: "UpdateInteractionData", code: 108009, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("Contact", "")},
	{op: "UpdateInteractionData", code: 108010, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("AppointmentTime", "")},
	{op: "UpdateInteractionData", code: 108014, params: rules + kv("ClientId", "c-4")},
	{op: "UpdateInteractionData", code: 108019, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("AppointmentTime", past)},
	{op: "UpdateInteractionData", code: 108037, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("AppointmentTime", farAway)},
	{op: "UpdateInteractionData", code: 108039, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>"},
	{op: "UpdateInteractionData", code: 108041, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("ExternalTrackingId", "")},
	{op: "UpdateInteractionData", code: 108042, given: "inbound", given2: "pending", params: rules + "<InteractionId>{{id2}}</InteractionId>" + kv("ExternalTrackingId", "TRACK-1")},
	{op: "UpdateInteractionData", code: 108043, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("Colour", "red")},
	{op: "UpdateInteractionData", code: 109009, given: "pending", seg: "NoAppt", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("AppointmentTime", future)},
	{op: "UpdateInteractionData", code: 109016, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("Segment", "Nope")},
	{op: "UpdateInteractionData", code: 109031, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId>" + kv("Colour", "red") + kv("Contact", "12")},

	// UpdateUserData
	{op: "UpdateUserData", code: 107000, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><UserData>" + ud("cti", "<ListValue>"+ud("ani", "<IntegerValue>8001</IntegerValue>")+ud("uui", "<BinaryValue>0a0b</BinaryValue>")+"</ListValue>") + "</UserData>"},
	{op: "UpdateUserData", code: 107002, params: rules + "<InteractionId>" + unknownID + "</InteractionId><UserData>" + ud("k", "v") + "</UserData>"},
	{op: "UpdateUserData", code: 107018, given: "cancelled", params: rules + "<InteractionId>{{id}}</InteractionId><UserData>" + ud("k", "v") + "</UserData>"},
	{op: "UpdateUserData", code: 108000, params: "<Tenant>Nope</Tenant><InteractionId>" + unknownID + "</InteractionId><UserData>" + ud("k", "v") + "</UserData>"},
	{op: "UpdateUserData", code: 108007, params: rules + "<InteractionId>V1</InteractionId><UserData>" + ud("k", "v") + "</UserData>"},
	{op: "UpdateUserData", code: 108011, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><UserData/>"},
	{op: "UpdateUserData", code: 108014, params: rules + "<UserData>" + ud("k", "v") + "</UserData>"},
	{op: "UpdateUserData", code: 108040, given: "pending", params: rules + "<InteractionId>{{id}}</InteractionId><UserData>" + ud("bin", "<BinaryValue>xyz</BinaryValue>") + "</UserData>"},

	// ValidateContact
	{op: "ValidateContact", code: 107000, params: rules + "<Segment>Open</Segment><Contact> 80001 </Contact>"},
	{op: "ValidateContact", code: 108000, params: "<Tenant>Nope</Tenant><Contact>80001</Contact>"},
	{op: "ValidateContact", code: 108001, params: rules + "<Segment>Nope</Segment><Contact>80001</Contact>"},
	{op: "ValidateContact", code: 108005, params: rules + "<Contact>12</Contact>"},
	{op: "ValidateContact", code: 108009, params: rules},
}

// testCodes sends every code case through the wire, each on its own server.
func testCodes(t *testing.T) {
	for _, tc := range append(codeCases, unavailableCases()...) {
		t.Run(tc.name(), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			params := tc.params
			if tc.given != "" {
				params = strings.ReplaceAll(params, "{{id}}", b.given(t, tc.given, tc.seg, 1))
			}
			if tc.given2 != "" {
				params = strings.ReplaceAll(params, "{{id2}}", b.given(t, tc.given2, tc.seg, 2))
			}
			if tc.closeStore {
				_ = b.store.Close()
			}
			b.faulty.Set(tc.fault)
			if tc.fault != storetest.NoFault {
				// The Queue Manager's round, every second, meets the failure
				// first: GetSegmentState answers from memory, and refuses once
				// the platform knows its store refuses work.
				_, _ = b.platform.Tick(context.Background())
			}
			r := b.call(t, tc.op, params)
			if r.Code != tc.code {
				t.Fatalf("%s answered %s, want %s\n%s", tc.op, r.Code, tc.code, r.Raw)
			}
		})
	}
}

// given creates an interaction of tenant Rules on segment seg (default
// Open) in the named state, through the wire, and returns its id. The n-th
// given interaction of a case has its own contact and tracking id.
func (b *bundle) given(t *testing.T, state, seg string, n int) string {
	t.Helper()
	if seg == "" {
		seg = "Open"
	}
	contact := map[int]string{1: "80009", 2: "80008"}[n]
	where := rules + "<Segment>" + seg + "</Segment>"
	id := func(r *reply, op string) string {
		if r.Code.Success() {
			if n := r.Result.Find("InteractionId"); n != nil {
				return n.Text
			}
			if n := r.Result.Find("Interaction"); n != nil {
				v, _ := n.Attr("Id")
				return v
			}
		}
		t.Fatalf("given %s: %s answered %s\n%s", state, op, r.Code, r.Raw)
		return ""
	}
	must := func(op, params string) {
		if r := b.call(t, op, params); !r.Code.Success() {
			t.Fatalf("given %s: %s answered %s\n%s", state, op, r.Code, r.Raw)
		}
	}
	switch state {
	case "pending":
		return id(b.call(t, "AddInteraction", where+"<Contact>"+contact+"</Contact>"), "AddInteraction")
	case "appointment":
		return id(b.call(t, "AddInteraction", where+"<Contact>"+contact+"</Contact>"+opts("<AppointmentTime>"+future+"</AppointmentTime>")), "AddInteraction")
	case "inbound":
		ext := map[int]string{1: "TRACK-1", 2: "TRACK-2"}[n]
		return id(b.call(t, "CreateInteraction", where+"<ExternalTrackingId>"+ext+"</ExternalTrackingId><SourceApplication>VXML Interaction Server</SourceApplication>"), "CreateInteraction")
	case "queued":
		i := b.given(t, "inbound", seg, n)
		must("InteractionQueued", rules+"<InteractionId>"+i+"</InteractionId><SkillId>2000</SkillId>")
		return i
	case "unplaced":
		return id(b.call(t, "InteractionQueued", rules+"<ExternalTrackingId>ACD-7</ExternalTrackingId><SkillId>2000</SkillId>"), "InteractionQueued")
	case "cancelled":
		i := b.given(t, "pending", seg, n)
		must("InteractionCancelled", rules+"<InteractionId>"+i+"</InteractionId><CancelledBy>Caller</CancelledBy>")
		return i
	case "holdingCaller":
		// A caller on hold whose number is the second given interaction's
		// contact, so Second Chance meets the Callback Double Check.
		i := b.given(t, "inbound", seg, n)
		must("UpdateInteractionData", rules+"<InteractionId>"+i+"</InteractionId><InteractionData><Key>Contact</Key><Value>80008</Value></InteractionData>")
		must("InteractionQueued", rules+"<InteractionId>"+i+"</InteractionId><SkillId>2000</SkillId>")
		return i
	case "noSchedulingCall":
		// A live call of tenant NoResults, whose licences take no scheduled callback.
		return id(b.call(t, "CreateInteraction", "<Tenant>NoResults</Tenant><Segment>S</Segment>"+voiceApp), "CreateInteraction")
	case "unlicensedCall":
		// A call the ACD reports in tenant Unlicensed, which has no licences.
		return id(b.call(t, "InteractionQueued", "<Tenant>Unlicensed</Tenant><ExternalTrackingId>U-1</ExternalTrackingId><SkillId>hold-Q</SkillId><Segment>S</Segment>"), "InteractionQueued")
	case "launched":
		i := b.given(t, "pending", seg, n)
		if _, err := b.platform.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		return i
	}
	t.Fatalf("no fixture %q", state)
	return ""
}
