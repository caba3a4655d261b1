package ptk_test

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/telemetry"
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
			if h := b.history(t, "Rules", call); h[len(h)-1]["to"] != "SentToHold" || !strings.HasPrefix(h[len(h)-1]["reason"].(string), "CBDC") {
				t.Errorf("the call's last record %v, want SentToHold with the CBDC reason", h[len(h)-1])
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

// InteractionCancelled cancels "only if it is a callback and if that
// callback has not been accepted by the caller" (108029 otherwise).
func TestInteractionCancelledRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cancel := func(id string) string { return withID(id, "<CancelledBy>Caller</CancelledBy>") }
	// A live call in the IVR, and on hold: not a callback.
	call := idOf(t, b.succeed(t, "CreateInteraction", open+voiceApp))
	b.answers(t, status.InteractionCannotBeCancelled, "InteractionCancelled", cancel(call))
	b.succeed(t, "InteractionSendToQueue", withID(call, "<Reason>ChoseHold</Reason>"))
	b.answers(t, status.InteractionCannotBeCancelled, "InteractionCancelled", cancel(call))
	// A callback pending, launched, connected: cancelled.
	pending := idOf(t, b.succeed(t, "AddInteraction", open+"<Contact>8021</Contact>"))
	b.succeed(t, "InteractionCancelled", cancel(pending))
	launched := idOf(t, b.succeed(t, "AddInteraction", open+"<Contact>8022</Contact>"))
	b.tick(t)
	b.succeed(t, "InteractionCancelled", cancel(launched))
	connected := idOf(t, b.succeed(t, "AddInteraction", open+"<Contact>8023</Contact>"))
	b.tick(t)
	b.succeed(t, "InteractionOutboundConnected", withID(connected, ""))
	b.succeed(t, "InteractionCancelled", cancel(connected))
	// Accepted by the customer (SendToQueue SpeakToAgent and later): 108029.
	accepted := idOf(t, b.succeed(t, "AddInteraction", open+"<Contact>8024</Contact>"))
	b.tick(t)
	b.succeed(t, "InteractionOutboundConnected", withID(accepted, ""))
	b.succeed(t, "InteractionSendToQueue", withID(accepted, "<Reason>SpeakToAgent</Reason>"))
	b.answers(t, status.InteractionCannotBeCancelled, "InteractionCancelled", cancel(accepted))
	b.succeed(t, "InteractionQueued", withID(accepted, "<SkillId>2001</SkillId>"))
	b.answers(t, status.InteractionCannotBeCancelled, "InteractionCancelled", cancel(accepted))
	// Ended: 108029 too.
	b.answers(t, status.InteractionCannotBeCancelled, "InteractionCancelled", cancel(pending))
}

// ModifyInteraction Result tells the Queue Manager how a callback ended: on
// a pending callback a SUCCESSFUL code completes it (it is not dialled), a
// FAILED one fails it, a CANCELLED one cancels it, each with the code in its
// history; while it is dialled, 107018; once it has ended, 107002.
func TestModifyInteractionResultEndsACallback(t *testing.T) {
	t.Parallel()
	b := setup(t)
	result := func(id, code string) string {
		return withID(id, "<Action>Result</Action>"+opts("<Result>"+code+"</Result>"))
	}
	for _, tc := range []struct{ code, state string }{
		{"SUCCESS", completeCallback}, {"NOTREACHED", "Outreach Failed"}, {"cancelled", "Cancelled"},
	} {
		id := idOf(t, b.succeed(t, "AddInteraction", open+"<Contact>8031</Contact>"))
		b.succeed(t, "ModifyInteraction", result(id, tc.code))
		b.tick(t) // a completed callback is not dialled
		r := b.succeed(t, "GetInteractionData", withID(id, ""))
		if got := infoValue(t, r, "Status"); got != tc.state {
			t.Errorf("result %s: %q, want %q", tc.code, got, tc.state)
		}
		if got := infoValue(t, r, "Result"); !strings.EqualFold(got, tc.code) {
			t.Errorf("result %s: Result %q", tc.code, got)
		}
		hist := b.history(t, "Rules", id)
		if last := hist[len(hist)-1]; !strings.Contains(last["detail"].(string), strings.ToUpper(tc.code)) {
			t.Errorf("result %s: last record %v, want the code in it", tc.code, last)
		}
		b.answers(t, status.InteractionNotFound, "ModifyInteraction", result(id, "SUCCESS"))
	}
	dialled := idOf(t, b.succeed(t, "AddInteraction", open+"<Contact>8032</Contact>"))
	b.tick(t)
	b.answers(t, status.InteractionStatePreventsRequestedAction, "ModifyInteraction", result(dialled, "SUCCESS"))
	b.succeed(t, "InteractionOutboundConnected", withID(dialled, ""))
	b.answers(t, status.InteractionStatePreventsRequestedAction, "ModifyInteraction", result(dialled, "CANCELLED"))
}

// RemoveInteraction on an interaction that has ended, a second removal
// included, answers 107002 (no longer tracked); it stays readable by id.
func TestRemoveInteractionOnAnEndedInteraction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := idOf(t, b.succeed(t, "AddInteraction", open+"<Contact>8041</Contact>"))
	b.succeed(t, "RemoveInteraction", withID(id, "<Reason>Web Canceled</Reason>"))
	b.answers(t, status.InteractionNotFound, "RemoveInteraction", withID(id, "<Reason>Admin Canceled</Reason>"))
	if got := infoValue(t, b.succeed(t, "GetInteractionData", withID(id, "")), "Status"); got != "Cancelled" {
		t.Errorf("a removed interaction reads %q", got)
	}
	call := idOf(t, b.succeed(t, "CreateInteraction", open+voiceApp))
	b.succeed(t, "InteractionDisconnectedByCaller", withID(call, "<Reason>Abandon</Reason>"))
	b.answers(t, status.InteractionNotFound, "RemoveInteraction", withID(call, "<Reason>Admin Canceled</Reason>"))
}

// infoValue is the value of the Information entry name of an answer.
func infoValue(t *testing.T, r *reply, name string) string {
	t.Helper()
	for _, info := range r.Result.Find("Information").ChildrenNamed("InteractionInformation") {
		if n, _ := info.Attr("Name"); n == name {
			v, _ := info.Attr("Value")
			return v
		}
	}
	t.Fatalf("no %s in the answer\n%s", name, r.Raw)
	return ""
}

// ModifyInteraction's Action takes the reference's spellings,
// case-insensitively and with spaces ignored.
func TestModifyInteractionActionSpellings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := idOf(t, b.succeed(t, "AddInteraction", open+"<Contact>8051</Contact>"))
	for i, action := range []string{"Data Name", "DataName", "data value", "DataValue", "Data", "DATA NAME"} {
		name := "note" + string(rune('a'+i))
		b.succeed(t, "ModifyInteraction", withID(id, "<Action>"+action+"</Action>"+opts("<DataName>"+name+"</DataName><DataValue>v</DataValue>")))
	}
	b.succeed(t, "ModifyInteraction", withID(id, "<Action>Client Id</Action>"+opts("<ClientId>c-9</ClientId>")))
	b.succeed(t, "ModifyInteraction", withID(id, "<Action>appointmenttime</Action>"+opts("<AppointmentTime>"+future+"</AppointmentTime>")))
	b.answers(t, status.InvalidAction, "ModifyInteraction", withID(id, "<Action>Data Names</Action>"+opts("<DataName>x</DataName><DataValue>v</DataValue>")))
	r := b.succeed(t, "GetInteractionData", withID(id, ""))
	if got := infoValue(t, r, "ClientId"); got != "c-9" {
		t.Errorf("ClientId %q", got)
	}
	if got := infoValue(t, r, "AppointmentTime"); got != future {
		t.Errorf("AppointmentTime %q", got)
	}
	for i := range 6 {
		if !strings.Contains(string(r.Raw), "note"+string(rune('a'+i))) {
			t.Errorf("user data note%c missing\n%s", 'a'+i, r.Raw)
		}
	}
	b.succeed(t, "ModifyInteraction", withID(id, "<Action>Result</Action>"+opts("<Result>success</Result>")))
}

// InteractionQueued with an ExternalTrackingId: an interaction without one
// takes it; one held by another live interaction, or different from the
// interaction's own, is 108042 — never a leaked store error, never dropped.
func TestInteractionQueuedExternalTrackingIDs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	queued := func(id, ext string) string {
		return withID(id, "<ExternalTrackingId>"+ext+"</ExternalTrackingId><SkillId>2000</SkillId>")
	}
	holder := idOf(t, b.succeed(t, "CreateInteraction", open+voiceApp+"<ExternalTrackingId>ACD-1</ExternalTrackingId>"))
	for _, sendFirst := range []bool{false, true} { // in the IVR, and already sent to hold
		call := idOf(t, b.succeed(t, "CreateInteraction", open+voiceApp))
		if sendFirst {
			b.succeed(t, "InteractionSendToQueue", withID(call, "<Reason>ChoseHold</Reason>"))
		}
		b.answers(t, status.DuplicateExternalTrackingIDFound, "InteractionQueued", queued(call, "ACD-1"))
		b.succeed(t, "InteractionQueued", queued(call, "ACD-2"))
		if got := infoValue(t, b.succeed(t, "GetInteractionData", withID(call, "")), "ExternalTrackingId"); got != "ACD-2" {
			t.Errorf("associated id %q, want ACD-2", got)
		}
		b.succeed(t, "InteractionDequeued", withID(call, "<Reason>AgentAnswered</Reason>")) // frees ACD-2
	}
	// The holder itself, with its own id or another one.
	b.succeed(t, "InteractionSendToQueue", withID(holder, "<Reason>ChoseHold</Reason>"))
	b.answers(t, status.DuplicateExternalTrackingIDFound, "InteractionQueued", queued(holder, "ACD-3"))
	b.succeed(t, "InteractionQueued", queued(holder, "ACD-1"))
}

// An interaction-state answer's Description is the reference's fixed text
// for its code; what was wrong goes to Detail, after Guid, only when there
// is something to say.
func TestInteractionStateDescriptionIsFixed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	refused := b.answers(t, status.SegmentRequired, "CreateInteraction", rules)
	if got := refused.Result.Find("Description").Text; got != status.SegmentRequired.Description() {
		t.Errorf("Description %q, want the reference's %q", got, status.SegmentRequired.Description())
	}
	var names []string
	for _, c := range refused.Result.Children {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, " "); got != "ResultCode Result Description Guid Detail" {
		t.Errorf("elements %s, want ResultCode Result Description Guid Detail", got)
	}
	if d := refused.Result.Find("Detail"); d == nil || d.Text == "" {
		t.Errorf("no Detail on a refusal\n%s", refused.Raw)
	}
	done := b.succeed(t, "CreateInteraction", open+voiceApp)
	if done.Result.Find("Detail") != nil || done.Result.Find("Description").Text != status.RequestCompleted.Description() {
		t.Errorf("a success carries the fixed Description and no Detail\n%s", done.Raw)
	}
}

// wrongDomain answers GetSystemVariables with a code its table does not
// list, as a domain with a gap in the documentation would.
type wrongDomain struct{ ptk.Domain }

func (wrongDomain) SystemVariables(context.Context, string) ([]callback.Variable, error) {
	return nil, status.Errorf(status.AppointmentTimeFull, "a code GetSystemVariables does not document")
}

// The guard: a method answering a code its table does not list logs it and
// counts holdline_ptk_undocumented_code_total{method,code}; documented
// answers count nothing.
func TestUndocumentedCodesAreCounted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := telemetry.New("test")
	h, err := ptk.New(ptk.Config{Platform: wrongDomain{b.platform.Lifecycle}, Observer: m, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	// The open demo's principal, as the server's front puts it on every request.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(access.WithPrincipal(r.Context(), access.Open)))
	}))
	defer srv.Close()
	post := func(op, params string) {
		t.Helper()
		resp, err := http.Post(srv.URL+strings.Replace(ptk.PathJSON, "{method}", op, 1), "application/json", strings.NewReader(params))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	post("GetSegments", `{}`)
	if got := m.Undocumented(); len(got) != 0 {
		t.Fatalf("a documented answer counted: %v", got)
	}
	post("GetSystemVariables", `{"Tenant": "Portree"}`)
	post("GetSystemVariables", `{"Tenant": "Portree"}`)
	if got := m.Undocumented(); !slices.Equal(got, []string{"GetSystemVariables 107014"}) {
		t.Fatalf("counted %v, want GetSystemVariables 107014", got)
	}
}

// FindInteraction's Data values take the reference's words in any case, an
// unknown one is ignored and named in ErrorMessage, and a live call reports
// the reference's InteractionType, FIFO, until it becomes a callback.
func TestFindInteractionOptionWords(t *testing.T) {
	t.Parallel()
	b := setup(t)
	call := idOf(t, b.succeed(t, "CreateInteraction", open+voiceApp+"<ExternalTrackingId>ACD-9</ExternalTrackingId>"))
	r := b.succeed(t, "FindInteraction", withID(call, opts("<Data>status</Data><Data>Script</Data><Data>VOX</Data><Data>CallID</Data><Data>Colour</Data>")))
	it := r.Result.Find("Interaction")
	if typ, _ := it.Attr("InteractionType"); typ != "FIFO" {
		t.Errorf("a live call's InteractionType %q, want FIFO", typ)
	}
	want := map[string]string{"Status": "Inbound Treatment", "ScriptNumber": "1", "VoxFile": "", "CallId": "ACD-9"}
	got := map[string]string{}
	for _, info := range it.Find("Information").ChildrenNamed("InteractionInformation") {
		n, _ := info.Attr("Name")
		got[n], _ = info.Attr("Value")
	}
	if !maps.Equal(got, want) {
		t.Errorf("information %v, want %v", got, want)
	}
	if msg := r.Result.Find("ErrorMessage").Text; !strings.Contains(msg, `"Colour"`) {
		t.Errorf("ErrorMessage %q does not name the ignored value", msg)
	}
	// Once it is a callback its type follows: FIFO for ASAP, Appointment when booked.
	b.succeed(t, "InteractionRequestContact", withID(call, "<ContactURI>voice://8061?appt="+future+"</ContactURI>"))
	r = b.succeed(t, "GetInteractionData", withID(call, ""))
	if typ, _ := r.Result.Find("Interaction").Attr("InteractionType"); typ != "Appointment" {
		t.Errorf("a booked callback's InteractionType %q", typ)
	}
}

// testRemovedQueue: an operator restarts with a configuration that no longer
// has the queue some interactions were waiting in. Requests on them answer
// 109016 QueueIdNotFound — the queue named by the interaction is gone —
// rather than acting on a queue the platform no longer runs.
func testRemovedQueue(t *testing.T) {
	with := testSettings(t)
	tn := with.Tenant("Rules")
	tn.Segments = append(tn.Segments, callback.NewSegment("Gone", "Gone"))
	q := callback.NewQueue("Gone")
	q.Skills.Holding.ID = "2900"
	tn.Queues = append(tn.Queues, q)
	b := setupWith(t, with)
	gone := rules + "<Segment>Gone</Segment>"
	pending := idOf(t, b.succeed(t, "AddInteraction", gone+"<Contact>8071</Contact>"))
	call := idOf(t, b.succeed(t, "CreateInteraction", gone+voiceApp))
	b.succeed(t, "InteractionSendToQueue", withID(call, "<Reason>ChoseHold</Reason>"))

	b.restartWith(t, testSettings(t))
	b.answers(t, status.QueueIDNotFound, "ModifyInteraction", withID(pending, "<Action>AppointmentTime</Action>"+opts("<AppointmentTime>"+future+"</AppointmentTime>")))
	b.answers(t, status.QueueIDNotFound, "InteractionQueued", withID(call, "<SkillId>2900</SkillId>"))
	// Still readable, and still removable.
	b.succeed(t, "GetInteractionData", withID(pending, ""))
	b.succeed(t, "RemoveInteraction", withID(pending, "<Reason>Admin Canceled</Reason>"))
}
