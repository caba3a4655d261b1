package callback_test

import (
	"slices"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/userdata"
)

// Rules of behaviour.md §3–§12 that the lifecycle and Queue Manager tests do
// not cover on their own.

// A slot is aligned to midnight, so when its length does not divide a day
// the day's last slot is cut short there: the next day's first bookings are
// in the next day's first slot, not in it (§8).
func TestAppointmentSlotsEndAtMidnight(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		slot     string
		early    time.Time // booked first, just after midnight
		last     time.Time // the previous day's last slot start
		nextFree time.Time // GetNextAvailableAppointmentTimes from last lists last, then this
	}{
		{"25-minute slots", "25m", at(27, 0, 5), at(26, 23, 45), at(27, 0, 25)},
		{"7-minute slots", "7m", at(27, 0, 1), at(26, 23, 55), at(27, 0, 7)},
		{"35-minute slots", "35m", at(27, 0, 20), at(26, 23, 55), at(27, 0, 35)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, settingsFrom(t, `
tenants:
  - name: T
    numbering: {profile: extension}
    licenses: {inbound: 10, nonVoice: 10, outbound: 1, scheduled: true}
    segments: [{name: S, queue: Q}]
    queues: [{name: Q, appointments: {slotLength: `+tc.slot+`, capacity: 1}, skills: {holding: {id: hold-Q}}}]
`))
			p := b.platform
			must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8000", AppointmentTime: tc.early}))(t)
			free := must(p.NextAppointmentTimes(b.ctx, "T", "S", tc.last, 2))(t)
			if !slices.EqualFunc(free, []time.Time{tc.last, tc.nextFree}, time.Time.Equal) {
				t.Fatalf("free slots from %s: %v, want %s and %s", tc.last, free, tc.last, tc.nextFree)
			}
			must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8001", AppointmentTime: tc.last}))(t)
			_, err := p.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8002", AppointmentTime: tc.last.Add(time.Minute)})
			wantCode(t, err, status.AppointmentTimeFull)
		})
	}
}

// at is a time on a day of November 2026, UTC.
func at(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, time.UTC)
}

// Smart Purge empties the virtual queue before closing and stays on until
// the next open brings the scheduled mode back (§3): callbacks asked for
// after closing are refused too.
func TestSmartPurgeLastsUntilTheNextOpen(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, weekly))
	ny, _ := time.LoadLocation("America/New_York")
	// Tuesday 5 and Wednesday 6 January 2027: open 08:00-17:00, EWT 300 s, margin 5 min.
	local := func(day, hour, minute int) time.Time { return time.Date(2027, 1, day, hour, minute, 0, 0, ny).UTC() }
	cases := []struct {
		name   string
		now    time.Time
		mode   callback.Mode
		status string
		asap   status.Code
	}{
		{"tuesday 16:49, Normal", local(5, 16, 49), callback.ModeNormal, callback.ModeStatusScheduled, status.RequestCompleted},
		{"tuesday 16:50, purging before the close", local(5, 16, 50), callback.ModePurge, callback.ModeStatusSmartPurge, status.RequestRefusedDueToOperationMode},
		{"tuesday 17:00, closed", local(5, 17, 0), callback.ModePurge, callback.ModeStatusSmartPurge, status.RequestRefusedDueToOperationMode},
		{"tuesday 23:30, closed", local(5, 23, 30), callback.ModePurge, callback.ModeStatusSmartPurge, status.RequestRefusedDueToOperationMode},
		{"wednesday 07:59, closed", local(6, 7, 59), callback.ModePurge, callback.ModeStatusSmartPurge, status.RequestRefusedDueToOperationMode},
		{"wednesday 08:00, the next open", local(6, 8, 0), callback.ModeNormal, callback.ModeStatusScheduled, status.RequestCompleted},
	}
	for i, tc := range cases {
		b.clock.Set(tc.now)
		if m, s := modeOf(t, b, "T", "Q"); m != tc.mode || s != tc.status {
			t.Errorf("%s: %s/%q, want %s/%q", tc.name, m, s, tc.mode, tc.status)
		}
		_, err := b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "80" + string(rune('0'+i)) + "0", SourceApplication: "Web"})
		if got := codeOf(err); got != tc.asap {
			t.Errorf("%s: ASAP request %v, want %v", tc.name, got, tc.asap)
		}
	}
}

// Callbacks are dialled only while the queue is open (§6): a scheduled one
// at its time minus the lead, but not before the queue opens; an ASAP one
// waits for the next open in its place.
func TestLaunchesOnlyWhileOpen(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, `
tenants:
  - name: T
    numbering: {profile: extension}
    licenses: {inbound: 10, nonVoice: 10, outbound: 5, scheduled: true}
    segments: [{name: S, queue: Q}]
    queues:
      - name: Q
        skills: {holding: {id: hold-Q}}
        businessHours: {thu: ["09:00-17:00"], fri: ["09:00-17:00"]}
        ewt: {defaultHandleTime: 20s}
        launch: {outboundStartTimeout: 24h}
`))
	p := b.platform
	b.clock.Set(at(26, 16, 59)) // Thursday, a minute before closing
	first := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8000"}))(t)
	b.clock.Set(at(26, 17, 0))
	must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8001"}))(t) // waits behind first
	opening := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8002", AppointmentTime: at(27, 9, 0)}))(t)
	cases := []struct {
		name string
		now  time.Time
		want []string
	}{
		{"closing time", at(26, 17, 0), nil},
		{"overnight", at(27, 3, 0), nil},
		{"the appointment minus the lead, before opening", at(27, 8, 59).Add(30 * time.Second), nil},
		{"opening", at(27, 9, 0), []string{opening.ID, first.ID}},
	}
	for _, tc := range cases {
		b.clock.Set(tc.now)
		if got := launchedIDs(t, b); !slices.Equal(got, tc.want) {
			t.Fatalf("%s: launched %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A dialling licence is held by a launched or connected callback and given
// back once the customer is queued for an agent (§6: "launched + connected,
// not yet queued"), so Rapid Purge dials the next one then.
func TestDiallingLicenceHeldUntilQueued(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, `
tenants:
  - name: T
    numbering: {profile: extension}
    licenses: {inbound: 10, nonVoice: 10, outbound: 1}
    segments: [{name: S, queue: Q}]
    queues: [{name: Q, mode: RapidPurge, skills: {holding: {id: hold-Q}}}]
`))
	p := b.platform
	// RapidPurge refuses new requests: register them in Normal first.
	must(p.SetMode(b.ctx, "T", "Q", "Normal", time.Time{}, "test"))(t)
	first := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8000"}))(t)
	b.clock.Advance(time.Second)
	second := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8001"}))(t)
	must(p.ClearMode(b.ctx, "T", "Q", "test"))(t)
	steps := []struct {
		name string
		do   func() error
		want []string
	}{
		{"rapid purge", nil, []string{first.ID}},
		{"launched", nil, nil},
		{"connected", func() error { _, err := p.OutboundConnected(b.ctx, "T", first.ID); return err }, nil},
		{"queued for an agent", func() error { _, err := p.SendToQueue(b.ctx, "T", first.ID, "SpeakToAgent"); return err }, []string{second.ID}},
	}
	for _, s := range steps {
		if s.do != nil {
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
		}
		if got := launchedIDs(t, b); !slices.Equal(got, s.want) {
			t.Fatalf("%s: launched %v, want %v", s.name, got, s.want)
		}
	}
}

// Launch orders carry the callback's user data to the dialer unchanged
// (§11), whichever way the callback was registered.
func TestLaunchOrdersCarryTheUserData(t *testing.T) {
	t.Parallel()
	data := userdata.List{
		userdata.P("UU_DATA", userdata.Str("order=42")),
		userdata.P("attempt", userdata.Int(3)),
		userdata.P("uui", userdata.Bin([]byte{0x0a, 0xff})),
		userdata.P("cti", userdata.Of(userdata.P("ani", userdata.Str("8001")), userdata.P("depth", userdata.Of(userdata.P("x", userdata.Int(-1)))))),
	}
	cases := []struct {
		name     string
		register func(t *testing.T, b *testBundle) *callback.Interaction
	}{
		{"AddInteraction", func(t *testing.T, b *testBundle) *callback.Interaction {
			return must(b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8000", UserData: data}))(t)
		}},
		{"a caller converting", func(t *testing.T, b *testBundle) *callback.Interaction {
			it := must(b.platform.CreateInteraction(b.ctx, callback.CreateParams{Tenant: "VHT", Segment: "VHT_Test", UserData: data}))(t)
			return must(b.platform.RequestContact(b.ctx, "VHT", it.ID, voice("8000")))(t)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			cb := tc.register(t, b)
			if got := launchedIDs(t, b); !slices.Equal(got, []string{cb.ID}) {
				t.Fatalf("launched %v", got)
			}
			orders := must(b.platform.ClaimLaunches(b.ctx, callback.ClaimParams{Tenant: "VHT", Max: 1, Lease: callback.DefaultLease}))(t)
			if len(orders) != 1 || orders[0].UserData.String() != data.String() {
				t.Fatalf("orders %+v\nwant user data %s", orders, data)
			}
		})
	}
}

// Shutdown reports the calls still queued lost 16 s after the switch (§3):
// callers on hold and reconnected customers waiting for an agent end
// Disconnected by Application with the result Call Lost; callers still in
// the IVR and pending callbacks are no queued calls.
func TestShutdownReportsQueuedCallsLost(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, `
tenants:
  - name: T
    numbering: {profile: extension}
    licenses: {inbound: 10, nonVoice: 10, outbound: 5}
    segments: [{name: S, queue: Q}]
    queues:
      - name: Q
        ewt: {defaultHandleTime: 10s}
        skills: {holding: {id: "1"}, callback: {id: "2"}}
`))
	p := b.platform
	call := func() *callback.Interaction {
		return must(p.CreateInteraction(b.ctx, callback.CreateParams{Tenant: "T", Segment: "S"}))(t)
	}
	sent := call()
	must(p.SendToQueue(b.ctx, "T", sent.ID, "ChoseHold"))(t)
	queued := call()
	must2(p.Queued(b.ctx, callback.QueuedParams{Tenant: "T", InteractionID: queued.ID, SkillID: "1"}))(t)
	reconnected := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8000"}))(t)
	launchedIDs(t, b)
	must(p.OutboundConnected(b.ctx, "T", reconnected.ID))(t)
	must(p.SendToQueue(b.ctx, "T", reconnected.ID, "SpeakToAgent"))(t)
	inIVR := call()
	pending := must(p.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: "8001"}))(t)

	must(p.SetMode(b.ctx, "T", "Q", "Shutdown", time.Time{}, "supervisor"))(t)
	lost := []string{sent.ID, queued.ID, reconnected.ID}
	kept := map[string]callback.State{inIVR.ID: callback.StateInboundTreatment, pending.ID: callback.StatePendingCallback}
	for _, step := range []struct {
		after time.Duration
		lost  bool
	}{{0, false}, {15 * time.Second, false}, {16 * time.Second, true}} {
		b.clock.Set(start.Add(step.after))
		launchedIDs(t, b)
		for _, id := range lost {
			it, hist := must2(p.Get(b.ctx, "T", id))(t)
			if !step.lost {
				if it.State.Final() {
					t.Fatalf("%s after the switch: %s is already %s", step.after, id, it.State)
				}
				continue
			}
			last := hist[len(hist)-1]
			if it.State != callback.StateDisconnectedByApplication || it.Result != "Call Lost" || last.Event != callback.EvAppDisconnect || last.Reason != "Shutdown" {
				t.Fatalf("%s after the switch: %s is %s (%q), last change %+v; want lost", step.after, id, it.State, it.Result, last)
			}
		}
		for id, want := range kept {
			if it, _ := must2(p.Get(b.ctx, "T", id))(t); it.State != want {
				t.Fatalf("%s after the switch: %s is %s, want %s", step.after, id, it.State, want)
			}
		}
	}
	if st := must(p.QueueStatusOf(b.ctx, "T", "Q"))(t); st.LiveCallers != 0 {
		t.Fatalf("%d callers still counted in the line", st.LiveCallers)
	}
}

// The outbound-start timeout runs from the launch (§2): changes that are no
// outcome — the dialer associating its call id, user data — do not restart it.
func TestOutboundStartTimeoutRunsFromTheLaunch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(b *testBundle, id string) error
	}{
		{"nothing", func(*testBundle, string) error { return nil }},
		{"external tracking id", func(b *testBundle, id string) error {
			_, err := b.platform.AssociateExternalTrackingID(b.ctx, "VHT", id, "OUT-1")
			return err
		}},
		{"user data", func(b *testBundle, id string) error {
			_, err := b.platform.UpdateUserData(b.ctx, "VHT", id, userdata.List{userdata.P("dialer", userdata.Str("d-1"))})
			return err
		}},
		{"interaction data", func(b *testBundle, id string) error {
			_, err := b.platform.UpdateInteractionData(b.ctx, "VHT", id, []callback.KeyValue{{Key: "ClientId", Value: "c-1"}})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			cb := must(b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8000"}))(t)
			launchedIDs(t, b)
			b.clock.Advance(50 * time.Second)
			if err := tc.change(b, cb.ID); err != nil {
				t.Fatal(err)
			}
			b.clock.Advance(10 * time.Second) // 60 s after the launch
			launchedIDs(t, b)
			if it, _ := must2(b.platform.Get(b.ctx, "VHT", cb.ID))(t); it.State != callback.StatePendingCallback || it.Attempts.ByReason[callback.FailTimeout] != 1 {
				t.Fatalf("60 s after the launch: %s, attempts %+v; want a timed-out attempt", it.State, it.Attempts)
			}
		})
	}
}

// A weekly mode change happens at its local time of day, also on the days
// the clocks change (§3): on Sunday 14 March 2027 New York springs forward at
// 02:00, on Sunday 7 November 2027 it falls back.
func TestModeScheduleKeepsLocalTimeAcrossClockChanges(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, `
tenants:
  - name: T
    timeZone: America/New_York
    numbering: {profile: extension}
    licenses: {inbound: 10, nonVoice: 10, outbound: 1}
    segments: [{name: S, queue: Q}]
    queues:
      - name: Q
        skills: {holding: {id: hold-Q}}
        mode: Standby
        modeSchedule:
          - {day: sun, at: "08:00", mode: Normal}
          - {day: sun, at: "20:00", mode: AfterHours}
`))
	ny, _ := time.LoadLocation("America/New_York")
	cases := []struct {
		name string
		now  time.Time
		want callback.Mode
	}{
		{"spring forward, 07:59", time.Date(2027, 3, 14, 7, 59, 0, 0, ny), callback.ModeAfterHours},
		{"spring forward, 08:00", time.Date(2027, 3, 14, 8, 0, 0, 0, ny), callback.ModeNormal},
		{"spring forward, 19:59", time.Date(2027, 3, 14, 19, 59, 0, 0, ny), callback.ModeNormal},
		{"spring forward, 20:00", time.Date(2027, 3, 14, 20, 0, 0, 0, ny), callback.ModeAfterHours},
		{"fall back, 07:59", time.Date(2027, 11, 7, 7, 59, 0, 0, ny), callback.ModeAfterHours},
		{"fall back, 08:00", time.Date(2027, 11, 7, 8, 0, 0, 0, ny), callback.ModeNormal},
		{"fall back, 20:00", time.Date(2027, 11, 7, 20, 0, 0, 0, ny), callback.ModeAfterHours},
	}
	for _, tc := range cases {
		b.clock.Set(tc.now.UTC())
		if m, _ := modeOf(t, b, "T", "Q"); m != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, m, tc.want)
		}
	}
}
