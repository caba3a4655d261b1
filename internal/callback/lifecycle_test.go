package callback_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/status"
)

// must returns v once the test has checked that err is nil:
// must(op(...))(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// wantCode checks a refusal's code.
func wantCode(t *testing.T, err error, want status.Code) {
	t.Helper()
	if got := codeOf(err); got != want {
		t.Fatalf("got %v (%v), want %v", got, err, want)
	}
}

func events(t *testing.T, b *testBundle, tenant, id string) []callback.Event {
	t.Helper()
	_, hist, err := b.platform.Get(b.ctx, tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []callback.Event
	for _, r := range hist {
		out = append(out, r.Event)
	}
	return out
}

func launchedIDs(t *testing.T, b *testBundle) []string {
	t.Helper()
	ls, err := b.platform.Tick(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range ls {
		ids = append(ids, it.ID)
	}
	return ids
}

// A caller's whole journey: IVR, hold, callback request, launch, reconnect,
// callback queue, agent.
func TestInboundCallToCompletedCallback(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	p := b.platform
	it := must(p.CreateInteraction(b.ctx, callback.CreateParams{Tenant: "Portree", Segment: "VHT_Test",
		ExternalTrackingID: "TE2KGMTIF56DL6J1ILRU2TPIS800004J", SourceApplication: "VXML Interaction Server"}))(t)
	if it.State != callback.StateInboundTreatment || it.Type != callback.TypeInbound {
		t.Fatalf("created %s %s", it.State, it.Type)
	}
	must(p.SendToQueue(b.ctx, "Portree", it.ID, "ChoseHold"))(t)
	q, created, err := p.Queued(b.ctx, callback.QueuedParams{Tenant: "Portree", ExternalTrackingID: "TE2KGMTIF56DL6J1ILRU2TPIS800004J", SkillID: "1000"})
	if err != nil || created || q.ID != it.ID || q.State != callback.StateQueuedHold {
		t.Fatalf("queued: %v created=%v %+v", err, created, q)
	}
	b.clock.Advance(2 * time.Minute)
	cb := must(p.RequestContact(b.ctx, "Portree", it.ID, voice("8001")))(t)
	if cb.State != callback.StatePendingCallback || cb.Type != callback.TypeASAP || cb.Contact != "8001" || !cb.QueuedAt.Equal(start) {
		t.Fatalf("after request contact: %+v", cb)
	}
	if ids := launchedIDs(t, b); !slices.Equal(ids, []string{it.ID}) {
		t.Fatalf("launched %v", ids)
	}
	must(p.OutboundConnected(b.ctx, "Portree", it.ID))(t)
	must(p.SendToQueue(b.ctx, "Portree", it.ID, "SpeakToAgent"))(t)
	q, _, err = p.Queued(b.ctx, callback.QueuedParams{Tenant: "Portree", InteractionID: it.ID, SkillID: "1000"})
	if err != nil || q.State != callback.StateQueuedCallback {
		t.Fatalf("callback queued: %v %s", err, q.State)
	}
	done, _, err := p.Dequeued(b.ctx, callback.DequeuedParams{Tenant: "Portree", InteractionID: it.ID, Reason: "AgentAnswered"})
	if err != nil || done.State != callback.StateCompleteCallback {
		t.Fatalf("dequeued: %v %v", err, done)
	}
	want := []callback.Event{callback.EvCreate, callback.EvSendToHold, callback.EvQueued, callback.EvRequestContact,
		callback.EvLaunch, callback.EvConnected, callback.EvSendToCallbackQueue, callback.EvQueued, callback.EvAnswered}
	if got := events(t, b, "Portree", it.ID); !slices.Equal(got, want) {
		t.Fatalf("history %v\nwant    %v", got, want)
	}
}

func TestHoldCompletionFollowsTheSendToQueueReason(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for reason, want := range map[string]callback.State{
		"ChoseHold":      callback.StateCompleteHold,
		"UnderThreshold": callback.StateCompleteUnderThreshold,
		"forcehold":      callback.StateCompleteForceHold,
		"QueueSpeak":     callback.StateCompleteHold,
	} {
		it := must(b.platform.CreateInteraction(b.ctx, callback.CreateParams{Tenant: "VHT", Segment: "VHT_Test"}))(t)
		must(b.platform.SendToQueue(b.ctx, "VHT", it.ID, reason))(t)
		done, _, err := b.platform.Dequeued(b.ctx, callback.DequeuedParams{Tenant: "VHT", InteractionID: it.ID, Reason: "AgentAnswered"})
		if err != nil || done.State != want {
			t.Errorf("%s: %v %v, want %s", reason, err, done, want)
		}
	}
}

func TestQueuedAndDequeuedRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	p := b.platform
	// An unknown call reported by the ACD is created in the holding queue.
	it, created, err := p.Queued(b.ctx, callback.QueuedParams{Tenant: "VHT", ExternalTrackingID: "acd-1", SkillID: "1000"})
	if err != nil || !created || it.State != callback.StateQueuedHold || it.Queue != "VHT_Test" || it.Segment != "" || it.SourceApplication != "ACD" {
		t.Fatalf("unknown call: %v %v %+v", err, created, it)
	}
	_, _, err = p.Queued(b.ctx, callback.QueuedParams{Tenant: "VHT", ExternalTrackingID: "acd-2", SkillID: "1000", Segment: "VHT_Test"})
	wantCode(t, err, status.RequestCompleted)
	cases := []struct {
		name string
		qp   callback.QueuedParams
		want status.Code
	}{
		{"no tenant", callback.QueuedParams{ExternalTrackingID: "x", SkillID: "1000"}, status.InvalidTenant},
		{"no ids", callback.QueuedParams{Tenant: "VHT", SkillID: "1000"}, status.InteractionIDOrExternalTrackingIDRequired},
		{"no skill", callback.QueuedParams{Tenant: "VHT", ExternalTrackingID: "x"}, status.SkillIDNotFound},
		{"unknown skill", callback.QueuedParams{Tenant: "VHT", ExternalTrackingID: "x", SkillID: "9"}, status.SkillIDNotFound},
		{"unknown segment", callback.QueuedParams{Tenant: "VHT", ExternalTrackingID: "x", SkillID: "1000", Segment: "Nope"}, status.InvalidSegment},
		{"malformed id", callback.QueuedParams{Tenant: "VHT", InteractionID: "12", SkillID: "1000"}, status.InvalidInteractionID},
		{"long external id", callback.QueuedParams{Tenant: "VHT", ExternalTrackingID: string(make([]byte, 200)), SkillID: "1000"}, status.ExternalTrackingIDMissing},
		{"queued twice", callback.QueuedParams{Tenant: "VHT", InteractionID: it.ID, SkillID: "1000"}, status.InteractionStatePreventsRequestedAction},
	}
	for _, tc := range cases {
		_, _, err := p.Queued(b.ctx, tc.qp)
		if got := codeOf(err); got != tc.want {
			t.Errorf("%s: got %v (%v), want %v", tc.name, got, err, tc.want)
		}
	}
	dq := []struct {
		name string
		d    callback.DequeuedParams
		want status.Code
	}{
		{"no ids", callback.DequeuedParams{Tenant: "VHT", Reason: "Abandoned"}, status.InteractionIDOrExternalTrackingIDRequired},
		{"no reason", callback.DequeuedParams{Tenant: "VHT", ExternalTrackingID: "acd-1"}, status.DequeuedReasonMissing},
		{"bad reason", callback.DequeuedParams{Tenant: "VHT", ExternalTrackingID: "acd-1", Reason: "Bored"}, status.DequeuedReasonInvalid},
		{"unknown", callback.DequeuedParams{Tenant: "VHT", ExternalTrackingID: "acd-404", Reason: "Abandoned"}, status.InteractionNotFound},
		{"second chance off", callback.DequeuedParams{Tenant: "VHT", ExternalTrackingID: "acd-1", Reason: "AcceptSecondChanceOffer"}, status.DequeuedReasonInvalid},
		{"abandoned", callback.DequeuedParams{Tenant: "VHT", ExternalTrackingID: "acd-1", Reason: "abandoned"}, status.RequestCompleted},
		{"abandoned twice", callback.DequeuedParams{Tenant: "VHT", InteractionID: it.ID, Reason: "Abandoned"}, status.InteractionStatePreventsRequestedAction},
	}
	for _, tc := range dq {
		_, _, err := p.Dequeued(b.ctx, tc.d)
		if got := codeOf(err); got != tc.want {
			t.Errorf("%s: got %v (%v), want %v", tc.name, got, err, tc.want)
		}
	}
	got, _, _ := p.Get(b.ctx, "VHT", it.ID)
	if got.State != callback.StateAbandonHold {
		t.Fatalf("abandoned call is %s", got.State)
	}
	// Its external id is free again once the call is over.
	_, created, err = p.Queued(b.ctx, callback.QueuedParams{Tenant: "VHT", ExternalTrackingID: "acd-1", SkillID: "1000"})
	if err != nil || !created {
		t.Fatalf("reusing a finished call's external id: %v %v", err, created)
	}
}

func TestSecondChanceKeepsTheCallersPlace(t *testing.T) {
	t.Parallel()
	s := settingsFrom(t, office)
	s.Tenant("Office").Queue("Main").SecondChance = callback.SecondChance{Enabled: true, Threshold: 2 * time.Minute}
	b := setup(t, s)
	p := b.platform
	hold := must(p.CreateInteraction(b.ctx, callback.CreateParams{Tenant: "Office", Segment: "Sales", SourceApplication: "VXML Interaction Server"}))(t)
	must(p.SendToQueue(b.ctx, "Office", hold.ID, "ChoseHold"))(t)
	_, _, err := p.Queued(b.ctx, callback.QueuedParams{Tenant: "Office", InteractionID: hold.ID, SkillID: ""})
	wantCode(t, err, status.SkillIDNotFound)
	_, _, err = p.Queued(b.ctx, callback.QueuedParams{Tenant: "Office", InteractionID: hold.ID, SkillID: "1000"})
	wantCode(t, err, status.SkillIDNotFound) // the office queue has no skills configured
	b.clock.Advance(3 * time.Minute)
	_, _, err = p.Dequeued(b.ctx, callback.DequeuedParams{Tenant: "Office", InteractionID: hold.ID, Reason: "AcceptSecondChanceOffer"})
	wantCode(t, err, status.InteractionStatePreventsRequestedAction) // only from the holding queue itself
}

func TestSecondChanceCreatesALinkedCallback(t *testing.T) {
	t.Parallel()
	s := settingsFrom(t, `
tenants:
  - name: T
    numbering: {profile: extension}
    licenses: {inbound: 5, nonVoice: 5, outbound: 5, scheduled: true}
    segments: [{name: S, queue: Q}]
    queues:
      - name: Q
        secondChance: {enabled: true}
        skills: {holding: {id: "10"}, callback: {id: "20"}}
`)
	b := setup(t, s)
	p := b.platform
	hold := must(p.CreateInteraction(b.ctx, callback.CreateParams{Tenant: "T", Segment: "S"}))(t)
	must(p.SendToQueue(b.ctx, "T", hold.ID, "ChoseHold"))(t)
	_, _, err := p.Queued(b.ctx, callback.QueuedParams{Tenant: "T", InteractionID: hold.ID, SkillID: "10"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = p.Dequeued(b.ctx, callback.DequeuedParams{Tenant: "T", InteractionID: hold.ID, Reason: "AcceptSecondChanceOffer"})
	wantCode(t, err, status.ContactRequired)
	if _, err := p.UpdateInteractionData(b.ctx, "T", hold.ID, []callback.KeyValue{{Key: "Contact", Value: "5550"}}); err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(5 * time.Minute)
	old, cb, err := p.Dequeued(b.ctx, callback.DequeuedParams{Tenant: "T", InteractionID: hold.ID, Reason: "AcceptSecondChanceOffer"})
	if err != nil {
		t.Fatal(err)
	}
	if old.State != callback.StateSecondChanceAccepted || old.LinkedID != cb.ID {
		t.Fatalf("hold call %s linked %q", old.State, old.LinkedID)
	}
	if cb.State != callback.StatePendingCallback || cb.Type != callback.TypeASAP || cb.Contact != "5550" || !cb.QueuedAt.Equal(start) || cb.LinkedID != hold.ID {
		t.Fatalf("second-chance callback %+v", cb)
	}
}

func TestRequestContact(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	p := b.platform
	newCall := func() string {
		return must(p.CreateInteraction(b.ctx, callback.CreateParams{Tenant: "Portree", Segment: "VHT_Test"}))(t).ID
	}
	noSegment, _, err := p.Queued(b.ctx, callback.QueuedParams{Tenant: "Portree", ExternalTrackingID: "e1", SkillID: "1000"})
	if err != nil {
		t.Fatal(err)
	}
	pending := newCall()
	must(p.RequestContact(b.ctx, "Portree", pending, voice("8001")))(t)
	at := func(v string) time.Time { return must(time.Parse(time.RFC3339, v))(t) }
	frontErr := status.Errorf(status.InvalidDateTime, "a time the front could not read")
	cases := []struct {
		name, id string
		req      callback.ContactRequest
		want     status.Code
	}{
		{"bad number", newCall(), voice("12"), status.InvalidContact},
		{"front's error", newCall(), callback.ContactRequest{Err: frontErr}, status.InvalidDateTime},
		{"front's error after the id's form", "V1", callback.ContactRequest{Err: frontErr}, status.InvalidInteractionID},
		{"not a real time", newCall(), callback.ContactRequest{Number: "8002", Appointment: at("1999-12-31T23:00:00Z")}, status.InvalidDateTime},
		{"past time", newCall(), callback.ContactRequest{Number: "8002", Appointment: at("2026-11-26T14:00:00Z")}, status.AppointmentTimeInThePast},
		{"before EWT", newCall(), callback.ContactRequest{Number: "8002", Appointment: at("2026-11-26T15:00:10Z")}, status.AppointmentTimeBeforeEWT},
		{"no segment", noSegment.ID, voice("8003"), status.SegmentNotSet},
		{"already a callback", pending, voice("8004"), status.InteractionStatePreventsRequestedAction},
		{"duplicate contact", newCall(), voice("8001"), status.DuplicateContactInQueue},
		{"unknown id", callback.NewID(9, 1, start), voice("8005"), status.InteractionNotFound},
		{"scheduled", newCall(), callback.ContactRequest{Number: "8006", Appointment: at("2026-11-27T15:00:00Z")}, status.RequestCompleted},
	}
	for _, tc := range cases {
		_, err := p.RequestContact(b.ctx, "Portree", tc.id, tc.req)
		if got := codeOf(err); got != tc.want {
			t.Errorf("%s: got %v (%v), want %v", tc.name, got, err, tc.want)
		}
	}
	// Once it has a segment, the ACD's call can become a callback too.
	if _, err := p.UpdateInteractionData(b.ctx, "Portree", noSegment.ID, []callback.KeyValue{{Key: "Segment", Value: "vht_test"}}); err != nil {
		t.Fatal(err)
	}
	must(p.RequestContact(b.ctx, "Portree", noSegment.ID, voice("8003")))(t)
}

func TestDisconnects(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	p := b.platform
	call := func() *callback.Interaction {
		return must(p.CreateInteraction(b.ctx, callback.CreateParams{Tenant: "VHT", Segment: "VHT_Test"}))(t)
	}
	// Abandon in the IVR is a caller disconnect; on hold an abandon.
	ivr := call()
	if it := must(p.DisconnectedByCaller(b.ctx, "VHT", ivr.ID, "Abandon"))(t); it.State != callback.StateDisconnectedByCaller {
		t.Errorf("abandon in IVR -> %s", it.State)
	}
	held := call()
	must(p.SendToQueue(b.ctx, "VHT", held.ID, "ChoseHold"))(t)
	if it := must(p.DisconnectedByCaller(b.ctx, "VHT", held.ID, "Abandon"))(t); it.State != callback.StateAbandonHold {
		t.Errorf("abandon on hold -> %s", it.State)
	}
	// A pending callback has no caller on the line.
	cb := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8000"}))(t)
	_, err := p.DisconnectedByCaller(b.ctx, "VHT", cb.ID, "Abandon")
	wantCode(t, err, status.InteractionCannotBeDisconnected)
	_, err = p.DisconnectedByCaller(b.ctx, "VHT", call().ID, "")
	wantCode(t, err, status.ReasonRequired)
	_, err = p.DisconnectedByCaller(b.ctx, "VHT", call().ID, "Sneezed")
	wantCode(t, err, status.ReasonRequired)
	// Callback Double Check: the caller calls again and cancels the pending callback.
	again := call()
	must(p.UpdateInteractionData(b.ctx, "VHT", again.ID, []callback.KeyValue{{Key: "Contact", Value: "8000"}}))(t)
	must(p.DisconnectedByCaller(b.ctx, "VHT", again.ID, "CBDCDisconnectAndCancelPendingCallback"))(t)
	if got, _, _ := p.Get(b.ctx, "VHT", cb.ID); got.State != callback.StateCancelled {
		t.Errorf("pending callback after CBDC cancel: %s", got.State)
	}
	_, err = p.DisconnectedByApplication(b.ctx, "VHT", call().ID, "")
	wantCode(t, err, status.InvalidDataName)
	_, err = p.DisconnectedByApplication(b.ctx, "VHT", call().ID, "Lunch")
	wantCode(t, err, status.InvalidDataName)
	if it := must(p.DisconnectedByApplication(b.ctx, "VHT", call().ID, "AfterHours"))(t); it.State != callback.StateDisconnectedByApplication {
		t.Errorf("app disconnect -> %s", it.State)
	}
	_, err = p.DisconnectedByApplication(b.ctx, "VHT", ivr.ID, "Other")
	wantCode(t, err, status.InteractionStatePreventsRequestedAction)
}

// Busy three times fails the callback with "Outreach max busy"; each retry
// waits the retry wait.
func TestRetriesUntilFinal(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	p := b.platform
	cb := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8000"}))(t)
	for attempt := 1; attempt <= 3; attempt++ {
		if ids := launchedIDs(t, b); !slices.Equal(ids, []string{cb.ID}) {
			t.Fatalf("attempt %d: launched %v", attempt, ids)
		}
		it := must(p.OutboundAttemptFailed(b.ctx, "VHT", cb.ID, "busy"))(t)
		if attempt < 3 {
			if it.State != callback.StatePendingCallback || !it.DueAt.Equal(b.clock.Now().Add(5*time.Minute)) {
				t.Fatalf("attempt %d: %s due %v", attempt, it.State, it.DueAt)
			}
			if ids := launchedIDs(t, b); len(ids) != 0 {
				t.Fatalf("relaunched during the retry wait: %v", ids)
			}
			b.clock.Advance(5 * time.Minute)
			continue
		}
		if it.State != callback.StateFailed || it.Result != callback.ResultMaxBusy || it.Attempts.Total != 3 {
			t.Fatalf("final: %+v", it)
		}
	}
	_, err := p.OutboundAttemptFailed(b.ctx, "VHT", cb.ID, "Busy")
	wantCode(t, err, status.InteractionStatePreventsRequestedAction)
	_, err = p.OutboundAttemptFailed(b.ctx, "", "", "")
	wantCode(t, err, status.DataRequired)
	_, err = p.OutboundAttemptFailed(b.ctx, "VHT", cb.ID, "")
	wantCode(t, err, status.ReasonRequired)
}

func TestCountFailure(t *testing.T) {
	t.Parallel()
	limits := callback.Retries{Busy: 3, NoAnswer: 3, AnsweringMachine: 2, TryAgain: 3, Total: 5}
	cases := []struct {
		name    string
		reasons []callback.AttemptFailReason
		final   bool
		result  string
	}{
		{"one busy", []callback.AttemptFailReason{"Busy"}, false, ""},
		{"three busy", []callback.AttemptFailReason{"Busy", "Busy", "Busy"}, true, callback.ResultMaxBusy},
		{"two machines", []callback.AttemptFailReason{"AnsweringMachine", "AnsweringMachine"}, true, callback.ResultMaxAnsweringMachine},
		{"three no answer", []callback.AttemptFailReason{"NoAnswer", "NoAnswer", "NoAnswer"}, true, callback.ResultMaxNoAnswer},
		{"three try again", []callback.AttemptFailReason{"TryAgain", "TryAgain", "TryAgain"}, true, callback.ResultMaxTotalAttempts},
		{"mixed to total", []callback.AttemptFailReason{"Busy", "NoAnswer", "Busy", "NoAnswer", "Error"}, true, callback.ResultMaxTotalAttempts},
		{"four others", []callback.AttemptFailReason{"Error", "Timeout", "Rejected", "Abandoned"}, false, ""},
	}
	for _, tc := range cases {
		var a callback.Attempts
		var final bool
		var result string
		for _, r := range tc.reasons {
			if final {
				t.Fatalf("%s: final before the last failure", tc.name)
			}
			a, final, result = callback.CountFailure(limits, a, r)
		}
		if final != tc.final || result != tc.result || a.Total != len(tc.reasons) {
			t.Errorf("%s: final=%v result=%q total=%d", tc.name, final, result, a.Total)
		}
	}
}

func TestLaunchTimeoutCountsAsAFailedAttempt(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	cb := must(b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8000"}))(t)
	launchedIDs(t, b)
	b.clock.Advance(59 * time.Second)
	launchedIDs(t, b)
	if got, _, _ := b.platform.Get(b.ctx, "VHT", cb.ID); got.State != callback.StateLaunched {
		t.Fatalf("before the timeout: %s", got.State)
	}
	b.clock.Advance(time.Second)
	launchedIDs(t, b)
	got, hist, _ := b.platform.Get(b.ctx, "VHT", cb.ID)
	if got.State != callback.StatePendingCallback || got.Attempts.ByReason[callback.FailTimeout] != 1 || hist[len(hist)-1].Reason != "Timeout" {
		t.Fatalf("after the timeout: %+v", got)
	}
}

// Callbacks launch in their callers' order, one at a time as each reaches
// the front, and never more than the outbound licences allow.
func TestLaunchOrderAndOutboundLicences(t *testing.T) {
	t.Parallel()
	s := settingsFrom(t, `
tenants:
  - name: T
    numbering: {profile: extension}
    licenses: {inbound: 5, nonVoice: 5, outbound: 2}
    segments: [{name: S, queue: Q}]
    queues:
      - name: Q
        skills: {holding: {id: hold-Q}}
        ewt: {defaultHandleTime: 300s, defaultAgents: 10}
`)
	b := setup(t, s)
	p := b.platform
	var ids []string
	for i := range 4 {
		b.clock.Advance(time.Second)
		ids = append(ids, must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "700" + string(rune('0'+i))}))(t).ID)
	}
	// Only the first is at the front (0 ahead: 30 s <= 30 s lead).
	if got := launchedIDs(t, b); !slices.Equal(got, ids[:1]) {
		t.Fatalf("first round launched %v, want %v", got, ids[:1])
	}
	// Once it is connected and queued it still takes an agent; when answered, the next moves up.
	must(p.OutboundConnected(b.ctx, "T", ids[0]))(t)
	must(p.SendToQueue(b.ctx, "T", ids[0], "SpeakToAgent"))(t)
	if got := launchedIDs(t, b); len(got) != 0 {
		t.Fatalf("launched %v while the first still waits for an agent", got)
	}
	must(p.Remove(b.ctx, "T", ids[0], "Admin Canceled"))(t)
	if got := launchedIDs(t, b); !slices.Equal(got, ids[1:2]) {
		t.Fatalf("second round launched %v, want %v", got, ids[1:2])
	}
	// Rapid Purge launches everything, but only as many as licences allow.
	s.Tenant("T").Queue("Q").Mode = callback.ModeRapidPurge
	if got := launchedIDs(t, b); !slices.Equal(got, ids[2:3]) {
		t.Fatalf("rapid purge launched %v, want %v (2 outbound licences)", got, ids[2:3])
	}
}

func TestModify(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	p := b.platform
	cb := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8000"}))(t)
	mod := func(m callback.ModifyParams) error {
		m.Tenant, m.InteractionID = "VHT", cb.ID
		_, err := p.Modify(b.ctx, m)
		return err
	}
	wantCode(t, mod(callback.ModifyParams{}), status.InvalidAction)
	wantCode(t, mod(callback.ModifyParams{Action: "Reschedule"}), status.InvalidAction)
	wantCode(t, mod(callback.ModifyParams{Action: "AppointmentTime"}), status.AppointmentTimeRequired)
	wantCode(t, mod(callback.ModifyParams{Action: "AppointmentTime", AppointmentTime: callback.Moment{Err: status.Errorf(status.InvalidDateTime, "tomorrow")}}), status.InvalidDateTime)
	wantCode(t, mod(callback.ModifyParams{Action: "AppointmentTime", AppointmentTime: moment(t, "2026-11-26T14:00:00Z")}), status.AppointmentTimeInThePast)
	wantCode(t, mod(callback.ModifyParams{Action: "AppointmentTime", AppointmentTime: moment(t, "2026-12-26T14:00:00Z")}), status.AppointmentTimeAfterAppointmentTimesRange)
	wantCode(t, mod(callback.ModifyParams{Action: "AppointmentTime", AppointmentTime: moment(t, "2026-11-27T14:00:00Z")}), status.RequestCompleted)
	wantCode(t, mod(callback.ModifyParams{Action: "Result", Result: "NOPE"}), status.InvalidResult)
	wantCode(t, mod(callback.ModifyParams{Action: "ClientId"}), status.DataValueRequired)
	wantCode(t, mod(callback.ModifyParams{Action: "clientid", ClientID: "c-1"}), status.RequestCompleted)
	wantCode(t, mod(callback.ModifyParams{Action: "Data", DataValue: "x"}), status.InvalidDataName)
	wantCode(t, mod(callback.ModifyParams{Action: "Data", DataName: "_internal", DataValue: "x"}), status.DataNameUnavailable)
	wantCode(t, mod(callback.ModifyParams{Action: "Data", DataName: "note"}), status.DataValueRequired)
	wantCode(t, mod(callback.ModifyParams{Action: "Data", DataName: "note", DataValue: "VIP"}), status.RequestCompleted)
	got, _, _ := p.Get(b.ctx, "VHT", cb.ID)
	if got.Type != callback.TypeAppointment || got.ClientID != "c-1" || got.UserData.String() != `("note"="VIP")` {
		t.Fatalf("after modifications: %+v", got)
	}
	// Launched: the appointment can no longer move, and a result is the
	// dialler's to report (107018).
	b.clock.Set(time.Date(2026, 11, 27, 13, 59, 40, 0, time.UTC))
	if ids := launchedIDs(t, b); !slices.Equal(ids, []string{cb.ID}) {
		t.Fatalf("scheduled callback not launched at its time minus the lead: %v", ids)
	}
	wantCode(t, mod(callback.ModifyParams{Action: "AppointmentTime", AppointmentTime: moment(t, "2026-11-27T18:00:00Z")}), status.InteractionStatePreventsModifyingAppointmentTime)
	wantCode(t, mod(callback.ModifyParams{Action: "Result", Result: "CANCELLED"}), status.InteractionStatePreventsRequestedAction)
	wantCode(t, mod(callback.ModifyParams{Action: "Result", Result: "SUCCESS"}), status.InteractionStatePreventsRequestedAction)
	// On a pending callback a result ends it, by its type; a second result
	// on the ended callback is 107002 (no longer tracked).
	for _, tc := range []struct {
		code  string
		state callback.State
	}{{"success", callback.StateCompleteCallback}, {"FAILED", callback.StateFailed}, {"Cancelled", callback.StateCancelled}} {
		pending := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8100"}))(t)
		it := must(p.Modify(b.ctx, callback.ModifyParams{Tenant: "VHT", InteractionID: pending.ID, Action: "Result", Result: tc.code}))(t)
		if it.State != tc.state || !strings.EqualFold(it.Result, tc.code) {
			t.Errorf("result %s: %s with result %q, want %s", tc.code, it.State, it.Result, tc.state)
		}
		_, err := p.Modify(b.ctx, callback.ModifyParams{Tenant: "VHT", InteractionID: pending.ID, Action: "Result", Result: "SUCCESS"})
		wantCode(t, err, status.InteractionNotFound)
	}
	noInfos := settingsFrom(t, office)
	b2 := setup(t, noInfos)
	cb2 := must(b2.platform.AddCallback(b2.ctx, callback.AddParams{Tenant: "Office", Segment: "Sales", Contact: "4155552671"}))(t)
	_, err := b2.platform.Modify(b2.ctx, callback.ModifyParams{Tenant: "Office", InteractionID: cb2.ID, Action: "Result", Result: "X"})
	wantCode(t, err, status.InvalidResultConfiguration)
}

func TestUpdateInteractionDataPartialSuccess(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	p := b.platform
	other := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8000"}))(t)
	cb := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8001"}))(t)
	upd := func(kv ...callback.KeyValue) error {
		_, err := p.UpdateInteractionData(b.ctx, "VHT", cb.ID, kv)
		return err
	}
	wantCode(t, upd(), status.DataValueRequired)
	wantCode(t, upd(callback.KeyValue{Key: "Colour", Value: "red"}), status.KeyNotSupportedUpdatingData)
	wantCode(t, upd(callback.KeyValue{Key: "Contact", Value: "8000"}), status.DuplicateContactInQueue)
	wantCode(t, upd(callback.KeyValue{Key: "Contact", Value: "12"}), status.InvalidContact)
	wantCode(t, upd(callback.KeyValue{Key: "AppointmentTime", Value: "soon", At: callback.Moment{Err: status.Errorf(status.InvalidDateTime, "soon")}}), status.InvalidDateTime)
	wantCode(t, upd(callback.KeyValue{Key: "Segment", Value: "Nope"}), status.QueueIDNotFound)
	// One good, one bad: the good one is kept, the bad one's code answers.
	wantCode(t, upd(callback.KeyValue{Key: "ClientId", Value: "c-7"}, callback.KeyValue{Key: "Contact", Value: ""}), status.ContactRequired)
	// Two bad: 109031, and the good one is still kept.
	wantCode(t, upd(callback.KeyValue{Key: "ExternalTrackingId", Value: "ext-9"}, callback.KeyValue{Key: "Contact", Value: "12"}, callback.KeyValue{Key: "Colour", Value: "x"}), status.UpdateInteractionDataFailed)
	got, hist, _ := p.Get(b.ctx, "VHT", cb.ID)
	if got.ClientID != "c-7" || got.ExternalTrackingID != "ext-9" || got.Contact != "8001" {
		t.Fatalf("after partial updates: %+v", got)
	}
	if n := len(hist); n != 3 {
		t.Fatalf("history has %d records, want 3 (add + two partial updates)", n)
	}
	wantCode(t, upd(callback.KeyValue{Key: "AppointmentTime", At: moment(t, "2026-11-27T14:00:00Z")}, callback.KeyValue{Key: "Contact", Value: "8009"}), status.RequestCompleted)
	if got, _, _ := p.Get(b.ctx, "VHT", cb.ID); got.Type != callback.TypeAppointment || got.Contact != "8009" {
		t.Fatalf("after update: %+v", got)
	}
	_, err := p.AssociateExternalTrackingID(b.ctx, "VHT", other.ID, "ext-9")
	wantCode(t, err, status.DuplicateExternalTrackingIDFound)
	_, err = p.AssociateExternalTrackingID(b.ctx, "VHT", other.ID, "")
	wantCode(t, err, status.ExternalTrackingIDMissing)
	must(p.AssociateExternalTrackingID(b.ctx, "VHT", other.ID, "ext-10"))(t)
}

func TestRemove(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	cb := must(b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8000"}))(t)
	_, err := b.platform.Remove(b.ctx, "VHT", cb.ID, "")
	wantCode(t, err, status.ReasonRequired)
	_, err = b.platform.Remove(b.ctx, "VHT", cb.ID, "Bored")
	wantCode(t, err, status.InvalidInteractionReason)
	if it := must(b.platform.Remove(b.ctx, "VHT", cb.ID, "WebCanceled"))(t); it.State != callback.StateCancelled {
		t.Fatalf("removed: %s", it.State)
	}
	// A final interaction is no longer tracked (107002), but stays readable.
	_, err = b.platform.Remove(b.ctx, "VHT", cb.ID, "Admin Canceled")
	wantCode(t, err, status.InteractionNotFound)
	if it, _, err := b.platform.Get(b.ctx, "VHT", cb.ID); err != nil || it.State != callback.StateCancelled {
		t.Fatalf("a removed interaction read by id: %v, %v", it, err)
	}
}

func TestFind(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	p := b.platform
	first := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8000"}))(t)
	second := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8001"}))(t)
	found := must(p.Find(b.ctx, callback.FindParams{Tenant: "VHT", Contact: "8001"}))(t)
	if len(found) != 1 || found[0].ID != second.ID || found[0].RemainingWait != 60*time.Second {
		t.Fatalf("by contact: %+v", found)
	}
	found = must(p.Find(b.ctx, callback.FindParams{Tenant: "VHT", InteractionID: first.ID, Options: []string{"status", "ScriptNumber", "CallId"}}))(t)
	if len(found) != 1 || found[0].RemainingWait != 30*time.Second {
		t.Fatalf("by id: %+v", found)
	}
	wantInfo := []callback.Variable{{Name: "Status", Value: "Pending Callback"}, {Name: "ScriptNumber", Value: "1"}, {Name: "CallId", Value: ""}}
	if !slices.Equal(found[0].Information, wantInfo) {
		t.Fatalf("information %+v, want %+v", found[0].Information, wantInfo)
	}
	// The reference's other spellings; a value not known is ignored.
	found = must(p.Find(b.ctx, callback.FindParams{Tenant: "VHT", InteractionID: first.ID, Options: []string{"Mood", "script", "VOX", "CallID"}}))(t)
	wantInfo = []callback.Variable{{Name: "ScriptNumber", Value: "1"}, {Name: "VoxFile", Value: ""}, {Name: "CallId", Value: ""}}
	if !slices.Equal(found[0].Information, wantInfo) {
		t.Fatalf("information %+v, want %+v", found[0].Information, wantInfo)
	}
	for _, tc := range []struct {
		f    callback.FindParams
		want status.Code
	}{
		{callback.FindParams{Tenant: "VHT"}, status.InvalidSearchParameters},
		{callback.FindParams{Tenant: "VHT", InteractionID: "V1"}, status.InvalidSearchParameters},
		{callback.FindParams{Tenant: "VHT", Contact: "x"}, status.InvalidSearchParameters},
		{callback.FindParams{Tenant: "VHT", Contact: "8000", Segment: "Nope"}, status.InvalidSearchParameters},
		{callback.FindParams{Tenant: "VHT", Contact: "8002"}, status.ContactNotFound},
		{callback.FindParams{Tenant: "VHT", InteractionID: callback.NewID(1, 77, start)}, status.InteractionNotFound},
		{callback.FindParams{Tenant: "Nope", Contact: "8000"}, status.InvalidTenant},
	} {
		_, err := p.Find(b.ctx, tc.f)
		if got := codeOf(err); got != tc.want {
			t.Errorf("%+v: got %v, want %v", tc.f, got, tc.want)
		}
	}
}

func TestSegmentStateAndModes(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	p := b.platform
	st := must(p.SegmentState(b.ctx, "portree", "vht_test", ""))(t)
	if st.Mode != callback.ModeNormal || st.EWT != 30*time.Second || st.Offer != callback.OfferCallback ||
		st.RecommendedDestination != "1000" || st.QueueMode != callback.QueueModePredictive || st.Queue != "VHT_Test" {
		t.Fatalf("demo segment state: %+v", st)
	}
	_, err := p.SegmentState(b.ctx, "Portree", "", "")
	wantCode(t, err, status.InvalidSegment)
	_, err = p.SegmentState(b.ctx, "Portree", "Nope", "")
	wantCode(t, err, status.InvalidSegment)
	_, err = p.SegmentState(b.ctx, "Nope", "VHT_Test", "")
	wantCode(t, err, status.InvalidTenant)
	// Every mode: the offer, and what a callback request gets.
	q := p.Settings().Tenant("Portree").Queue("VHT_Test")
	for i, tc := range []struct {
		mode       callback.Mode
		offer      callback.OfferTreatment
		asap, appt status.Code
		live       status.Code
	}{
		{callback.ModeNormal, callback.OfferCallback, status.RequestCompleted, status.RequestCompleted, status.RequestCompleted},
		{callback.ModeQueueSpeak, callback.OfferEWTOnly, status.RequestRefusedDueToOperationMode, status.RequestRefusedDueToOperationMode, status.RequestCompleted},
		{callback.ModePurge, callback.OfferNone, status.RequestRefusedDueToOperationMode, status.RequestRefusedDueToOperationMode, status.RequestCompleted},
		{callback.ModeRapidPurge, callback.OfferNone, status.RequestRefusedDueToOperationMode, status.RequestRefusedDueToOperationMode, status.RequestCompleted},
		{callback.ModeStandby, callback.OfferNone, status.RequestRefusedDueToOperationMode, status.RequestRefusedDueToOperationMode, status.RequestCompleted},
		{callback.ModeAfterHours, callback.OfferScheduledOnly, status.RequestRefusedDueToOperationMode, status.RequestCompleted, status.RequestCompleted},
		{callback.ModeVirtualQueue, callback.OfferCallback, status.RequestCompleted, status.RequestCompleted, status.RequestCompleted},
		{callback.ModeDateBook, callback.OfferScheduledOnly, status.RequestRefusedDueToOperationMode, status.RequestCompleted, status.RequestCompleted},
		{callback.ModeShutdown, callback.OfferNone, status.RequestRefusedDueToOperationMode, status.RequestRefusedDueToOperationMode, status.RequestRefusedDueToOperationMode},
	} {
		q.Mode = tc.mode
		st := must(p.SegmentState(b.ctx, "Portree", "VHT_Test", ""))(t)
		if st.Mode != tc.mode || st.Offer != tc.offer {
			t.Errorf("%s: mode %s offer %d, want %d", tc.mode, st.Mode, st.Offer, tc.offer)
		}
		_, err := p.AddCallback(b.ctx, callback.AddParams{Tenant: "Portree", Segment: "VHT_Test", Contact: fmt.Sprintf("90%02d", i)})
		if got := codeOf(err); got != tc.asap {
			t.Errorf("%s: ASAP request %v, want %v", tc.mode, got, tc.asap)
		}
		_, err = p.AddCallback(b.ctx, callback.AddParams{Tenant: "Portree", Segment: "VHT_Test", Contact: fmt.Sprintf("91%02d", i), AppointmentTime: start.Add(time.Hour)})
		if got := codeOf(err); got != tc.appt {
			t.Errorf("%s: scheduled request %v, want %v", tc.mode, got, tc.appt)
		}
		_, err = p.CreateInteraction(b.ctx, callback.CreateParams{Tenant: "Portree", Segment: "VHT_Test"})
		if got := codeOf(err); got != tc.live {
			t.Errorf("%s: live call %v, want %v", tc.mode, got, tc.live)
		}
	}
}

func TestNextAppointmentTimes(t *testing.T) {
	t.Parallel()
	s := settingsFrom(t, office)
	s.Tenant("Booked").Queue("Q").Appointments.Capacity = 1
	b := setup(t, s)
	p := b.platform
	// Thursday 10:00 New York; EWT 300 s: the first free slot starts 10:15.
	got := must(p.NextAppointmentTimes(b.ctx, "Booked", "", time.Time{}, 0))(t)
	want := []time.Time{
		time.Date(2026, 11, 26, 15, 15, 0, 0, time.UTC), time.Date(2026, 11, 26, 15, 30, 0, 0, time.UTC),
		time.Date(2026, 11, 26, 15, 45, 0, 0, time.UTC), time.Date(2026, 11, 26, 16, 0, 0, 0, time.UTC),
	}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Fatalf("slots %v, want %v", got, want)
	}
	must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "Booked", Segment: "S", Contact: "4155552671", AppointmentTime: want[0]}))(t)
	_, err := p.AddCallback(b.ctx, callback.AddParams{Tenant: "Booked", Segment: "S", Contact: "4155552672", AppointmentTime: want[0].Add(5 * time.Minute)})
	wantCode(t, err, status.AppointmentTimeFull)
	got = must(p.NextAppointmentTimes(b.ctx, "Booked", "S", time.Time{}, 2))(t)
	if !slices.EqualFunc(got, want[1:3], time.Time.Equal) {
		t.Fatalf("after booking the first: %v", got)
	}
	// From Friday 16:40 local: the last slot of the week starts 16:45.
	got = must(p.NextAppointmentTimes(b.ctx, "Booked", "S", time.Date(2026, 11, 27, 21, 40, 0, 0, time.UTC), 3))(t)
	if !slices.EqualFunc(got, []time.Time{time.Date(2026, 11, 27, 21, 45, 0, 0, time.UTC)}, time.Time.Equal) {
		t.Fatalf("end of week: %v", got)
	}
	// After closing on Friday, Monday is beyond the 2-day horizon: no slot at all.
	_, err = p.NextAppointmentTimes(b.ctx, "Booked", "S", time.Date(2026, 11, 27, 22, 0, 0, 0, time.UTC), 1)
	wantCode(t, err, status.AppointmentSlotsNotFound)
	_, err = p.NextAppointmentTimes(b.ctx, "Office", "", time.Time{}, 1)
	wantCode(t, err, status.QueueIDRequired)
}

// Slot capacity holds under concurrent bookings.
func TestSlotCapacityUnderConcurrency(t *testing.T) {
	t.Parallel()
	s := settingsFrom(t, office)
	s.Tenant("Booked").Queue("Q").Appointments.Capacity = 3
	b := setup(t, s)
	at := time.Date(2026, 11, 27, 14, 30, 0, 0, time.UTC)
	ok := raceAdds(t, b, 12, func(i int) callback.AddParams {
		return callback.AddParams{Tenant: "Booked", Segment: "S", Contact: fmt.Sprintf("41555527%02d", i), AppointmentTime: at}
	}, status.AppointmentTimeFull)
	if ok != 3 {
		t.Fatalf("%d bookings in a slot of 3", ok)
	}
}

func TestQueriesForIntegrators(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	p := b.platform
	segs := must(p.Segments(b.ctx, ""))(t)
	if len(segs) != 3 || segs[0] != (callback.SegmentInfo{Tenant: "VHTLab", Segment: "PTK_VHT_TEST", Queue: "VHT_Test"}) {
		t.Fatalf("segments %+v", segs)
	}
	_, err := p.Segments(b.ctx, "Nope")
	wantCode(t, err, status.InvalidTenant)
	vars := must(p.SegmentVariables(b.ctx, "VHT", "", []string{"MAXATTEMPTS", "NOPE"}))(t)
	if len(vars.Variables) != 2 || vars.Variables[0] != (callback.Variable{Name: "MAXATTEMPTS", Value: "5"}) || vars.Variables[1].Name != "CountryCode" {
		t.Fatalf("filtered variables %+v", vars.Variables)
	}
	_, err = p.SegmentVariables(b.ctx, "VHT", "Nope", nil)
	wantCode(t, err, status.InvalidSegment)
	sys := must(p.SystemVariables(b.ctx, "VHT"))(t)
	if len(sys) == 0 {
		t.Fatal("demo system variables missing")
	}
	names := must(p.Status(b.ctx, ""))(t)
	if len(names) != 3 {
		t.Fatalf("status tenants %v", names)
	}
	_, err = p.Status(b.ctx, "Nope")
	wantCode(t, err, status.TenantsNotFound)
	if n := must(p.ValidateContact(b.ctx, "VHT", "", " 80001 "))(t); n != "80001" {
		t.Fatalf("normalised %q", n)
	}
	_, err = p.ValidateContact(b.ctx, "VHT", "", "")
	wantCode(t, err, status.ContactRequired)
	_, err = p.ValidateContact(b.ctx, "VHT", "VHT_Test", "1")
	wantCode(t, err, status.InvalidContact)
}

// voice is a request for an ASAP callback to number.
func voice(number string) callback.ContactRequest { return callback.ContactRequest{Number: number} }

// moment is an RFC 3339 time as a front hands it to the domain.
func moment(t *testing.T, v string) callback.Moment {
	t.Helper()
	return callback.Moment{At: must(time.Parse(time.RFC3339, v))(t)}
}
