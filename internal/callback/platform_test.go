package callback_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/clock"
	"github.com/holdline/holdline/internal/config"
	"github.com/holdline/holdline/internal/platformtest"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/userdata"
)

// start is a Thursday, inside the business hours of the test configuration.
var start = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

type testBundle struct {
	ctx   context.Context
	clock *clock.Fake
	// platform reaches every part of the platform; settings are its configuration.
	platform platformtest.All
	settings *callback.Settings
	store    callback.Store
}

// setup starts a platform on a fresh SQLite store with settings (the demo
// when nil) and a fake clock at start.
func setup(t *testing.T, settings *callback.Settings) *testBundle {
	t.Helper()
	return setupWith(t, settings, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// setupWith is setup with the store wrapped by wrap (when set) and the
// platform's logs sent to log.
func setupWith(t *testing.T, settings *callback.Settings, wrap func(callback.Store) callback.Store, log *slog.Logger) *testBundle {
	t.Helper()
	b := platformtest.New(t, platformtest.Options{Settings: settings, Start: start, Node: 7, Logger: log, Wrap: wrap})
	ctx := callback.WithOrigin(context.Background(), callback.Origin{Method: "Test", RequestID: "req-1"})
	return &testBundle{ctx: ctx, clock: b.Clock, platform: b.All, settings: b.Settings(), store: b.Store}
}

// settingsFrom parses a small configuration for one test.
func settingsFrom(t testing.TB, yaml string) *callback.Settings {
	t.Helper()
	s, err := config.Parse([]byte(yaml), t.Name())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// office is a tenant in New York, open weekdays 09:00-17:00, on e164 numbering.
const office = `
tenants:
  - name: Office
    timeZone: America/New_York
    integration: avaya
    licenses: {inbound: 10, nonVoice: 10, outbound: 5, scheduled: false}
    segments:
      - {name: Sales, queue: Main, countryCode: "1"}
      - {name: Kiosk, queue: Main, countryCode: "1", sourceApplications: [Kiosk App]}
      - {name: Closed, queue: NoBooking, countryCode: "1"}
    queues:
      - name: Main
        skills: {holding: {id: hold-Main}}
        businessHours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"], fri: ["09:00-17:00"]}
      - name: NoBooking
        skills: {holding: {id: hold-NoBooking}}
        appointments: {enabled: false}
  - name: Unlicensed
    segments: [{name: S, queue: Q}]
    queues: [{name: Q, skills: {holding: {id: hold-Q}}}]
  - name: Booked
    timeZone: America/New_York
    licenses: {nonVoice: 50, scheduled: true}
    segments: [{name: S, queue: Q, countryCode: "1"}]
    queues:
      - name: Q
        skills: {holding: {id: hold-Q}}
        businessHours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"], fri: ["09:00-17:00"]}
        appointments: {horizonDays: 2}
`

func codeOf(err error) status.Code {
	if err == nil {
		return status.RequestCompleted
	}
	return status.Of(err)
}

func TestAddCallbackRegistersAPendingCallback(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	it, err := b.platform.AddCallback(b.ctx, callback.AddParams{
		Tenant: "vhtlab", Segment: "ptk_vht_test", Contact: " 80001 ", ClientID: "c-9",
		UserData: userdata.List{userdata.P("account", userdata.Str("A-1"))},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !callback.ValidID(it.ID) || !strings.HasPrefix(it.ID, "V0007") || !strings.HasSuffix(it.ID, "26112026150000000") {
		t.Errorf("id %s: want node 7 and the creation time", it.ID)
	}
	// Names come back in their configured spelling, the contact normalised.
	if it.Tenant != "VHTLab" || it.Segment != "PTK_VHT_TEST" || it.Queue != "VHT_Test" || it.Contact != "80001" {
		t.Errorf("names %q %q %q %q", it.Tenant, it.Segment, it.Queue, it.Contact)
	}
	if it.State != callback.StatePendingCallback || it.Type != callback.TypeASAP || !it.QueuedAt.Equal(start) {
		t.Errorf("state %s type %s queuedAt %v", it.State, it.Type, it.QueuedAt)
	}
	if it.SourceApplication != callback.DefaultSourceApplication {
		t.Errorf("source application %q", it.SourceApplication)
	}
	got, hist, err := b.platform.Get(b.ctx, "VHTLab", it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ClientID != "c-9" || got.UserData.String() != `("account"="A-1")` {
		t.Errorf("stored %+v", got)
	}
	if len(hist) != 1 || hist[0].Event != callback.EvAdd || hist[0].From != callback.StateNone ||
		hist[0].To != callback.StatePendingCallback || hist[0].Method != "Test" || hist[0].RequestID != "req-1" || !hist[0].At.Equal(start) {
		t.Errorf("history %+v", hist)
	}
}

func TestAddCallbackRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, office))
	demo := setup(t, nil)
	deep := userdata.Str("x")
	for i := 0; i < userdata.MaxDepth+1; i++ {
		deep = userdata.Of(userdata.P("k", deep))
	}
	// Monday 2026-11-30 10:00 in New York.
	mondayMorning := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		on   *testBundle
		p    callback.AddParams
		want status.Code
	}{
		{"ok e164", b, callback.AddParams{Tenant: "Office", Segment: "Sales", Contact: "(415) 555-2671"}, status.RequestCompleted},
		{"no tenant", b, callback.AddParams{Segment: "Sales", Contact: "4155552672"}, status.InvalidTenant},
		{"unknown tenant", b, callback.AddParams{Tenant: "Nope", Segment: "Sales", Contact: "4155552672"}, status.InvalidTenant},
		{"no segment", b, callback.AddParams{Tenant: "Office", Contact: "4155552672"}, status.SegmentRequired},
		{"unknown segment", b, callback.AddParams{Tenant: "Office", Segment: "Nope", Contact: "4155552672"}, status.InvalidSegment},
		{"no contact", b, callback.AddParams{Tenant: "Office", Segment: "Sales"}, status.ContactRequired},
		{"bad e164 contact", b, callback.AddParams{Tenant: "Office", Segment: "Sales", Contact: "555"}, status.InvalidContact},
		{"short extension", demo, callback.AddParams{Tenant: "VHTLab", Segment: "PTK_VHT_TEST", Contact: "12"}, status.InvalidContact},
		{"garbage extension", demo, callback.AddParams{Tenant: "VHTLab", Segment: "PTK_VHT_TEST", Contact: "abc!"}, status.InvalidContact},
		{"pipe in source application", b, callback.AddParams{Tenant: "Office", Segment: "Sales", Contact: "4155552672", SourceApplication: "a|b"}, status.InvalidSourceApplicationFormat},
		{"source application not allowed on segment", b, callback.AddParams{Tenant: "Office", Segment: "Kiosk", Contact: "4155552672", SourceApplication: "Web"}, status.FeatureUnavailable},
		{"allowed source application", b, callback.AddParams{Tenant: "Office", Segment: "Kiosk", Contact: "4155552673", SourceApplication: "Kiosk App"}, status.RequestCompleted},
		{"no licence configuration", b, callback.AddParams{Tenant: "Unlicensed", Segment: "S", Contact: "4155552672"}, status.NoValidLicenseFile},
		{"scheduled not licensed", b, callback.AddParams{Tenant: "Office", Segment: "Sales", Contact: "4155552672", AppointmentTime: mondayMorning}, status.AppointmentError},
		{"appointment in the past", demo, callback.AddParams{Tenant: "VHTLab", Segment: "PTK_VHT_TEST", Contact: "8000", AppointmentTime: start.Add(-time.Minute)}, status.AppointmentTimeInThePast},
		{"appointment beyond the horizon", demo, callback.AddParams{Tenant: "VHTLab", Segment: "PTK_VHT_TEST", Contact: "8000", AppointmentTime: start.AddDate(0, 0, 8)}, status.AppointmentTimeAfterAppointmentTimesRange},
		{"appointment ok", demo, callback.AddParams{Tenant: "VHTLab", Segment: "PTK_VHT_TEST", Contact: "8000", AppointmentTime: start.Add(time.Hour)}, status.RequestCompleted},
		{"user data too deep", demo, callback.AddParams{Tenant: "VHTLab", Segment: "PTK_VHT_TEST", Contact: "8001", UserData: userdata.List{userdata.P("k", deep)}}, status.UserDataFailedValidation},
		{"avaya uui not hex", b, callback.AddParams{Tenant: "Office", Segment: "Sales", Contact: "4155552674", UserData: userdata.List{userdata.P("Avaya_UUI", userdata.Str("hello"))}}, status.UserDataFailedValidation},
		{"avaya uui hex", b, callback.AddParams{Tenant: "Office", Segment: "Sales", Contact: "4155552675", UserData: userdata.List{userdata.P("Avaya_UUI", userdata.Str("c8656c6c6f"))}}, status.RequestCompleted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.on.platform.AddCallback(tc.on.ctx, tc.p)
			if got := codeOf(err); got != tc.want {
				t.Fatalf("got %v (%v), want %v", got, err, tc.want)
			}
			if err != nil && status.Message(err) == "" {
				t.Fatalf("a refusal must say what was wrong: %v", err)
			}
		})
	}
}

func TestAppointmentChecks(t *testing.T) {
	t.Parallel()
	b := setup(t, settingsFrom(t, office))
	// 2026-11-26 15:00 UTC is Thursday 10:00 in New York.
	cases := []struct {
		name    string
		segment string
		tenant  string
		at      time.Time
		want    status.Code
	}{
		{"inside hours", "S", "Booked", time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC), status.RequestCompleted},
		{"before opening", "S", "Booked", time.Date(2026, 11, 27, 13, 59, 0, 0, time.UTC), status.AppointmentTimeAfterHours},
		{"saturday", "S", "Booked", time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC), status.AppointmentTimeAfterHours},
		{"past beats hours", "S", "Booked", time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC), status.AppointmentTimeInThePast},
		{"horizon beats hours", "S", "Booked", time.Date(2026, 11, 29, 3, 0, 0, 0, time.UTC), status.AppointmentTimeAfterAppointmentTimesRange},
		{"scheduled callbacks not licensed", "Closed", "Office", time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC), status.AppointmentError},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.platform.AddCallback(b.ctx, callback.AddParams{
				Tenant: tc.tenant, Segment: tc.segment, Contact: fmt.Sprintf("41555526%02d", 10+i), AppointmentTime: tc.at,
			})
			if got := codeOf(err); got != tc.want {
				t.Fatalf("got %v (%v), want %v", got, err, tc.want)
			}
		})
	}
}

func TestAppointmentsDisabled(t *testing.T) {
	t.Parallel()
	s := settingsFrom(t, office)
	s.Tenant("Office").Licenses.Scheduled = true
	b := setup(t, s)
	_, err := b.platform.AddCallback(b.ctx, callback.AddParams{
		Tenant: "Office", Segment: "Closed", Contact: "4155552671", AppointmentTime: start.Add(time.Hour),
	})
	if got := codeOf(err); got != status.AppointmentsDisabled {
		t.Fatalf("got %v, want 107007", err)
	}
}

func TestCallbackDoubleCheck(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	add := func(tenant, segment, contact string) (*callback.Interaction, error) {
		return b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: tenant, Segment: segment, Contact: contact})
	}
	first, err := add("VHT", "VHT_Test", "8000")
	if err != nil {
		t.Fatal(err)
	}
	_, err = add("VHT", "VHT_Test", "8000")
	if got := codeOf(err); got != status.DuplicateContactInQueue {
		t.Fatalf("second callback: %v, want 107009", got)
	}
	if !strings.Contains(status.Message(err), first.ID) {
		t.Errorf("the refusal should name the pending callback: %v", err)
	}
	// Another tenant's queue is another queue.
	if _, err := add("Portree", "VHT_Test", "8000"); err != nil {
		t.Fatalf("other tenant: %v", err)
	}
	// Once cancelled, the number may ask again.
	if _, err := b.platform.Cancel(b.ctx, "VHT", first.ID, "Caller"); err != nil {
		t.Fatal(err)
	}
	if _, err := add("VHT", "VHT_Test", "8000"); err != nil {
		t.Fatalf("after cancel: %v", err)
	}
}

// raceAdds runs n AddCallback requests at once; each must succeed or be
// refused with loser. It returns how many succeeded.
func raceAdds(t *testing.T, b *testBundle, n int, params func(i int) callback.AddParams, loser status.Code) int {
	t.Helper()
	codes := make([]status.Code, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := b.platform.AddCallback(b.ctx, params(i))
			codes[i] = codeOf(err)
		}()
	}
	wg.Wait()
	won := 0
	for _, c := range codes {
		switch c {
		case status.RequestCompleted:
			won++
		case loser:
		default:
			t.Fatalf("unexpected code %v", c)
		}
	}
	return won
}

// Callback Double Check holds under concurrent requests: exactly one of many
// simultaneous registrations for the same number wins.
func TestCallbackDoubleCheckUnderConcurrency(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	won := raceAdds(t, b, 16, func(int) callback.AddParams {
		return callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8888"}
	}, status.DuplicateContactInQueue)
	if won != 1 {
		t.Fatalf("%d registrations won, want exactly 1", won)
	}
}

func TestIDsAreUniqueUnderConcurrency(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	const n = 40
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it, err := b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: fmt.Sprintf("7%04d", i)})
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = it.ID
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("duplicate id %s", id)
		}
		seen[id] = true
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	it, err := b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8000"})
	if err != nil {
		t.Fatal(err)
	}
	unknown := callback.NewID(7, 999, start)
	cases := []struct {
		name, tenant, id, by string
		want                 status.Code
	}{
		{"no id", "VHT", "", "Caller", status.InteractionIDRequired},
		{"bad id", "VHT", "V12", "Caller", status.InvalidInteractionID},
		{"unknown id", "VHT", unknown, "Caller", status.InteractionNotFound},
		{"other tenant's id", "Portree", it.ID, "Caller", status.InteractionNotFound},
		{"no canceller", "VHT", it.ID, "", status.CancelledByRequired},
		{"unknown canceller", "VHT", it.ID, "Martians", status.CancelledByRequired},
		{"cancelled", "VHT", it.ID, "caller", status.RequestCompleted},
		{"twice", "VHT", it.ID, "Caller", status.InteractionCannotBeCancelled},
	}
	for _, tc := range cases {
		b.clock.Advance(time.Second)
		_, err := b.platform.Cancel(b.ctx, tc.tenant, tc.id, tc.by)
		if got := codeOf(err); got != tc.want {
			t.Fatalf("%s: got %v (%v), want %v", tc.name, got, err, tc.want)
		}
	}
	got, hist, err := b.platform.Get(b.ctx, "VHT", it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != callback.StateCancelled || len(hist) != 2 || hist[1].Reason != "Caller" || hist[1].From != callback.StatePendingCallback {
		t.Fatalf("after cancel: %s %+v", got.State, hist)
	}
}

func TestUpdateUserDataMerges(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	it, err := b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "VHT", Segment: "VHT_Test", Contact: "8000",
		UserData: userdata.List{userdata.P("b", userdata.Of(userdata.P("a", userdata.Int(2))))}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.platform.UpdateUserData(b.ctx, "VHT", it.ID, userdata.List{userdata.P("b", userdata.Of(userdata.P("b", userdata.Int(2))))}); err != nil {
		t.Fatal(err)
	}
	got, hist, err := b.platform.Get(b.ctx, "VHT", it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.UserData.String() != `("b"=("a"=2,"b"=2))` || len(hist) != 2 || hist[1].Event != callback.EvUpdate {
		t.Fatalf("user data %s, history %+v", got.UserData, hist)
	}
	if _, err := b.platform.UpdateUserData(b.ctx, "VHT", it.ID, nil); codeOf(err) != status.UserDataRequired {
		t.Fatalf("empty update: %v, want 108011", err)
	}
	if _, err := b.platform.Cancel(b.ctx, "VHT", it.ID, "Agent"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.platform.UpdateUserData(b.ctx, "VHT", it.ID, userdata.List{userdata.P("x", userdata.Int(1))}); codeOf(err) != status.InteractionStatePreventsRequestedAction {
		t.Fatalf("update of a final interaction: %v, want 107018", err)
	}
}
