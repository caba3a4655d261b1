package ptk

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/status"
)

// The domain calls of the operation table: each decodes nothing and decides
// nothing; it maps typed parameters to one domain method and the answer to
// the typed result.

// PlatformToolkitVersion is what GetVersion answers: the version of the
// WSDL, major.minor (PTK v5; a major step changes the WSDL).
const PlatformToolkitVersion = "5.0"

func addInteraction(ctx context.Context, p Domain, r *addInteractionRequest) (interactionsData, error) {
	at, err := wireTime(r.Options.AppointmentTime)
	if err != nil {
		return interactionsData{}, err
	}
	it, err := p.AddCallback(ctx, callback.AddParams{
		Tenant: r.Tenant, Segment: r.Segment, Contact: r.Contact, AppointmentTime: at,
		SourceApplication: r.Options.SourceApplication, ClientID: r.Options.ClientID, UserData: r.Options.UserData,
	})
	if err != nil {
		return interactionsData{}, err
	}
	return interactionsData{Interactions: interactionList{Interaction: []interaction{{interactionAttrs: attrsOf(ctx, it)}}}}, nil
}

func findInteraction(ctx context.Context, p Domain, r *findInteractionRequest) (interactionsData, error) {
	found, err := p.Find(ctx, callback.FindParams{Tenant: r.Tenant, InteractionID: r.InteractionID, Contact: r.Contact, Segment: r.Segment, Options: r.Options.Data})
	if err != nil {
		return interactionsData{}, err
	}
	out := interactionsData{Interactions: interactionList{Interaction: []interaction{}}}
	var ignored []string
	for _, raw := range r.Options.Data {
		if _, ok := callback.ParseFindOption(raw); !ok {
			ignored = append(ignored, status.Quote(raw))
		}
	}
	if len(ignored) > 0 {
		// Bounded like every message: a request may repeat Data many times.
		out.notice = status.Clip(fmt.Sprintf("ignored data value(s) %s: FindInteraction knows %s", strings.Join(ignored, ", "), findOptionNames), status.MaxMessage)
	}
	for _, f := range found {
		info := make([]nameValue, 0, len(f.Information)+1)
		switch f.Type {
		case callback.TypeASAP:
			info = append(info, nameValue{"RemainingWait", seconds(f.RemainingWait)})
		case callback.TypeAppointment:
			info = append(info, nameValue{"AppointmentTime", timeText(f.AppointmentTime)})
		}
		for _, v := range f.Information {
			info = append(info, nameValue{Name: v.Name, Value: v.Value})
		}
		out.Interactions.Interaction = append(out.Interactions.Interaction, interaction{
			interactionAttrs: attrsOf(ctx, f.Interaction), Information: information{InteractionInformation: info},
		})
	}
	return out, nil
}

func getInteractionData(ctx context.Context, p Domain, r *getInteractionDataRequest) (interactionDetailData, error) {
	it, _, err := p.Get(ctx, r.Tenant, r.InteractionID)
	if err != nil {
		return interactionDetailData{}, err
	}
	return interactionDetailData{Interaction: interactionDetail{
		interactionAttrs: attrsOf(ctx, it),
		Information:      information{InteractionInformation: detailInformation(it)},
		UserData:         it.UserData,
	}}, nil
}

func nextAppointmentTimes(ctx context.Context, p Domain, r *appointmentTimesRequest) (appointmentTimesData, error) {
	from, err := wireTime(r.Options.AppointmentTime)
	if err != nil {
		return appointmentTimesData{}, err
	}
	times, err := p.NextAppointmentTimes(ctx, r.Tenant, r.Segment, from, r.Options.NumberOfAppointments)
	if err != nil {
		return appointmentTimesData{}, err
	}
	return appointmentTimesData{AppointmentTimes: appointmentTimeList{AppointmentTime: times}}, nil
}

func getSegments(ctx context.Context, p Domain, r *tenantOptionsRequest) (segmentsData, error) {
	infos, err := p.Segments(ctx, r.Options.Tenant)
	if err != nil {
		return segmentsData{}, err
	}
	out := segmentsData{Segments: segmentList{Segment: []segment{}}}
	who := access.From(ctx)
	for _, s := range infos {
		if who.Sees(s.Tenant) { // without a tenant: the principal's tenants only
			out.Segments.Segment = append(out.Segments.Segment, segment{Name: s.Segment, Queue: s.Queue, Tenant: s.Tenant})
		}
	}
	return out, nil
}

func getSegmentState(ctx context.Context, p Domain, r *segmentStateRequest) (segmentStateData, error) {
	s, err := p.SegmentState(ctx, r.Tenant, r.Segment, r.Options.SourceApplication)
	if err != nil {
		return segmentStateData{}, err
	}
	state := []nameValue{
		{"OperationMode", string(s.Mode)},
		{"EWT", seconds(s.EWT)},
		{"OfferTreatment", strconv.Itoa(int(s.Offer))},
		{"ModeStatus", s.ModeStatus},
		{"RecommendedDestination", s.RecommendedDestination},
		{"QueueMode", string(s.QueueMode)},
	}
	return segmentStateData{Segments: segmentStateList{Segment: []segmentState{{
		Tenant: s.Tenant, Queue: s.Queue, Name: s.Segment, StateData: stateDataList{StateData: state},
	}}}}, nil
}

func getSegmentVariables(ctx context.Context, p Domain, r *segmentVariablesRequest) (segmentVariablesData, error) {
	v, err := p.SegmentVariables(ctx, r.Tenant, r.Segment, r.Options.Variable)
	if err != nil {
		return segmentVariablesData{}, err
	}
	return segmentVariablesData{Segments: segmentVariablesList{Segment: []segmentVariables{{
		Name: v.Segment, Queue: v.Queue, Tenant: v.Tenant, Variables: variables(v.Variables),
	}}}}, nil
}

func getStatus(ctx context.Context, p Domain, r *tenantOptionsRequest) (tenantsData, error) {
	names, err := p.Status(ctx, r.Options.Tenant)
	if err != nil {
		return tenantsData{}, err
	}
	out := tenantsData{Tenants: tenantList{Tenant: []tenantName{}}}
	who := access.From(ctx)
	for _, n := range names {
		if who.Sees(n) { // without a tenant: the principal's tenants only
			out.Tenants.Tenant = append(out.Tenants.Tenant, tenantName{Name: n})
		}
	}
	return out, nil
}

func getVersion(context.Context, Domain, *versionRequest) (versionData, error) {
	return versionData{PlatformToolkitVersion: PlatformToolkitVersion}, nil
}

func modifyInteraction(ctx context.Context, p Domain, r *modifyInteractionRequest) (emptyData, error) {
	_, err := p.Modify(ctx, callback.ModifyParams{
		Tenant: r.Tenant, InteractionID: r.InteractionID, Action: r.Action,
		ClientID: r.Options.ClientID, Result: r.Options.Result, AppointmentTime: moment(r.Options.AppointmentTime),
		DataName: r.Options.DataName, DataValue: r.Options.DataValue,
	})
	return emptyData{}, err
}

func removeInteraction(ctx context.Context, p Domain, r *removeInteractionRequest) (emptyData, error) {
	_, err := p.Remove(ctx, r.Tenant, r.InteractionID, r.Reason)
	return emptyData{}, err
}

func validateContact(ctx context.Context, p Domain, r *validateContactRequest) (contactData, error) {
	c, err := p.ValidateContact(ctx, r.Tenant, r.Segment, r.Contact)
	return contactData{Contact: c}, err
}

func createInteraction(ctx context.Context, p Domain, r *createInteractionRequest) (interactionIDResult, error) {
	it, err := p.CreateInteraction(ctx, callback.CreateParams{
		Tenant: r.Tenant, Segment: r.Segment, ExternalTrackingID: r.ExternalTrackingID,
		SourceApplication: r.SourceApplication, UserData: r.UserData,
	})
	if err != nil {
		return interactionIDResult{}, err
	}
	return interactionIDResult{InteractionID: it.ID}, nil
}

func interactionCancelled(ctx context.Context, p Domain, r *cancelRequest) (noResult, error) {
	_, err := p.Cancel(ctx, r.Tenant, r.InteractionID, r.CancelledBy)
	return noResult{}, err
}

func interactionDequeued(ctx context.Context, p Domain, r *dequeuedRequest) (interactionIDResult, error) {
	_, second, err := p.Dequeued(ctx, callback.DequeuedParams{
		Tenant: r.Tenant, InteractionID: r.InteractionID, ExternalTrackingID: r.ExternalTrackingID, Reason: r.Reason,
	})
	if err != nil || second == nil {
		return interactionIDResult{}, err
	}
	return interactionIDResult{InteractionID: second.ID}, nil
}

func disconnectedByApplication(ctx context.Context, p Domain, r *reasonRequest) (noResult, error) {
	_, err := p.DisconnectedByApplication(ctx, r.Tenant, r.InteractionID, r.Reason)
	return noResult{}, err
}

func disconnectedByCaller(ctx context.Context, p Domain, r *reasonRequest) (noResult, error) {
	_, err := p.DisconnectedByCaller(ctx, r.Tenant, r.InteractionID, r.Reason)
	return noResult{}, err
}

func outboundAttemptFailed(ctx context.Context, p Domain, r *reasonRequest) (noResult, error) {
	_, err := p.OutboundAttemptFailed(ctx, r.Tenant, r.InteractionID, r.Reason)
	return noResult{}, err
}

func outboundConnected(ctx context.Context, p Domain, r *interactionRequest) (noResult, error) {
	_, err := p.OutboundConnected(ctx, r.Tenant, r.InteractionID)
	return noResult{}, err
}

func interactionQueued(ctx context.Context, p Domain, r *queuedRequest) (queuedResult, error) {
	it, created, err := p.Queued(ctx, callback.QueuedParams{
		Tenant: r.Tenant, InteractionID: r.InteractionID, ExternalTrackingID: r.ExternalTrackingID,
		SkillID: r.SkillID, Segment: r.Segment,
	})
	if err != nil {
		return queuedResult{}, err
	}
	return queuedResult{InteractionID: it.ID, created: created}, nil
}

func requestContact(ctx context.Context, p Domain, r *requestContactRequest) (noResult, error) {
	_, err := p.RequestContact(ctx, r.Tenant, r.InteractionID, contactRequest(r.ContactURI))
	return noResult{}, err
}

func sendToQueue(ctx context.Context, p Domain, r *reasonRequest) (noResult, error) {
	_, err := p.SendToQueue(ctx, r.Tenant, r.InteractionID, r.Reason)
	return noResult{}, err
}

func associateExternalTrackingID(ctx context.Context, p Domain, r *associateRequest) (noResult, error) {
	_, err := p.AssociateExternalTrackingID(ctx, r.Tenant, r.InteractionID, r.ExternalTrackingID)
	return noResult{}, err
}

func updateInteractionData(ctx context.Context, p Domain, r *updateInteractionDataRequest) (noResult, error) {
	kv := make([]callback.KeyValue, len(r.InteractionData))
	for i, d := range r.InteractionData {
		kv[i] = callback.KeyValue{Key: d.Key, Value: d.Value}
		if callback.TimeKey(d.Key) {
			kv[i].At = moment(d.Value)
		}
	}
	_, err := p.UpdateInteractionData(ctx, r.Tenant, r.InteractionID, kv)
	return noResult{}, err
}

func updateUserData(ctx context.Context, p Domain, r *updateUserDataRequest) (noResult, error) {
	_, err := p.UpdateUserData(ctx, r.Tenant, r.InteractionID, r.UserData)
	return noResult{}, err
}

func getSystemVariables(ctx context.Context, p Domain, r *tenantRequest) (variablesResult, error) {
	vars, err := p.SystemVariables(ctx, r.Tenant)
	if err != nil {
		return variablesResult{}, err
	}
	return variablesResult{Variables: variables(vars)}, nil
}

// ---- Rendering helpers.

// findOptionNames are FindInteraction's data values as its notice lists them.
const findOptionNames = "Status, Script or ScriptNumber, Vox or VoxFile, CallId"

// attrsOf are an interaction's attributes as the request's principal may
// see them (the contact masked without the contacts permission).
func attrsOf(ctx context.Context, it *callback.Interaction) interactionAttrs {
	return interactionAttrs{
		Contact: access.From(ctx).Contact(it.Contact), ID: it.ID, InteractionType: interactionType(it.Type),
		Queue: it.Queue, Segment: it.Segment, Tenant: it.Tenant,
	}
}

// interactionType is an interaction's type in the reference's words, FIFO or
// Appointment: a live call (CreateInteraction, InteractionQueued) waits
// first-in first-out until it becomes a callback, so it is FIFO too.
func interactionType(t callback.InteractionType) string {
	if t == callback.TypeInbound {
		return string(callback.TypeASAP)
	}
	return string(t)
}

func variables(vs []callback.Variable) variableList {
	out := variableList{Variable: make([]nameValue, len(vs))}
	for i, v := range vs {
		out.Variable[i] = nameValue{Name: v.Name, Value: v.Value}
	}
	return out
}

func seconds(d time.Duration) string {
	return strconv.FormatInt(int64(d.Round(time.Second)/time.Second), 10)
}

// detailInformation is GetInteractionData's Information.
func detailInformation(it *callback.Interaction) []nameValue {
	return []nameValue{
		{"State", string(it.State)},
		{"Status", it.Status()},
		{"AppointmentTime", timeText(it.AppointmentTime)},
		{"QueuedAt", timeText(it.QueuedAt)},
		{"ExternalTrackingId", it.ExternalTrackingID},
		{"SourceApplication", it.SourceApplication},
		{"ClientId", it.ClientID},
		{"Result", it.Result},
		{"Attempts", strconv.Itoa(it.Attempts.Total)},
		{"CreatedAt", timeText(it.CreatedAt)},
	}
}
