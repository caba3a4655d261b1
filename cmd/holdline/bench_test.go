package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/loadgen"
)

// TestBenchSmoke runs the whole benchmark harness as `make bench` does —
// the binary starting holdline serve and the ceiling as child processes —
// for about a second per run at a tiny load, and checks that the report
// holds every workload with sane figures. It asserts no speed.
func TestBenchSmoke(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "bench.json")
	var rep loadgen.Report
	table := runReport(t, report, &rep, "bench", "--duration", "1s", "--open-duration", "500ms", "--reps", "1",
		"--connections", "4", "--rate", "200", "--json", report, "--dir", filepath.Join(dir, "work"))
	if len(rep.Workloads) != len(loadgen.Workloads) {
		t.Fatalf("%d workloads in the report, want %d", len(rep.Workloads), len(loadgen.Workloads))
	}
	for i, w := range rep.Workloads {
		if w.Name != loadgen.Workloads[i].Name {
			t.Errorf("workload %d is %q, want %q", i, w.Name, loadgen.Workloads[i].Name)
		}
		if !strings.Contains(table, "| "+w.Name+" | ") {
			t.Errorf("the table has no row for %s:\n%s", w.Name, table)
		}
		if w.Ratio <= 0 {
			t.Errorf("%s: ratio %g, want a positive one", w.Name, w.Ratio)
		}
		for side, s := range map[string]loadgen.Side{"Holdline": w.Holdline, "ceiling": w.CeilingSide} {
			if s.PerSecond <= 0 || s.RSSBytes <= 0 || s.ServerCPUPerRequestUs < 0 || s.GeneratorCPUPerRequestUs < 0 {
				t.Errorf("%s on %s: %g req/s, RSS %d, CPU per request %g µs (generator %g)", w.Name, side,
					s.PerSecond, s.RSSBytes, s.ServerCPUPerRequestUs, s.GeneratorCPUPerRequestUs)
			}
			if len(s.Errors) != 0 {
				t.Errorf("%s on %s: errors %v, want none (unique contacts, generous licences)", w.Name, side, s.Errors)
			}
			if s.Schedule.Scheduled != 100 || s.Schedule.OnTime+s.Schedule.Late+s.Schedule.Unsent != 100 {
				t.Errorf("%s on %s: open loop %+v, want 100 scheduled (200/s for 0.5 s), all accounted for", w.Name, side, s.Schedule)
			}
			if s.P50Ms <= 0 || s.P99Ms < s.P50Ms {
				t.Errorf("%s on %s: p50 %g ms, p99 %g ms", w.Name, side, s.P50Ms, s.P99Ms)
			}
			if len(s.Runs) != 2 {
				t.Errorf("%s on %s: %d runs, want a closed and an open one", w.Name, side, len(s.Runs))
			}
		}
		if w.Holdline.ServerCPUPerRequestUs <= 0 {
			t.Errorf("%s: Holdline's CPU per request %g µs, want it measured", w.Name, w.Holdline.ServerCPUPerRequestUs)
		}
	}
	if rep.Machine.CPUs <= 0 || rep.Settings.FsyncBatch != loadgen.DefaultFsyncBatch || rep.Date == "" {
		t.Errorf("machine %+v, settings %+v, date %q", rep.Machine, rep.Settings, rep.Date)
	}
}
