package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/loadgen"
)

// runBenchScaleCmd runs `holdline bench scale` with args and returns its table
// and the JSON report it wrote.
func runBenchScaleCmd(t *testing.T, dir string, args ...string) (string, loadgen.ScaleReport) {
	t.Helper()
	report := filepath.Join(dir, "bench-scale.json")
	_ = os.Remove(report)
	var rep loadgen.ScaleReport
	table := runReport(t, report, &rep, append([]string{"bench", "scale", "--json", report}, args...)...)
	return table, rep
}

// runReport runs holdline with args, which write a JSON report to report,
// and reads it into rep; it returns what the command printed.
func runReport(t *testing.T, report string, rep any, args ...string) string {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("holdline %s: %v\n%s\n%s", strings.Join(args[:min(2, len(args))], " "), err, stdout.String(), stderr.String())
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, rep); err != nil {
		t.Fatalf("the JSON report: %v\n%s", err, b)
	}
	return stdout.String()
}

// TestBenchScaleSmoke runs the whole scale benchmark as `make bench-scale`
// does — the in-process load, then holdline serve children loaded and empty,
// idle, alternating GetSegmentState loops, SIGKILL and restart — with 2,000
// callbacks and a second of each, and checks the report's shape and sanity;
// a second run on the same --dir reuses the loaded folder. It asserts no
// speed: whether a bound passes is the full run's business.
func TestBenchScaleSmoke(t *testing.T) {
	dir := t.TempDir()
	work := filepath.Join(dir, "work")
	args := []string{"--callbacks", "2000", "--idle", "1s", "--duration", "500ms", "--reps", "1", "--connections", "4", "--dir", work}
	table, rep := runBenchScaleCmd(t, dir, args...)

	if l := rep.Load; l.Callbacks != 2000 || l.Scheduled != 200 || l.ASAP != 1800 || l.Reused || l.Seconds <= 0 || l.DatabaseBytes <= 0 {
		t.Errorf("load %+v, want 2,000 callbacks loaded now, 1,800 ASAP and 200 scheduled (every tenth of each queue)", l)
	}
	wantChecks := []struct {
		name  string
		bound float64
	}{
		{"RSS, largest seen", loadgen.ScaleRSSBound >> 20},
		{"ready after SIGKILL", loadgen.ScaleReadyBound.Seconds()},
		{"idle CPU", 100 * loadgen.ScaleIdleBound},
		{"GetSegmentState loaded / empty", loadgen.ScaleRatioBound},
	}
	if len(rep.Checks) != len(wantChecks) {
		t.Fatalf("%d checks, want %d: %+v", len(rep.Checks), len(wantChecks), rep.Checks)
	}
	for i, want := range wantChecks {
		c := rep.Checks[i]
		if c.Name != want.name || c.Bound != want.bound || c.Value < 0 {
			t.Errorf("check %d: %+v, want %q against %g, measured", i, c, want.name, want.bound)
		}
		verdict := "fail"
		if c.Pass {
			verdict = "pass"
		}
		if !strings.Contains(table, "| "+c.Name+" | ") || !strings.Contains(table, " | "+verdict+" |") {
			t.Errorf("the table has no row for %s with its verdict %s:\n%s", c.Name, verdict, table)
		}
	}
	if rep.ReadyRSSBytes <= 0 || rep.MaxRSSBytes < rep.ReadyRSSBytes || rep.StartSeconds <= 0 {
		t.Errorf("RSS ready %d, largest %d; start %g s", rep.ReadyRSSBytes, rep.MaxRSSBytes, rep.StartSeconds)
	}
	if rep.Idle.Seconds < 1 || rep.Idle.CPUSeconds < 0 {
		t.Errorf("idle %+v, want a second measured", rep.Idle)
	}
	for name, s := range map[string]loadgen.Side{"loaded": rep.Throughput.Loaded, "empty": rep.Throughput.Empty} {
		if s.PerSecond <= 0 || len(s.Runs) != 1 || len(s.Errors) != 0 || s.ServerCPUPerRequestUs <= 0 {
			t.Errorf("GetSegmentState on the %s server: %g req/s, %d runs, errors %v, %g µs/req", name, s.PerSecond, len(s.Runs), s.Errors, s.ServerCPUPerRequestUs)
		}
	}
	if rep.Throughput.Ratio <= 0 {
		t.Errorf("ratio %g", rep.Throughput.Ratio)
	}
	// The loaded callbacks are pending and counted: with 18 ASAP callbacks
	// in each queue (the scheduled ones are not ahead), the seed of
	// scale.yaml (10 agents, 300 s) quotes 30 s for each and one more.
	wantSample := fmt.Sprintf("S001: OperationMode Normal, EWT %d s", 30*(18+1))
	if r := rep.Restart; r.Segments != loadgen.ScaleQueues || r.Sample != wantSample || r.ReadyzSeconds <= 0 || r.Seconds < r.ReadyzSeconds {
		t.Errorf("restart %+v, want %d segments answering %q as before the kill", r, loadgen.ScaleQueues, wantSample)
	}
	if rep.Machine.CPUs <= 0 || rep.Machine.GoVersion == "" || rep.Date == "" || rep.Settings.Callbacks != 2000 {
		t.Errorf("machine %+v, date %q, settings %+v", rep.Machine, rep.Date, rep.Settings)
	}

	// The same --dir again: the loaded folder is reused, not loaded twice.
	_, again := runBenchScaleCmd(t, dir, args...)
	if !again.Load.Reused || again.Load.Callbacks != 2000 {
		t.Errorf("second run's load %+v, want the folder reused", again.Load)
	}
	// Another count on that folder is refused, not mixed in.
	out, err := exec.Command(binPath, "bench", "scale", "--callbacks", "1000", "--dir", work, "--json", "").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "holds 2000 callbacks, not 1000") {
		t.Errorf("--callbacks 1000 on a folder of 2,000: %v\n%s", err, out)
	}
}
