package callback

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/holdline/holdline/internal/status"
)

// The operations of a live call: the IVR creating it, transferring it to a
// queue, the ACD reporting it queued and dequeued, the caller asking for a
// callback or hanging up (behaviour.md §2).

// ACDSourceApplication is recorded on interactions the ACD reports before
// any application created them (InteractionQueued for an unknown call).
const ACDSourceApplication = "ACD"

// maxExternalIDLength bounds an external tracking id.
const maxExternalIDLength = 128

// checkExternalID refuses an external tracking id that cannot be an ACD's
// call id: too long or holding control characters (108041).
func checkExternalID(id string) error {
	if len(id) > maxExternalIDLength {
		return status.Errorf(status.ExternalTrackingIDMissing, "external tracking id is %d characters long; at most %d are allowed", len(id), maxExternalIDLength)
	}
	if strings.IndexFunc(id, unicode.IsControl) >= 0 {
		return status.Errorf(status.ExternalTrackingIDMissing, "external tracking id %q holds control characters", id)
	}
	return nil
}

// CreateInteraction creates a live interaction for a caller entering the
// IVR (CreateInteraction). Its place in the virtual queue is the time it was
// created, so a caller who later asks for a callback keeps it.
func (lc *Lifecycle) CreateInteraction(ctx context.Context, c CreateParams) (*Interaction, error) {
	t, err := lc.tenant(c.Tenant)
	if err != nil {
		return nil, err
	}
	seg, q, err := lc.segment(t, c.Segment)
	if err != nil {
		return nil, err
	}
	app, err := lc.sourceApplication(t, seg, c.SourceApplication)
	if err != nil {
		return nil, err
	}
	ext := strings.TrimSpace(c.ExternalTrackingID)
	if err := checkExternalID(ext); err != nil {
		return nil, err
	}
	if err := lc.licensed(t, false); err != nil {
		return nil, err
	}
	if err := lc.liveAccepted(ctx, nil, t, q); err != nil {
		return nil, err
	}
	it := &Interaction{
		Tenant: t.Name, Segment: seg.Name, Queue: q.Name, Type: TypeInbound,
		ExternalTrackingID: ext, SourceApplication: app,
	}
	if err := mergeUserData(t, it, c.UserData); err != nil {
		return nil, err
	}
	err = lc.inTx(ctx, func(tx Tx) error {
		it.QueuedAt = lc.now(tx)
		if err := lc.takeLicence(ctx, tx, t, app); err != nil {
			return err
		}
		return lc.insert(ctx, tx, it, EvCreate, "")
	})
	if err != nil {
		return nil, fmt.Errorf("create interaction for %s/%s: %w", t.Name, seg.Name, err)
	}
	return it, nil
}

// liveAccepted refuses live callers in a mode that takes none (Shutdown).
func (lc *Lifecycle) liveAccepted(ctx context.Context, tx Tx, t *Tenant, q *Queue) error {
	mode, _, err := lc.qm.mode(ctx, tx, t, q)
	if err != nil {
		return err
	}
	if mode.Capabilities().RefuseLive {
		return status.Errorf(status.RequestRefusedDueToOperationMode, "queue %q is in %s mode and takes no calls", q.Name, mode)
	}
	return nil
}

// SendToQueue records the IVR transferring a caller to a queue
// (InteractionSendToQueue): a holding reason sends a live caller to hold
// (the two Callback Double Check reasons included: see
// SendToQueueReason.DoubleCheck), and SpeakToAgent sends a reconnected
// callback customer to the callback queue. A missing reason is 108039, an
// unknown one 108038.
func (lc *Lifecycle) SendToQueue(ctx context.Context, tenant, id, reason string) (*Interaction, error) {
	r, _ := Parse(SendToQueueReasons, reason)
	r = r.Canonical()
	ev := EvSendToHold
	if r.ToCallbackQueue() {
		ev = EvSendToCallbackQueue
	}
	return lc.apply(ctx, tenant, id, &op{
		event: ev,
		args: func(*Tenant) (string, error) {
			_, err := enumArg(SendToQueueReasons, reason, "Reason", status.DataValueRequired, status.InvalidDataName)
			return string(r), err
		},
		change: func(_ Tx, _ *Tenant, it *Interaction) (string, error) {
			if ev == EvSendToHold {
				it.HoldReason = r
			}
			return "", nil
		},
	})
}

// Queued records the ACD reporting an interaction in a skill queue
// (InteractionQueued). The interaction is found by id or external tracking
// id; one the platform does not know is created in the holding queue, and
// created is true (107100). Which queue it joined, holding or callback,
// follows from its state.
func (lc *Lifecycle) Queued(ctx context.Context, qp QueuedParams) (it *Interaction, created bool, err error) {
	t, err := lc.tenant(qp.Tenant)
	if err != nil {
		return nil, false, err
	}
	id, ext, err := lc.idOrExternal(qp.InteractionID, qp.ExternalTrackingID)
	if err != nil {
		return nil, false, err
	}
	skill := strings.TrimSpace(qp.SkillID)
	if skill == "" {
		return nil, false, status.Errorf(status.SkillIDNotFound, "a SkillId is required")
	}
	err = lc.inTx(ctx, func(tx Tx) error {
		found, err := lc.lookup(ctx, tx, t, id, ext)
		switch {
		case err == nil:
			it, err = lc.queueKnown(ctx, tx, t, found, skill, ext)
			return err
		case status.Of(err) != status.InteractionNotFound:
			return err
		}
		created = true
		it, err = lc.queueUnknown(ctx, tx, t, qp.Segment, skill, ext)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("interaction queued (%s%s): %w", id, ext, err)
	}
	return it, created, nil
}

// queueKnown moves a known interaction into the skill queue it was reported in.
func (lc *Lifecycle) queueKnown(ctx context.Context, tx Tx, t *Tenant, it *Interaction, skill, ext string) (*Interaction, error) {
	q := t.Queue(it.Queue)
	if q == nil {
		return nil, status.Errorf(status.QueueIDNotFound, "interaction %s belongs to queue %q, which is no longer configured", it.ID, it.Queue)
	}
	if !hasSkill(q, skill) {
		return nil, status.Errorf(status.SkillIDNotFound, "skill %q is not a skill of queue %q", skill, q.Name)
	}
	if err := lc.liveAccepted(ctx, tx, t, q); err != nil {
		return nil, err
	}
	return lc.transitionLoaded(ctx, tx, it, EvQueued, "skill "+skill, func(it *Interaction) (string, error) {
		switch {
		case ext == "" || ext == it.ExternalTrackingID:
			return "", nil
		case it.ExternalTrackingID != "":
			return "", status.Errorf(status.DuplicateExternalTrackingIDFound, "interaction %s has external tracking id %q, not %q", it.ID, it.ExternalTrackingID, ext)
		}
		// An interaction without one takes the ACD's id, unless another
		// live interaction holds it.
		return "external tracking id " + ext, lc.setExternalID(ctx, tx, t, it, ext)
	})
}

// queueUnknown creates the interaction of a call the ACD reports before
// anything else did. Its queue is the segment's, when one is named, or the
// queue whose holding (or under-threshold) skill it is. Without a segment
// the interaction has none until UpdateInteractionData sets one.
func (lc *Lifecycle) queueUnknown(ctx context.Context, tx Tx, t *Tenant, segment, skill, ext string) (*Interaction, error) {
	it := &Interaction{Tenant: t.Name, Type: TypeInbound, ExternalTrackingID: ext, SourceApplication: ACDSourceApplication, QueuedAt: lc.now(tx)}
	var q *Queue
	if strings.TrimSpace(segment) != "" {
		seg, sq, err := lc.segment(t, segment)
		if err != nil {
			return nil, err
		}
		if !hasSkill(sq, skill) {
			return nil, status.Errorf(status.SkillIDNotFound, "skill %q is not a skill of queue %q", skill, sq.Name)
		}
		it.Segment, q = seg.Name, sq
	} else if q = holdingQueueOf(t, skill); q == nil {
		return nil, status.Errorf(status.SkillIDNotFound, "skill %q is not the holding skill of any queue of tenant %q", skill, t.Name)
	}
	if err := lc.liveAccepted(ctx, tx, t, q); err != nil {
		return nil, err
	}
	it.Queue = q.Name
	if err := lc.insert(ctx, tx, it, EvQueuedUnknown, "skill "+skill); err != nil {
		return nil, err
	}
	return it, nil
}

func hasSkill(q *Queue, skill string) bool {
	s := q.Skills
	return skill == s.Holding.ID || skill == s.Callback.ID || skill == s.UnderThreshold.ID
}

// holdingQueueOf finds the queue a call arriving on skill waits in.
func holdingQueueOf(t *Tenant, skill string) *Queue {
	for _, q := range t.Queues {
		if q.Skills.Holding.ID == skill || q.Skills.UnderThreshold.ID == skill {
			return q
		}
	}
	return nil
}

// idOrExternal checks the pair of identifiers notifications from the ACD
// carry: at least one is required (108046), the id must be well formed.
func (lc *Lifecycle) idOrExternal(id, ext string) (string, string, error) {
	id, ext = strings.TrimSpace(id), strings.TrimSpace(ext)
	if id == "" && ext == "" {
		return "", "", status.Errorf(status.InteractionIDOrExternalTrackingIDRequired, "an InteractionId or an ExternalTrackingId is required")
	}
	if id != "" {
		var err error
		if id, err = checkID(id); err != nil {
			return "", "", err
		}
	}
	if err := checkExternalID(ext); err != nil {
		return "", "", err
	}
	return id, ext, nil
}

// lookup finds an interaction of t by id, or else by external tracking id.
func (lc *Lifecycle) lookup(ctx context.Context, tx Tx, t *Tenant, id, ext string) (*Interaction, error) {
	if id != "" {
		it, err := lc.load(ctx, tx, t, id)
		if err == nil || ext == "" || status.Of(err) != status.InteractionNotFound {
			return it, err
		}
	}
	it, err := tx.InteractionGetByExternalID(ctx, ExternalID{Tenant: t.Name, ID: ext})
	if errors.Is(err, ErrNotFound) {
		return nil, status.Errorf(status.InteractionNotFound, "no interaction of tenant %q has id %q or external tracking id %q", t.Name, id, ext)
	}
	return it, err
}

// Dequeued records an interaction leaving a skill queue (InteractionDequeued):
// answered by an agent, abandoned, or — for a caller on hold — accepting the
// Second Chance offer, which creates a new pending callback (second) that
// keeps the caller's place.
func (lc *Lifecycle) Dequeued(ctx context.Context, d DequeuedParams) (it, second *Interaction, err error) {
	t, err := lc.tenant(d.Tenant)
	if err != nil {
		return nil, nil, err
	}
	id, ext, err := lc.idOrExternal(d.InteractionID, d.ExternalTrackingID)
	if err != nil {
		return nil, nil, err
	}
	reason, err := enumArg(DequeueReasons, d.Reason, "Reason", status.DequeuedReasonMissing, status.DequeuedReasonInvalid)
	if err != nil {
		return nil, nil, err
	}
	err = lc.inTx(ctx, func(tx Tx) error {
		found, err := lc.lookup(ctx, tx, t, id, ext)
		if err != nil {
			return err
		}
		switch reason {
		case DequeueAbandoned:
			it, err = lc.transitionLoaded(ctx, tx, found, EvDequeueAbandoned, string(reason), nil)
		case DequeueAcceptSecondChanceOffer:
			it, second, err = lc.secondChance(ctx, tx, t, found)
		default:
			held := found.holdsForCallback()
			if it, err = lc.transitionLoaded(ctx, tx, found, answeredEvent(found), string(reason), nil); err != nil || !held {
				return err
			}
			// The caller who held instead of waiting for their callback
			// has been answered: the callback is no longer wanted.
			_, err = lc.cancelPendingOf(ctx, tx, t, it, CancelledByConfiguration,
				fmt.Sprintf("Callback Double Check: %s, call %s answered", it.HoldReason.Canonical(), it.ID))
		}
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("interaction dequeued (%s%s): %w", id, ext, err)
	}
	return it, second, nil
}

// answeredEvent picks the event of an agent answering it: a caller sent to
// hold as UnderThreshold or ForceHold completes as such.
func answeredEvent(it *Interaction) Event {
	if it.State == StateSentToHold || it.State == StateQueuedHold {
		switch it.HoldReason {
		case SendUnderThreshold:
			return EvAnsweredUnderThreshold
		case SendForceHold:
			return EvAnsweredForceHold
		}
	}
	return EvAnswered
}

// secondChance ends a hold call whose caller accepted the Second Chance
// offer and registers the ASAP callback that replaces it, with the same
// place in line, contact and user data. The caller's number must be known
// (set with UpdateInteractionData Contact before the offer is accepted).
func (lc *Lifecycle) secondChance(ctx context.Context, tx Tx, t *Tenant, hold *Interaction) (*Interaction, *Interaction, error) {
	q := t.Queue(hold.Queue)
	if q == nil {
		return nil, nil, status.Errorf(status.QueueIDNotFound, "queue %q is no longer configured", hold.Queue)
	}
	if !q.SecondChance.Enabled {
		return nil, nil, status.Errorf(status.DequeuedReasonInvalid, "Second Chance is not enabled on queue %q", q.Name)
	}
	if _, err := Next(hold.State, EvSecondChance); err != nil {
		return nil, nil, err
	}
	if hold.Contact == "" {
		return nil, nil, status.Errorf(status.ContactRequired, "interaction %s has no contact to call back; set it with UpdateInteractionData Contact first", hold.ID)
	}
	voice := t.Licenses != nil && t.Licenses.IsVoice(hold.SourceApplication)
	if err := lc.modeAccepts(ctx, tx, t, q, false, voice); err != nil {
		return nil, nil, err
	}
	cb := &Interaction{
		Tenant: t.Name, Segment: hold.Segment, Queue: hold.Queue, Type: TypeASAP, Contact: hold.Contact,
		SourceApplication: hold.SourceApplication, ClientID: hold.ClientID, QueuedAt: orderKey(hold),
		UserData: hold.UserData, LinkedID: hold.ID,
	}
	if err := lc.doubleCheck(ctx, tx, q, cb); err != nil {
		return nil, nil, err
	}
	if err := lc.insert(ctx, tx, cb, EvRegisterSecondChance, "AcceptSecondChanceOffer"); err != nil {
		return nil, nil, err
	}
	it, err := lc.transitionLoaded(ctx, tx, hold, EvSecondChance, string(DequeueAcceptSecondChanceOffer), func(it *Interaction) (string, error) {
		it.LinkedID = cb.ID
		return "callback " + cb.ID + " keeps the caller's place", nil
	})
	return it, cb, err
}
