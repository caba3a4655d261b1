package callback

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/contact"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/userdata"
)

// AddParams register a callback directly (AddInteraction): a web or mobile
// app, or any PTK client, asking to be called back.
type AddParams struct {
	Tenant  string
	Segment string
	// Contact is the number to call back, as the client gave it.
	Contact string
	// AppointmentTime books a scheduled callback; zero asks for ASAP.
	AppointmentTime time.Time
	// SourceApplication is who asks; empty means the tenant's default.
	SourceApplication string
	// ClientID is echoed back and stored for correlation.
	ClientID string
	// UserData is attached to the callback and carried to the dialer.
	UserData userdata.List
}

// AddCallback registers a pending callback, ASAP or scheduled, and returns it
// once it is committed. The checks run in the order a client would want to
// learn about its mistakes: who asks, then what for, then whether the queue
// can take it now.
func (lc *Lifecycle) AddCallback(ctx context.Context, a AddParams) (*Interaction, error) {
	t, err := lc.tenant(a.Tenant)
	if err != nil {
		return nil, err
	}
	seg, q, err := lc.segment(t, a.Segment)
	if err != nil {
		return nil, err
	}
	app, err := lc.sourceApplication(t, seg, a.SourceApplication)
	if err != nil {
		return nil, err
	}
	scheduled := !a.AppointmentTime.IsZero()
	if err := lc.licensed(t, scheduled); err != nil {
		return nil, err
	}
	number, err := lc.normalizeContact(t, seg, a.Contact)
	if err != nil {
		return nil, err
	}
	if err := lc.modeAccepts(ctx, nil, t, q, scheduled, false); err != nil {
		return nil, err
	}
	it := &Interaction{
		Tenant:            t.Name,
		Segment:           seg.Name,
		Queue:             q.Name,
		Type:              TypeASAP,
		Contact:           number,
		SourceApplication: app,
		ClientID:          a.ClientID,
	}
	if scheduled {
		it.Type = TypeAppointment
		it.AppointmentTime = a.AppointmentTime.UTC()
	}
	if err := mergeUserData(t, it, a.UserData); err != nil {
		return nil, err
	}
	err = lc.inTx(ctx, func(tx Tx) error {
		it.QueuedAt = lc.now(tx)
		if scheduled {
			if err := lc.checkAppointment(ctx, tx, t, q, appointmentCheck{at: it.AppointmentTime, disabledCode: status.AppointmentsDisabled}); err != nil {
				return err
			}
		}
		if err := lc.doubleCheck(ctx, tx, q, it); err != nil {
			return err
		}
		if err := lc.takeLicence(ctx, tx, t, app); err != nil {
			return err
		}
		return lc.insert(ctx, tx, it, EvAdd, string(it.Type))
	})
	if err != nil {
		return nil, fmt.Errorf("add callback for %s/%s: %w", t.Name, seg.Name, err)
	}
	lc.log.InfoContext(ctx, "callback registered", "interaction", it.ID, "tenant", it.Tenant, "queue", it.Queue,
		"type", it.Type, "source", it.SourceApplication)
	return it, nil
}

// modeAccepts refuses a callback request the queue's mode does not take now
// (107005). voiceConversion is a voice source converting an existing interaction.
func (lc *Lifecycle) modeAccepts(ctx context.Context, tx Tx, t *Tenant, q *Queue, scheduled, voiceConversion bool) error {
	mode, _, err := lc.qm.mode(ctx, tx, t, q)
	if err != nil {
		return err
	}
	if mode.Capabilities().AcceptsCallback(scheduled, voiceConversion) {
		return nil
	}
	kind := "ASAP"
	if scheduled {
		kind = "scheduled"
	}
	return status.Errorf(status.RequestRefusedDueToOperationMode, "queue %q is in %s mode, which takes no %s callback requests", q.Name, mode, kind)
}

// Cancel cancels an interaction on behalf of by (InteractionCancelled).
func (lc *Lifecycle) Cancel(ctx context.Context, tenant, id, by string) (*Interaction, error) {
	return lc.apply(ctx, tenant, id, &op{
		event: EvCancel,
		args: func(*Tenant) (string, error) {
			who, err := enumArg(CancelledByValues, by, "CancelledBy", status.CancelledByRequired, status.CancelledByRequired)
			return string(who), err
		},
	})
}

// UpdateUserData merges update into an interaction's user data (UpdateUserData).
func (lc *Lifecycle) UpdateUserData(ctx context.Context, tenant, id string, update userdata.List) (*Interaction, error) {
	return lc.apply(ctx, tenant, id, &op{
		event: EvUpdate,
		args: func(*Tenant) (string, error) {
			if len(update) == 0 {
				return "", status.Errorf(status.UserDataRequired, "no user data was given")
			}
			return "UserData", nil
		},
		change: func(_ Tx, t *Tenant, it *Interaction) (string, error) {
			return "user data " + update.String(), mergeUserData(t, it, update)
		},
	})
}

// sourceApplication resolves and checks the source application of a request.
func (lc *Lifecycle) sourceApplication(t *Tenant, seg *Segment, app string) (string, error) {
	if strings.Contains(app, "|") {
		return "", status.Errorf(status.InvalidSourceApplicationFormat, "source application %q contains '|'", app)
	}
	app = t.SourceApplicationOrDefault(strings.TrimSpace(app))
	if len(seg.SourceApplications) == 0 {
		return app, nil
	}
	for _, allowed := range seg.SourceApplications {
		if allowed == app {
			return app, nil
		}
	}
	return "", status.Errorf(status.FeatureUnavailable, "source application %q may not use segment %q", app, seg.Name)
}

// licensed checks the tenant's licence entitlement for a new callback.
func (lc *Lifecycle) licensed(t *Tenant, scheduled bool) error {
	if t.Licenses == nil {
		return status.Errorf(status.NoValidLicenseFile, "tenant %q has no licence configuration", t.Name)
	}
	if scheduled && !t.Licenses.Scheduled {
		return status.Errorf(status.AppointmentError, "scheduled callbacks are not licensed for tenant %q", t.Name)
	}
	return nil
}

// normalizeContact applies the tenant's numbering rules to a contact.
func (lc *Lifecycle) normalizeContact(t *Tenant, seg *Segment, raw string) (string, error) {
	n, err := t.Contacts.Normalize(raw, seg.CountryCode)
	switch {
	case errors.Is(err, contact.ErrEmpty):
		return "", status.Errorf(status.ContactRequired, "a contact is required")
	case err != nil:
		return "", status.Wrap(status.InvalidContact, err, err.Error())
	}
	return n, nil
}

// doubleCheck refuses a second pending callback for the same contact in a
// queue (Callback Double Check).
func (lc *Lifecycle) doubleCheck(ctx context.Context, tx Tx, q *Queue, it *Interaction) error {
	if !q.CallbackDoubleCheck || it.Contact == "" {
		return nil
	}
	live := InteractionFindParams{
		Tenant: it.Tenant, Queue: it.Queue, Contact: it.Contact,
		States: []State{StatePendingCallback, StateLaunched, StateOutboundConnected}, Limit: 2,
	}
	// Nearly always there is none: counting says so without reading a row.
	n, err := tx.InteractionCount(ctx, &live)
	if err != nil || n == 0 {
		return err
	}
	dups, err := tx.InteractionFind(ctx, &live)
	if err != nil {
		return err
	}
	for _, d := range dups {
		if d.ID != it.ID {
			return status.Errorf(status.DuplicateContactInQueue, "%s already has pending callback %s in queue %q", it.Contact, d.ID, q.Name)
		}
	}
	return nil
}

func joinValues[T ~string](values []T) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}
