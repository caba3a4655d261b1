package callback_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/payload"
	"github.com/holdline/holdline/internal/status"
)

// integrated is a site with every integration: a dialer that takes pushed
// launches, a webhook for everything, one for the ends of callbacks, and an
// SMS gateway; two attempts at most, so the second is the final one.
const integrated = `
tenants:
  - name: Site
    numbering: {profile: extension}
    licenses: {inbound: 50, nonVoice: 50, outbound: 10, scheduled: true}
    segments: [{name: Main, queue: Main}, {name: Pull, queue: Pull}]
    webhooks:
      - {name: all, url: "http://all.example/h", secret: s1}
      - {name: ends, url: "http://ends.example/h", events: [callback.completed, callback.failed, callback.cancelled, queue.modeChanged]}
    notifications:
      sms: {url: "http://sms.example/m"}
    queues:
      - name: Main
        dialer: {url: "http://dialer.example/l", expiry: 1m}
        ewt: {defaultHandleTime: 300s, defaultAgents: 10}
        retries: {total: 2, wait: 1m}
        skills: {holding: {id: "2000"}, callback: {id: "2001"}}
      - name: Pull
        skills: {holding: {id: hold-Pull}}
        ewt: {defaultHandleTime: 300s, defaultAgents: 10}
  - name: Quiet
    numbering: {profile: extension}
    licenses: {nonVoice: 5, outbound: 5}
    segments: [{name: S, queue: Q}]
    queues: [{name: Q, skills: {holding: {id: hold-Q}}}]
`

// outbox lists every outbox message of tenant.
func outbox(t *testing.T, b *testBundle, tenant string) []callback.OutboxMessage {
	t.Helper()
	ms, err := b.platform.Deliveries(b.ctx, tenant, callback.DeliveryQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// summary renders messages as "destination type" lines, in order.
func summary(ms []callback.OutboxMessage) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Destination + " " + string(m.Type)
	}
	return out
}

func requireSummary(t *testing.T, got []callback.OutboxMessage, want ...string) {
	t.Helper()
	if s := summary(got); !slices.Equal(s, want) {
		t.Fatalf("outbox:\n got  %q\n want %q", s, want)
	}
}

// since returns the messages after the first n.
func since(ms []callback.OutboxMessage, n int) []callback.OutboxMessage { return ms[n:] }

func mustAdd(t *testing.T, b *testBundle, p callback.AddParams) *callback.Interaction {
	t.Helper()
	it, err := b.platform.AddCallback(b.ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestALifecycleWritesItsEventsInOrder(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, integrated))
	issued := b.platform.LaunchesIssued("site")
	written := b.platform.OutboxWritten()
	it := mustAdd(t, b, callback.AddParams{Tenant: "Site", Segment: "Main", Contact: "7001"})
	select {
	case <-written:
	default:
		t.Fatal("a committed registration did not wake the outbox's waiters")
	}
	requireSummary(t, outbox(t, b, "Site"),
		"webhook/all callback.registered", "webhook/all notification.confirmation", "sms notification.confirmation")

	if _, err := b.platform.Tick(b.ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-issued:
	default:
		t.Fatal("a committed launch did not wake the tenant's claims")
	}
	ms := outbox(t, b, "Site")
	requireSummary(t, since(ms, 3), "webhook/all callback.launched", "dialer/Main launch")

	// The pushed launch: the same object a claim answers, keyed by attempt.
	push := ms[4]
	var l payload.Launch
	if err := json.Unmarshal(push.Payload, &l); err != nil {
		t.Fatal(err)
	}
	if push.Key != it.ID+"/1" || l.Key != push.Key || l.Attempt != 1 || l.Contact != "7001" || l.Type != "ASAP" ||
		l.FirstParty != "customer" || l.Segment != "Main" || !l.LeaseExpires.Equal(start.Add(time.Minute)) || !push.ExpiresAt.Equal(l.LeaseExpires) {
		t.Fatalf("pushed launch %+v as %+v", push, l)
	}
	// Leased to the push: no claiming dialer gets it while it is tried.
	if got, err := b.platform.ClaimLaunches(b.ctx, callback.ClaimParams{Tenant: "Site", Max: 10, Lease: callback.DefaultLease}); err != nil || len(got) != 0 {
		t.Fatalf("claim of a pushed launch = %v, %v", got, err)
	}

	for _, step := range []func() error{
		func() error { _, err := b.platform.OutboundConnected(b.ctx, "Site", it.ID); return err },
		func() error { _, err := b.platform.SendToQueue(b.ctx, "Site", it.ID, "SpeakToAgent"); return err },
		func() error {
			_, _, err := b.platform.Queued(b.ctx, callback.QueuedParams{Tenant: "Site", InteractionID: it.ID, SkillID: "2001"})
			return err
		},
		func() error {
			_, _, err := b.platform.Dequeued(b.ctx, callback.DequeuedParams{Tenant: "Site", InteractionID: it.ID, Reason: "AgentAnswered"})
			return err
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	ms = outbox(t, b, "Site")
	requireSummary(t, since(ms, 5), "webhook/all callback.connected", "webhook/all callback.completed", "webhook/ends callback.completed")

	// The payload: the envelope, the callback and the change, per webhook.
	var env struct {
		payload.Envelope
		Data payload.CallbackEvent `json:"data"`
	}
	if err := json.Unmarshal(ms[7].Payload, &env); err != nil {
		t.Fatal(err)
	}
	if env.ID != ms[7].Key || env.Type != callback.EventCompleted || env.Tenant != "Site" || env.Webhook != "ends" ||
		env.Data.Callback.ID != it.ID || env.Data.Callback.State != callback.StateCompleteCallback || env.Data.Callback.Type != "ASAP" ||
		env.Data.Change.From != callback.StateQueuedCallback || env.Data.Change.Event != callback.EvAnswered ||
		env.Data.Change.Method != "Test" || env.Data.Change.RequestID != "req-1" || env.Data.Change.Seq == 0 {
		t.Fatalf("completed event: %s", ms[7].Payload)
	}
	if ms[6].Key != ms[7].Key || ms[6].Destination == ms[7].Destination {
		t.Fatalf("one event, two webhooks: keys %s %s", ms[6].Key, ms[7].Key)
	}
	// A tenant without integrations writes nothing.
	mustAdd(t, b, callback.AddParams{Tenant: "Quiet", Segment: "S", Contact: "12345"})
	if got := outbox(t, b, "Quiet"); len(got) != 0 {
		t.Fatalf("quiet tenant's outbox: %q", summary(got))
	}
}

func TestDeliveringAPushedLaunchAcknowledgesIt(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, integrated))
	it := mustAdd(t, b, callback.AddParams{Tenant: "Site", Segment: "Main", Contact: "7001"})
	if _, err := b.platform.Tick(b.ctx); err != nil {
		t.Fatal(err)
	}
	claimed, err := b.platform.ClaimOutbox(b.ctx, callback.OutboxClaim{Max: 100, Owner: "w"})
	if err != nil {
		t.Fatal(err)
	}
	// The confirmations came due after the launch: "only while pending",
	// so the claim cancelled them.
	requireSummary(t, claimed, "webhook/all callback.registered", "webhook/all callback.launched", "dialer/Main launch")
	for i := range claimed {
		if err := b.platform.OutboxDelivered(b.ctx, &claimed[i]); err != nil {
			t.Fatal(err)
		}
	}
	l, err := b.platform.Launch(b.ctx, it.ID+"/1")
	if err != nil {
		t.Fatal(err)
	}
	if l.AckedAt.IsZero() || l.LeaseOwner != callback.PushLeaseOwner {
		t.Fatalf("launch after its push was delivered: %+v", l)
	}
	for _, m := range outbox(t, b, "Site") {
		want := callback.OutboxDelivered
		if m.Type == callback.NotificationConfirmation {
			want = callback.OutboxCancelled
		}
		if m.State != want {
			t.Errorf("%s %s is %s, want %s", m.Destination, m.Type, m.State, want)
		}
	}
}

func TestAnExpiredPushFallsBackToClaimingDialers(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, integrated))
	it := mustAdd(t, b, callback.AddParams{Tenant: "Site", Segment: "Main", Contact: "7001"})
	if _, err := b.platform.Tick(b.ctx); err != nil {
		t.Fatal(err)
	}
	push := outbox(t, b, "Site")[4]
	claimed, err := b.platform.ClaimOutbox(b.ctx, callback.OutboxClaim{Max: 100})
	if err != nil {
		t.Fatal(err)
	}
	for i := range claimed {
		if claimed[i].ID == push.ID {
			if err := b.platform.OutboxExpire(b.ctx, &claimed[i], "HTTP 503"); err != nil {
				t.Fatal(err)
			}
		}
	}
	b.clock.Advance(time.Minute) // the push's expiry, also its launch's lease
	got, err := b.platform.ClaimLaunches(b.ctx, callback.ClaimParams{Tenant: "Site", Max: 10, Owner: "d", Lease: callback.DefaultLease})
	if err != nil || len(got) != 1 || got[0].Key != it.ID+"/1" {
		t.Fatalf("claim after the push expired = %+v, %v", got, err)
	}
}

func TestAClaimCancelsWhatIsNoLongerWanted(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, integrated))
	// Booked an hour ahead: a reminder 15 minutes before, due later.
	appt := start.Add(time.Hour)
	booked := mustAdd(t, b, callback.AddParams{Tenant: "Site", Segment: "Pull", Contact: "7002", AppointmentTime: appt})
	// Booked ten minutes ahead: too soon for a reminder.
	mustAdd(t, b, callback.AddParams{Tenant: "Site", Segment: "Pull", Contact: "7003", AppointmentTime: start.Add(10 * time.Minute)})
	var reminders []callback.OutboxMessage
	for _, m := range outbox(t, b, "Site") {
		if m.Type == callback.NotificationReminder {
			reminders = append(reminders, m)
		}
	}
	if len(reminders) != 2 || reminders[0].InteractionID != booked.ID || !reminders[0].NextAt.Equal(appt.Add(-15*time.Minute)) ||
		!reminders[0].ExpiresAt.Equal(appt) {
		t.Fatalf("reminders: %+v", reminders)
	}
	// Moved by 30 minutes: rescheduled, and a new reminder; the old one is
	// cancelled when it comes due.
	moved := appt.Add(30 * time.Minute)
	if _, err := b.platform.Modify(b.ctx, callback.ModifyParams{Tenant: "Site", InteractionID: booked.ID, Action: "AppointmentTime",
		AppointmentTime: callback.Moment{At: moved}}); err != nil {
		t.Fatal(err)
	}
	all := outbox(t, b, "Site")
	requireSummary(t, since(all, len(all)-3), "webhook/all callback.rescheduled", "webhook/all notification.reminder", "sms notification.reminder")
	var ev struct {
		Data payload.CallbackEvent `json:"data"`
	}
	if err := json.Unmarshal(all[len(all)-3].Payload, &ev); err != nil || ev.Data.Cause != "appointment" ||
		ev.Data.PreviousAppointmentTime == nil || !ev.Data.PreviousAppointmentTime.Equal(appt) {
		t.Fatalf("rescheduled: %s", all[len(all)-3].Payload)
	}
	// Deliver what is due now.
	due, err := b.platform.ClaimOutbox(b.ctx, callback.OutboxClaim{Max: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for i := range due {
		if err := b.platform.OutboxDelivered(b.ctx, &due[i]); err != nil {
			t.Fatal(err)
		}
	}
	b.clock.Set(appt.Add(-15 * time.Minute))
	got, err := b.platform.ClaimOutbox(b.ctx, callback.OutboxClaim{Max: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Fatalf("at the old reminder's time, claimed %q: the old reminder is obsolete", summary(got))
	}
	// Cancelled before the new reminder: it is dropped too.
	if _, err := b.platform.Cancel(b.ctx, "Site", booked.ID, "Caller"); err != nil {
		t.Fatal(err)
	}
	b.clock.Set(moved.Add(-15 * time.Minute))
	got, err = b.platform.ClaimOutbox(b.ctx, callback.OutboxClaim{Max: 1000})
	if err != nil {
		t.Fatal(err)
	}
	requireSummary(t, got, "webhook/all callback.cancelled", "webhook/ends callback.cancelled")
	cancelled := 0
	for _, m := range outbox(t, b, "Site") {
		if m.State == callback.OutboxCancelled {
			cancelled++
			if m.Type != callback.NotificationReminder || m.LastError == "" {
				t.Errorf("cancelled %s %s", m.Destination, m.Type)
			}
		}
	}
	if cancelled != 4 {
		t.Fatalf("%d reminders cancelled, want 4 (two times, two destinations)", cancelled)
	}
}

func TestARetryIsRescheduledAndTheLastAttemptAnnounced(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, integrated))
	it := mustAdd(t, b, callback.AddParams{Tenant: "Site", Segment: "Main", Contact: "7001"})
	if _, err := b.platform.Tick(b.ctx); err != nil {
		t.Fatal(err)
	}
	n := len(outbox(t, b, "Site"))
	if _, err := b.platform.OutboundAttemptFailed(b.ctx, "Site", it.ID, "Busy"); err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(time.Minute)
	if _, err := b.platform.Tick(b.ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.platform.OutboundAttemptFailed(b.ctx, "Site", it.ID, "NoAnswer"); err != nil {
		t.Fatal(err)
	}
	ms := outbox(t, b, "Site")
	requireSummary(t, since(ms, n),
		"webhook/all callback.rescheduled",
		"webhook/all callback.launched", "dialer/Main launch",
		"webhook/all notification.finalAttempt", "sms notification.finalAttempt",
		"webhook/all callback.failed", "webhook/ends callback.failed")
	var failed struct {
		Data payload.CallbackEvent `json:"data"`
	}
	if err := json.Unmarshal(ms[len(ms)-1].Payload, &failed); err != nil {
		t.Fatal(err)
	}
	if failed.Data.Result != callback.ResultMaxTotalAttempts || failed.Data.Attempt != 2 || failed.Data.Change.Reason != "NoAnswer" {
		t.Fatalf("failed: %s", ms[len(ms)-1].Payload)
	}
	if ms[n+2].Key != it.ID+"/2" || ms[n+3].Key != it.ID+"/2/finalAttempt" {
		t.Fatalf("keys %s %s", ms[n+2].Key, ms[n+3].Key)
	}
	// The final-attempt notice of an attempt that is over is not sent.
	got, err := b.platform.ClaimOutbox(b.ctx, callback.OutboxClaim{Max: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range got {
		if m.Type == callback.NotificationFinalAttempt || m.Type == callback.TypeLaunch {
			t.Errorf("claimed %s %s for an attempt that is over", m.Destination, m.Type)
		}
	}
}

func TestModeChangesAreAnnounced(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, integrated))
	if _, err := b.platform.SetMode(b.ctx, "Site", "Main", "Purge", time.Time{}, "jane"); err != nil {
		t.Fatal(err)
	}
	// Setting the same mode again changes nothing.
	if _, err := b.platform.SetMode(b.ctx, "Site", "Main", "Purge", time.Time{}, "jane"); err != nil {
		t.Fatal(err)
	}
	// The tick sees no change either.
	if _, err := b.platform.Tick(b.ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.platform.ClearMode(b.ctx, "Site", "Main", "jane"); err != nil {
		t.Fatal(err)
	}
	ms := outbox(t, b, "Site")
	requireSummary(t, ms, "webhook/all queue.modeChanged", "webhook/ends queue.modeChanged", "webhook/all queue.modeChanged", "webhook/ends queue.modeChanged")
	var first, second struct {
		Data payload.ModeEvent `json:"data"`
	}
	if json.Unmarshal(ms[0].Payload, &first) != nil || json.Unmarshal(ms[2].Payload, &second) != nil {
		t.Fatal("payloads")
	}
	if first.Data != (payload.ModeEvent{Queue: "Main", Mode: callback.ModePurge, ModeStatus: "Manual", PreviousMode: callback.ModeNormal, By: "jane"}) ||
		second.Data != (payload.ModeEvent{Queue: "Main", Mode: callback.ModeNormal, PreviousMode: callback.ModePurge, PreviousModeStatus: "Manual", By: "jane"}) {
		t.Fatalf("mode events: %+v, %+v", first.Data, second.Data)
	}
	// A manual mode that ends by itself is announced by the tick.
	if _, err := b.platform.SetMode(b.ctx, "Site", "Pull", "Standby", start.Add(time.Hour), "jane"); err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(time.Hour)
	if _, err := b.platform.Tick(b.ctx); err != nil {
		t.Fatal(err)
	}
	ms = outbox(t, b, "Site")
	requireSummary(t, since(ms, 4), "webhook/all queue.modeChanged", "webhook/ends queue.modeChanged", "webhook/all queue.modeChanged", "webhook/ends queue.modeChanged")
	var ended struct {
		Data payload.ModeEvent `json:"data"`
	}
	if json.Unmarshal(ms[6].Payload, &ended) != nil || ended.Data.Mode != callback.ModeNormal || ended.Data.PreviousMode != callback.ModeStandby || ended.Data.By != "" {
		t.Fatalf("end of a manual mode: %s", ms[6].Payload)
	}
}

// failingOutbox is a store whose OutboxInsert fails.
type failingOutbox struct{ callback.Store }

type failingTx struct{ callback.Tx }

func (f failingOutbox) InTx(ctx context.Context, fn func(tx callback.Tx) error) error {
	return f.Store.InTx(ctx, func(tx callback.Tx) error { return fn(failingTx{tx}) })
}

var errDiskFull = errors.New("disk full")

func (failingTx) OutboxInsert(context.Context, *callback.OutboxMessage) error { return errDiskFull }

// An event is written in the transaction of its change: when it cannot be
// written, the change is not made either.
func TestAnEventIsPartOfItsChange(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, integrated))
	p, err := callback.New(callback.Deps{Store: failingOutbox{b.store}, Clock: b.clock, Settings: b.platform.Settings(), Node: 7,
		Encoder: payload.Encoder{}})
	if err != nil {
		t.Fatal(err)
	}
	failing := p.Lifecycle
	_, err = failing.AddCallback(b.ctx, callback.AddParams{Tenant: "Site", Segment: "Main", Contact: "7001"})
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("add with a failing outbox: %v", err)
	}
	found, err := b.platform.Find(b.ctx, callback.FindParams{Tenant: "Site", Contact: "7001"})
	if status.Of(err) != status.ContactNotFound && (err != nil || len(found) != 0) {
		t.Fatalf("the callback was stored without its event: %v, %v", found, err)
	}
	if got := outbox(t, b, "Site"); len(got) != 0 {
		t.Fatalf("outbox: %q", summary(got))
	}
	// The tenant without subscribers does not touch the outbox.
	if _, err := failing.AddCallback(b.ctx, callback.AddParams{Tenant: "Quiet", Segment: "S", Contact: "12345"}); err != nil {
		t.Fatal(err)
	}
}

// The domain spells no wire format: a platform built without an encoder
// (internal/payload's) is refused with a message that says so.
func TestAPlatformNeedsAnEncoder(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	p, err := callback.New(callback.Deps{Store: b.store, Clock: b.clock, Settings: b.settings, Node: 1})
	if p != nil || err == nil || !strings.Contains(err.Error(), "encoder is required") {
		t.Fatalf("New without an encoder = %v, %v", p, err)
	}
}

func TestDeliveriesRefuseAnUnknownState(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, integrated))
	_, err := b.platform.Deliveries(b.ctx, "Site", callback.DeliveryQuery{States: []callback.OutboxState{"lost"}})
	if status.Of(err) != status.InvalidSearchParameters || !strings.Contains(err.Error(), "pending") {
		t.Fatalf("err %v", err)
	}
	if _, err := b.platform.Deliveries(b.ctx, "Nowhere", callback.DeliveryQuery{}); status.Of(err) != status.InvalidTenant {
		t.Fatalf("unknown tenant: %v", err)
	}
}

// UpdateInteractionData changes the interaction before its transition: a
// moved appointment is still seen as one.
func TestUpdateInteractionDataMovingTheAppointmentReschedules(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, integrated))
	it := mustAdd(t, b, callback.AddParams{Tenant: "Site", Segment: "Pull", Contact: "7002", AppointmentTime: start.Add(time.Hour)})
	n := len(outbox(t, b, "Site"))
	moved := start.Add(2 * time.Hour)
	if _, err := b.platform.UpdateInteractionData(b.ctx, "Site", it.ID, []callback.KeyValue{{Key: "AppointmentTime", At: callback.Moment{At: moved}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.platform.UpdateInteractionData(b.ctx, "Site", it.ID, []callback.KeyValue{{Key: "ClientId", Value: "c-1"}}); err != nil {
		t.Fatal(err)
	}
	requireSummary(t, since(outbox(t, b, "Site"), n), "webhook/all callback.rescheduled", "webhook/all notification.reminder", "sms notification.reminder")
}
