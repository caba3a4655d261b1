package loadgen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Report is the whole benchmark's result: where and how it ran, and each
// workload's figures on both sides.
type Report struct {
	// Date is when the run started (RFC 3339, UTC).
	Date      string           `json:"date"`
	Machine   Machine          `json:"machine"`
	Settings  Settings         `json:"settings"`
	Workloads []WorkloadResult `json:"workloads"`
	// Warnings say why a figure should not be trusted as it stands.
	Warnings []string `json:"warnings"`
}

// Machine describes where the benchmark ran.
type Machine struct {
	CPUs      int    `json:"cpus"`
	Model     string `json:"model"`
	GoVersion string `json:"goVersion"`
	OS        string `json:"os"`
}

// Settings are the run's options, as they were in force.
type Settings struct {
	// Server says which Holdline was measured: one the harness started, or
	// one it was pointed at.
	Server       string  `json:"server"`
	Connections  int     `json:"connections"`
	Duration     string  `json:"closedLoopDuration"`
	OpenDuration string  `json:"openLoopDuration"`
	Rate         float64 `json:"openLoopRate"`
	LateAfter    string  `json:"lateAfter"`
	Reps         int     `json:"reps"`
	FsyncBatch   int     `json:"fsyncBatch"`
	FsyncWindow  string  `json:"fsyncWindow"`
}

// WorkloadResult is one workload measured on Holdline and on its ceiling.
type WorkloadResult struct {
	Name    string `json:"name"`
	Ceiling string `json:"ceiling"`
	// Ratio is Holdline's closed-loop throughput over the ceiling's.
	Ratio       float64 `json:"ratio"`
	Holdline    Side    `json:"holdline"`
	CeilingSide Side    `json:"ceilingResult"`
}

// Side is what one target did in a workload, over all its runs.
type Side struct {
	// PerSecond is the closed loop's completed requests per second, all
	// repetitions together.
	PerSecond float64 `json:"perSecond"`
	// P50Ms and P99Ms are the open loop's latencies, from each request's
	// due time, in milliseconds.
	P50Ms float64 `json:"p50Ms"`
	P99Ms float64 `json:"p99Ms"`
	// Schedule is the open loop's accounting; NotOnTime its share late or
	// unsent; SendLagP99Ms the 99th percentile of how late requests were
	// sent after their due time (the generator's own punctuality).
	Schedule     Schedule `json:"schedule"`
	NotOnTime    float64  `json:"notOnTime"`
	SendLagP99Ms float64  `json:"sendLagP99Ms"`
	// Errors counts the answers that were not a completed request (107000),
	// by kind, over every run.
	Errors map[string]int `json:"errors"`
	// ServerCPUPerRequestUs and GeneratorCPUPerRequestUs are the CPU the
	// server process and the load generator used per request in the
	// closed loop, in microseconds.
	ServerCPUPerRequestUs    float64 `json:"serverCpuPerRequestUs"`
	GeneratorCPUPerRequestUs float64 `json:"generatorCpuPerRequestUs"`
	// RSSBytes is the largest resident set the server had after a run.
	RSSBytes int64       `json:"rssBytes"`
	Runs     []RunResult `json:"runs"`

	latencies, lateness []time.Duration
}

// RunResult is one loop against one target.
type RunResult struct {
	Mode                string         `json:"mode"`
	Rep                 int            `json:"rep"`
	OK                  int            `json:"ok"`
	Errors              map[string]int `json:"errors,omitempty"`
	Seconds             float64        `json:"seconds"`
	Schedule            *Schedule      `json:"schedule,omitempty"`
	ServerCPUSeconds    float64        `json:"serverCpuSeconds"`
	GeneratorCPUSeconds float64        `json:"generatorCpuSeconds"`
	RSSBytes            int64          `json:"rssBytes"`
}

// requests is how many requests the run sent and had answered, or failed.
func (r RunResult) requests() int {
	n := r.OK
	for _, v := range r.Errors {
		n += v
	}
	return n
}

// summary is the run's progress line.
func (r RunResult) summary() string {
	s := fmt.Sprintf("%8.0f req/s, %d errors, server %.0f µs/req, generator %.0f µs/req",
		float64(r.OK)/r.Seconds, r.requests()-r.OK, perRequestUs(r.ServerCPUSeconds, r.requests()),
		perRequestUs(r.GeneratorCPUSeconds, r.requests()))
	if r.Schedule != nil {
		s += fmt.Sprintf(", %.1f %% not on time", 100*r.Schedule.NotOnTime())
	}
	return s
}

// add records a run and, for the open loop, its latencies.
func (s *Side) add(r RunResult, l load) {
	if len(r.Errors) == 0 {
		r.Errors = nil
	}
	s.Runs = append(s.Runs, r)
	s.latencies = append(s.latencies, l.latencies...)
	s.lateness = append(s.lateness, l.lateness...)
}

// finish computes the side's figures from its runs.
func (s *Side) finish() {
	var ok, reqs int
	var secs, srv, gen float64
	s.Errors = map[string]int{}
	for _, r := range s.Runs {
		addErrors(s.Errors, r.Errors)
		s.RSSBytes = max(s.RSSBytes, r.RSSBytes)
		if r.Schedule != nil {
			s.Schedule = s.Schedule.Add(*r.Schedule)
			continue
		}
		ok, reqs, secs = ok+r.OK, reqs+r.requests(), secs+r.Seconds
		srv, gen = srv+r.ServerCPUSeconds, gen+r.GeneratorCPUSeconds
	}
	if secs > 0 {
		s.PerSecond = float64(ok) / secs
	}
	s.ServerCPUPerRequestUs, s.GeneratorCPUPerRequestUs = perRequestUs(srv, reqs), perRequestUs(gen, reqs)
	s.P50Ms = ms(Percentile(s.latencies, 50))
	s.P99Ms = ms(Percentile(s.latencies, 99))
	s.NotOnTime = s.Schedule.NotOnTime()
	s.SendLagP99Ms = ms(Percentile(s.lateness, 99))
	s.latencies, s.lateness = nil, nil
}

// finish computes the workload's sides and ratio.
func (w *WorkloadResult) finish() {
	w.Holdline.finish()
	w.CeilingSide.finish()
	if w.CeilingSide.PerSecond > 0 {
		w.Ratio = w.Holdline.PerSecond / w.CeilingSide.PerSecond
	}
}

func perRequestUs(cpuSeconds float64, requests int) float64 {
	if requests == 0 {
		return 0
	}
	return cpuSeconds / float64(requests) * 1e6
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// newReport starts a report with the machine and the settings.
func newReport(o Options, start time.Time) *Report {
	return &Report{
		Date:    start.UTC().Format(time.RFC3339),
		Machine: Machine{CPUs: runtime.NumCPU(), Model: cpuModel(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH},
		Settings: Settings{Server: serverOf(o), Connections: o.Connections, Duration: o.Duration.String(), OpenDuration: o.OpenDuration.String(),
			Rate: o.Rate, LateAfter: o.LateAfter.String(), Reps: o.Reps, FsyncBatch: o.FsyncBatch,
			FsyncWindow: o.FsyncWindow.String()},
		Warnings: []string{},
	}
}

// serverOf says which Holdline the run measures.
func serverOf(o Options) string {
	if o.ServerAddr != "" {
		return "already running at " + o.ServerAddr
	}
	return "started: holdline serve, bench.yaml, fresh data, durable commits (synchronous=FULL)"
}

// cpuModel is the first "model name" of /proc/cpuinfo, or "unknown".
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// warn lists what makes a figure untrustworthy: a generator that costs as
// much CPU per request as a server (the two share the machine's cores, so
// the ratios would flatter), errors, and a ceiling the open loop could not
// keep on schedule (the generator itself fell behind).
func (r *Report) warn() {
	for _, w := range r.Workloads {
		for _, s := range []struct {
			name string
			side Side
		}{{"Holdline", w.Holdline}, {"the ceiling", w.CeilingSide}} {
			if s.side.ServerCPUPerRequestUs > 0 && s.side.GeneratorCPUPerRequestUs >= s.side.ServerCPUPerRequestUs {
				r.Warnings = append(r.Warnings, fmt.Sprintf(
					"%s: the load generator used %.1f µs of CPU per request, %s %.1f µs: not below the server's, so the ratio flatters Holdline",
					w.Name, s.side.GeneratorCPUPerRequestUs, s.name, s.side.ServerCPUPerRequestUs))
			}
			if n := total(s.side.Errors); n > 0 {
				r.Warnings = append(r.Warnings, fmt.Sprintf("%s: %d requests to %s were not completed: %s",
					w.Name, n, s.name, formatErrors(s.side.Errors)))
			}
		}
		if w.CeilingSide.NotOnTime > 0.01 {
			r.Warnings = append(r.Warnings, fmt.Sprintf(
				"%s: %.1f %% of the ceiling's open-loop requests were sent late or not at all (p99 %.2f ms late): "+
					"every connection was busy, or the generator was short of CPU; the ceiling's latencies, counted from the due time, include it",
				w.Name, 100*w.CeilingSide.NotOnTime, w.CeilingSide.SendLagP99Ms))
		}
	}
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// formatErrors lists error counts by kind, largest first.
func formatErrors(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s ×%d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// WriteJSON writes the report, indented, to path.
func (r *Report) WriteJSON(path string) error { return writeJSON(path, r) }

// writeJSON writes a report, indented, to path.
func writeJSON(path string, r any) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the report: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	return nil
}
