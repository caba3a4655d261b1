package loadgen

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteTable prints the report as a Markdown table (so that it pastes into
// docs/benchmarks.md as it is), then the settings and the warnings.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	rate := thousands(r.Settings.Rate)
	fmt.Fprintf(&b, "Holdline throughput, %s, %d × %s, Go %s, %s\n\n", r.Date, r.Machine.CPUs, r.Machine.Model,
		strings.TrimPrefix(r.Machine.GoVersion, "go"), r.Machine.OS)
	fmt.Fprintf(&b, "| workload | ceiling | ceiling req/s | Holdline req/s | ratio | Holdline p50 / p99 at %s/s | ceiling p50 / p99 | not on time: Holdline / ceiling | CPU µs/req: Holdline (generator) | CPU µs/req: ceiling (generator) | RSS: Holdline / ceiling | errors: Holdline / ceiling |\n", rate)
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, wl := range r.Workloads {
		h, c := wl.Holdline, wl.CeilingSide
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %.2f | %s / %s | %s / %s | %s / %s | %s (%s) | %s (%s) | %s / %s | %d / %d |\n",
			wl.Name, wl.Ceiling, thousands(c.PerSecond), thousands(h.PerSecond), wl.Ratio,
			millis(h.P50Ms), millis(h.P99Ms), millis(c.P50Ms), millis(c.P99Ms),
			percent(h.NotOnTime), percent(c.NotOnTime),
			micros(h.ServerCPUPerRequestUs), micros(h.GeneratorCPUPerRequestUs),
			micros(c.ServerCPUPerRequestUs), micros(c.GeneratorCPUPerRequestUs),
			mib(h.RSSBytes), mib(c.RSSBytes), total(h.Errors), total(c.Errors))
	}
	s := r.Settings
	fmt.Fprintf(&b, "\nClosed loop: %d connections, %s a run; open loop: %s/s for %s a run, late if sent more than %s after its due time; "+
		"%d runs of each, ceiling and Holdline alternately. Durable ceiling: group commit of at most %d appends, window %s. Holdline: %s.\n",
		s.Connections, s.Duration, rate, s.OpenDuration, s.LateAfter, s.Reps, s.FsyncBatch, s.FsyncWindow, s.Server)
	for _, warning := range r.Warnings {
		fmt.Fprintf(&b, "WARNING: %s\n", warning)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// thousands spells a rate rounded to a whole number with thousands
// separators (52,013).
func thousands(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// millis spells a latency in milliseconds with three significant digits.
func millis(v float64) string {
	switch {
	case v == 0:
		return "–"
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64) + " ms"
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64) + " ms"
	}
	return thousands(v) + " ms"
}

func percent(share float64) string { return strconv.FormatFloat(100*share, 'f', 1, 64) + " %" }

func micros(v float64) string {
	if v == 0 {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func mib(b int64) string {
	if b == 0 {
		return "–"
	}
	return strconv.FormatInt(b>>20, 10) + " MiB"
}
