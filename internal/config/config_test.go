package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/contact"
	"github.com/holdline/holdline/internal/schedule"
)

// referenceVariables reads the variables of the PTK reference's
// GetSegmentVariables example response, kept with the callback package's
// test data.
func referenceVariables(t *testing.T) []callback.Variable {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "callback", "testdata", "GetSegmentVariables.xml"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`<Variable Name="([^"]*)" Value="([^"]*)" />`)
	var out []callback.Variable
	for _, m := range re.FindAllStringSubmatch(string(data), -1) {
		out = append(out, callback.Variable{Name: m[1], Value: m[2]})
	}
	if n := strings.Count(string(data), "<Variable "); n != len(out) || n < 100 {
		t.Fatalf("testdata holds %d <Variable> elements, parsed %d", n, len(out))
	}
	return out
}

func TestDemo(t *testing.T) {
	t.Parallel()
	s := Demo()
	want := []struct{ tenant, zone, segment string }{
		{"VHTLab", "America/New_York", "PTK_VHT_TEST"},
		{"Portree", "Europe/London", "VHT_Test"},
		{"VHT", "America/New_York", "VHT_Test"},
	}
	if len(s.Tenants) != len(want) {
		t.Fatalf("got %d tenants, want %d", len(s.Tenants), len(want))
	}
	for i, w := range want {
		tn := s.Tenants[i]
		if tn.Name != w.tenant || tn.Location.String() != w.zone {
			t.Errorf("tenant %d = %s in %s, want %s in %s", i, tn.Name, tn.Location, w.tenant, w.zone)
		}
		if len(tn.Segments) != 1 || tn.Segments[0].Name != w.segment || tn.Segments[0].Queue != "VHT_Test" || tn.Segments[0].CountryCode != "1" {
			t.Errorf("%s segments = %+v", tn.Name, tn.Segments)
		}
		if len(tn.Queues) != 1 || tn.Queues[0].Name != "VHT_Test" {
			t.Fatalf("%s queues = %+v", tn.Name, tn.Queues)
		}
		q := tn.Queues[0]
		if q.Mode != callback.ModeNormal || !reflect.DeepEqual(q.BusinessHours, schedule.AlwaysOpen()) || !q.Appointments.Enabled {
			t.Errorf("%s queue: mode %s, hours %v, appointments %v", tn.Name, q.Mode, q.BusinessHours, q.Appointments.Enabled)
		}
		if tn.Licenses == nil || tn.Licenses.Inbound < 1 || tn.Licenses.NonVoice < 1 || tn.Licenses.Outbound < 1 || !tn.Licenses.Scheduled {
			t.Errorf("%s licences = %+v", tn.Name, tn.Licenses)
		}
		if tn.Contacts.Profile != contact.Extension {
			t.Errorf("%s numbering = %s", tn.Name, tn.Contacts.Profile)
		}
		for _, c := range []string{"8000", "80001"} {
			if _, err := tn.Contacts.Normalize(c, "1"); err != nil {
				t.Errorf("%s refuses the reference's contact %s: %v", tn.Name, c, err)
			}
		}
		if len(tn.CallInfos) < 2 || len(tn.SystemVariables) < 1 {
			t.Errorf("%s call infos %v, system variables %v", tn.Name, tn.CallInfos, tn.SystemVariables)
		}
	}
	// Each call returns a fresh copy, and aliases in the file do not make
	// tenants share a queue.
	if Demo().Tenants[0] == s.Tenants[0] || s.Tenants[0].Queues[0] == s.Tenants[1].Queues[0] {
		t.Error("demo settings share values")
	}
}

// TestDemoSegmentVariablesMatchReference: with the demo configuration,
// GetSegmentVariables for VHT/VHT_Test is the reference's example response,
// name for name, value for value, in order.
func TestDemoSegmentVariablesMatchReference(t *testing.T) {
	t.Parallel()
	s := Demo()
	tn := s.Tenant("VHT")
	seg := tn.Segment("VHT_Test")
	got := tn.Queue(seg.Queue).SegmentVariables(seg)
	want := referenceVariables(t)
	if len(got) != len(want) {
		t.Errorf("got %d variables, want %d", len(got), len(want))
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		if got[i] != want[i] {
			t.Errorf("variable %d: got %s=%q, want %s=%q", i, got[i].Name, got[i].Value, want[i].Name, want[i].Value)
		}
	}
}

// TestBoundVariablesNameSchemaKeys: every bound variable names a key the
// schema has, so the error that tells a user to set it points somewhere real.
func TestBoundVariablesNameSchemaKeys(t *testing.T) {
	t.Parallel()
	allowed := map[string][]string{}
	if _, issues := decode(Example(), allowed); len(issues) != 0 {
		t.Fatal(issues)
	}
	for _, v := range callback.VariableTable() {
		if !v.IsBound() {
			continue
		}
		full := "tenants[].queues[]." + v.Bound
		if strings.HasPrefix(v.Bound, "segments[].") {
			full = "tenants[]." + v.Bound
		}
		i := strings.LastIndex(full, ".")
		found := false
		for _, k := range allowed[full[:i]] {
			found = found || k == full[i+1:]
		}
		if !found {
			t.Errorf("%s is bound to %s, which the schema does not have", v.Name, full)
		}
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, doc("", ""), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, doc("timeZone: Nowhere", "mode: Off"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path string
		wantErr    string
	}{
		{"valid", good, ""},
		{"invalid", bad, bad + ": 2 problems:\n\ttenants[0].timeZone: \"Nowhere\" is not a time zone (an IANA name such as Europe/London or America/New_York)\n\ttenants[0].queues[0].mode: \"Off\" is not an operation mode (one of Normal, QueueSpeak, Purge, RapidPurge, Standby, AfterHours, VirtualQueue, DateBook, Shutdown)"},
		{"missing", filepath.Join(dir, "missing.yaml"), "read configuration: open " + filepath.Join(dir, "missing.yaml") + ": no such file or directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := Load(tc.path)
			if tc.wantErr == "" {
				if err != nil || len(s.Tenants) != 1 {
					t.Fatalf("Load = %v, %v", s, err)
				}
				return
			}
			if err == nil || err.Error() != tc.wantErr {
				t.Fatalf("Load error =\n%v\nwant\n%s", err, tc.wantErr)
			}
		})
	}
	_, err := Load(filepath.Join(dir, "missing.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file's error does not wrap fs.ErrNotExist: %v", err)
	}
	_, err = Load(bad)
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Issues) != 2 || ce.Issues[0].Path != "tenants[0].timeZone" || ce.Issues[0].Line != 3 {
		t.Errorf("Load's error = %#v", err)
	}
}

func TestIssueAndErrorStrings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		got  string
		want string
	}{
		{"path", Issue{Path: "tenants[1].queues[0].businessHours.mon[0]", Line: 9, Message: `"25:00" is not a time of day`}.String(), `tenants[1].queues[0].businessHours.mon[0]: "25:00" is not a time of day`},
		{"line only", Issue{Line: 3, Message: "YAML syntax error: x"}.String(), "line 3: YAML syntax error: x"},
		{"neither", Issue{Message: "too large"}.String(), "too large"},
		{"one issue", (&Error{Source: "a.yaml", Issues: []Issue{{Path: "tenants", Message: "at least one tenant is required"}}}).Error(), "a.yaml: tenants: at least one tenant is required"},
		{"no source", (&Error{Issues: []Issue{{Path: "p", Message: "m"}, {Message: "n"}}}).Error(), "configuration: 2 problems:\n\tp: m\n\tn"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

func TestExampleReturnsACopy(t *testing.T) {
	t.Parallel()
	e := Example()
	e[0] = 'X'
	if Example()[0] == 'X' {
		t.Fatal("Example shares the embedded bytes")
	}
}

// TestDefaults loads the smallest file and checks every default.
func TestDefaults(t *testing.T) {
	t.Parallel()
	s, err := Parse(doc("", ""), "minimal")
	if err != nil {
		t.Fatal(err)
	}
	tn := s.Tenants[0]
	seg := tn.Segments[0]
	q := tn.Queues[0]
	cases := []struct {
		name      string
		got, want any
	}{
		{"time zone", tn.Location, time.UTC},
		{"profile", tn.Contacts.Profile, contact.E164},
		{"min length", tn.Contacts.MinLength, 4},
		{"max length", tn.Contacts.MaxLength, 15},
		{"international", tn.Contacts.AllowInternational, false},
		{"integration", tn.Integration, callback.IntegrationNone},
		{"licences", tn.Licenses == nil, true},
		{"source application", tn.DefaultSourceApplication, "Conversation Bridge"},
		{"call infos", len(tn.CallInfos), 0},
		{"system variables", len(tn.SystemVariables), 0},
		{"country code", seg.CountryCode, "1"},
		{"segment queue", seg.Queue, "Q"},
		{"source applications", len(seg.SourceApplications), 0},
		{"mode", q.Mode, callback.ModeNormal},
		{"mode schedule", len(q.ModeSchedule), 0},
		{"holiday mode", q.HolidayMode, callback.ModeAfterHours},
		{"queue mode", q.QueueMode, callback.QueueModePredictive},
		{"turn-on threshold", q.TurnOnThreshold, 2 * time.Minute},
		{"smart purge", q.SmartPurge, callback.SmartPurge{Enabled: false, DrainMargin: 5 * time.Minute}},
		{"smart call block", q.SmartCallBlockThreshold, time.Duration(0)},
		{"double check", q.CallbackDoubleCheck, true},
		{"second chance", q.SecondChance, callback.SecondChance{Enabled: false, Threshold: 120 * time.Second}},
		{"business hours", q.BusinessHours, schedule.AlwaysOpen()},
		{"holidays", len(q.Holidays.Dates) == 0 && q.Holidays.Calendar == "", true},
		{"appointments", q.Appointments, callback.Appointments{Enabled: true, SlotLength: 15 * time.Minute, Capacity: 10, HorizonDays: 7}},
		{"retries", q.Retries, callback.Retries{Busy: 3, NoAnswer: 3, AnsweringMachine: 2, TryAgain: 3, Total: 5, Wait: 5 * time.Minute}},
		{"ewt", q.EWT, callback.EWTSettings{Estimator: callback.EstimatorQueueLength, DefaultHandleTime: 300 * time.Second, DefaultAgents: 1, MultiplicationFactor: 100, MinAnswers: 30, Smoothing: 15 * time.Minute}},
		{"launch", q.Launch, callback.LaunchSettings{Lead: 30 * time.Second, OutboundStartTimeout: 60 * time.Second}},
		{"skills", q.Skills, callback.Skills{Holding: callback.Skill{ID: "hold-Q"}}},
		{"variables", len(q.Variables), len(callback.VariableTable()) - 18},
		{"a variable", q.Variables["SPEAKMAXEWTTIME"], "03:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}

	// An empty licences section is a licence configuration with its defaults.
	s, err = Parse(doc("licenses: {}", ""), "licences")
	if err != nil {
		t.Fatal(err)
	}
	l := s.Tenants[0].Licenses
	if l == nil || l.MinimumThreshold != 1 || l.BandwidthPeriod != 15*time.Minute || len(l.VoiceApplications) != 1 || l.VoiceApplications[0] != "VXML Interaction Server" {
		t.Errorf("licenses: {} = %+v", l)
	}
}

// TestValuesAreStoredCanonical: enumerations match case-insensitively and
// are stored in their canonical spelling; other values are read as written.
func TestValuesAreStoredCanonical(t *testing.T) {
	t.Parallel()
	s, err := Parse(doc(`
timeZone: Europe/London
integration: GENESYS
numbering: {profile: Extension, minLength: 3, maxLength: 6, allowInternational: true, blocked: ["911"], blockedPrefixes: ["+1900"]}
licenses: {inbound: 2, nonVoice: 3, outbound: 1, scheduled: true, minimumThreshold: 0, bandwidthLimit: 100, bandwidthPeriod: "00:30:00", voiceApplications: [IVR]}
callInfos: [{code: Done, type: callinfo_callback_successful}]
systemVariables: [{name: B, value: 2}, {name: A, value: one}]`, `
mode: queue speak
holidayMode: datebook
queueMode: AGENTPRIORITY
modeSchedule: [{day: Friday, at: "17:30", mode: afterhours}]
turnOnThreshold: "00:01:30"
smartPurge: {enabled: true, drainMargin: 10m}
smartCallBlockThreshold: 30m
callbackDoubleCheck: false
secondChance: {enabled: true, threshold: 90s}
businessHours: {mon: ["13:00-17:00", "08:00-12:00"], sun: ["00:00-24:00"]}
holidays: {dates: ["2026-12-25"], calendar: GB}
appointments: {enabled: false, slotLength: 30m, capacity: 3, horizonDays: 30}
retries: {busy: 0, noAnswer: 1, answeringMachine: 2, tryAgain: 3, total: 999, wait: 1h}
ewt: {estimator: agentweighting, defaultHandleTime: 4m, defaultAgents: 12, multiplicationFactor: 0, statistic: Median, minAnswers: 50, smoothing: 5m}
launch: {lead: 0s, outboundStartTimeout: 2m}
skills: {holding: {id: 7, device: d7}, callback: {id: 8, device: d8}, underThreshold: {id: 9, device: d9}}
variables: {EUROPEAN: "TRUE", EXTRAEWTPHRASE: ~, SPEAKMAXEWTTIME: 05:00}`), "full")
	if err != nil {
		t.Fatal(err)
	}
	tn := s.Tenants[0]
	q := tn.Queues[0]
	var mon, sun []schedule.Window
	mon = append(mon, schedule.Window{Open: 8 * 60, Close: 12 * 60}, schedule.Window{Open: 13 * 60, Close: 17 * 60})
	sun = append(sun, schedule.Window{Open: 0, Close: schedule.EndOfDay})
	cases := []struct {
		name      string
		got, want any
	}{
		{"time zone", tn.Location.String(), "Europe/London"},
		{"integration", tn.Integration, callback.IntegrationGenesys},
		{"numbering", tn.Contacts.Profile, contact.Extension},
		{"lengths", [2]int{tn.Contacts.MinLength, tn.Contacts.MaxLength}, [2]int{3, 6}},
		{"international", tn.Contacts.AllowInternational, true},
		{"blocked", tn.Contacts.Blocked[0] + tn.Contacts.BlockedPrefixes[0], "911+1900"},
		{"licences", tn.Licenses != nil, true},
		{"licence counts", [6]int{tn.Licenses.Inbound, tn.Licenses.NonVoice, tn.Licenses.Outbound, tn.Licenses.MinimumThreshold, tn.Licenses.BandwidthLimit, len(tn.Licenses.VoiceApplications)}, [6]int{2, 3, 1, 0, 100, 1}},
		{"bandwidth period", tn.Licenses.BandwidthPeriod, 30 * time.Minute},
		{"voice application", tn.Licenses.VoiceApplications[0], "IVR"},
		{"call info", tn.CallInfos[0], callback.CallInfo{Code: "Done", Type: callback.CallInfoSuccessful}},
		{"system variables in order", tn.SystemVariables[0].Name + tn.SystemVariables[0].Value + tn.SystemVariables[1].Name + tn.SystemVariables[1].Value, "B2Aone"},
		{"mode", q.Mode, callback.ModeQueueSpeak},
		{"holiday mode", q.HolidayMode, callback.ModeDateBook},
		{"queue mode", q.QueueMode, callback.QueueModeAgentPriority},
		{"mode schedule", q.ModeSchedule[0], callback.ModeChange{Day: time.Friday, At: 17*60 + 30, Mode: callback.ModeAfterHours}},
		{"turn-on threshold", q.TurnOnThreshold, 90 * time.Second},
		{"smart purge", q.SmartPurge, callback.SmartPurge{Enabled: true, DrainMargin: 10 * time.Minute}},
		{"smart call block", q.SmartCallBlockThreshold, 30 * time.Minute},
		{"double check", q.CallbackDoubleCheck, false},
		{"second chance", q.SecondChance, callback.SecondChance{Enabled: true, Threshold: 90 * time.Second}},
		{"monday sorted", len(q.BusinessHours[time.Monday]) == 2 && q.BusinessHours[time.Monday][0] == mon[0] && q.BusinessHours[time.Monday][1] == mon[1], true},
		{"sunday all day", len(q.BusinessHours[time.Sunday]) == 1 && q.BusinessHours[time.Sunday][0] == sun[0], true},
		{"tuesday closed", len(q.BusinessHours[time.Tuesday]), 0},
		{"holiday date", q.Holidays.Dates[0], schedule.Date{Year: 2026, Month: time.December, Day: 25}},
		{"calendar", q.Holidays.Calendar, "gb"},
		{"appointments", q.Appointments, callback.Appointments{Enabled: false, SlotLength: 30 * time.Minute, Capacity: 3, HorizonDays: 30}},
		{"retries", q.Retries, callback.Retries{Busy: 0, NoAnswer: 1, AnsweringMachine: 2, TryAgain: 3, Total: 999, Wait: time.Hour}},
		{"ewt", q.EWT, callback.EWTSettings{Estimator: callback.EstimatorAgentWeighting, DefaultHandleTime: 4 * time.Minute, DefaultAgents: 12, MultiplicationFactor: 0, Median: true, MinAnswers: 50, Smoothing: 5 * time.Minute}},
		{"launch", q.Launch, callback.LaunchSettings{Lead: 0, OutboundStartTimeout: 2 * time.Minute}},
		{"skills", q.Skills, callback.Skills{Holding: callback.Skill{ID: "7", Device: "d7"}, Callback: callback.Skill{ID: "8", Device: "d8"}, UnderThreshold: callback.Skill{ID: "9", Device: "d9"}}},
		{"variable as written", q.Variables["EUROPEAN"], "TRUE"},
		{"empty variable", q.Variables["EXTRAEWTPHRASE"], ""},
		{"time-like variable", q.Variables["SPEAKMAXEWTTIME"], "05:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}
