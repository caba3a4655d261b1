package callback

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/status"
)

// A live call asking to be called back: InteractionRequestContact turns it
// into a callback (Callback Double Check, the mode, an appointment in the
// ContactURI), and the ways it ends without an agent.

// RequestContact converts a live interaction into a callback
// (InteractionRequestContact): a number alone asks for an ASAP callback that
// keeps the caller's place, a number and an appointment time books one.
//
// Refused with 107009 (Callback Double Check: the caller already has a
// pending callback in the queue), the call keeps the number the caller gave,
// noted in its history, so that the IVR's next step acts on that callback:
// disconnect and cancel it, or hold and keep it back (SendToQueue).
func (lc *Lifecycle) RequestContact(ctx context.Context, tenant, id string, req ContactRequest) (*Interaction, error) {
	it, err := lc.requestContact(ctx, tenant, id, req)
	if status.Of(err) == status.DuplicateContactInQueue {
		if _, nerr := lc.noteDoubleCheck(ctx, tenant, id, req.Number, status.Message(err)); nerr != nil {
			return nil, nerr
		}
	}
	return it, err
}

// noteDoubleCheck records on a live call the number its caller gave when the
// Callback Double Check refused a second callback.
func (lc *Lifecycle) noteDoubleCheck(ctx context.Context, tenant, id, number, why string) (*Interaction, error) {
	return lc.apply(ctx, tenant, id, &op{
		event: EvUpdate,
		args:  func(*Tenant) (string, error) { return "Callback Double Check", nil },
		change: func(_ Tx, t *Tenant, it *Interaction) (string, error) {
			seg, _, err := lc.segment(t, it.Segment)
			if err != nil {
				return "", err
			}
			if it.Contact, err = lc.normalizeContact(t, seg, number); err != nil {
				return "", err
			}
			return why, nil
		},
	})
}

func (lc *Lifecycle) requestContact(ctx context.Context, tenant, id string, req ContactRequest) (*Interaction, error) {
	return lc.apply(ctx, tenant, id, &op{
		event: EvRequestContact,
		args: func(*Tenant) (string, error) {
			if req.Err != nil {
				return "", req.Err
			}
			if !req.Appointment.IsZero() {
				return string(TypeAppointment), CheckTime("the appointment time", req.Appointment)
			}
			return string(TypeASAP), nil
		},
		change: func(tx Tx, t *Tenant, it *Interaction) (string, error) {
			return lc.convertToCallback(ctx, tx, t, it, req.Number, req.Appointment)
		},
	})
}

func (lc *Lifecycle) convertToCallback(ctx context.Context, tx Tx, t *Tenant, it *Interaction, number string, appt time.Time) (string, error) {
	if it.Segment == "" {
		return "", status.Errorf(status.SegmentNotSet, "interaction %s has no segment; set one with UpdateInteractionData Segment", it.ID)
	}
	seg, q, err := lc.segment(t, it.Segment)
	if err != nil {
		return "", status.Wrap(status.QueueIDNotFound, err, status.Message(err))
	}
	scheduled := !appt.IsZero()
	if err := lc.licensed(t, scheduled); err != nil {
		return "", err
	}
	if it.Contact, err = lc.normalizeContact(t, seg, number); err != nil {
		return "", err
	}
	voice := t.Licenses.IsVoice(it.SourceApplication)
	if err := lc.modeAccepts(ctx, tx, t, q, scheduled, voice); err != nil {
		return "", err
	}
	it.Type = TypeASAP
	if scheduled {
		if err := lc.checkAppointment(ctx, tx, t, q, appointmentCheck{at: appt, disabledCode: status.AppointmentsDisabled}); err != nil {
			return "", err
		}
		it.Type, it.AppointmentTime = TypeAppointment, appt
	}
	if err := lc.doubleCheck(ctx, tx, q, it); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s callback to %s", it.Type, it.Contact), nil
}

// DisconnectedByApplication records the client application ending the call
// (InteractionDisconnectedByApplication). A missing or unknown reason is 108038.
func (lc *Lifecycle) DisconnectedByApplication(ctx context.Context, tenant, id, reason string) (*Interaction, error) {
	return lc.apply(ctx, tenant, id, &op{
		event: EvAppDisconnect,
		args: func(*Tenant) (string, error) {
			r, err := enumArg(AppDisconnectReasons, reason, "Reason", status.InvalidDataName, status.InvalidDataName)
			return string(r), err
		},
	})
}

// DisconnectedByCaller records the caller hanging up
// (InteractionDisconnectedByCaller): in a queue with reason Abandon it is an
// abandon; CBDCDisconnectAndCancelPendingCallback also cancels the caller's
// pending callback in the queue. A missing or unknown reason is 108027.
func (lc *Lifecycle) DisconnectedByCaller(ctx context.Context, tenant, id, reason string) (*Interaction, error) {
	r, _ := Parse(CallerDisconnectReasons, reason)
	ev := EvCallerDisconnect
	if r == CallerAbandon {
		ev = EvCallerAbandon
	}
	return lc.apply(ctx, tenant, id, &op{
		event: ev,
		args: func(*Tenant) (string, error) {
			_, err := enumArg(CallerDisconnectReasons, reason, "Reason", status.ReasonRequired, status.ReasonRequired)
			return string(r), err
		},
		change: func(tx Tx, t *Tenant, it *Interaction) (string, error) {
			if r != CallerCBDCDisconnectAndCancelPending || it.Contact == "" {
				return "", nil
			}
			return lc.cancelPendingOf(ctx, tx, t, it, CancelledByCaller, string(r))
		},
	})
}

// cancelPendingOf cancels the other pending callbacks of it's contact in its
// queue, cancelled by by, with why in their histories.
func (lc *Lifecycle) cancelPendingOf(ctx context.Context, tx Tx, t *Tenant, it *Interaction, by CancelledBy, why string) (string, error) {
	pending, err := tx.InteractionFind(ctx, &InteractionFindParams{Tenant: t.Name, Queue: it.Queue, Contact: it.Contact, States: []State{StatePendingCallback}})
	if err != nil {
		return "", err
	}
	var ids []string
	for _, o := range pending {
		if o.ID == it.ID {
			continue
		}
		if _, err := lc.transitionLoaded(ctx, tx, o, EvCancel, string(by), func(*Interaction) (string, error) { return why, nil }); err != nil {
			return "", err
		}
		ids = append(ids, o.ID)
	}
	if len(ids) == 0 {
		return "", nil
	}
	return "cancelled pending callback " + strings.Join(ids, ", "), nil
}
