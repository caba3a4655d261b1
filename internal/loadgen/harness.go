// Package loadgen is Holdline's throughput benchmark (`holdline bench`,
// issue #11): a load generator that sends real PTK SOAP requests over
// HTTP/1.1 keep-alive, the ceilings it measures the server against (the
// same HTTP stack answering canned bytes; an append + fsync with group
// commit), and the harness that starts both as child processes, runs them
// alternately, and reports throughput, open-loop latency, CPU per request
// and memory.
package loadgen

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// BenchConfig is the configuration the harness serves Holdline with
// (bench.yaml): one tenant, segment and queue, licences that refuse nothing.
//
//go:embed bench.yaml
var BenchConfig []byte

// DefaultLateAfter is how late after its due time an open-loop request may
// be sent and still count as on time: a few of the kernel's time slices on
// a busy machine, so that it flags a generator that falls behind (every
// connection busy, or starved of CPU) rather than timer jitter. Smaller
// lags still show: every latency is measured from the due time.
const DefaultLateAfter = 5 * time.Millisecond

// Options are the harness's settings; the zero value of each numeric field
// takes its default.
type Options struct {
	// Binary is the holdline binary started as `serve` and as the ceiling
	// (`bench ceiling`); usually the running executable.
	Binary string
	// ServerAddr, if set, is an already running Holdline (serving
	// bench.yaml) to measure instead of starting one; ServerPID is its
	// process, for CPU and memory (0: not measured).
	ServerAddr string
	ServerPID  int
	// WorkDir holds the server's data, the configuration and the ceiling's
	// file; empty for a temporary directory removed at the end.
	WorkDir string
	// Workloads to run (default all, in order).
	Workloads []Workload
	// Connections of the closed and the open loop (default 128).
	Connections int
	// Duration of each closed-loop run (default 10 s), and of each
	// open-loop run (default the same).
	Duration, OpenDuration time.Duration
	// Rate of the open loop, requests per second (default 5,000).
	Rate float64
	// LateAfter is how late after its due time a request may be sent and
	// still count as on time (default DefaultLateAfter).
	LateAfter time.Duration
	// Reps is how many times each target runs each loop, alternating
	// ceiling and Holdline (default 2).
	Reps int
	// FsyncBatch and FsyncWindow are the durable ceiling's group commit.
	FsyncBatch  int
	FsyncWindow time.Duration
	// Progress receives a line per run (nil: none).
	Progress io.Writer
}

// withDefaults fills the unset fields.
func (o Options) withDefaults() Options {
	if len(o.Workloads) == 0 {
		o.Workloads = Workloads
	}
	o.Connections = cmp(o.Connections, 128)
	o.Duration = cmp(o.Duration, 10*time.Second)
	o.OpenDuration = cmp(o.OpenDuration, o.Duration)
	o.Rate = cmp(o.Rate, 5000)
	o.LateAfter = cmp(o.LateAfter, DefaultLateAfter)
	o.Reps = cmp(o.Reps, 2)
	o.FsyncBatch = cmp(o.FsyncBatch, DefaultFsyncBatch)
	o.FsyncWindow = cmp(o.FsyncWindow, DefaultFsyncWindow)
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	return o
}

// cmp is v, or def when v is zero or less.
func cmp[T int | float64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// target is a server under measurement.
type target struct {
	name string
	addr string
	pid  int // 0: CPU and memory not measured
}

// Run starts Holdline (unless pointed at one) and the ceiling, captures
// the answers the ceiling will serve, runs every workload against both,
// alternating, and returns the report. The children are stopped before it
// returns.
func Run(ctx context.Context, o Options) (rep *Report, err error) {
	o = o.withDefaults()
	if o.Binary == "" && o.ServerAddr == "" {
		return nil, fmt.Errorf("no holdline binary to start")
	}
	dir := o.WorkDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "holdline-bench-"); err != nil {
			return nil, fmt.Errorf("make a work directory: %w", err)
		}
		defer func() { _ = os.RemoveAll(dir) }()
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("make the work directory: %w", err)
	}
	holdline := target{name: "Holdline", addr: o.ServerAddr, pid: o.ServerPID}
	if holdline.addr == "" {
		srv, err := startHoldline(ctx, o.Binary, dir)
		if err != nil {
			return nil, err
		}
		defer stopChild(srv, &err)
		holdline.addr, holdline.pid = srv.addr, srv.pid()
	}
	ceil, err := startCeiling(ctx, o, dir, holdline.addr)
	if err != nil {
		return nil, err
	}
	defer stopChild(ceil, &err)
	ceiling := target{name: "ceiling", addr: ceil.addr, pid: ceil.pid()}

	rep = newReport(o, time.Now())
	for _, w := range o.Workloads {
		res := WorkloadResult{Name: w.Name, Ceiling: w.Ceiling}
		for r := 1; r <= o.Reps; r++ {
			for _, open := range []bool{false, true} {
				for _, t := range []target{ceiling, holdline} {
					run, l, err := measure(ctx, o, w, t, open, r)
					if err != nil {
						return nil, err
					}
					side := &res.Holdline
					if t.name == ceiling.name {
						side = &res.CeilingSide
					}
					side.add(run, l)
					fmt.Fprintf(o.Progress, "%-16s %-8s %-6s rep %d: %s\n", w.Name, t.name, run.Mode, r, run.summary())
				}
			}
		}
		res.finish()
		rep.Workloads = append(rep.Workloads, res)
	}
	rep.warn()
	return rep, nil
}

// startHoldline writes the bench configuration and starts `holdline serve`
// on a free loopback port with a fresh data directory, durable defaults.
func startHoldline(ctx context.Context, bin, dir string) (*child, error) {
	cfg := filepath.Join(dir, "bench.yaml")
	if err := os.WriteFile(cfg, BenchConfig, 0o600); err != nil {
		return nil, fmt.Errorf("write the bench configuration: %w", err)
	}
	return startChild(ctx, "holdline serve", filepath.Join(dir, "holdline.log"), bin, "holdline listening", "serve", "--config", cfg,
		"--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--log-format", "json", "--log-level", "info")
}

// CeilingReady is the message a ceiling logs once it listens (with its addr).
const CeilingReady = "bench ceiling listening"

// startCeiling asks Holdline one GetSegmentState and one AddInteraction,
// keeps their answers, and starts the ceiling serving those same bytes.
func startCeiling(ctx context.Context, o Options, dir, holdlineAddr string) (*child, error) {
	c := conn{addr: holdlineAddr}
	defer c.close()
	read, ct, err := capture(ctx, &c, readBody)
	if err != nil {
		return nil, fmt.Errorf("GetSegmentState to capture the canned answer: %w", err)
	}
	write, _, err := capture(ctx, &c, appendWriteBody(nil))
	if err != nil {
		return nil, fmt.Errorf("AddInteraction to capture the canned answer: %w", err)
	}
	readPath, writePath := filepath.Join(dir, "read-answer.xml"), filepath.Join(dir, "write-answer.xml")
	for path, b := range map[string][]byte{readPath: read, writePath: write} {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
	}
	return startChild(ctx, "ceiling", filepath.Join(dir, "ceiling.log"), o.Binary, CeilingReady, "bench", "ceiling", "--addr", "127.0.0.1:0",
		"--read-answer", readPath, "--write-answer", writePath, "--content-type", ct,
		"--append", filepath.Join(dir, "ceiling-appends.log"),
		"--fsync-batch", strconv.Itoa(o.FsyncBatch), "--fsync-window", o.FsyncWindow.String())
}

// capture sends one request and returns its answer's bytes and
// Content-Type; anything but a completed request is an error.
func capture(ctx context.Context, c *conn, body []byte) ([]byte, string, error) {
	a, err := c.post(ctx, ptkPath, body)
	if o := outcome(a, err); o != "" {
		if err != nil {
			return nil, "", err
		}
		return nil, "", fmt.Errorf("answered %s: %s", o, truncate(a.Body))
	}
	return append([]byte(nil), a.Body...), a.ContentType, nil
}

// stopChild stops c and, if nothing went wrong before, reports how it
// ended into *err.
func stopChild(c *child, err *error) {
	if serr := c.stop(); serr != nil && *err == nil {
		*err = serr
	}
}

// measure runs one loop against one target and reads the CPU both sides
// used and the target's memory after it.
func measure(ctx context.Context, o Options, w Workload, t target, open bool, rep int) (RunResult, load, error) {
	spec := loadSpec{workload: w, addr: t.addr, connections: o.Connections, duration: o.Duration}
	mode := "closed"
	if open {
		mode, spec.rate, spec.tolerance, spec.duration = "open", o.Rate, o.LateAfter, o.OpenDuration
	}
	var srv0, srv1 time.Duration
	var err error
	if t.pid != 0 {
		if srv0, err = ProcessCPU(t.pid); err != nil {
			return RunResult{}, load{}, fmt.Errorf("%s: %w", t.name, err)
		}
	}
	gen0, err := SelfCPU()
	if err != nil {
		return RunResult{}, load{}, err
	}
	var l load
	if open {
		l = openLoop(ctx, spec)
	} else {
		l = closedLoop(ctx, spec)
	}
	if err := ctx.Err(); err != nil {
		return RunResult{}, load{}, fmt.Errorf("%s %s run: %w", w.Name, mode, err)
	}
	gen1, err := SelfCPU()
	if err != nil {
		return RunResult{}, load{}, err
	}
	run := RunResult{Mode: mode, Rep: rep, OK: l.ok, Errors: l.errors, Seconds: l.elapsed.Seconds(),
		GeneratorCPUSeconds: (gen1 - gen0).Seconds()}
	if open {
		s := l.schedule
		run.Schedule = &s
	}
	if t.pid != 0 {
		if srv1, err = ProcessCPU(t.pid); err != nil {
			return RunResult{}, load{}, fmt.Errorf("%s: %w", t.name, err)
		}
		if run.RSSBytes, err = ProcessRSS(t.pid); err != nil {
			return RunResult{}, load{}, fmt.Errorf("%s: %w", t.name, err)
		}
		run.ServerCPUSeconds = (srv1 - srv0).Seconds()
	}
	return run, l, nil
}
