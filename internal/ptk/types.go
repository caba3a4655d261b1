package ptk

import (
	"time"

	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/userdata"
)

// The Go types of the operations' parameters and results. Their field names
// (or `ptk` tags) are the wire's element and attribute names, their order is
// the schema's order, and their type names (capitalised) are the XSD's
// complex type names. See schema.go for the tag options.

// ---- Options shared by the classic methods.

// clientOptions carry only the client's correlation id.
type clientOptions struct {
	ClientID string `ptk:"ClientId"`
}

// tenantOptions name the tenant to report on (GetSegments, GetStatus).
type tenantOptions struct {
	ClientID string `ptk:"ClientId"`
	Tenant   string
}

// ---- Classic requests (the content of <data>).

type addInteractionRequest struct {
	Tenant  string                `ptk:",required"`
	Segment string                `ptk:",required"`
	Contact string                `ptk:",required"`
	Options addInteractionOptions `ptk:",inline"`
}

type addInteractionOptions struct {
	ClientID          string `ptk:"ClientId"`
	AppointmentTime   string
	SourceApplication string
	UserData          userdata.List `ptk:"UserDataContainer,alias=UserData"`
}

type findInteractionRequest struct {
	Tenant        string `ptk:",required"`
	Contact       string
	Segment       string
	InteractionID string                 `ptk:"InteractionId"`
	Options       findInteractionOptions `ptk:",inline"`
}

type findInteractionOptions struct {
	ClientID string `ptk:"ClientId"`
	// Data asks for extra values: Status, ScriptNumber, VoxFile, CallId.
	Data []string
}

type getInteractionDataRequest struct {
	Tenant        string        `ptk:",required"`
	InteractionID string        `ptk:"InteractionId,required"`
	Options       clientOptions `ptk:",inline"`
}

type appointmentTimesRequest struct {
	Tenant  string `ptk:",required"`
	Segment string
	Options appointmentTimesOptions `ptk:",inline"`
}

type appointmentTimesOptions struct {
	ClientID             string `ptk:"ClientId"`
	NumberOfAppointments int
	AppointmentTime      string
}

type tenantOptionsRequest struct {
	Options tenantOptions `ptk:",inline"`
}

type segmentStateRequest struct {
	Tenant  string              `ptk:",required"`
	Segment string              `ptk:",required"`
	Options segmentStateOptions `ptk:",inline"`
}

type segmentStateOptions struct {
	ClientID          string `ptk:"ClientId"`
	SourceApplication string
}

type segmentVariablesRequest struct {
	Tenant  string `ptk:",required"`
	Segment string
	Options segmentVariablesOptions `ptk:",inline"`
}

type segmentVariablesOptions struct {
	ClientID string `ptk:"ClientId"`
	Variable []string
}

type versionRequest struct {
	Options clientOptions `ptk:",inline"`
}

type modifyInteractionRequest struct {
	Tenant        string        `ptk:",required"`
	InteractionID string        `ptk:"InteractionId,required"`
	Action        string        `ptk:",required"`
	Options       modifyOptions `ptk:",inline"`
}

type modifyOptions struct {
	ClientID        string `ptk:"ClientId"`
	Result          string
	AppointmentTime string
	DataName        string
	DataValue       string
}

type removeInteractionRequest struct {
	Tenant        string        `ptk:",required"`
	InteractionID string        `ptk:"InteractionId,required"`
	Reason        string        `ptk:",required"`
	Options       clientOptions `ptk:",inline"`
}

type validateContactRequest struct {
	Tenant  string `ptk:",required"`
	Segment string
	Contact string        `ptk:",required"`
	Options clientOptions `ptk:",inline"`
}

// ---- Interaction-state requests (flat parameters).

type createInteractionRequest struct {
	Tenant             string        `ptk:",required"`
	Segment            string        `ptk:",required"`
	ExternalTrackingID string        `ptk:"ExternalTrackingId"`
	SourceApplication  string        `ptk:",required"`
	UserData           userdata.List `ptk:"UserData,alias=UserDataContainer"`
}

type cancelRequest struct {
	Tenant        string `ptk:",required"`
	InteractionID string `ptk:"InteractionId,required"`
	CancelledBy   string `ptk:",required"`
}

type dequeuedRequest struct {
	Tenant             string `ptk:",required"`
	InteractionID      string `ptk:"InteractionId"`
	ExternalTrackingID string `ptk:"ExternalTrackingId"`
	Reason             string `ptk:",required"`
}

type reasonRequest struct {
	Tenant        string `ptk:",required"`
	InteractionID string `ptk:"InteractionId,required"`
	Reason        string `ptk:",required"`
}

type interactionRequest struct {
	Tenant        string `ptk:",required"`
	InteractionID string `ptk:"InteractionId,required"`
}

type queuedRequest struct {
	Tenant             string `ptk:",required"`
	InteractionID      string `ptk:"InteractionId"`
	ExternalTrackingID string `ptk:"ExternalTrackingId"`
	SkillID            string `ptk:"SkillId,required"`
	// Segment places an interaction the platform does not know yet (optional).
	Segment string
}

type requestContactRequest struct {
	Tenant        string `ptk:",required"`
	InteractionID string `ptk:"InteractionId,required"`
	ContactURI    string `ptk:",required"`
}

type associateRequest struct {
	Tenant             string `ptk:",required"`
	InteractionID      string `ptk:"InteractionId,required"`
	ExternalTrackingID string `ptk:"ExternalTrackingId,required"`
}

type updateInteractionDataRequest struct {
	Tenant          string     `ptk:",required"`
	InteractionID   string     `ptk:"InteractionId,required"`
	InteractionData []keyValue `ptk:",required"`
}

// keyValue is one UpdateInteractionData pair.
type keyValue struct {
	Key   string
	Value string
}

type updateUserDataRequest struct {
	Tenant        string        `ptk:",required"`
	InteractionID string        `ptk:"InteractionId,required"`
	UserData      userdata.List `ptk:",required,alias=UserDataContainer"`
}

type tenantRequest struct {
	Tenant string `ptk:",required"`
}

// ---- Results shared by several methods.

// nameValue is a Name/Value attribute pair (InteractionInformation, StateData, Variable).
type nameValue struct {
	Name  string `ptk:",attr"`
	Value string `ptk:",attr"`
}

// interactionAttrs are the attributes that identify an interaction.
type interactionAttrs struct {
	Contact         string `ptk:",attr"`
	ID              string `ptk:"Id,attr"`
	InteractionType string `ptk:",attr"`
	Queue           string `ptk:",attr"`
	Segment         string `ptk:",attr"`
	Tenant          string `ptk:",attr"`
}

type interaction struct {
	interactionAttrs
	Information information
}

type information struct {
	InteractionInformation []nameValue
}

type interactionList struct {
	Interaction []interaction
}

type variableList struct {
	Variable []nameValue
}

// ---- Classic results (the content of <Data>).

type interactionsData struct {
	Interactions interactionList
	// notice says what was ignored (FindInteraction's unknown data values).
	notice string
}

// successNotice is the ErrorMessage of a successful answer that still has
// something to say.
func (d interactionsData) successNotice() string { return d.notice }

type interactionDetailData struct {
	Interaction interactionDetail
}

type interactionDetail struct {
	interactionAttrs
	Information information
	UserData    userdata.List
}

type appointmentTimesData struct {
	AppointmentTimes appointmentTimeList
}

type appointmentTimeList struct {
	AppointmentTime []time.Time
}

type segmentsData struct {
	Segments segmentList
}

type segmentList struct {
	Segment []segment
}

type segment struct {
	Name   string `ptk:",attr"`
	Queue  string `ptk:",attr"`
	Tenant string `ptk:",attr"`
}

type segmentStateData struct {
	Segments segmentStateList
}

type segmentStateList struct {
	Segment []segmentState
}

// segmentState keeps the reference example's attribute order (Tenant, Queue, Name).
type segmentState struct {
	Tenant    string `ptk:",attr"`
	Queue     string `ptk:",attr"`
	Name      string `ptk:",attr"`
	StateData stateDataList
}

type stateDataList struct {
	StateData []nameValue
}

type segmentVariablesData struct {
	Segments segmentVariablesList
}

type segmentVariablesList struct {
	Segment []segmentVariables
}

type segmentVariables struct {
	Name      string `ptk:",attr"`
	Queue     string `ptk:",attr"`
	Tenant    string `ptk:",attr"`
	Variables variableList
}

type tenantsData struct {
	Tenants tenantList
}

type tenantList struct {
	Tenant []tenantName
}

type tenantName struct {
	Name string `ptk:",attr"`
}

type versionData struct {
	PlatformToolkitVersion string
}

// emptyData is the Data of a method that answers only a status.
type emptyData struct{}

type contactData struct {
	// Contact is the contact as the tenant's numbering rules normalise it.
	Contact string `ptk:",omitempty"`
}

// ---- Interaction-state results (the elements after Guid).

// noResult is the result of a method that answers only a status.
type noResult struct{}

type interactionIDResult struct {
	InteractionID string `ptk:"InteractionId,omitempty"`
}

// queuedResult answers InteractionQueued: 107100 when the platform created
// the interaction it was told about.
type queuedResult struct {
	InteractionID string `ptk:"InteractionId,omitempty"`
	created       bool
}

func (q queuedResult) successCode() status.Code {
	if q.created {
		return status.RequestCompletedWithInteractionID
	}
	return status.RequestCompleted
}

type variablesResult struct {
	Variables variableList
}

// ---- The fixed parts of the two response families.

// header is the classic family's Header.
type header struct {
	ClientID string
	ID       string `ptk:"Id"`
	Status   statusBlock
}

// statusBlock is the classic family's Header/Status.
type statusBlock struct {
	Code         int
	Description  string
	ErrorMessage string
	Result       string
}

// stateHead is the interaction-state family's leading elements. Description
// is the reference's fixed text for the code, so clients that match it keep
// working; Detail, after Guid and only when there is one, says what was wrong
// with this request (Holdline's addition, declared in the WSDL).
type stateHead struct {
	ResultCode  int
	Result      string
	Description string
	Guid        string
	Detail      string `ptk:",omitempty"`
}
