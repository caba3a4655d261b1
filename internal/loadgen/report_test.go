package loadgen

import (
	"math"
	"strings"
	"testing"
	"time"
)

// TestReportFigures builds a workload's sides from runs and checks the
// figures, the warnings and the table a user reads.
func TestReportFigures(t *testing.T) {
	w := WorkloadResult{Name: "AddInteraction", Ceiling: "append + fsync, group commit"}
	// Holdline: 2 closed runs, 1,000 requests in 2 s, 1.5 s of its CPU, 0.1 s of the generator's.
	w.Holdline.add(RunResult{Mode: "closed", OK: 600, Seconds: 1, ServerCPUSeconds: 0.9, GeneratorCPUSeconds: 0.06, RSSBytes: 40 << 20}, load{})
	w.Holdline.add(RunResult{Mode: "closed", OK: 390, Errors: map[string]int{"ptk 109004": 10}, Seconds: 1,
		ServerCPUSeconds: 0.6, GeneratorCPUSeconds: 0.04, RSSBytes: 44 << 20}, load{})
	w.Holdline.add(RunResult{Mode: "open", OK: 4, Seconds: 1, Schedule: &Schedule{Scheduled: 10, OnTime: 2, Late: 2, Unsent: 6}},
		load{latencies: []time.Duration{time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond, 900 * time.Millisecond}})
	// The ceiling: 10,000 requests in 1 s, and a generator as costly as it (20 µs).
	w.CeilingSide.add(RunResult{Mode: "closed", OK: 10000, Seconds: 1, ServerCPUSeconds: 0.2, GeneratorCPUSeconds: 0.2, RSSBytes: 30 << 20}, load{})
	w.CeilingSide.add(RunResult{Mode: "open", OK: 10, Seconds: 1, Schedule: &Schedule{Scheduled: 10, OnTime: 10}},
		load{latencies: []time.Duration{time.Millisecond}})
	w.finish()

	h := w.Holdline
	if h.PerSecond != 495 || math.Abs(w.Ratio-0.0495) > 1e-9 {
		t.Errorf("Holdline %g req/s, ratio %g; want 495 (990 completed in 2 s) and 0.0495", h.PerSecond, w.Ratio)
	}
	if math.Abs(h.ServerCPUPerRequestUs-1500) > 1e-6 || math.Abs(h.GeneratorCPUPerRequestUs-100) > 1e-6 {
		t.Errorf("CPU per request %g µs (generator %g), want 1500 (100)", h.ServerCPUPerRequestUs, h.GeneratorCPUPerRequestUs)
	}
	if h.P50Ms != 2 || h.P99Ms != 900 || h.NotOnTime != 0.8 || h.RSSBytes != 44<<20 || h.Errors["ptk 109004"] != 10 {
		t.Errorf("p50 %g p99 %g ms, not on time %g, RSS %d, errors %v", h.P50Ms, h.P99Ms, h.NotOnTime, h.RSSBytes, h.Errors)
	}

	r := &Report{Settings: Settings{Rate: 5000, Connections: 128}, Workloads: []WorkloadResult{w}}
	r.warn()
	if len(r.Warnings) != 2 || !strings.Contains(r.Warnings[0], "ptk 109004 ×10") ||
		!strings.Contains(r.Warnings[1], "not below the server's") {
		t.Errorf("warnings %q: want the errors and the generator as costly as the ceiling", r.Warnings)
	}
	var b strings.Builder
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| AddInteraction | append + fsync, group commit | 10,000 | 495 | 0.05 | 2.00 ms / 900 ms | 1.00 ms / 1.00 ms | 80.0 % / 0.0 % | 1500 (100) | 20 (20) | 44 MiB / 30 MiB | 10 / 0 |",
		"at 5,000/s", "WARNING: AddInteraction: the load generator used 20.0 µs",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, b.String())
		}
	}
}
