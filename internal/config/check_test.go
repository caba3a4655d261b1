package config

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestCheckCases(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		data []byte
		want []string // issues as "PATH: MESSAGE"; empty for a valid file
	}{
		{"minimal", doc("", ""), nil},
		{"empty file", []byte(""), []string{"line 1: the file is empty; it needs a tenants list"}},
		{"only comments", []byte("# nothing\n"), []string{"line 1: the file is empty; it needs a tenants list"}},
		{"syntax error", []byte("tenants:\n  - name: [T\n"), []string{"line 1: YAML syntax error: did not find expected ',' or ']'"}},
		{"tab", []byte("tenants:\n\t- name: T\n"), []string{"line 2: YAML syntax error: found character that cannot start any token"}},
		{"two documents", append(doc("", ""), "---\ntenants: []\n"...), []string{`line 8: the file holds more than one YAML document ("---"); only one is allowed`}},
		{"not a mapping", []byte("- a\n- b\n"), []string{"line 1: must be a mapping of keys, not a list"}},
		{"no tenants", []byte("tenants: []\n"), []string{"tenants: at least one tenant is required"}},
		{"tenants absent", []byte("{}\n"), []string{"tenants: at least one tenant is required"}},
		{"unknown top key", []byte("tenant: []\n"), []string{
			`tenant: unknown key; did you mean "tenants"?`,
			"tenants: at least one tenant is required",
		}},
		{"tenants not a list", []byte("tenants: VHT\n"), []string{
			`tenants: must be a list, not the value "VHT"`,
			"tenants: at least one tenant is required",
		}},
		{"tenant not a mapping", []byte("tenants: [VHT]\n"), []string{`tenants[0]: must be a mapping of keys, not the value "VHT"`}},
		{"key case", doc("TimeZone: UTC", ""), []string{`tenants[0].TimeZone: unknown key; did you mean "timeZone"?`}},
		{"key written twice", doc("timeZone: UTC\ntimeZone: UTC", ""), []string{"tenants[0].timeZone: the key is written twice (first on line 3)"}},
		{"empty value is the default", doc("timeZone:\nlicenses:", "mode: ~"), nil},
		{"empty name", []byte("tenants:\n  - name: ' '\n    segments: [{name: S, queue: Q}]\n    queues: [{name: Q, skills: {holding: {id: hold-Q}}}]\n"), []string{"tenants[0].name: must not be empty"}},
		{"name is a list", []byte("tenants:\n  - name: [a]\n    segments: [{name: S, queue: Q}]\n    queues: [{name: Q, skills: {holding: {id: hold-Q}}}]\n"), []string{"tenants[0].name: must be a single value, not a list"}},
		{"Local time zone", doc("timeZone: Local", ""), []string{`tenants[0].timeZone: "Local" is not allowed: name an IANA time zone so the file means the same on every machine`}},
		{"empty time zone", doc("timeZone: ''", ""), []string{`tenants[0].timeZone: "" is not a time zone (an IANA name such as Europe/London or America/New_York)`}},
		{"path in time zone", doc("timeZone: ../../etc/passwd", ""), []string{`tenants[0].timeZone: "../../etc/passwd" is not a time zone (an IANA name such as Europe/London or America/New_York)`}},
		{"profile", doc("numbering: {profile: e.164}", ""), []string{`tenants[0].numbering.profile: "e.164" is not a numbering profile (one of e164, extension)`}},
		{"max below default min", doc("numbering: {maxLength: 3}", ""), []string{"tenants[0].numbering: minLength 4 is greater than maxLength 3"}},
		{"length out of range", doc("numbering: {minLength: 0}", ""), []string{"tenants[0].numbering.minLength: 0 is out of range (1 to 32)"}},
		{"blocked number", doc("numbering: {blocked: ['911', '+44 20']}", ""), []string{`tenants[0].numbering.blocked[1]: "+44 20" is not a number (digits, optionally after a +)`}},
		{"blocked not a list", doc("numbering: {blockedPrefixes: '+1900'}", ""), []string{`tenants[0].numbering.blockedPrefixes: must be a list, not the value "+1900"`}},
		{"licence type", doc("licenses: {inbound: 1.5, scheduled: 1}", ""), []string{
			`tenants[0].licenses.inbound: must be a whole number, not "1.5"`,
			`tenants[0].licenses.scheduled: must be true or false, not "1"`,
		}},
		{"bandwidth period zero", doc("licenses: {bandwidthPeriod: 0s}", ""), []string{"tenants[0].licenses.bandwidthPeriod: 0s is out of range (at least 1s)"}},
		{"voice application with bar", doc("licenses: {voiceApplications: ['A|B', '']}", ""), []string{
			`tenants[0].licenses.voiceApplications[0]: "A|B" must not contain |`,
			"tenants[0].licenses.voiceApplications[1]: must not be empty",
		}},
		{"default source application", doc("defaultSourceApplication: 'Web|App'", ""), []string{`tenants[0].defaultSourceApplication: "Web|App" must not contain |`}},
		{"call infos", doc("callInfos:\n  - {code: OK, type: CALLINFO_CALLBACK_SUCCESSFUL}\n  - {code: ok, type: success}\n  - {type: CALLINFO_CALLBACK_FAILED}", ""), []string{
			`tenants[0].callInfos[1].type: "success" is not a call info type (one of CALLINFO_CALLBACK_FAILED, CALLINFO_CALLBACK_SUCCESSFUL, CALLINFO_CALLBACK_CANCELLED)`,
			"tenants[0].callInfos[2].code: is required",
		}},
		{"duplicate call info code", doc("callInfos:\n  - {code: OK, type: CALLINFO_CALLBACK_SUCCESSFUL}\n  - {code: ok, type: CALLINFO_CALLBACK_FAILED}", ""), []string{
			`tenants[0].callInfos[1].code: duplicate call info code "ok" (already used by tenants[0].callInfos[0].code; names are matched case-insensitively)`,
		}},
		{"system variables", doc("systemVariables:\n  - {name: A, value: 1}\n  - {name: a}\n  - {value: x}\n  - {name: B, value: [1]}", ""), []string{
			`tenants[0].systemVariables[1].name: duplicate system variable "a" (already used by tenants[0].systemVariables[0]; names are matched case-insensitively)`,
			"tenants[0].systemVariables[2].name: is required",
			"tenants[0].systemVariables[3].value: must be a single value, not a list",
		}},
		{"segment without queue", []byte("tenants:\n  - name: T\n    segments: [{name: S}]\n"), []string{"tenants[0].segments[0].queue: is required"}},
		{"country codes", []byte("tenants:\n  - name: T\n    segments:\n      - {name: A, queue: Q, countryCode: '+44'}\n      - {name: B, queue: Q, countryCode: 044}\n      - {name: C, queue: Q, countryCode: 1234}\n    queues: [{name: Q, skills: {holding: {id: hold-Q}}}]\n"), []string{
			`tenants[0].segments[1].countryCode: "044" is not a country calling code (1 to 3 digits, not starting with 0)`,
			`tenants[0].segments[2].countryCode: "1234" is not a country calling code (1 to 3 digits, not starting with 0)`,
		}},
		{"source applications", []byte("tenants:\n  - name: T\n    segments: [{name: S, queue: Q, sourceApplications: [Web, 'a|b']}]\n    queues: [{name: Q, skills: {holding: {id: hold-Q}}}]\n"), []string{
			`tenants[0].segments[0].sourceApplications[1]: "a|b" must not contain |`,
		}},
		{"queue without name", []byte("tenants:\n  - name: T\n    segments: [{name: S, queue: Q}]\n    queues: [{mode: Normal, skills: {holding: {id: h}}}]\n"), []string{
			"tenants[0].segments[0].queue: no queue named \"Q\" in this tenant",
			"tenants[0].queues[0].name: is required",
		}},
		{"holiday mode", doc("", "holidayMode: closed"), []string{`tenants[0].queues[0].holidayMode: "closed" is not an operation mode (one of Normal, QueueSpeak, Purge, RapidPurge, Standby, AfterHours, VirtualQueue, DateBook, Shutdown)`}},
		{"queue mode", doc("", "queueMode: Agent"), []string{`tenants[0].queues[0].queueMode: "Agent" is not a queue mode (one of Predictive, AgentPriority)`}},
		{"negative duration", doc("", "turnOnThreshold: -5s"), []string{`tenants[0].queues[0].turnOnThreshold: "-5s" must not be negative`}},
		{"fractional duration", doc("", "smartCallBlockThreshold: 1.5s"), []string{`tenants[0].queues[0].smartCallBlockThreshold: "1.5s" must be a whole number of seconds`}},
		{"slot length minutes", doc("", "appointments: {slotLength: 10m30s}"), []string{"tenants[0].queues[0].appointments.slotLength: 10m30s must be a whole number of minutes"}},
		{"slot length too long", doc("", "appointments: {slotLength: '03:00:00'}"), []string{"tenants[0].queues[0].appointments.slotLength: 3h is out of range (5m to 2h)"}},
		{"capacity and horizon", doc("", "appointments: {capacity: 0, horizonDays: 366}"), []string{
			"tenants[0].queues[0].appointments.capacity: 0 is out of range (at least 1)",
			"tenants[0].queues[0].appointments.horizonDays: 366 is out of range (1 to 365)",
		}},
		{"ewt", doc("", "ewt: {estimator: magic, defaultHandleTime: 0s, defaultAgents: 0}"), []string{
			`tenants[0].queues[0].ewt.estimator: "magic" is not an estimator (one of QueueLength, RollingHistory, AgentAdjustedHistory, AgentWeighting)`,
			"tenants[0].queues[0].ewt.defaultHandleTime: 0s is out of range (at least 1s)",
			"tenants[0].queues[0].ewt.defaultAgents: 0 is out of range (at least 1)",
		}},
		{"launch", doc("", "launch: {outboundStartTimeout: 0s, leed: 1s}"), []string{
			"tenants[0].queues[0].launch.outboundStartTimeout: 0s is out of range (at least 1s)",
			`tenants[0].queues[0].launch.leed: unknown key; did you mean "lead"?`,
		}},
		{"skills", doc("", "skills: {holding: 1000, callback: {id: 1, dev: 2}}"), []string{
			`tenants[0].queues[0].skills.holding: must be a mapping of keys, not the value "1000"`,
			"tenants[0].queues[0].skills.callback.dev: unknown key; expected one of: device, id",
		}},
		{"window shape", doc("", "businessHours: {mon: '08:00-17:00', tue: [8-5], wed: ['17:00-08:00']}"), []string{
			`tenants[0].queues[0].businessHours.mon: must be a list, not the value "08:00-17:00"`,
			`tenants[0].queues[0].businessHours.tue[0]: "8" is not a time of day (HH:MM)`,
			`tenants[0].queues[0].businessHours.wed[0]: "17:00-08:00" closes before it opens`,
		}},
		{"mode schedule shape", doc("", "modeSchedule: {day: mon}"), []string{"tenants[0].queues[0].modeSchedule: must be a list, not a mapping"}},
		{"mode schedule missing keys", doc("", "modeSchedule: [{}]"), []string{
			"tenants[0].queues[0].modeSchedule[0].day: is required",
			"tenants[0].queues[0].modeSchedule[0].at: is required",
			"tenants[0].queues[0].modeSchedule[0].mode: is required",
		}},
		{"bound country code", doc("", "variables: {CountryCode: '44'}"), []string{"tenants[0].queues[0].variables.CountryCode: CountryCode comes from each segment's countryCode; set that instead"}},
		{"bound skill", doc("", "variables: {HoldingQueueID: '1'}"), []string{"tenants[0].queues[0].variables.HoldingQueueID: HoldingQueueID comes from skills.holding.id; set tenants[0].queues[0].skills.holding.id instead"}},
		{"variable value not a value", doc("", "variables: {EUROPEAN: [1]}"), []string{"tenants[0].queues[0].variables.EUROPEAN: must be a single value, not a list"}},
		{"variables not a mapping", doc("", "variables: [EUROPEAN]"), []string{"tenants[0].queues[0].variables: must be a mapping of variable names to values, not a list"}},
		{"variable written twice", doc("", "variables: {EUROPEAN: 'TRUE', EUROPEAN: 'FALSE'}"), []string{"tenants[0].queues[0].variables.EUROPEAN: the key is written twice (first on line 8)"}},
		{"merge keys", []byte("base: &base {mode: Purge, turnOnThreshold: 1m}\n"), []string{"base: unknown key; expected one of: auth, delivery, limits, server, store, tenants", "tenants: at least one tenant is required"}},
		{"merge into a queue", []byte("tenants:\n  - name: T\n    segments: [{name: S, queue: Q}]\n    queues:\n      - &q {name: Q, mode: Purge, retries: {busy: 1}, skills: {holding: {id: h}}}\n      - {<<: *q, name: R, mode: standby, colour: red}\n"), []string{
			`tenants[0].queues[1].colour: unknown key; expected one of: appointments, businessHours, callbackDoubleCheck, dialer, ewt, holidayMode, holidays, launch, mode, modeSchedule, name, queueMode, retries, secondChance, skills, smartCallBlockThreshold, smartPurge, turnOnThreshold, variables`,
		}},
		{"merge of a value", doc("", "<<: 5"), []string{`tenants[0].queues[0]: a merge key (<<) must name a mapping or a list of mappings, not the value "5"`}},
		{"merge of itself", []byte("tenants:\n  - &t\n    name: T\n    <<: *t\n    segments: [{name: S, queue: Q}]\n    queues: [{name: Q, skills: {holding: {id: hold-Q}}}]\n"), []string{"tenants[0]: merge keys (<<) nest more than 16 deep"}},
		{"alias to a list where a value is expected", []byte("x: &l [1]\n"), []string{"x: unknown key; expected one of: auth, delivery, limits, server, store, tenants", "tenants: at least one tenant is required"}},
		{"complex key", doc("? [a]\n: b", ""), []string{"tenants[0]: a key must be a plain name, not a list"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := issueStrings(Check(tc.data))
			if !slices.Equal(got, tc.want) {
				t.Errorf("Check:\n got  %q\n want %q", got, tc.want)
			}
			_, err := Parse(tc.data, "t.yaml")
			if (err == nil) != (len(tc.want) == 0) {
				t.Errorf("Parse error = %v, want an error: %v", err, len(tc.want) > 0)
			}
		})
	}
}

// TestCheckStopsOnAliasBombs proves that small files which expand aliases
// exponentially are refused quickly instead of exhausting the machine.
func TestCheckStopsOnAliasBombs(t *testing.T) {
	t.Parallel()
	// Nested merge keys: 10^12 merged mappings.
	var merges strings.Builder
	merges.WriteString("m0: &m0 {mode: Normal}\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&merges, "m%d: &m%d {<<: [%s*m%d]}\n", i, i, strings.Repeat(fmt.Sprintf("*m%d, ", i-1), 9), i-1)
	}
	merges.WriteString("tenants: [{name: T, segments: [{name: S, queue: Q}], queues: [{name: Q, <<: *m12, skills: {holding: {id: hold-Q}}}]}]\n")

	// Lists of aliases to lists of aliases: 1000 tenants of 1000 queues.
	var lists strings.Builder
	lists.WriteString("q: &q {name: Q}\n")
	fmt.Fprintf(&lists, "qs: &qs [%s*q]\n", strings.Repeat("*q, ", 999))
	lists.WriteString("t: &t {name: T, segments: [{name: S, queue: Q}], queues: *qs}\n")
	fmt.Fprintf(&lists, "tenants: [%s*t]\n", strings.Repeat("*t, ", 999))

	for name, data := range map[string]string{"merges": merges.String(), "lists": lists.String()} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			issues := Check([]byte(data))
			if len(issues) == 0 || !strings.Contains(issues[len(issues)-1].Message, "too large") {
				t.Fatalf("got %d issues, last %v", len(issues), issues[len(issues)-1:])
			}
		})
	}
}
