package ptk_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/status"
)

// The PTK behaviours the second fidelity pass fixed (issue #13), each
// through the wire with the IVR's real call sequences, on tenant Rules'
// queue Open (a 24 h launch lead: a callback at the head is launched at the
// next round).

// open is the parameters prefix of segment Open of tenant Rules.
const open = rules + "<Segment>Open</Segment>"

// history is an interaction's history as the REST API shows it.
func (b *bundle) history(t *testing.T, tenant, id string) []map[string]any {
	t.Helper()
	code, v := b.rest(t, http.MethodGet, "/api/v1/tenants/"+tenant+"/interactions/"+id, "")
	if code != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d %v", id, code, v)
	}
	var out []map[string]any
	for _, r := range v["history"].([]any) {
		out = append(out, r.(map[string]any))
	}
	return out
}

// withID is the parameters of a request on interaction id of tenant Rules.
func withID(id, rest string) string {
	return rules + "<InteractionId>" + id + "</InteractionId>" + rest
}

// The Callback Double Check (behaviour.md §2): a caller who already has a
// pending callback asks for another, is answered 107009, and the IVR offers
// three ways on.
func TestCallbackDoubleCheckBranches(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// doubleCheck registers a pending callback for contact, then plays the
	// caller calling again and asking for one more: 107009.
	doubleCheck := func(t *testing.T, contact string) (pending, call string) {
		t.Helper()
		pending = idOf(t, b.succeed(t, "AddInteraction", open+"<Contact>"+contact+"</Contact>"))
		call = idOf(t, b.succeed(t, "CreateInteraction", open+voiceApp))
		b.answers(t, status.DuplicateContactInQueue, "InteractionRequestContact", withID(call, "<ContactURI>voice://"+contact+"</ContactURI>"))
		return pending, call
	}
	state := func(t *testing.T, id string) string {
		t.Helper()
		r := b.succeed(t, "GetInteractionData", withID(id, ""))
		for _, info := range r.Result.Find("Information").ChildrenNamed("InteractionInformation") {
			if name, _ := info.Attr("Name"); name == "Status" {
				v, _ := info.Attr("Value")
				return v
			}
		}
		t.Fatalf("no Status for %s\n%s", id, r.Raw)
		return ""
	}
	for _, tc := range []struct {
		reason, skill, sent, queued string
	}{
		{"CNDCSendToPriorityQueue", "2001", "Sent to Priority Queue", "Queued to Priority Queue"},
		{"CBDCSendToPriorityQueue", "2001", "Sent to Priority Queue", "Queued to Priority Queue"},
		{"CBDCSendToHoldingQueue", "2000", "Sent to Hold Queue", "Queued to Hold Queue"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			contact := "80" + map[string]string{"CNDCSendToPriorityQueue": "11", "CBDCSendToPriorityQueue": "12", "CBDCSendToHoldingQueue": "13"}[tc.reason]
			// Answered: the callback is held back while its caller holds,
			// then cancelled by the configuration.
			pending, call := doubleCheck(t, contact)
			b.succeed(t, "InteractionSendToQueue", withID(call, "<Reason>"+tc.reason+"</Reason>"))
			if got := state(t, call); got != tc.sent {
				t.Errorf("after %s: %q, want %q", tc.reason, got, tc.sent)
			}
			b.succeed(t, "InteractionQueued", withID(call, "<SkillId>"+tc.skill+"</SkillId>"))
			if got := state(t, call); got != tc.queued {
				t.Errorf("queued: %q, want %q", got, tc.queued)
			}
			b.tick(t)
			if got := state(t, pending); got != pendingCallback {
				t.Fatalf("the pending callback of a caller on hold is %q, want it held back (%q)", got, pendingCallback)
			}
			b.succeed(t, "InteractionDequeued", withID(call, "<Reason>AgentAnswered</Reason>"))
			if got := state(t, pending); got != "Cancelled" {
				t.Fatalf("after the caller was answered the callback is %q, want Cancelled", got)
			}
			hist := b.history(t, "Rules", pending)
			last := hist[len(hist)-1]
			if last["to"] != "Cancelled" || last["reason"] != "Configuration" || !strings.Contains(last["detail"].(string), "CBDC"+tc.reason[4:]) {
				t.Errorf("cancellation record %v, want CancelledBy Configuration and the CBDC reason", last)
			}
			// Hung up while holding: the callback stays, and is launched again.
			pending, call = doubleCheck(t, contact)
			b.succeed(t, "InteractionSendToQueue", withID(call, "<Reason>"+tc.reason+"</Reason>"))
			b.succeed(t, "InteractionQueued", withID(call, "<SkillId>"+tc.skill+"</SkillId>"))
			b.tick(t)
			if got := state(t, pending); got != pendingCallback {
				t.Fatalf("held back: %q", got)
			}
			b.succeed(t, "InteractionDisconnectedByCaller", withID(call, "<Reason>Abandon</Reason>"))
			b.tick(t)
			if got := state(t, pending); got != callbackLaunched {
				t.Fatalf("after its caller hung up the callback is %q, want it launched", got)
			}
		})
	}
	t.Run("CBDCDisconnectAndCancelPendingCallback", func(t *testing.T) {
		pending, call := doubleCheck(t, "8014")
		b.succeed(t, "InteractionDisconnectedByCaller", withID(call, "<Reason>CBDCDisconnectAndCancelPendingCallback</Reason>"))
		if got := state(t, pending); got != "Cancelled" {
			t.Fatalf("the pending callback is %q, want Cancelled", got)
		}
		if last := b.history(t, "Rules", pending); last[len(last)-1]["reason"] != "Caller" {
			t.Errorf("cancelled by %v, want Caller", last[len(last)-1]["reason"])
		}
	})
}
