package loadgen

import (
	"strings"
	"testing"
)

func TestStateData(t *testing.T) {
	answer := []byte(`<Segment Tenant="Scale" Queue="Q001" Name="S001"><StateData>` +
		`<StateData Name="OperationMode" Value="Normal" /><StateData Name="EWT" Value="570" />` +
		`<StateData Name="ModeStatus" Value="" /></StateData></Segment>`)
	for _, tc := range []struct{ name, want string }{
		{"OperationMode", "Normal"},
		{"EWT", "570"},
		{"ModeStatus", ""},
		{"OfferTreatment", ""}, // absent
	} {
		if got := stateData(answer, tc.name); got != tc.want {
			t.Errorf("stateData(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := stateData([]byte(`<StateData Name="EWT" Value="57`), "EWT"); got != "" {
		t.Errorf("an unterminated value gave %q, want none", got)
	}
}

// TestScaleVerdicts checks each bound's direction and that a figure at the
// bound passes, in the report and in its table.
func TestScaleVerdicts(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    ScaleReport
		want []bool // RSS, ready, idle, ratio
	}{
		{"all at their bounds", ScaleReport{MaxRSSBytes: ScaleRSSBound, Restart: Restart{Seconds: ScaleReadyBound.Seconds()},
			Idle: Idle{Share: ScaleIdleBound}, Throughput: ScaleThroughput{Ratio: ScaleRatioBound}}, []bool{true, true, true, true}},
		{"all past them", ScaleReport{MaxRSSBytes: ScaleRSSBound + 1<<20, Restart: Restart{Seconds: 5.01},
			Idle: Idle{Share: 0.006}, Throughput: ScaleThroughput{Ratio: 0.89}}, []bool{false, false, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.r.judge()
			for i, c := range tc.r.Checks {
				if c.Pass != tc.want[i] {
					t.Errorf("%s: %g against %g: pass %v, want %v", c.Name, c.Value, c.Bound, c.Pass, tc.want[i])
				}
			}
			if tc.r.Passed() != !strings.Contains(tc.name, "past") {
				t.Errorf("Passed() = %v", tc.r.Passed())
			}
			var b strings.Builder
			if err := tc.r.WriteTable(&b); err != nil {
				t.Fatal(err)
			}
			verdict := "| pass |"
			if !tc.want[0] {
				verdict = "| fail |"
			}
			if n := strings.Count(b.String(), verdict); n != len(tc.want) {
				t.Errorf("%d rows %q in the table, want %d:\n%s", n, verdict, len(tc.want), b.String())
			}
		})
	}
}
