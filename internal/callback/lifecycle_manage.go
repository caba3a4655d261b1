package callback

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/userdata"
)

// The operations that change a callback after it was registered: remove it,
// modify one thing (ModifyInteraction), or update fields by key
// (UpdateInteractionData).

// Remove cancels a callback at a user's or administrator's request
// (RemoveInteraction). The reason is required (108027) and must be
// Web Canceled or Admin Canceled (108028).
func (lc *Lifecycle) Remove(ctx context.Context, tenant, id, reason string) (*Interaction, error) {
	return lc.apply(ctx, tenant, id, &op{
		event: EvRemove,
		args: func(*Tenant) (string, error) {
			r, err := enumArg(RemoveReasons, reason, "Reason", status.ReasonRequired, status.InvalidInteractionReason)
			return string(r), err
		},
	})
}

// privateDataPrefix marks user-data names reserved for the platform, which
// ModifyInteraction's Data action may not set (109028).
const privateDataPrefix = "_"

// Modify changes one thing of an interaction (ModifyInteraction): its
// appointment time (pending callbacks only, 107015), its result code (one
// of the tenant's CallInfos: by its type a pending callback completes, fails
// or is cancelled), its client id, or one user-data string.
func (lc *Lifecycle) Modify(ctx context.Context, m ModifyParams) (*Interaction, error) {
	action, known := Parse(ModifyActions, m.Action)
	o := &op{event: EvUpdate, args: func(*Tenant) (string, error) {
		_, err := enumArg(ModifyActions, m.Action, "Action", status.InvalidAction, status.InvalidAction)
		return string(action), err
	}}
	if known {
		switch action.Canonical() {
		case ModifyAppointmentTime:
			o = lc.modifyAppointment(ctx, m)
		case ModifyResult:
			o = lc.modifyResult(m)
		case ModifyClientID:
			o.change = func(_ Tx, _ *Tenant, it *Interaction) (string, error) {
				if strings.TrimSpace(m.ClientID) == "" {
					return "", status.Errorf(status.DataValueRequired, "a ClientId is required for the ClientId action")
				}
				it.ClientID = strings.TrimSpace(m.ClientID)
				return "client id " + it.ClientID, nil
			}
		case ModifyData:
			o.change = func(_ Tx, t *Tenant, it *Interaction) (string, error) {
				name := strings.TrimSpace(m.DataName)
				switch {
				case name == "":
					return "", status.Errorf(status.InvalidDataName, "a DataName is required for the Data action")
				case strings.HasPrefix(name, privateDataPrefix):
					return "", status.Errorf(status.DataNameUnavailable, "data names starting with %q are reserved for the platform", privateDataPrefix)
				case m.DataValue == "":
					return "", status.Errorf(status.DataValueRequired, "a DataValue is required for the Data action")
				}
				return "data " + name, mergeUserData(t, it, userdata.List{userdata.P(name, userdata.Str(m.DataValue))})
			}
		}
	}
	return lc.apply(ctx, m.Tenant, m.InteractionID, o)
}

func (lc *Lifecycle) modifyAppointment(ctx context.Context, m ModifyParams) *op {
	var at = m.AppointmentTime
	return &op{
		event: EvModifyAppointment,
		args: func(*Tenant) (string, error) {
			if !at.given() {
				return "", status.Errorf(status.AppointmentTimeRequired, "an AppointmentTime is required for the AppointmentTime action")
			}
			if at.Err != nil {
				return "", at.Err
			}
			return string(ModifyAppointmentTime), CheckTime("the time", at.At)
		},
		change: func(tx Tx, t *Tenant, it *Interaction) (string, error) {
			return lc.moveAppointment(ctx, tx, t, it, at.At)
		},
	}
}

// moveAppointment books it at a new time (turning an ASAP callback into a
// scheduled one), after the appointment checks.
func (lc *Lifecycle) moveAppointment(ctx context.Context, tx Tx, t *Tenant, it *Interaction, at time.Time) (string, error) {
	if it.State != StatePendingCallback {
		return "", status.Errorf(status.InteractionStatePreventsModifyingAppointmentTime, "interaction %s is %s; only a pending callback can be moved", it.ID, it.State.Report())
	}
	q := t.Queue(it.Queue)
	if q == nil {
		return "", status.Errorf(status.QueueIDNotFound, "queue %q is no longer configured", it.Queue)
	}
	if it.Type != TypeAppointment {
		if err := lc.licensed(t, true); err != nil {
			return "", err
		}
	}
	if err := lc.checkAppointment(ctx, tx, t, q, appointmentCheck{at: at, moving: it, disabledCode: status.AppointmentError}); err != nil {
		return "", err
	}
	old := it.AppointmentTime
	it.Type, it.AppointmentTime = TypeAppointment, at
	if old.IsZero() {
		return "scheduled for " + stamp(at), nil
	}
	return fmt.Sprintf("appointment moved from %s to %s", stamp(old), stamp(at)), nil
}

// resultEvents are the result types that end a pending callback: the Queue
// Manager is told it succeeded, failed or was cancelled, and does not dial it.
var resultEvents = map[CallInfoType]Event{
	CallInfoSuccessful: EvResultSuccessful,
	CallInfoFailed:     EvResultFailed,
	CallInfoCancelled:  EvResultCancelled,
}

func (lc *Lifecycle) modifyResult(m ModifyParams) *op {
	code := strings.TrimSpace(m.Result)
	var info CallInfo
	o := &op{event: EvUpdate}
	o.args = func(t *Tenant) (string, error) {
		if len(t.CallInfos) == 0 {
			return "", status.Errorf(status.InvalidResultConfiguration, "tenant %q has no result codes (callInfos) configured", t.Name)
		}
		for _, ci := range t.CallInfos {
			if strings.EqualFold(ci.Code, code) {
				info = ci
				if ev, ok := resultEvents[ci.Type]; ok {
					o.event = ev
				}
				return "Result " + ci.Code, nil
			}
		}
		return "", status.Errorf(status.InvalidResult, "result %q is not one of the tenant's result codes", code)
	}
	o.change = func(_ Tx, _ *Tenant, it *Interaction) (string, error) {
		it.Result = info.Code
		return fmt.Sprintf("result %s (%s)", info.Code, info.Type), nil
	}
	return o
}

// UpdateInteractionData changes interaction fields by key
// (UpdateInteractionData): Contact, AppointmentTime, ExternalTrackingId,
// ClientId, SourceApplication, Segment. Each pair is applied on its own:
// those that succeed are kept (and committed) even when others fail. One
// failure answers its own code; two or more answer 109031.
func (lc *Lifecycle) UpdateInteractionData(ctx context.Context, tenant, id string, kv []KeyValue) (*Interaction, error) {
	t, err := lc.tenant(tenant)
	if err != nil {
		return nil, err
	}
	if id, err = checkID(id); err != nil {
		return nil, err
	}
	if len(kv) == 0 {
		return nil, status.Errorf(status.DataValueRequired, "at least one InteractionData key and value is required")
	}
	var (
		it       *Interaction
		failures []error
	)
	err = lc.inTx(ctx, func(tx Tx) error {
		found, err := lc.load(ctx, tx, t, id)
		if err != nil {
			return err
		}
		if _, err := Next(found.State, EvUpdate); err != nil {
			return err
		}
		stored := found.AppointmentTime
		var done []string
		for _, pair := range kv {
			detail, err := lc.updateKey(ctx, tx, t, found, pair)
			if err != nil {
				failures = append(failures, err)
				continue
			}
			done = append(done, detail)
		}
		if len(done) == 0 {
			it = found
			return nil
		}
		it, err = lc.transitionChanged(ctx, tx, found, stored, EvUpdate, "InteractionData", func(*Interaction) (string, error) {
			return strings.Join(done, "; "), nil
		})
		return err
	})
	switch {
	case err != nil:
		return nil, fmt.Errorf("update interaction data %s: %w", id, err)
	case len(failures) == 1:
		return it, failures[0]
	case len(failures) > 1:
		msgs := make([]string, len(failures))
		for i, f := range failures {
			msgs[i] = fmt.Sprintf("%d %s", status.Of(f), status.Message(f))
		}
		return it, status.Errorf(status.UpdateInteractionDataFailed, "%d of %d values failed: %s", len(failures), len(kv), strings.Join(msgs, "; "))
	}
	return it, nil
}

// updateKey applies one UpdateInteractionData pair to it (in memory).
func (lc *Lifecycle) updateKey(ctx context.Context, tx Tx, t *Tenant, it *Interaction, pair KeyValue) (string, error) {
	key, err := enumArg(UpdateKeys, pair.Key, "Key", status.KeyNotSupportedUpdatingData, status.KeyNotSupportedUpdatingData)
	if err != nil {
		return "", err
	}
	if key == UpdateAppointmentTime {
		if !pair.At.given() {
			return "", status.Errorf(status.AppointmentTimeRequired, "the AppointmentTime key needs a value")
		}
		if pair.At.Err != nil {
			return "", pair.At.Err
		}
		if err := CheckTime("the time", pair.At.At); err != nil {
			return "", err
		}
		return lc.moveAppointment(ctx, tx, t, it, pair.At.At)
	}
	value := strings.TrimSpace(pair.Value)
	if value == "" {
		switch key {
		case UpdateContact:
			return "", status.Errorf(status.ContactRequired, "the Contact key needs a value")
		case UpdateExternalTrackingID:
			return "", status.Errorf(status.ExternalTrackingIDMissing, "the ExternalTrackingId key needs a value")
		}
		return "", status.Errorf(status.DataValueRequired, "the %s key needs a value", key)
	}
	switch key {
	case UpdateContact:
		return lc.updateContact(ctx, tx, t, it, value)
	case UpdateExternalTrackingID:
		if err := checkExternalID(value); err != nil {
			return "", err
		}
		return "external tracking id " + value, lc.setExternalID(ctx, tx, t, it, value)
	case UpdateClientID:
		it.ClientID = value
		return "client id " + value, nil
	case UpdateSourceApplication:
		return lc.updateSourceApplication(t, it, value)
	case UpdateSegment:
		seg, q, err := lc.segment(t, value)
		if err != nil {
			return "", status.Wrap(status.QueueIDNotFound, err, status.Message(err))
		}
		it.Segment, it.Queue = seg.Name, q.Name
		return "segment " + seg.Name, nil
	}
	return "", status.Errorf(status.KeyNotSupportedUpdatingData, "key %q is not supported", pair.Key)
}

func (lc *Lifecycle) updateContact(ctx context.Context, tx Tx, t *Tenant, it *Interaction, value string) (string, error) {
	country := ""
	if seg := t.Segment(it.Segment); seg != nil {
		country = seg.CountryCode
	} else if len(t.Segments) > 0 {
		country = t.Segments[0].CountryCode
	}
	n, err := t.Contacts.Normalize(value, country)
	if err != nil {
		return "", status.Wrap(status.InvalidContact, err, err.Error())
	}
	old := it.Contact
	it.Contact = n
	if q := t.Queue(it.Queue); q != nil && it.IsCallback() {
		if err := lc.doubleCheck(ctx, tx, q, it); err != nil {
			it.Contact = old
			return "", err
		}
	}
	return "contact " + n, nil
}

func (lc *Lifecycle) updateSourceApplication(t *Tenant, it *Interaction, value string) (string, error) {
	seg := t.Segment(it.Segment)
	if seg == nil {
		seg = &Segment{}
	}
	app, err := lc.sourceApplication(t, seg, value)
	if err != nil {
		return "", err
	}
	it.SourceApplication = app
	return "source application " + app, nil
}
