package callback

import "github.com/holdline/holdline/internal/status"

// State is where an interaction is in its lifecycle (behaviour.md §2).
type State string

// The interaction states. StateNone is the state of an interaction that does
// not exist yet: creation events start from it.
const (
	StateNone                      State = ""
	StateInboundTreatment          State = "InboundTreatment"
	StateSentToHold                State = "SentToHold"
	StateQueuedHold                State = "QueuedHold"
	StateCompleteHold              State = "CompleteHold"
	StateCompleteUnderThreshold    State = "CompleteUnderThreshold"
	StateCompleteForceHold         State = "CompleteForceHold"
	StateAbandonHold               State = "AbandonHold"
	StateSecondChanceAccepted      State = "SecondChanceAccepted"
	StatePendingCallback           State = "PendingCallback"
	StateLaunched                  State = "Launched"
	StateOutboundConnected         State = "OutboundConnected"
	StateFailed                    State = "Failed"
	StateSentToCallbackQueue       State = "SentToCallbackQueue"
	StateQueuedCallback            State = "QueuedCallback"
	StateCompleteCallback          State = "CompleteCallback"
	StateAbandonCallback           State = "AbandonCallback"
	StateCancelled                 State = "Cancelled"
	StateDisconnectedByApplication State = "DisconnectedByApplication"
	StateDisconnectedByCaller      State = "DisconnectedByCaller"
)

// stateInfo describes a state: its name in reports and whether it is final.
type stateInfo struct {
	State  State
	Report string
	Final  bool
}

// states is the one table of states; order is the lifecycle's reading order.
var states = []stateInfo{
	{StateInboundTreatment, "Inbound Treatment", false},
	{StateSentToHold, "Sent to Hold Queue", false},
	{StateQueuedHold, "Queued to Hold Queue", false},
	{StateCompleteHold, "Complete Hold Call", true},
	{StateCompleteUnderThreshold, "Complete Under Threshold", true},
	{StateCompleteForceHold, "Complete Force Hold", true},
	{StateAbandonHold, "Abandon on Hold Queue", true},
	{StateSecondChanceAccepted, "Accept Second Chance Offer", true},
	{StatePendingCallback, "Pending Callback", false},
	{StateLaunched, "Callback Launched", false},
	{StateOutboundConnected, "Outbound Connected", false},
	{StateFailed, "Outreach Failed", true},
	{StateSentToCallbackQueue, "Sent to Callback Queue", false},
	{StateQueuedCallback, "Queued to Callback Queue", false},
	{StateCompleteCallback, "Complete Callback", true},
	{StateAbandonCallback, "Abandon On Callback Queue", true},
	{StateCancelled, "Cancelled", true},
	{StateDisconnectedByApplication, "Disconnected by Application", true},
	{StateDisconnectedByCaller, "Disconnected by Caller", true},
}

var stateByName = func() map[State]stateInfo {
	m := make(map[State]stateInfo, len(states))
	for _, s := range states {
		m[s.State] = s
	}
	return m
}()

// States lists every state an interaction can be in (StateNone excluded).
func States() []State {
	out := make([]State, len(states))
	for i, s := range states {
		out[i] = s.State
	}
	return out
}

// Final reports whether s is a final state: one that is never left.
func (s State) Final() bool { return stateByName[s].Final }

// Valid reports whether s is a known state.
func (s State) Valid() bool { _, ok := stateByName[s]; return ok }

// Report is the state's name in reports and in FindInteraction's Status.
func (s State) Report() string {
	if s == StateNone {
		return "None"
	}
	return stateByName[s].Report
}

// Event is something that happens to an interaction: a PTK notification, a
// request, or a Queue Manager decision. Each event names the method (or
// component) that causes it, so a refused event answers that method's code.
type Event string

// The events of the state machine.
const (
	// EvCreate is CreateInteraction: a live caller enters the IVR.
	EvCreate Event = "Create"
	// EvAdd is AddInteraction: a callback registered directly (web, mobile, PTK).
	EvAdd Event = "Add"
	// EvQueuedUnknown is InteractionQueued for an id the platform does not know yet.
	EvQueuedUnknown Event = "QueuedUnknown"
	// EvRegisterSecondChance creates the pending callback of a caller who accepted Second Chance.
	EvRegisterSecondChance Event = "RegisterSecondChance"
	// EvSendToHold is InteractionSendToQueue with a holding reason.
	EvSendToHold Event = "SendToHold"
	// EvSendToCallbackQueue is InteractionSendToQueue SpeakToAgent: the reconnected customer accepted.
	EvSendToCallbackQueue Event = "SendToCallbackQueue"
	// EvQueued is InteractionQueued: the ACD reports the interaction in a skill queue.
	EvQueued Event = "Queued"
	// EvAnswered is InteractionDequeued AgentAnswered.
	EvAnswered Event = "Answered"
	// EvAnsweredUnderThreshold is AgentAnswered for a caller sent to hold as UnderThreshold.
	EvAnsweredUnderThreshold Event = "AnsweredUnderThreshold"
	// EvAnsweredForceHold is AgentAnswered for a caller sent to hold as ForceHold.
	EvAnsweredForceHold Event = "AnsweredForceHold"
	// EvDequeueAbandoned is InteractionDequeued Abandoned.
	EvDequeueAbandoned Event = "DequeueAbandoned"
	// EvSecondChance is InteractionDequeued AcceptSecondChanceOffer.
	EvSecondChance Event = "SecondChance"
	// EvRequestContact is InteractionRequestContact: the caller asks for a callback.
	EvRequestContact Event = "RequestContact"
	// EvLaunch is the Queue Manager launching a callback.
	EvLaunch Event = "Launch"
	// EvConnected is InteractionOutboundConnected.
	EvConnected Event = "Connected"
	// EvAttemptRetry is a failed attempt (InteractionOutboundAttemptFailed or a timeout) with attempts left.
	EvAttemptRetry Event = "AttemptRetry"
	// EvAttemptFinal is a failed attempt that exhausts the retry limits.
	EvAttemptFinal Event = "AttemptFinal"
	// EvCancel is InteractionCancelled, and the platform cancelling a
	// callback (Callback Double Check): only a callback the customer has
	// not accepted yet.
	EvCancel Event = "Cancel"
	// EvResultSuccessful, EvResultFailed and EvResultCancelled are
	// ModifyInteraction Result with a code of that type (CallInfos) on a
	// pending callback: the Queue Manager is told how it ended.
	EvResultSuccessful Event = "ResultSuccessful"
	EvResultFailed     Event = "ResultFailed"
	EvResultCancelled  Event = "ResultCancelled"
	// EvRemove is RemoveInteraction.
	EvRemove Event = "Remove"
	// EvAppDisconnect is InteractionDisconnectedByApplication.
	EvAppDisconnect Event = "AppDisconnect"
	// EvCallerAbandon is InteractionDisconnectedByCaller with reason Abandon.
	EvCallerAbandon Event = "CallerAbandon"
	// EvCallerDisconnect is InteractionDisconnectedByCaller with any other reason.
	EvCallerDisconnect Event = "CallerDisconnect"
	// EvModifyAppointment moves the appointment of a pending callback.
	EvModifyAppointment Event = "ModifyAppointment"
	// EvUpdate changes an interaction's data without moving it (user data,
	// tracking id, client id, result code).
	EvUpdate Event = "Update"
)

// The groups of states that the transition table names.
var (
	inHold      = []State{StateSentToHold, StateQueuedHold}
	inCBQueue   = []State{StateSentToCallbackQueue, StateQueuedCallback}
	inTreatment = []State{StateInboundTreatment, StateSentToHold, StateQueuedHold}
	dialling    = []State{StateLaunched, StateOutboundConnected}
	// notAccepted are the states of a callback its customer has not
	// accepted yet (SendToQueue SpeakToAgent accepts it).
	notAccepted = []State{StatePendingCallback, StateLaunched, StateOutboundConnected}
	// callerOnLine are the states in which a caller is on the line: in an
	// inbound or outbound call flow, or waiting in a queue for an agent.
	callerOnLine = []State{StateInboundTreatment, StateOutboundConnected, StateSentToHold, StateQueuedHold, StateSentToCallbackQueue, StateQueuedCallback}
	nonFinal     = func() []State {
		var out []State
		for _, s := range states {
			if !s.Final {
				out = append(out, s.State)
			}
		}
		return out
	}()
	none = []State{StateNone}
)

// rule is one row of the transition table: in any of From, Event leads to To.
type rule struct {
	Event Event
	From  []State
	To    State
}

// transitions is the transition table of behaviour.md §2. A state × event
// pair not listed is refused with the event's refusal code. No pair appears
// in two rows.
var transitions = []rule{
	{EvCreate, none, StateInboundTreatment},
	{EvAdd, none, StatePendingCallback},
	{EvQueuedUnknown, none, StateQueuedHold},
	{EvRegisterSecondChance, none, StatePendingCallback},

	{EvSendToHold, []State{StateInboundTreatment}, StateSentToHold},
	{EvQueued, []State{StateInboundTreatment, StateSentToHold}, StateQueuedHold},
	{EvAnswered, inHold, StateCompleteHold},
	{EvAnsweredUnderThreshold, inHold, StateCompleteUnderThreshold},
	{EvAnsweredForceHold, inHold, StateCompleteForceHold},
	{EvDequeueAbandoned, inHold, StateAbandonHold},
	{EvCallerAbandon, inHold, StateAbandonHold},
	{EvSecondChance, []State{StateQueuedHold}, StateSecondChanceAccepted},
	{EvRequestContact, inTreatment, StatePendingCallback},

	{EvLaunch, []State{StatePendingCallback}, StateLaunched},
	{EvConnected, []State{StateLaunched}, StateOutboundConnected},
	{EvAttemptRetry, dialling, StatePendingCallback},
	{EvAttemptFinal, dialling, StateFailed},
	{EvSendToCallbackQueue, []State{StateOutboundConnected}, StateSentToCallbackQueue},
	{EvQueued, []State{StateOutboundConnected, StateSentToCallbackQueue}, StateQueuedCallback},
	{EvAnswered, inCBQueue, StateCompleteCallback},
	{EvDequeueAbandoned, inCBQueue, StateAbandonCallback},
	{EvCallerAbandon, inCBQueue, StateAbandonCallback},
	{EvModifyAppointment, []State{StatePendingCallback}, StatePendingCallback},

	{EvCallerAbandon, []State{StateInboundTreatment, StateOutboundConnected}, StateDisconnectedByCaller},
	{EvCallerDisconnect, callerOnLine, StateDisconnectedByCaller},
	{EvCancel, notAccepted, StateCancelled},
	{EvResultSuccessful, []State{StatePendingCallback}, StateCompleteCallback},
	{EvResultFailed, []State{StatePendingCallback}, StateFailed},
	{EvResultCancelled, []State{StatePendingCallback}, StateCancelled},
	{EvRemove, nonFinal, StateCancelled},
	{EvAppDisconnect, nonFinal, StateDisconnectedByApplication},
	{EvUpdate, nonFinal, sameState},
}

// sameState marks a rule that leaves the interaction where it is.
const sameState State = "(same)"

// refusals are the codes a refused event answers; an event not listed here
// answers InteractionStatePreventsRequestedAction (107018).
var refusals = map[Event]status.Code{
	EvCreate:               status.UnableToCreateInteraction,
	EvAdd:                  status.UnableToCreateInteraction,
	EvQueuedUnknown:        status.UnableToCreateInteraction,
	EvRegisterSecondChance: status.UnableToCreateInteraction,
	EvCancel:               status.InteractionCannotBeCancelled,
	EvCallerAbandon:        status.InteractionCannotBeDisconnected,
	EvCallerDisconnect:     status.InteractionCannotBeDisconnected,
	EvModifyAppointment:    status.InteractionStatePreventsModifyingAppointmentTime,
}

// finalRefusals are the codes of events refused because the interaction is
// final, where they differ from refusals: the platform no longer tracks it
// ("no longer tracking", 107002), though it stays readable by id.
var finalRefusals = map[Event]status.Code{
	EvRemove:           status.InteractionNotFound,
	EvResultSuccessful: status.InteractionNotFound,
	EvResultFailed:     status.InteractionNotFound,
	EvResultCancelled:  status.InteractionNotFound,
}

// Events lists every event of the state machine, in table order.
func Events() []Event {
	var out []Event
	seen := map[Event]bool{}
	for _, r := range transitions {
		if !seen[r.Event] {
			seen[r.Event] = true
			out = append(out, r.Event)
		}
	}
	return out
}

// Next applies ev to an interaction in state from. It returns the next state,
// or a *status.Error with the code the refusing method answers. Events other
// than creation ones on StateNone answer InteractionNotFound.
func Next(from State, ev Event) (State, error) {
	for _, r := range transitions {
		if r.Event != ev {
			continue
		}
		for _, f := range r.From {
			if f == from {
				if r.To == sameState {
					return from, nil
				}
				return r.To, nil
			}
		}
	}
	if from == StateNone && !isCreation(ev) {
		return from, status.Errorf(status.InteractionNotFound, "the interaction does not exist")
	}
	code, ok := refusals[ev]
	if !ok {
		code = status.InteractionStatePreventsRequestedAction
	}
	if fc, ok := finalRefusals[ev]; ok && from.Final() {
		return from, status.Errorf(fc, "the interaction is %s and no longer tracked; %s is not possible", from.Report(), ev)
	}
	if from == StateNone {
		return from, status.Errorf(code, "%s cannot start from %s", ev, from.Report())
	}
	return from, status.Errorf(code, "the interaction is %s; %s is not possible now", from.Report(), ev)
}

func isCreation(ev Event) bool {
	for _, r := range transitions {
		if r.Event == ev && len(r.From) == 1 && r.From[0] == StateNone {
			return true
		}
	}
	return false
}
