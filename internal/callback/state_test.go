package callback

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/holdline/holdline/internal/status"
)

// allowed is behaviour.md §2 written out pair by pair, independently of the
// rule table in state.go: every state × event pair listed here must lead to
// the given state; every pair not listed must be refused with the event's
// documented code.
var allowed = map[State]map[Event]State{
	StateNone: {
		EvCreate:               StateInboundTreatment,
		EvAdd:                  StatePendingCallback,
		EvQueuedUnknown:        StateQueuedHold,
		EvRegisterSecondChance: StatePendingCallback,
	},
	StateInboundTreatment: {
		EvSendToHold:       StateSentToHold,
		EvQueued:           StateQueuedHold,
		EvRequestContact:   StatePendingCallback,
		EvCallerAbandon:    StateDisconnectedByCaller,
		EvCallerDisconnect: StateDisconnectedByCaller,
		EvRemove:           StateCancelled,
		EvAppDisconnect:    StateDisconnectedByApplication,
		EvUpdate:           StateInboundTreatment,
	},
	StateSentToHold: {
		EvQueued:                 StateQueuedHold,
		EvAnswered:               StateCompleteHold,
		EvAnsweredUnderThreshold: StateCompleteUnderThreshold,
		EvAnsweredForceHold:      StateCompleteForceHold,
		EvDequeueAbandoned:       StateAbandonHold,
		EvCallerAbandon:          StateAbandonHold,
		EvCallerDisconnect:       StateDisconnectedByCaller,
		EvRequestContact:         StatePendingCallback,
		EvRemove:                 StateCancelled,
		EvAppDisconnect:          StateDisconnectedByApplication,
		EvUpdate:                 StateSentToHold,
	},
	StateQueuedHold: {
		EvAnswered:               StateCompleteHold,
		EvAnsweredUnderThreshold: StateCompleteUnderThreshold,
		EvAnsweredForceHold:      StateCompleteForceHold,
		EvDequeueAbandoned:       StateAbandonHold,
		EvCallerAbandon:          StateAbandonHold,
		EvCallerDisconnect:       StateDisconnectedByCaller,
		EvSecondChance:           StateSecondChanceAccepted,
		EvRequestContact:         StatePendingCallback,
		EvRemove:                 StateCancelled,
		EvAppDisconnect:          StateDisconnectedByApplication,
		EvUpdate:                 StateQueuedHold,
	},
	StatePendingCallback: {
		EvLaunch:            StateLaunched,
		EvModifyAppointment: StatePendingCallback,
		EvCancel:            StateCancelled,
		EvResultSuccessful:  StateCompleteCallback,
		EvResultFailed:      StateFailed,
		EvResultCancelled:   StateCancelled,
		EvRemove:            StateCancelled,
		EvAppDisconnect:     StateDisconnectedByApplication,
		EvUpdate:            StatePendingCallback,
	},
	StateLaunched: {
		EvConnected:     StateOutboundConnected,
		EvAttemptRetry:  StatePendingCallback,
		EvAttemptFinal:  StateFailed,
		EvCancel:        StateCancelled,
		EvRemove:        StateCancelled,
		EvAppDisconnect: StateDisconnectedByApplication,
		EvUpdate:        StateLaunched,
	},
	StateOutboundConnected: {
		EvAttemptRetry:        StatePendingCallback,
		EvAttemptFinal:        StateFailed,
		EvSendToCallbackQueue: StateSentToCallbackQueue,
		EvQueued:              StateQueuedCallback,
		EvCallerAbandon:       StateDisconnectedByCaller,
		EvCallerDisconnect:    StateDisconnectedByCaller,
		EvCancel:              StateCancelled,
		EvRemove:              StateCancelled,
		EvAppDisconnect:       StateDisconnectedByApplication,
		EvUpdate:              StateOutboundConnected,
	},
	StateSentToCallbackQueue: {
		EvQueued:           StateQueuedCallback,
		EvAnswered:         StateCompleteCallback,
		EvDequeueAbandoned: StateAbandonCallback,
		EvCallerAbandon:    StateAbandonCallback,
		EvCallerDisconnect: StateDisconnectedByCaller,
		EvRemove:           StateCancelled,
		EvAppDisconnect:    StateDisconnectedByApplication,
		EvUpdate:           StateSentToCallbackQueue,
	},
	StateQueuedCallback: {
		EvAnswered:         StateCompleteCallback,
		EvDequeueAbandoned: StateAbandonCallback,
		EvCallerAbandon:    StateAbandonCallback,
		EvCallerDisconnect: StateDisconnectedByCaller,
		EvRemove:           StateCancelled,
		EvAppDisconnect:    StateDisconnectedByApplication,
		EvUpdate:           StateQueuedCallback,
	},
}

// refusedWith is the documented code of each event when its state forbids it.
var refusedWith = map[Event]status.Code{
	EvCreate:                 status.UnableToCreateInteraction,
	EvAdd:                    status.UnableToCreateInteraction,
	EvQueuedUnknown:          status.UnableToCreateInteraction,
	EvRegisterSecondChance:   status.UnableToCreateInteraction,
	EvSendToHold:             status.InteractionStatePreventsRequestedAction,
	EvSendToCallbackQueue:    status.InteractionStatePreventsRequestedAction,
	EvQueued:                 status.InteractionStatePreventsRequestedAction,
	EvAnswered:               status.InteractionStatePreventsRequestedAction,
	EvAnsweredUnderThreshold: status.InteractionStatePreventsRequestedAction,
	EvAnsweredForceHold:      status.InteractionStatePreventsRequestedAction,
	EvDequeueAbandoned:       status.InteractionStatePreventsRequestedAction,
	EvSecondChance:           status.InteractionStatePreventsRequestedAction,
	EvRequestContact:         status.InteractionStatePreventsRequestedAction,
	EvLaunch:                 status.InteractionStatePreventsRequestedAction,
	EvConnected:              status.InteractionStatePreventsRequestedAction,
	EvAttemptRetry:           status.InteractionStatePreventsRequestedAction,
	EvAttemptFinal:           status.InteractionStatePreventsRequestedAction,
	EvCancel:                 status.InteractionCannotBeCancelled,
	EvRemove:                 status.InteractionStatePreventsRequestedAction,
	EvAppDisconnect:          status.InteractionStatePreventsRequestedAction,
	EvCallerAbandon:          status.InteractionCannotBeDisconnected,
	EvCallerDisconnect:       status.InteractionCannotBeDisconnected,
	EvModifyAppointment:      status.InteractionStatePreventsModifyingAppointmentTime,
	EvUpdate:                 status.InteractionStatePreventsRequestedAction,
	EvResultSuccessful:       status.InteractionStatePreventsRequestedAction,
	EvResultFailed:           status.InteractionStatePreventsRequestedAction,
	EvResultCancelled:        status.InteractionStatePreventsRequestedAction,
}

// refusedOnFinal are the events a final interaction refuses with another
// code: the platform no longer tracks it (107002; behaviour.md §2, the
// ModifyInteraction Result and RemoveInteraction rules).
var refusedOnFinal = map[Event]status.Code{
	EvRemove:           status.InteractionNotFound,
	EvResultSuccessful: status.InteractionNotFound,
	EvResultFailed:     status.InteractionNotFound,
	EvResultCancelled:  status.InteractionNotFound,
}

func TestTransitionTableExhaustively(t *testing.T) {
	t.Parallel()
	if len(Events()) != len(refusedWith) {
		t.Fatalf("the table has %d events, the test documents %d", len(Events()), len(refusedWith))
	}
	all := append([]State{StateNone}, States()...)
	for _, from := range all {
		for _, ev := range Events() {
			t.Run(fmt.Sprintf("%s/%s", from.Report(), ev), func(t *testing.T) {
				got, err := Next(from, ev)
				want, ok := allowed[from][ev]
				switch {
				case ok && err != nil:
					t.Fatalf("refused with %v, want -> %s", err, want)
				case ok && got != want:
					t.Fatalf("-> %s, want -> %s", got, want)
				case !ok && err == nil:
					t.Fatalf("-> %s, want refused", got)
				case !ok:
					wantCode := refusedWith[ev]
					if c, ok := refusedOnFinal[ev]; ok && from.Final() {
						wantCode = c
					}
					if from == StateNone {
						wantCode = status.InteractionNotFound
					}
					if code := status.Of(err); code != wantCode {
						t.Fatalf("refused with %v, want %v", code, wantCode)
					}
					if got != from {
						t.Fatalf("a refused event moved the state to %s", got)
					}
				}
			})
		}
	}
}

func TestFinalStatesAreNeverLeft(t *testing.T) {
	t.Parallel()
	finals := 0
	for _, s := range States() {
		if _, hasRules := allowed[s]; hasRules == s.Final() {
			t.Errorf("%s: Final()=%v disagrees with the documented transitions", s, s.Final())
		}
		if !s.Final() {
			continue
		}
		finals++
		for _, ev := range Events() {
			if to, err := Next(s, ev); err == nil {
				t.Errorf("final state %s left by %s to %s", s, ev, to)
			}
		}
	}
	if finals != 11 {
		t.Errorf("%d final states, behaviour.md §2 has 11", finals)
	}
}

// Any sequence of events, from creation on, keeps the interaction in a known
// state and never leaves a final one.
func TestRandomLifecycles(t *testing.T) {
	t.Parallel()
	events := Events()
	rapid.Check(t, func(t *rapid.T) {
		state := StateNone
		steps := rapid.SliceOfN(rapid.SampledFrom(events), 1, 40).Draw(t, "events")
		for _, ev := range steps {
			next, err := Next(state, ev)
			if err != nil {
				if next != state {
					t.Fatalf("refused %s moved %s to %s", ev, state, next)
				}
				continue
			}
			if !next.Valid() {
				t.Fatalf("%s -> %s: unknown state", ev, next)
			}
			if state.Final() && next != state {
				t.Fatalf("left final %s for %s by %s", state, next, ev)
			}
			state = next
		}
	})
}

func TestEveryStateIsReachable(t *testing.T) {
	t.Parallel()
	reached := map[State]bool{StateNone: true}
	for changed := true; changed; {
		changed = false
		for from := range reached {
			for _, ev := range Events() {
				if to, err := Next(from, ev); err == nil && !reached[to] {
					reached[to] = true
					changed = true
				}
			}
		}
	}
	for _, s := range States() {
		if !reached[s] {
			t.Errorf("%s cannot be reached from creation", s)
		}
	}
}

func TestRulesDoNotOverlap(t *testing.T) {
	t.Parallel()
	seen := map[State]map[Event]bool{}
	for _, r := range transitions {
		for _, f := range r.From {
			if seen[f] == nil {
				seen[f] = map[Event]bool{}
			}
			if seen[f][r.Event] {
				t.Errorf("%s from %s appears in two rows", r.Event, f)
			}
			seen[f][r.Event] = true
		}
	}
}
