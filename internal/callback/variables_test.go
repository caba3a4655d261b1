package callback

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// referenceVariables reads the variables of the PTK reference's
// GetSegmentVariables example response (testdata), in order.
func referenceVariables(t *testing.T) []Variable {
	t.Helper()
	data, err := os.ReadFile("testdata/GetSegmentVariables.xml")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`<Variable Name="([^"]*)" Value="([^"]*)" />`)
	var out []Variable
	for _, m := range re.FindAllStringSubmatch(string(data), -1) {
		out = append(out, Variable{Name: m[1], Value: m[2]})
	}
	if strings.Count(string(data), "<Variable ") != len(out) || len(out) < 100 {
		t.Fatalf("testdata holds %d <Variable> elements, parsed %d", strings.Count(string(data), "<Variable "), len(out))
	}
	return out
}

// demoQueue is a queue configured like the demo's VHT/VHT_Test: the settings
// that the reference example shows.
func demoQueue() (*Queue, *Segment) {
	q := &Queue{
		Name:                "VHT_Test",
		TurnOnThreshold:     0,
		CallbackDoubleCheck: true,
		SecondChance:        SecondChance{Enabled: false, Threshold: 120 * time.Second},
		Appointments:        Appointments{Enabled: true},
		Retries:             Retries{Busy: 3, NoAnswer: 3, AnsweringMachine: 2, TryAgain: 3, Total: 5, Wait: 5 * time.Minute},
		Skills: Skills{
			Holding:        Skill{ID: "1000", Device: "1000"},
			Callback:       Skill{ID: "1000", Device: "1000"},
			UnderThreshold: Skill{ID: "1000", Device: "1000"},
		},
	}
	return q, &Segment{Name: "VHT_Test", Queue: "VHT_Test", CountryCode: "1"}
}

func diffVariables(t *testing.T, got, want []Variable) {
	t.Helper()
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w Variable
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("variable %d: got %s=%q, want %s=%q", i, g.Name, g.Value, w.Name, w.Value)
		}
	}
}

func TestVariableTableMatchesReference(t *testing.T) {
	t.Parallel()
	want := referenceVariables(t)
	table := VariableTable()
	got := make([]Variable, len(table))
	for i, d := range table {
		got[i] = Variable{Name: d.Name, Value: d.Default}
	}
	diffVariables(t, got, want)
}

func TestSegmentVariablesDemoQueueMatchesReference(t *testing.T) {
	t.Parallel()
	q, seg := demoQueue()
	diffVariables(t, q.SegmentVariables(seg), referenceVariables(t))
}

func TestVariableTableInvariants(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, v := range variables {
		if seen[v.Name] {
			t.Errorf("%s is in the table twice", v.Name)
		}
		seen[v.Name] = true
		if v.IsBound() != (v.render != nil) {
			t.Errorf("%s: bound to %q but render set = %v", v.Name, v.Bound, v.render != nil)
		}
	}
	if len(variableIndex) != len(variables) {
		t.Errorf("index has %d names, table %d", len(variableIndex), len(variables))
	}
}

func TestSegmentVariablesRendersSettings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(q *Queue, seg *Segment) *Segment
		want   map[string]string
	}{
		{
			name: "turn-on threshold in whole seconds",
			change: func(q *Queue, s *Segment) *Segment {
				q.TurnOnThreshold = 2*time.Minute + 500*time.Millisecond
				return s
			},
			want: map[string]string{"TURNONTHRESHOLD": "120"},
		},
		{
			name:   "appointments off",
			change: func(q *Queue, s *Segment) *Segment { q.Appointments.Enabled = false; return s },
			want:   map[string]string{"SCHEDULEDCALLBACKON": "FALSE"},
		},
		{
			name: "retry limits",
			change: func(q *Queue, s *Segment) *Segment {
				q.Retries = Retries{Busy: 1, NoAnswer: 2, AnsweringMachine: 3, TryAgain: 4, Total: 999}
				return s
			},
			want: map[string]string{"BUSYATTEMPTS": "1", "NOANSATTEMPTS": "2", "MAXANSMACHATTEMPTS": "3", "TRYAGAINATTEMPTS": "4", "MAXATTEMPTS": "999"},
		},
		{
			name:   "smart call block on",
			change: func(q *Queue, s *Segment) *Segment { q.SmartCallBlockThreshold = 30 * time.Minute; return s },
			want:   map[string]string{"SMARTCALLBLOCKTHRESHOLD": "1800"},
		},
		{
			name:   "smart call block off is blank",
			change: func(q *Queue, s *Segment) *Segment { q.SmartCallBlockThreshold = 0; return s },
			want:   map[string]string{"SMARTCALLBLOCKTHRESHOLD": ""},
		},
		{
			name: "double check and second chance",
			change: func(q *Queue, s *Segment) *Segment {
				q.CallbackDoubleCheck = false
				q.SecondChance = SecondChance{Enabled: true, Threshold: 90 * time.Second}
				return s
			},
			want: map[string]string{"CDBC_ENABLED": "FALSE", "SECONDCHANCE_ENABLED": "TRUE", "SECONDCHANCE_THRESHOLD": "90"},
		},
		{
			name: "skills",
			change: func(q *Queue, s *Segment) *Segment {
				q.Skills = Skills{Holding: Skill{"H", "hd"}, Callback: Skill{"C", "cd"}, UnderThreshold: Skill{"U", "ud"}}
				return s
			},
			want: map[string]string{
				"HoldingQueueID": "H", "HoldingQueueDevice": "hd", "CallbackQueueID": "C",
				"CallbackQueueDevice": "cd", "UnderThresholdQueueID": "U", "UnderThresholdQueueDevice": "ud",
			},
		},
		{
			name:   "country code from the segment",
			change: func(_ *Queue, s *Segment) *Segment { s.CountryCode = "44"; return s },
			want:   map[string]string{"CountryCode": "44"},
		},
		{
			name:   "no segment keeps the default country code",
			change: func(*Queue, *Segment) *Segment { return nil },
			want:   map[string]string{"CountryCode": "1"},
		},
		{
			name: "free variables from the queue, defaults for the rest",
			change: func(q *Queue, s *Segment) *Segment {
				q.Variables = map[string]string{"SPEAKMAXEWTTIME": "05:00", "MessagingTags": "vip", "TURNONTHRESHOLD": "999"}
				return s
			},
			// A bound name in Variables is ignored: the setting wins.
			want: map[string]string{"SPEAKMAXEWTTIME": "05:00", "MessagingTags": "vip", "TURNONTHRESHOLD": "0", "EUROPEAN": "FALSE"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q, seg := demoQueue()
			seg = tc.change(q, seg)
			got := map[string]string{}
			vars := q.SegmentVariables(seg)
			for _, v := range vars {
				got[v.Name] = v.Value
			}
			if len(vars) != len(variables) {
				t.Fatalf("got %d variables, want %d", len(vars), len(variables))
			}
			for name, want := range tc.want {
				if got[name] != want {
					t.Errorf("%s = %q, want %q", name, got[name], want)
				}
			}
		})
	}
}

func TestLookupVariable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		ok    bool
		bound string
		def   string
	}{
		{"TURNONTHRESHOLD", true, "turnOnThreshold", "0"},
		{"BUSYATTEMPTS", true, "retries.busy", "3"},
		{"CountryCode", true, "segments[].countryCode", "1"},
		{"RECALMAXNOANSWERATTEMPTS", true, "", "2"},
		{"MessagingOfferMessage", true, "", "This is the message you requested"},
		{"SPEAKMAXEWTTIME", true, "", "03:00"},
		{"turnonthreshold", false, "", ""},
		{"COUNTRYCODE", false, "", ""},
		{"RECALLMAXNOANSWERATTEMPTS", false, "", ""},
		{"", false, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, ok := LookupVariable(tc.name)
			if ok != tc.ok || d.Bound != tc.bound || d.Default != tc.def || (ok && d.Name != tc.name) {
				t.Errorf("LookupVariable(%q) = %+v, %v; want bound %q default %q ok %v", tc.name, d, ok, tc.bound, tc.def, tc.ok)
			}
		})
	}
}

func TestVariableTableIsACopy(t *testing.T) {
	t.Parallel()
	a := VariableTable()
	a[0].Default = "changed"
	if b := VariableTable(); b[0].Default == "changed" {
		t.Fatal("VariableTable shares its backing array")
	}
}
