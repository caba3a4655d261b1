package callback_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/config"
	"github.com/holdline/holdline/internal/schedule"
)

// goSettings builds, in Go and without YAML, a tenant "Site" with one segment
// feeding one queue, every other value at its default.
func goSettings() *callback.Settings {
	t := callback.NewTenant("Site")
	t.Licenses = callback.NewLicenses()
	t.Licenses.Inbound, t.Licenses.Outbound = 10, 5
	t.Segments = []*callback.Segment{callback.NewSegment("Sales", "Main")}
	q := callback.NewQueue("Main")
	q.Skills.Holding.ID = "hold-Main" // where GetSegmentState sends callers: no default can say
	t.Queues = []*callback.Queue{q}
	return &callback.Settings{Tenants: []*callback.Tenant{t}}
}

func TestSettingsBuiltInGoAreValid(t *testing.T) {
	t.Parallel()
	s := goSettings()
	q := s.Tenants[0].Queues[0]
	q.ModeSchedule = []callback.ModeChange{{Day: time.Monday, At: 8 * 60, Mode: callback.ModeNormal}, {Day: time.Monday, At: 18 * 60, Mode: callback.ModeAfterHours}}
	q.Dialer = callback.NewDialer("https://dialer.example/launch")
	s.Tenants[0].Webhooks = []*callback.Webhook{callback.NewWebhook("crm", "https://crm.example/hook")}
	s.Tenants[0].Notifications.SMS = callback.NewSMSGateway("https://sms.example/send")
	if err := s.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if err := callback.DefaultBackoff().Validate(); err != nil {
		t.Fatalf("the default backoff: %v", err)
	}
}

// TestGoDefaultsAreTheFileDefaults proves that NewTenant, NewSegment and
// NewQueue are the configuration's defaults: the smallest file loads to the
// settings built in Go.
func TestGoDefaultsAreTheFileDefaults(t *testing.T) {
	t.Parallel()
	got, err := config.Parse([]byte("tenants:\n  - name: Site\n    segments: [{name: Sales, queue: main}]\n    queues: [{name: Main, skills: {holding: {id: hold-Main}}}]\n"), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := goSettings()
	want.Tenants[0].Licenses = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("file:\n%+v\nGo:\n%+v", *got.Tenants[0], *want.Tenants[0])
	}
}

func TestSettingsValidateReportsPaths(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(s *callback.Settings)
		want   []string // "PATH: MSG", in the order of the settings
	}{
		{"no tenants", func(s *callback.Settings) { s.Tenants = nil }, []string{"tenants: at least one tenant is required"}},
		{"tenant name", func(s *callback.Settings) { s.Tenants[0].Name = " " }, []string{"tenants[0].name: is required"}},
		{"duplicate tenant", func(s *callback.Settings) {
			s.Tenants = append(s.Tenants, goSettings().Tenants[0])
			s.Tenants[1].Name = "SITE"
		}, []string{
			`tenants[1].name: duplicate tenant name "SITE" (already used by tenants[0]; names are matched case-insensitively)`,
		}},
		{"nil items", func(s *callback.Settings) {
			s.Tenants = append(s.Tenants, nil)
			s.Tenants[0].Segments = append(s.Tenants[0].Segments, nil)
			s.Tenants[0].Queues = append(s.Tenants[0].Queues, nil)
			s.Tenants[0].Webhooks = []*callback.Webhook{nil}
		}, []string{"tenants[0].webhooks[0]: is nil", "tenants[0].segments[1]: is nil", "tenants[0].queues[1]: is nil", "tenants[1]: is nil"}},
		{"no time zone", func(s *callback.Settings) { s.Tenants[0].Location = nil }, []string{"tenants[0].timeZone: is required"}},
		{"numbering", func(s *callback.Settings) {
			s.Tenants[0].Contacts.MinLength, s.Tenants[0].Contacts.MaxLength = 0, 40
			s.Tenants[0].Contacts.Blocked = []string{"911", "+44 20"}
		}, []string{
			"tenants[0].numbering.minLength: 0 is out of range (1 to 32)",
			"tenants[0].numbering.maxLength: 40 is out of range (1 to 32)",
			`tenants[0].numbering.blocked[1]: "+44 20" is not a number (digits, optionally after a +)`,
		}},
		{"min above max", func(s *callback.Settings) { s.Tenants[0].Contacts.MaxLength = 3 }, []string{"tenants[0].numbering: minLength 4 is greater than maxLength 3"}},
		{"integration", func(s *callback.Settings) { s.Tenants[0].Integration = "sip" }, []string{`tenants[0].integration: "sip" is not an integration (one of none, genesys, avaya, cisco)`}},
		{"licences", func(s *callback.Settings) {
			l := s.Tenants[0].Licenses
			l.Inbound, l.NonVoice, l.BandwidthPeriod, l.VoiceApplications = -1, 2_000_000, 0, []string{"A|B"}
		}, []string{
			"tenants[0].licenses.inbound: -1 is out of range (at least 0)",
			"tenants[0].licenses.nonVoice: 2000000 is out of range (at most 1000000)",
			"tenants[0].licenses.bandwidthPeriod: 0s is out of range (at least 1s)",
			`tenants[0].licenses.voiceApplications[0]: "A|B" must not contain |`,
		}},
		{"call infos", func(s *callback.Settings) {
			s.Tenants[0].CallInfos = []callback.CallInfo{{Code: "OK", Type: callback.CallInfoSuccessful}, {Code: "ok", Type: callback.CallInfoFailed}, {Type: "done"}}
		}, []string{
			`tenants[0].callInfos[1].code: duplicate call info code "ok" (already used by tenants[0].callInfos[0].code; names are matched case-insensitively)`,
			"tenants[0].callInfos[2].code: is required",
			`tenants[0].callInfos[2].type: "done" is not a call info type (one of CALLINFO_CALLBACK_FAILED, CALLINFO_CALLBACK_SUCCESSFUL, CALLINFO_CALLBACK_CANCELLED)`,
		}},
		{"no segments", func(s *callback.Settings) { s.Tenants[0].Segments = nil }, []string{"tenants[0].segments: a tenant needs at least one segment"}},
		{"segment to no queue", func(s *callback.Settings) {
			s.Tenants[0].Segments = append(s.Tenants[0].Segments, callback.NewSegment("Support", "Help"), callback.NewSegment("sales", ""))
			s.Tenants[0].Segments[0].CountryCode = "044"
		}, []string{
			`tenants[0].segments[0].countryCode: "044" is not a country calling code (1 to 3 digits, not starting with 0)`,
			`tenants[0].segments[1].queue: no queue named "Help" in this tenant`,
			"tenants[0].segments[2].queue: is required",
			`tenants[0].segments[2].name: duplicate segment name "sales" (already used by tenants[0].segments[0]; names are matched case-insensitively)`,
		}},
		{"duplicate queue", func(s *callback.Settings) {
			q := callback.NewQueue("MAIN")
			q.Skills.Holding.Device = "4000"
			s.Tenants[0].Queues = append(s.Tenants[0].Queues, q)
		}, []string{
			`tenants[0].queues[1].name: duplicate queue name "MAIN" (already used by tenants[0].queues[0]; names are matched case-insensitively)`,
		}},
		{"queue numbers", func(s *callback.Settings) {
			q := s.Tenants[0].Queues[0]
			q.Retries.Busy, q.Appointments.SlotLength, q.Appointments.HorizonDays = 1000, 10*time.Minute+30*time.Second, 366
			q.EWT.MultiplicationFactor, q.EWT.Smoothing, q.Launch.OutboundStartTimeout = 201, 30*time.Second, 0
		}, []string{
			"tenants[0].queues[0].appointments.slotLength: 10m30s must be a whole number of minutes",
			"tenants[0].queues[0].appointments.horizonDays: 366 is out of range (1 to 365)",
			"tenants[0].queues[0].retries.busy: 1000 is out of range (0 to 999)",
			"tenants[0].queues[0].ewt.multiplicationFactor: 201 is out of range (0 to 200)",
			"tenants[0].queues[0].ewt.smoothing: 30s is out of range (1m to 24h)",
			"tenants[0].queues[0].launch.outboundStartTimeout: 0s is out of range (at least 1s)",
		}},
		{"queue modes", func(s *callback.Settings) {
			q := s.Tenants[0].Queues[0]
			q.Mode, q.QueueMode, q.EWT.Estimator = "", "Agent", "magic"
		}, []string{
			"tenants[0].queues[0].mode: is required",
			`tenants[0].queues[0].queueMode: "Agent" is not a queue mode (one of Predictive, AgentPriority)`,
			`tenants[0].queues[0].ewt.estimator: "magic" is not an estimator (one of QueueLength, RollingHistory, AgentAdjustedHistory, AgentWeighting)`,
		}},
		{"mode schedule", func(s *callback.Settings) {
			s.Tenants[0].Queues[0].ModeSchedule = []callback.ModeChange{
				{Day: time.Monday, At: 8 * 60, Mode: callback.ModeNormal},
				{Day: time.Monday, At: 8 * 60, Mode: callback.ModePurge},
				{Day: time.Tuesday, At: schedule.EndOfDay, Mode: callback.ModePurge},
				{Day: 9, Mode: callback.ModePurge},
			}
		}, []string{
			"tenants[0].queues[0].modeSchedule[1]: another change is already scheduled for mon 08:00 (tenants[0].queues[0].modeSchedule[0])",
			`tenants[0].queues[0].modeSchedule[2].at: "24:00" is not a time of day (00:00 to 23:59)`,
			"tenants[0].queues[0].modeSchedule[3].day: 9 is not a day of the week",
		}},
		{"business hours", func(s *callback.Settings) {
			s.Tenants[0].Queues[0].BusinessHours[time.Monday] = []schedule.Window{{Open: 8 * 60, Close: 12 * 60}, {Open: 11 * 60, Close: 17 * 60}, {Open: 18 * 60, Close: 17 * 60}}
		}, []string{
			`tenants[0].queues[0].businessHours.mon[1]: "11:00-17:00" overlaps "08:00-12:00"`,
			`tenants[0].queues[0].businessHours.mon[2]: "18:00-17:00" is not an open window (HH:MM-HH:MM, closing after it opens, by 24:00)`,
		}},
		{"variables", func(s *callback.Settings) {
			s.Tenants[0].Queues[0].Variables["CountryCode"] = "44"
		}, []string{"tenants[0].queues[0].variables.CountryCode: is not a free IVR variable (the variable table lists them)"}},
		{"dialer", func(s *callback.Settings) {
			d := callback.NewDialer("ftp://dialer")
			d.Timeout = 2 * time.Minute
			s.Tenants[0].Queues[0].Dialer = d
		}, []string{
			`tenants[0].queues[0].dialer.url: "ftp://dialer" is not an http or https URL`,
			"tenants[0].queues[0].dialer.timeout: 2m is out of range (1s to 1m)",
		}},
		{"webhooks", func(s *callback.Settings) {
			a, b := callback.NewWebhook("crm hook", "https://a.example"), callback.NewWebhook("B", "")
			b.Events = []callback.EventType{"callback.exploded"}
			s.Tenants[0].Webhooks = []*callback.Webhook{a, b, callback.NewWebhook("b", "https://b.example")}
		}, []string{
			`tenants[0].webhooks[0].name: "crm hook" is not a webhook name (letters, digits, '.', '_' and '-')`,
			"tenants[0].webhooks[1].url: is required",
			`tenants[0].webhooks[1].events[0]: "callback.exploded" is not an event type (one of ` + eventTypeNames() + `)`,
			`tenants[0].webhooks[2].name: duplicate webhook name "b" (already used by tenants[0].webhooks[1]; names are matched case-insensitively)`,
		}},
		{"sms", func(s *callback.Settings) {
			g := callback.NewSMSGateway("https://sms.example")
			g.Method, g.Body, g.Headers["Bad Header"] = "post", "{{.Text", "x"
			s.Tenants[0].Notifications.SMS = g
		}, []string{
			`tenants[0].notifications.sms.method: "post" must be written POST`,
			`tenants[0].notifications.sms.headers.Bad Header: "Bad Header" is not an HTTP header name`,
			"tenants[0].notifications.sms.body: not a Go text/template: template: sms:1: unclosed action",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := goSettings()
			tc.change(s)
			var errs callback.SettingsErrors
			if err := s.Validate(); !errors.As(err, &errs) {
				t.Fatalf("Validate = %v, want SettingsErrors", err)
			}
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Validate:\n got  %q\n want %q", got, tc.want)
			}
		})
	}
}

func eventTypeNames() string {
	var s string
	for i, e := range callback.EventTypes {
		if i > 0 {
			s += ", "
		}
		s += string(e)
	}
	return s
}

func TestNilSettingsAreRefusedNotAPanic(t *testing.T) {
	t.Parallel()
	if err := (*callback.Settings)(nil).Validate(); err == nil || err.Error() != "tenants: at least one tenant is required" {
		t.Errorf("nil settings: %v", err)
	}
}

func TestBackoffValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		b    callback.Backoff
		want string // "" when valid
	}{
		{callback.DefaultBackoff(), ""},
		{callback.Backoff{Initial: time.Second, Max: time.Second}, ""},
		{callback.Backoff{Initial: time.Minute, Max: time.Second}, "delivery.backoff: max 1s is less than initial 1m"},
		{callback.Backoff{Initial: 0, Max: 25 * time.Hour}, "delivery.backoff.initial: 0s is out of range (1s to 24h)\ndelivery.backoff.max: 25h is out of range (1s to 24h)"},
	}
	for _, tc := range cases {
		err := tc.b.Validate()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%+v.Validate() = %q, want %q", tc.b, got, tc.want)
		}
	}
}

func TestRanges(t *testing.T) {
	t.Parallel()
	cases := []struct {
		path    string
		allowed string
		ok, bad int64
		msg     string
	}{
		{"tenants[3].numbering.minLength", "1 to 32", 32, 33, "33 is out of range (1 to 32)"},
		{"tenants[].licenses.outbound", "0 or more", 1_000_000, -1, "-1 is out of range (at least 0)"},
		{"tenants[0].queues[1].appointments.slotLength", "5m to 2h, whole minutes", int64(2 * time.Hour), int64(4 * time.Minute), "4m is out of range (5m to 2h)"},
		{"tenants[0].webhooks[2].timeout", "1s to 1m", int64(time.Minute), int64(61 * time.Second), "1m1s is out of range (1s to 1m)"},
		{"tenants[0].queues[0].turnOnThreshold", "0s or more", 0, -int64(time.Second), "-1s is out of range (at least 0s)"},
	}
	for _, tc := range cases {
		r, ok := callback.RangeOf(tc.path)
		if !ok {
			t.Errorf("%s has no range", tc.path)
			continue
		}
		if got := r.Allowed(); got != tc.allowed {
			t.Errorf("%s: Allowed() = %q, want %q", tc.path, got, tc.allowed)
		}
		if err := r.Check(tc.ok); err != nil {
			t.Errorf("%s: Check(%d) = %v", tc.path, tc.ok, err)
		}
		if err := r.Check(tc.bad); err == nil || err.Error() != tc.msg {
			t.Errorf("%s: Check(%d) = %v, want %q", tc.path, tc.bad, err, tc.msg)
		}
	}
	if _, ok := callback.RangeOf("tenants[0].queues[0].name"); ok {
		t.Error("a name has a range")
	}
}

// A queue must name where GetSegmentState sends callers: its holding
// skill's id or device.
func TestAQueueNeedsAHoldingSkill(t *testing.T) {
	t.Parallel()
	s := goSettings()
	q := s.Tenants[0].Queues[0]
	q.Skills.Holding.ID = ""
	err := s.Validate()
	var errs callback.SettingsErrors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Path != "tenants[0].queues[0].skills.holding" {
		t.Fatalf("Validate: %v, want one problem at tenants[0].queues[0].skills.holding", err)
	}
	q.Skills.Holding.Device = "4000" // a device alone will do
	if err := s.Validate(); err != nil {
		t.Fatalf("with a device: %v", err)
	}
}
