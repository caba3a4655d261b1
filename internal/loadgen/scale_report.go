package loadgen

import (
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// ScaleReport is the scale benchmark's result: where and how it ran, the
// load, each measurement and its verdict against issue #11's bound.
type ScaleReport struct {
	// Date is when the run started (RFC 3339, UTC).
	Date     string        `json:"date"`
	Machine  Machine       `json:"machine"`
	Settings ScaleSettings `json:"settings"`
	Load     LoadSummary   `json:"load"`
	// StartSeconds is how long the loaded server took to be ready at its
	// first start (a clean one, after the load or a previous run).
	StartSeconds float64 `json:"startSeconds"`
	// ReadyRSSBytes is the loaded server's resident set once ready;
	// MaxRSSBytes the largest sampled while it ran (idle, throughput, and
	// the restarted server), every 100 ms.
	ReadyRSSBytes int64           `json:"readyRssBytes"`
	MaxRSSBytes   int64           `json:"maxRssBytes"`
	Idle          Idle            `json:"idle"`
	Throughput    ScaleThroughput `json:"throughput"`
	Restart       Restart         `json:"restart"`
	// Checks are the verdicts, one per bound, in the table's order.
	Checks   []Check  `json:"checks"`
	Warnings []string `json:"warnings"`
}

// ScaleSettings are the run's options, as they were in force.
type ScaleSettings struct {
	Callbacks   int    `json:"callbacks"`
	Queues      int    `json:"queues"`
	Idle        string `json:"idle"`
	Connections int    `json:"connections"`
	Duration    string `json:"closedLoopDuration"`
	Reps        int    `json:"reps"`
	Server      string `json:"server"`
}

// ScaleThroughput is GetSegmentState's closed-loop throughput on the loaded
// server and on the empty one, and their ratio.
type ScaleThroughput struct {
	Ratio  float64 `json:"ratio"`
	Loaded Side    `json:"loaded"`
	Empty  Side    `json:"empty"`
}

func (t *ScaleThroughput) finish() {
	t.Loaded.finish()
	t.Empty.finish()
	if t.Empty.PerSecond > 0 {
		t.Ratio = t.Loaded.PerSecond / t.Empty.PerSecond
	}
}

// Check is one measurement against its bound.
type Check struct {
	Name string `json:"name"`
	// Value and Bound are in Unit; Max says the bound is a ceiling (else a floor).
	Value float64 `json:"value"`
	Bound float64 `json:"bound"`
	Unit  string  `json:"unit"`
	Max   bool    `json:"max"`
	Pass  bool    `json:"pass"`
}

func newScaleReport(o ScaleOptions, start time.Time) *ScaleReport {
	return &ScaleReport{
		Date:    start.UTC().Format(time.RFC3339),
		Machine: Machine{CPUs: runtime.NumCPU(), Model: cpuModel(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH},
		Settings: ScaleSettings{Callbacks: o.Callbacks, Queues: ScaleQueues, Idle: o.Idle.String(), Connections: o.Connections,
			Duration: o.Duration.String(), Reps: o.Reps,
			Server: "holdline serve, scale.yaml (100 closed queues), durable commits (synchronous=FULL)"},
		Warnings: []string{},
	}
}

// judge sets the verdicts and the warnings.
func (r *ScaleReport) judge() {
	ceiling := func(name string, v, bound float64, unit string) Check {
		return Check{Name: name, Value: v, Bound: bound, Unit: unit, Max: true, Pass: v <= bound}
	}
	r.Checks = []Check{
		ceiling("RSS, largest seen", float64(r.MaxRSSBytes)/(1<<20), ScaleRSSBound/(1<<20), "MiB"),
		ceiling("ready after SIGKILL", r.Restart.Seconds, ScaleReadyBound.Seconds(), "s"),
		ceiling("idle CPU", 100*r.Idle.Share, 100*ScaleIdleBound, "% of a core"),
		{Name: "GetSegmentState loaded / empty", Value: r.Throughput.Ratio, Bound: ScaleRatioBound, Pass: r.Throughput.Ratio >= ScaleRatioBound},
	}
	for _, s := range []struct {
		name string
		side Side
	}{{"the loaded server", r.Throughput.Loaded}, {"the empty server", r.Throughput.Empty}} {
		if n := total(s.side.Errors); n > 0 {
			r.Warnings = append(r.Warnings, fmt.Sprintf("GetSegmentState: %d requests to %s were not completed: %s",
				n, s.name, formatErrors(s.side.Errors)))
		}
		if s.side.ServerCPUPerRequestUs > 0 && s.side.GeneratorCPUPerRequestUs >= s.side.ServerCPUPerRequestUs {
			r.Warnings = append(r.Warnings, fmt.Sprintf(
				"GetSegmentState: the load generator used %.1f µs of CPU per request, %s %.1f µs: the two share the cores, so the throughputs are the generator's as much as the server's",
				s.side.GeneratorCPUPerRequestUs, s.name, s.side.ServerCPUPerRequestUs))
		}
	}
}

// Passed says whether every bound was met.
func (r *ScaleReport) Passed() bool {
	for _, c := range r.Checks {
		if !c.Pass {
			return false
		}
	}
	return len(r.Checks) > 0
}

// WriteTable prints the report as a Markdown table of the verdicts (it
// pastes into docs/benchmarks.md), then the load, the throughputs, the
// settings and the warnings.
func (r *ScaleReport) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Holdline at scale, %s, %d × %s, Go %s, %s\n\n", r.Date, r.Machine.CPUs, r.Machine.Model,
		strings.TrimPrefix(r.Machine.GoVersion, "go"), r.Machine.OS)
	b.WriteString("| measurement | value | bound | verdict |\n|---|---|---|---|\n")
	for _, c := range r.Checks {
		op, verdict := "≥", "fail"
		if c.Max {
			op = "≤"
		}
		if c.Pass {
			verdict = "pass"
		}
		fmt.Fprintf(&b, "| %s | %s | %s %s | %s |\n", c.Name, withUnit(c.Value, c.Unit), op, withUnit(c.Bound, c.Unit), verdict)
	}
	l, t := r.Load, r.Throughput
	how := fmt.Sprintf("loaded in %.0f s (%s/s)", l.Seconds, thousands(l.PerSecond))
	if l.Reused {
		how = "loaded by an earlier run, reused"
	}
	fmt.Fprintf(&b, "\nCallbacks: %s pending (%s ASAP, %s scheduled) on %d queues, registered from a clock at %s, %s; data folder %s.\n",
		thousands(float64(l.Callbacks)), thousands(float64(l.ASAP)), thousands(float64(l.Scheduled)), r.Settings.Queues,
		l.Clock, how, mib(l.DatabaseBytes))
	fmt.Fprintf(&b, "Loaded server: ready %.2f s after a clean start, RSS %s once ready, %s at most; idle %.3f s of CPU in %.0f s.\n",
		r.StartSeconds, mib(r.ReadyRSSBytes), mib(r.MaxRSSBytes), r.Idle.CPUSeconds, r.Idle.Seconds)
	fmt.Fprintf(&b, "GetSegmentState, closed loop, %d connections, %s a run, %d runs each, loaded and empty alternately: "+
		"loaded %s req/s (%s µs CPU/req, generator %s), empty %s req/s (%s µs CPU/req, generator %s), errors %d / %d.\n",
		r.Settings.Connections, r.Settings.Duration, r.Settings.Reps,
		thousands(t.Loaded.PerSecond), micros(t.Loaded.ServerCPUPerRequestUs), micros(t.Loaded.GeneratorCPUPerRequestUs),
		thousands(t.Empty.PerSecond), micros(t.Empty.ServerCPUPerRequestUs), micros(t.Empty.GeneratorCPUPerRequestUs),
		total(t.Loaded.Errors), total(t.Empty.Errors))
	fmt.Fprintf(&b, "Restart after SIGKILL: /readyz 200 at %.2f s, all %d segments as before the kill at %.2f s (%s).\n",
		r.Restart.ReadyzSeconds, r.Restart.Segments, r.Restart.Seconds, r.Restart.Sample)
	for _, warning := range r.Warnings {
		fmt.Fprintf(&b, "WARNING: %s\n", warning)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// withUnit spells a value with three significant digits and its unit.
func withUnit(v float64, unit string) string {
	s := strconv.FormatFloat(v, 'g', 3, 64)
	if v >= 1000 {
		s = thousands(v)
	}
	if unit == "" {
		return s
	}
	return s + " " + unit
}

// WriteJSON writes the report, indented, to path.
func (r *ScaleReport) WriteJSON(path string) error { return writeJSON(path, r) }
