package callback_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/platformtest"
	"github.com/holdline/holdline/internal/status"
)

// restartable is a platform whose process can be "restarted": a new
// Platform on the same data and clock.
type restartable struct {
	*testBundle
	bundle *platformtest.Bundle
}

func setupRestartable(t *testing.T, settings *callback.Settings) *restartable {
	t.Helper()
	b := platformtest.New(t, platformtest.Options{Settings: settings, Start: start, Node: 7})
	r := &restartable{bundle: b, testBundle: &testBundle{ctx: callback.WithOrigin(context.Background(), callback.Origin{Method: "Test"}),
		clock: b.Clock, platform: b.All, settings: b.Settings(), store: b.Store}}
	return r
}

func (r *restartable) restart(t *testing.T) {
	t.Helper()
	r.bundle.Restart(t)
	r.platform, r.store = r.bundle.All, r.bundle.Store
}

const weekly = `
tenants:
  - name: T
    timeZone: America/New_York
    numbering: {profile: extension}
    licenses: {inbound: 2, nonVoice: 5, outbound: 5, scheduled: true, minimumThreshold: 2, bandwidthLimit: 4, bandwidthPeriod: 15m}
    segments: [{name: S, queue: Q}]
    queues:
      - name: Q
        skills: {holding: {id: hold-Q}}
        mode: Normal
        holidayMode: DateBook
        modeSchedule:
          - {day: tue, at: "08:00", mode: Normal}
          - {day: thu, at: "08:00", mode: Normal}
          - {day: thu, at: "17:00", mode: AfterHours}
        holidays: {calendar: us}
        businessHours: {mon: ["08:00-17:00"], tue: ["08:00-17:00"], wed: ["08:00-17:00"], thu: ["08:00-17:00"], fri: ["08:00-17:00"]}
        smartPurge: {enabled: true, drainMargin: 5m}
        ewt: {defaultHandleTime: 300s, defaultAgents: 1}
`

func modeOf(t *testing.T, b *testBundle, tenant, queue string) (callback.Mode, string) {
	t.Helper()
	m := must(b.platform.ModeOf(b.ctx, tenant, queue))(t)
	return m.Mode, m.ModeStatus
}

func TestModeSchedulesHolidaysManualAndSmartPurge(t *testing.T) {
	t.Parallel()
	r := setupRestartable(t, settingsFrom(t, weekly))
	ny, _ := time.LoadLocation("America/New_York")
	at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, ny) }
	cases := []struct {
		name   string
		now    time.Time
		mode   callback.Mode
		status string
	}{
		{"thursday morning: scheduled Normal", at(3, 9, 0), callback.ModeNormal, callback.ModeStatusScheduled},
		{"thursday evening: scheduled AfterHours", at(3, 18, 0), callback.ModeAfterHours, callback.ModeStatusScheduled},
		{"friday: still the last change, AfterHours", at(4, 10, 0), callback.ModeAfterHours, callback.ModeStatusScheduled},
		{"christmas: the holiday mode", at(25, 10, 0), callback.ModeDateBook, callback.ModeStatusHoliday},
	}
	for _, tc := range cases {
		r.clock.Set(tc.now.UTC())
		if m, s := modeOf(t, r.testBundle, "T", "Q"); m != tc.mode || s != tc.status {
			t.Errorf("%s: %s/%q, want %s/%q", tc.name, m, s, tc.mode, tc.status)
		}
	}
	// A manual mode holds, across a restart, until the next scheduled change.
	r.clock.Set(at(31, 9, 0).UTC()) // Thursday 31 December, 09:00: Normal since 08:00
	must(r.platform.SetMode(r.ctx, "t", "q", "purge", time.Time{}, "supervisor"))(t)
	if m, s := modeOf(t, r.testBundle, "T", "Q"); m != callback.ModePurge || s != callback.ModeStatusManual {
		t.Fatalf("after SetMode: %s/%s", m, s)
	}
	r.restart(t)
	if m, s := modeOf(t, r.testBundle, "T", "Q"); m != callback.ModePurge || s != callback.ModeStatusManual {
		t.Fatalf("after a restart: %s/%s", m, s)
	}
	_, err := r.platform.AddCallback(r.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8000"})
	wantCode(t, err, status.RequestRefusedDueToOperationMode)
	r.clock.Set(at(31, 17, 1).UTC())
	if m, s := modeOf(t, r.testBundle, "T", "Q"); m != callback.ModeAfterHours || s != callback.ModeStatusScheduled {
		t.Fatalf("the 17:00 change ends the manual mode: %s/%s", m, s)
	}
	// A manual mode with an end, then cleared by hand.
	must(r.platform.SetMode(r.ctx, "T", "Q", "Standby", at(31, 18, 0), "supervisor"))(t)
	r.clock.Set(at(31, 18, 0).UTC())
	if m, _ := modeOf(t, r.testBundle, "T", "Q"); m != callback.ModeAfterHours {
		t.Fatalf("an expired manual mode still applies: %s", m)
	}
	must(r.platform.SetMode(r.ctx, "T", "Q", "Shutdown", time.Time{}, "supervisor"))(t)
	must(r.platform.ClearMode(r.ctx, "T", "Q", "supervisor"))(t)
	if m, _ := modeOf(t, r.testBundle, "T", "Q"); m != callback.ModeAfterHours {
		t.Fatalf("after ClearMode: %s", m)
	}
	_, err = r.platform.SetMode(r.ctx, "T", "Q", "Lunch", time.Time{}, "")
	wantCode(t, err, status.InvalidOperationModeReturned)
	_, err = r.platform.SetMode(r.ctx, "T", "Nope", "Normal", time.Time{}, "")
	wantCode(t, err, status.QueueIDNotFound)

	// Smart Purge: Tuesday 5 January 2027, closing 17:00, EWT 300 s with
	// nobody waiting, margin 5 min: Purge from 16:50 on.
	r.clock.Set(time.Date(2027, 1, 5, 16, 49, 0, 0, ny).UTC())
	if m, _ := modeOf(t, r.testBundle, "T", "Q"); m != callback.ModeNormal {
		t.Fatalf("16:49: %s", m)
	}
	r.clock.Set(time.Date(2027, 1, 5, 16, 50, 0, 0, ny).UTC())
	if m, s := modeOf(t, r.testBundle, "T", "Q"); m != callback.ModePurge || s != callback.ModeStatusSmartPurge {
		t.Fatalf("16:50: %s/%s, want Smart Purge", m, s)
	}
	st := must(r.platform.SegmentState(r.ctx, "T", "S", ""))(t)
	if st.Mode != callback.ModePurge || st.ModeStatus != callback.ModeStatusSmartPurge || st.Offer != callback.OfferNone {
		t.Fatalf("segment state during Smart Purge: %+v", st)
	}
}

func TestLicencesAreCountedLive(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, weekly))
	// Tuesday 10:00 New York, Normal (no change scheduled on Tuesdays).
	b.clock.Set(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
	voice := func() (*callback.Interaction, error) {
		return b.platform.CreateInteraction(b.ctx, callback.CreateParams{Tenant: "T", Segment: "S", SourceApplication: "VXML Interaction Server"})
	}
	first := must(voice())(t)
	must(voice())(t)
	_, err := voice()
	wantCode(t, err, status.LicenseUnavailable)
	// Two inbound licences in use, the minimum threshold is 2: no offer to voice callers.
	st := must(b.platform.SegmentState(b.ctx, "T", "S", "VXML Interaction Server"))(t)
	if st.Offer != callback.OfferNone {
		t.Fatalf("offer with no inbound licence free: %d", st.Offer)
	}
	// Converting the first caller to a callback releases its licence.
	must(b.platform.RequestContact(b.ctx, "T", first.ID, callback.ContactRequest{Number: "8000"}))(t)
	must(voice())(t)
	// Bandwidth: 4 new interactions per 15 minutes in the inbound group (3 so far).
	b.clock.Advance(time.Minute)
	_, err = b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8001", SourceApplication: "VXML Interaction Server"})
	wantCode(t, err, status.LicenseUnavailable) // both inbound licences held again
	must(b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8002", SourceApplication: "Web"}))(t)
	for i := range 3 {
		must(b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "810" + string(rune('0'+i)), SourceApplication: "Web"}))(t)
	}
	_, err = b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8200", SourceApplication: "Web"})
	wantCode(t, err, status.BandwidthExceeded)
	b.clock.Advance(15*time.Minute + time.Second)
	must(b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8200", SourceApplication: "Web"}))(t)
}

func TestLaunchQueueClaimAckAndLease(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	p := b.platform
	cb := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8000"}))(t)
	launchedIDs(t, b)
	orders := must(p.ClaimLaunches(b.ctx, callback.ClaimParams{Tenant: "VHT", Max: 10, Owner: "dialer-1", Lease: 20 * time.Second}))(t)
	if len(orders) != 1 || orders[0].Key != cb.ID+"/1" || orders[0].Contact != "8000" || orders[0].FirstParty != "customer" || orders[0].Deliveries != 1 {
		t.Fatalf("claimed %+v", orders)
	}
	if again := must(p.ClaimLaunches(b.ctx, callback.ClaimParams{Tenant: "VHT", Max: 10, Owner: "dialer-2", Lease: callback.DefaultLease}))(t); len(again) != 0 {
		t.Fatalf("a leased launch was claimed twice: %+v", again)
	}
	// The lease expires unacknowledged: the launch is offered again.
	b.clock.Advance(21 * time.Second)
	again := must(p.ClaimLaunches(b.ctx, callback.ClaimParams{Tenant: "VHT", Max: 10, Owner: "dialer-2", Lease: callback.DefaultLease}))(t)
	if len(again) != 1 || again[0].Key != orders[0].Key || again[0].Deliveries != 2 {
		t.Fatalf("after the lease: %+v", again)
	}
	must(p.AckLaunch(b.ctx, "VHT", again[0].Key))(t)
	must(p.AckLaunch(b.ctx, "VHT", again[0].Key))(t) // idempotent
	_, err := p.AckLaunch(b.ctx, "Portree", again[0].Key)
	wantCode(t, err, status.InteractionNotFound)
	b.clock.Advance(time.Minute)
	if left := must(p.ClaimLaunches(b.ctx, callback.ClaimParams{Tenant: "VHT", Max: 10, Lease: callback.DefaultLease}))(t); len(left) != 0 {
		t.Fatalf("an acknowledged launch came back: %+v", left)
	}
	// A launch whose attempt timed out is superseded: the new attempt has a new key.
	launchedIDs(t, b) // expires attempt 1 (no outcome in 60 s), retry waits 5 min
	b.clock.Advance(5 * time.Minute)
	launchedIDs(t, b)
	next := must(p.ClaimLaunches(b.ctx, callback.ClaimParams{Tenant: "VHT", Max: 1, Lease: callback.DefaultLease}))(t)
	if len(next) != 1 || next[0].Key != cb.ID+"/2" {
		t.Fatalf("second attempt: %+v", next)
	}
}

func TestAgentPriorityLaunchesOnAvailableAgents(t *testing.T) {
	t.Parallel()
	s := settingsFrom(t, `
tenants:
  - name: T
    numbering: {profile: extension}
    licenses: {inbound: 5, nonVoice: 5, outbound: 5}
    segments: [{name: S, queue: Q}]
    queues: [{name: Q, queueMode: AgentPriority, skills: {holding: {id: hold-Q}}}]
`)
	b := setup(t, s)
	p := b.platform
	var ids []string
	for i := range 3 {
		b.clock.Advance(time.Second)
		ids = append(ids, must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "800" + string(rune('0'+i))}))(t).ID)
	}
	if got := launchedIDs(t, b); len(got) != 0 {
		t.Fatalf("launched %v with no agent reported", got)
	}
	if err := p.Staffing(b.ctx, "T", "Q", 5, 2); err != nil {
		t.Fatal(err)
	}
	if got := launchedIDs(t, b); !slices.Equal(got, ids[:2]) {
		t.Fatalf("launched %v, want the first two in order", got)
	}
	// The two agents are reserved by launches in progress: nothing more.
	if got := launchedIDs(t, b); len(got) != 0 {
		t.Fatalf("launched %v beyond the available agents", got)
	}
	orders := must(p.ClaimLaunches(b.ctx, callback.ClaimParams{Tenant: "T", Max: 5, Lease: callback.DefaultLease}))(t)
	if len(orders) != 2 || orders[0].FirstParty != "agent" {
		t.Fatalf("orders %+v", orders)
	}
}

func TestDoNotCallWindowInTheCustomersTime(t *testing.T) {
	t.Parallel()
	s := settingsFrom(t, `
tenants:
  - name: T
    timeZone: America/New_York
    licenses: {inbound: 5, nonVoice: 5, outbound: 5}
    numbering: {allowInternational: true}
    segments: [{name: S, queue: Q, countryCode: "1"}]
    queues:
      - name: Q
        skills: {holding: {id: hold-Q}}
        ewt: {defaultHandleTime: 30s}
        launch: {doNotCall: {from: "21:00", to: "08:00"}}
`)
	b := setup(t, s)
	// 02:00 UTC: 21:00 in New York (do not call), 18:00 in Los Angeles (fine).
	b.clock.Set(time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC))
	ny := must(b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "+1 212 555 0100"}))(t)
	la := must(b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "+1 415 555 2671"}))(t)
	if got := launchedIDs(t, b); !slices.Equal(got, []string{la.ID}) {
		t.Fatalf("launched %v, want only the Los Angeles customer", got)
	}
	b.clock.Set(time.Date(2026, 12, 2, 13, 0, 0, 0, time.UTC)) // 08:00 in New York
	if got := launchedIDs(t, b); !slices.Equal(got, []string{ny.ID}) {
		t.Fatalf("launched %v at 08:00 New York, want %s", got, ny.ID)
	}
}

// The EWT learns from answers, and a restart rebuilds what it learned.
func TestEWTIsMeasuredAndRebuiltAfterARestart(t *testing.T) {
	t.Parallel()
	r := setupRestartable(t, settingsFrom(t, `
tenants:
  - name: T
    numbering: {profile: extension}
    licenses: {inbound: 500, nonVoice: 500, outbound: 5}
    segments: [{name: S, queue: Q}]
    queues:
      - name: Q
        turnOnThreshold: 0s
        ewt: {defaultHandleTime: 300s, defaultAgents: 1, minAnswers: 30}
        skills: {holding: {id: "1"}, callback: {id: "2"}}
`))
	p := r.platform
	seed := must(p.SegmentState(r.ctx, "T", "S", ""))(t)
	if seed.EWT != 300*time.Second {
		t.Fatalf("seeded EWT %s, want 300s", seed.EWT)
	}
	// Forty callers wait; the agents answer one every 10 s.
	var ids []string
	for i := range 40 {
		it := must(p.CreateInteraction(r.ctx, callback.CreateParams{Tenant: "T", Segment: "S", ExternalTrackingID: "c" + string(rune('A'+i))}))(t)
		must(p.SendToQueue(r.ctx, "T", it.ID, "ChoseHold"))(t)
		ids = append(ids, it.ID)
	}
	for _, id := range ids[:35] {
		r.clock.Advance(10 * time.Second)
		if _, _, err := p.Dequeued(r.ctx, callback.DequeuedParams{Tenant: "T", InteractionID: id, Reason: "AgentAnswered"}); err != nil {
			t.Fatal(err)
		}
	}
	measured := must(p.QueueStatusOf(r.ctx, "T", "Q"))(t)
	// Five still wait: a sixth caller waits about 6 × 10 s.
	if measured.Seeded || measured.LiveCallers != 5 || measured.EWT < 50*time.Second || measured.EWT > 70*time.Second {
		t.Fatalf("measured: %+v", measured)
	}
	r.restart(t)
	after := must(r.platform.QueueStatusOf(r.ctx, "T", "Q"))(t)
	if after.Seeded || after.LiveCallers != 5 || after.EWT != measured.EWT {
		t.Fatalf("after a restart: EWT %s seeded %v live %d, want %s as before", after.EWT, after.Seeded, after.LiveCallers, measured.EWT)
	}
}
