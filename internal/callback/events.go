package callback

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Events: what the platform tells the outside world about callbacks and
// queues. Every state change of a callback is mapped to at most one event
// type by one table (eventTable); the event, and the customer
// notifications it causes, are written to the outbox in the transaction of
// the change itself, so an event exists if and only if its change was
// committed. internal/dispatch delivers them.

// EventType names an event, as the "type" of its payload and the
// X-Holdline-Event header say.
type EventType string

// The event types.
const (
	// EventRegistered: a callback was registered (AddInteraction, a caller
	// asking for one, a Second Chance offer accepted).
	EventRegistered EventType = "callback.registered"
	// EventLaunched: the Queue Manager issued a launch (an attempt) to the dialers.
	EventLaunched EventType = "callback.launched"
	// EventConnected: the dialer reached the customer.
	EventConnected EventType = "callback.connected"
	// EventCompleted: an agent answered the reconnected customer (final).
	EventCompleted EventType = "callback.completed"
	// EventFailed: the callback ended without reaching an agent (final), with its result.
	EventFailed EventType = "callback.failed"
	// EventCancelled: the callback was cancelled or removed (final).
	EventCancelled EventType = "callback.cancelled"
	// EventRescheduled: the callback will be called at another time: its
	// appointment moved, or a failed attempt will be retried.
	EventRescheduled EventType = "callback.rescheduled"
	// EventModeChanged: a queue's operation mode changed.
	EventModeChanged EventType = "queue.modeChanged"
	// NotificationConfirmation: tell the customer the callback is registered.
	NotificationConfirmation EventType = "notification.confirmation"
	// NotificationReminder: remind the customer of a scheduled callback.
	NotificationReminder EventType = "notification.reminder"
	// NotificationFinalAttempt: warn the customer that the last attempt is being made.
	NotificationFinalAttempt EventType = "notification.finalAttempt"
	// TypeLaunch is the type of a launch pushed to a dialer (not an event).
	TypeLaunch EventType = "launch"
)

// EventTypes lists every event type a webhook may subscribe to.
var EventTypes = []EventType{
	EventRegistered, EventLaunched, EventConnected, EventCompleted, EventFailed, EventCancelled,
	EventRescheduled, EventModeChanged, NotificationConfirmation, NotificationReminder, NotificationFinalAttempt,
}

// IsNotification reports whether typ is a customer notification.
func (typ EventType) IsNotification() bool { return strings.HasPrefix(string(typ), "notification.") }

// stateChange is one state change of an interaction, as the event table sees it.
type stateChange struct {
	it     *Interaction // after the change
	from   State
	ev     Event
	reason string
	// seq is the Seq of the change's history record.
	seq int64
	// appointment is the appointment time before the change.
	appointment time.Time
}

func (c *stateChange) appointmentMoved() bool { return !c.it.AppointmentTime.Equal(c.appointment) }

// eventRule maps state changes of callbacks to an event type: a change
// matches when its event is one of Events (any when empty), its new state
// one of To (any when empty), and If (when set) holds.
type eventRule struct {
	Type   EventType
	Events []Event
	To     []State
	If     func(c *stateChange) bool
	// Why documents the rule (docs/integration.md lists the table).
	Why string
}

// finalStates are the final states of the state machine.
var finalStates = func() []State {
	var out []State
	for _, s := range states {
		if s.Final {
			out = append(out, s.State)
		}
	}
	return out
}()

// eventTable is the one table from state changes to events. The first rule
// that matches wins; a change no rule matches (and every change of an
// interaction that is not a callback) emits nothing. Every callback ends
// with exactly one of completed, cancelled or failed.
var eventTable = []eventRule{
	{Type: EventRegistered, Events: []Event{EvAdd, EvRequestContact, EvRegisterSecondChance}, To: []State{StatePendingCallback},
		Why: "AddInteraction, InteractionRequestContact, a Second Chance callback"},
	{Type: EventLaunched, Events: []Event{EvLaunch}, Why: "the Queue Manager launched an attempt"},
	{Type: EventConnected, Events: []Event{EvConnected}, Why: "InteractionOutboundConnected"},
	{Type: EventRescheduled, Events: []Event{EvAttemptRetry}, Why: "a failed attempt that will be retried (cause retry)"},
	{Type: EventRescheduled, Events: []Event{EvModifyAppointment, EvUpdate}, If: (*stateChange).appointmentMoved,
		Why: "ModifyInteraction or UpdateInteractionData moved the appointment (cause appointment)"},
	{Type: EventCompleted, To: []State{StateCompleteCallback}, Why: "an agent answered the reconnected customer, or a SUCCESSFUL result code"},
	{Type: EventCancelled, To: []State{StateCancelled}, Why: "InteractionCancelled, RemoveInteraction, a CANCELLED result code"},
	{Type: EventFailed, To: finalStates, Why: "any other end: retries exhausted, a FAILED result code, abandoned, disconnected, lost"},
}

// eventTypeOf maps a change to its event type.
func eventTypeOf(c *stateChange) (EventType, bool) {
	if !c.it.IsCallback() {
		return "", false
	}
	for _, r := range eventTable {
		if len(r.Events) > 0 && !slices.Contains(r.Events, c.ev) {
			continue
		}
		if len(r.To) > 0 && !slices.Contains(r.To, c.it.State) {
			continue
		}
		if r.If != nil && !r.If(c) {
			continue
		}
		return r.Type, true
	}
	return "", false
}

// EventRule is one row of the event table, for documentation.
type EventRule struct {
	Type   EventType
	Events []Event
	To     []State
	When   string
}

// EventTable returns the event table, for docs and tests.
func EventTable() []EventRule {
	out := make([]EventRule, len(eventTable))
	for i, r := range eventTable {
		out[i] = EventRule{Type: r.Type, Events: r.Events, To: r.To, When: r.Why}
	}
	return out
}

// Notification kinds (Notice.Kind).
const (
	notifyConfirmation = "confirmation"
	notifyReminder     = "reminder"
	notifyFinalAttempt = "finalAttempt"
)

// emit writes what a change causes to the outbox, in its transaction: the
// event for the webhooks that subscribe to it, and the notifications.
func (c *core) emit(ctx context.Context, tx Tx, change *stateChange) error {
	typ, ok := eventTypeOf(change)
	if !ok {
		return nil
	}
	t := c.settings.Tenant(change.it.Tenant)
	if t == nil || (len(t.Webhooks) == 0 && t.Notifications.SMS == nil) {
		return nil // nobody listens: no cost
	}
	it := change.it
	if t.subscribed(typ) {
		o := originOf(ctx)
		e := CallbackChange{
			Callback: it,
			Change: Record{Seq: change.seq, From: change.from, To: it.State, Event: change.ev, Reason: change.reason,
				Method: o.Method, RequestID: o.RequestID},
		}
		switch typ {
		case EventLaunched, EventConnected:
			e.Attempt = it.Attempts.Total + 1
			e.LaunchKey = LaunchKey(it.ID, e.Attempt)
		case EventRescheduled:
			if change.ev == EvAttemptRetry {
				e.Cause, e.Attempt, e.RetryAt = "retry", it.Attempts.Total, it.DueAt
			} else {
				e.Cause, e.PreviousAppointmentTime = "appointment", change.appointment
			}
		case EventFailed:
			e.Attempt = it.Attempts.Total
			e.Result = it.Result
			if e.Result == "" {
				e.Result = it.State.Report()
			}
		case EventCancelled:
			e.CancelledBy = change.reason
		}
		err := c.write(ctx, tx, t, message{typ: typ, key: "ev-" + strconv.FormatInt(change.seq, 10), interactionID: it.ID,
			encode: func(h MessageHeader) ([]byte, error) { return c.encoder.Event(h, &e) }})
		if err != nil {
			return err
		}
	}
	switch {
	case typ == EventRegistered:
		if err := c.confirm(ctx, tx, t, it); err != nil {
			return err
		}
		return c.remind(ctx, tx, t, it)
	case typ == EventRescheduled && change.ev != EvAttemptRetry:
		return c.remind(ctx, tx, t, it)
	}
	return nil
}

// subscribed reports whether any destination of t takes typ.
func (t *Tenant) subscribed(typ EventType) bool {
	return len(t.destinations(typ)) > 0
}

// destinations are the destinations of t that take typ, with the webhook
// name each message names.
func (t *Tenant) destinations(typ EventType) []dest {
	var out []dest
	for _, w := range t.Webhooks {
		if w.Wants(typ) {
			out = append(out, dest{name: WebhookDestination(w.Name), webhook: w.Name, endpoint: &w.Endpoint})
		}
	}
	if typ.IsNotification() && t.Notifications.SMS != nil {
		out = append(out, dest{name: DestinationSMS, endpoint: &t.Notifications.SMS.Endpoint})
	}
	return out
}

type dest struct {
	name     string
	webhook  string
	endpoint *Endpoint
}

// message is one event to write for every destination that takes it.
type message struct {
	typ           EventType
	key           string
	interactionID string
	precondition  string
	// encode spells the message for one destination (its header names it).
	encode func(h MessageHeader) ([]byte, error)
	// due is when it is sent (zero: now); deadline caps its expiry.
	due, deadline time.Time
}

// write inserts m for every destination of t that takes its type.
func (c *core) write(ctx context.Context, tx Tx, t *Tenant, m message) error {
	now := c.now(tx)
	if m.due.IsZero() {
		m.due = now
	}
	for _, d := range t.destinations(m.typ) {
		body, err := m.encode(MessageHeader{Key: m.key, Type: m.typ, Time: now, Tenant: t.Name, Webhook: d.webhook})
		if err != nil {
			return fmt.Errorf("event %s: %w", m.typ, err)
		}
		expires := m.due.Add(d.endpoint.Expiry)
		if !m.deadline.IsZero() && m.deadline.Before(expires) {
			expires = m.deadline
		}
		err = tx.OutboxInsert(ctx, &OutboxMessage{
			Tenant: t.Name, Destination: d.name, Key: m.key, Type: m.typ, InteractionID: m.interactionID,
			Precondition: m.precondition, Payload: body, CreatedAt: now, NextAt: m.due, ExpiresAt: expires,
			State: OutboxPending,
		})
		if err != nil {
			return fmt.Errorf("event %s to %s: %w", m.typ, d.name, err)
		}
	}
	return nil
}

// confirm writes the confirmation of a registered callback.
func (c *core) confirm(ctx context.Context, tx Tx, t *Tenant, it *Interaction) error {
	if !t.Notifications.Confirmation || !t.subscribed(NotificationConfirmation) {
		return nil
	}
	n := &Notice{Kind: notifyConfirmation, Callback: it}
	if q := t.Queue(it.Queue); q != nil && it.Type == TypeASAP {
		w, err := c.view.remainingWait(ctx, tx, t, q, it)
		if err != nil {
			return err
		}
		n.EWT, n.HasEWT = w, true
	}
	return c.write(ctx, tx, t, message{typ: NotificationConfirmation, key: it.ID + "/confirmation",
		interactionID: it.ID, precondition: string(StatePendingCallback), encode: c.notification(n)})
}

// remind writes the reminder of a scheduled callback booked further ahead
// than the reminder, due that long before the appointment. A moved
// appointment gets a new reminder (another key); the old one is cancelled
// when it comes due (its precondition names the old time).
func (c *core) remind(ctx context.Context, tx Tx, t *Tenant, it *Interaction) error {
	lead := t.Notifications.Reminder
	if lead <= 0 || it.Type != TypeAppointment || it.State != StatePendingCallback ||
		it.AppointmentTime.Sub(c.now(tx)) <= lead || !t.subscribed(NotificationReminder) {
		return nil
	}
	at := it.AppointmentTime.UTC().Format(time.RFC3339Nano)
	return c.write(ctx, tx, t, message{typ: NotificationReminder, key: it.ID + "/reminder@" + at, interactionID: it.ID,
		precondition: string(StatePendingCallback) + "@" + at,
		encode:       c.notification(&Notice{Kind: notifyReminder, Callback: it}),
		due:          it.AppointmentTime.Add(-lead), deadline: it.AppointmentTime})
}

// finalAttempt writes the notice of a callback launched for its last
// attempt (the one after which any failure is final), unless it is the first.
func (c *core) finalAttempt(ctx context.Context, tx Tx, t *Tenant, q *Queue, it *Interaction, attempt int) error {
	if !t.Notifications.FinalAttempt || attempt < 2 || attempt < q.Retries.Total || !t.subscribed(NotificationFinalAttempt) {
		return nil
	}
	key := LaunchKey(it.ID, attempt)
	return c.write(ctx, tx, t, message{typ: NotificationFinalAttempt, key: key + "/finalAttempt", interactionID: it.ID,
		precondition: launchedPrecondition(attempt),
		encode:       c.notification(&Notice{Kind: notifyFinalAttempt, Callback: it, Attempt: attempt})})
}

// notification encodes n for each destination.
func (c *core) notification(n *Notice) func(h MessageHeader) ([]byte, error) {
	return func(h MessageHeader) ([]byte, error) { return c.encoder.Notification(h, n) }
}

func launchedPrecondition(attempt int) string {
	return string(StateLaunched) + "#" + strconv.Itoa(attempt)
}

// stillWanted reports whether a message with precondition pre is still
// worth sending about it: "STATE", "STATE#ATTEMPT" (the attempt in
// progress) or "STATE@APPOINTMENT". An empty precondition always holds.
func stillWanted(pre string, it *Interaction) bool {
	if pre == "" {
		return true
	}
	state, rest, sep := pre, "", ""
	if i := strings.IndexAny(pre, "#@"); i >= 0 {
		state, sep, rest = pre[:i], pre[i:i+1], pre[i+1:]
	}
	if it.State != State(state) {
		return false
	}
	switch sep {
	case "#":
		n, err := strconv.Atoi(rest)
		return err == nil && it.Attempts.Total+1 == n
	case "@":
		at, err := time.Parse(time.RFC3339Nano, rest)
		return err == nil && at.Equal(it.AppointmentTime)
	}
	return true
}
