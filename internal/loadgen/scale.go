package loadgen

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The scale benchmark (`holdline bench scale`, issue #11 acceptance 3):
// Holdline serving scale.yaml with a million pending callbacks, measured
// for memory, recovery after SIGKILL, idle CPU and GetSegmentState
// throughput against the same configuration on an empty data folder.

// ScaleConfig is the configuration the scale benchmark serves (scale.yaml):
// one tenant, ScaleQueues segments each on its own queue, every queue
// closed, so that the loaded callbacks stay pending.
//
//go:embed scale.yaml
var ScaleConfig []byte

// The scale configuration's tenant and how many segments and queues it has
// (segment ScaleSegment(i) feeds queue ScaleQueue(i)).
const (
	ScaleTenant = "Scale"
	ScaleQueues = 100
)

// ScaleSegment is the name of the scale configuration's i-th segment (from 0).
func ScaleSegment(i int) string { return fmt.Sprintf("S%03d", i+1) }

// ScaleQueue is the name of the queue ScaleSegment(i) feeds.
func ScaleQueue(i int) string { return fmt.Sprintf("Q%03d", i+1) }

// The bounds of issue #11, acceptance 3.
const (
	// ScaleRSSBound is the most resident memory the loaded server may use.
	ScaleRSSBound = 1 << 30
	// ScaleReadyBound is the longest a restart after SIGKILL may take to
	// be ready and answer correctly.
	ScaleReadyBound = 5 * time.Second
	// ScaleIdleBound is the largest share of one core the idle loaded
	// server may use.
	ScaleIdleBound = 0.005
	// ScaleRatioBound is the least GetSegmentState throughput with the
	// callbacks loaded, as a share of the empty server's.
	ScaleRatioBound = 0.9
)

// DefaultScaleCallbacks is how many pending callbacks the benchmark loads.
const DefaultScaleCallbacks = 1_000_000

// LoadSummary describes the callbacks loaded into a data folder; the loader
// returns it and the harness keeps it beside the data (scale-load.json), so
// that a later run with --dir reuses the folder.
type LoadSummary struct {
	Callbacks int `json:"callbacks"`
	ASAP      int `json:"asap"`
	Scheduled int `json:"scheduled"`
	// Clock is the loader's (fake) clock at the first registration, RFC 3339.
	Clock string `json:"clock"`
	// Seconds is how long the load took; PerSecond its registrations per second.
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"perSecond"`
	// DatabaseBytes is the size of the data folder once loaded.
	DatabaseBytes int64 `json:"databaseBytes"`
	// Reused says the folder was loaded by an earlier run.
	Reused bool `json:"reused"`
}

// Loader fills the data folder dataDir with n pending callbacks of the
// scale configuration (the binary's in-process loader).
type Loader func(ctx context.Context, dataDir string, n int, progress io.Writer) (LoadSummary, error)

// ScaleOptions are the scale benchmark's settings; the zero value of each
// numeric field takes its default.
type ScaleOptions struct {
	// Binary is the holdline binary started as `serve`.
	Binary string
	// WorkDir holds the loaded data folder (loaded/), the empty one
	// (empty/), the configuration and the servers' logs; empty for a
	// temporary directory removed at the end. A WorkDir whose loaded/
	// folder an earlier run filled with as many callbacks is reused.
	WorkDir string
	// Callbacks to load (default DefaultScaleCallbacks).
	Callbacks int
	// Load loads them; required unless the folder is reused.
	Load Loader
	// Idle is how long the idle server's CPU is measured (default 60 s).
	Idle time.Duration
	// Connections and Duration of each closed-loop GetSegmentState run
	// (default 128 and 10 s), Reps runs on each server, alternating (default 2).
	Connections int
	Duration    time.Duration
	Reps        int
	// ReadyTimeout is how long a restart may take before the benchmark
	// gives up on it (default 60 s; the bound is ScaleReadyBound).
	ReadyTimeout time.Duration
	// Progress receives a line per step (nil: none).
	Progress io.Writer
}

func (o ScaleOptions) withDefaults() ScaleOptions {
	o.Callbacks = cmp(o.Callbacks, DefaultScaleCallbacks)
	o.Idle = cmp(o.Idle, 60*time.Second)
	o.Connections = cmp(o.Connections, 128)
	o.Duration = cmp(o.Duration, 10*time.Second)
	o.Reps = cmp(o.Reps, 2)
	o.ReadyTimeout = cmp(o.ReadyTimeout, 60*time.Second)
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	return o
}

// scaleLoadFile is the loaded folder's record of what it holds.
const scaleLoadFile = "scale-load.json"

// RunScale loads the callbacks (or reuses a loaded folder) and measures
// the loaded server: its memory, its idle CPU, its GetSegmentState
// throughput against a server on an empty folder (alternating), and how
// long it takes, SIGKILLed, to be ready again and answer as before. The
// servers are stopped before it returns.
func RunScale(ctx context.Context, o ScaleOptions) (rep *ScaleReport, err error) {
	o = o.withDefaults()
	if o.Binary == "" {
		return nil, fmt.Errorf("no holdline binary to start")
	}
	dir := o.WorkDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "holdline-scale-"); err != nil {
			return nil, fmt.Errorf("make a work directory: %w", err)
		}
		defer func() { _ = os.RemoveAll(dir) }()
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("make the work directory: %w", err)
	}
	rep = newScaleReport(o, time.Now())
	loadedDir, emptyDir := filepath.Join(dir, "loaded"), filepath.Join(dir, "empty")
	if rep.Load, err = loadOrReuse(ctx, o, loadedDir); err != nil {
		return nil, err
	}
	cfg := filepath.Join(dir, "scale.yaml")
	if err := os.WriteFile(cfg, ScaleConfig, 0o600); err != nil {
		return nil, fmt.Errorf("write the scale configuration: %w", err)
	}
	// The empty server's folder is fresh each run.
	if err := os.RemoveAll(emptyDir); err != nil {
		return nil, fmt.Errorf("clear %s: %w", emptyDir, err)
	}
	serve := func(name, data string) (*child, time.Duration, error) {
		return startReady(ctx, o, name, filepath.Join(dir, name+".log"), cfg, data)
	}

	rss := &rssWatch{}
	defer rss.stop()
	loaded, startup, err := serve("loaded", loadedDir)
	if err != nil {
		return nil, err
	}
	defer func() {
		if loaded != nil { // nil when the restart failed: the killed one is gone
			stopChild(loaded, &err)
		}
	}()
	rep.StartSeconds = startup.Seconds()
	rss.watch(loaded.pid())
	if rep.ReadyRSSBytes, err = ProcessRSS(loaded.pid()); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Progress, "loaded server ready in %.2f s, RSS %s\n", startup.Seconds(), mib(rep.ReadyRSSBytes))

	// Idle: no request at all while the CPU is measured.
	if rep.Idle, err = measureIdle(ctx, loaded.pid(), o.Idle); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Progress, "idle %s: %.3f s of CPU, %.3f %% of a core\n", o.Idle, rep.Idle.CPUSeconds, 100*rep.Idle.Share)

	empty, _, err := serve("empty", emptyDir)
	if err != nil {
		return nil, err
	}
	defer func() { stopChild(empty, &err) }()
	lo := Options{Connections: o.Connections, Duration: o.Duration}.withDefaults()
	wl := scaleWorkload()
	for r := 1; r <= o.Reps; r++ {
		for _, t := range []struct {
			side *Side
			tgt  target
		}{{&rep.Throughput.Loaded, target{"loaded", loaded.addr, loaded.pid()}}, {&rep.Throughput.Empty, target{"empty", empty.addr, empty.pid()}}} {
			run, l, err := measure(ctx, lo, wl, t.tgt, false, r)
			if err != nil {
				return nil, err
			}
			t.side.add(run, l)
			fmt.Fprintf(o.Progress, "GetSegmentState %-6s rep %d: %s\n", t.tgt.name, r, run.summary())
		}
	}
	rep.Throughput.finish()
	if err := empty.stop(); err != nil {
		return nil, err
	}

	// SIGKILL, then a restart on the same folder: ready once /readyz says
	// 200 and every segment answers as it did before the kill.
	before, err := segmentStates(ctx, loaded.addr)
	if err != nil {
		return nil, fmt.Errorf("the segments' state before the kill: %w", err)
	}
	rss.pause()
	loaded.kill()
	rep.Restart, loaded, err = restart(ctx, o, filepath.Join(dir, "restarted.log"), cfg, loadedDir, before)
	if err != nil {
		return nil, err
	}
	rss.watch(loaded.pid())
	fmt.Fprintf(o.Progress, "restarted after SIGKILL: ready in %.2f s (%d segments as before: %s)\n",
		rep.Restart.Seconds, len(before), rep.Restart.Sample)
	rep.MaxRSSBytes = max(rss.stop(), rep.ReadyRSSBytes)
	rep.judge()
	return rep, nil
}

// loadOrReuse reuses a folder an earlier run loaded with as many callbacks,
// or loads a fresh one; a folder holding anything else is an error, not
// something to delete.
func loadOrReuse(ctx context.Context, o ScaleOptions, dataDir string) (LoadSummary, error) {
	record := filepath.Join(dataDir, scaleLoadFile)
	var s LoadSummary
	switch b, err := os.ReadFile(record); {
	case err == nil:
		if err := json.Unmarshal(b, &s); err != nil {
			return s, fmt.Errorf("read %s: %w", record, err)
		}
		if s.Callbacks != o.Callbacks {
			return s, fmt.Errorf("%s holds %d callbacks, not %d: give another --dir, or --callbacks %d", dataDir, s.Callbacks, o.Callbacks, s.Callbacks)
		}
		s.Reused = true
		fmt.Fprintf(o.Progress, "reusing %s: %d callbacks loaded by an earlier run\n", dataDir, s.Callbacks)
		return s, nil
	case !errors.Is(err, os.ErrNotExist):
		return s, fmt.Errorf("read %s: %w", record, err)
	}
	if entries, err := os.ReadDir(dataDir); err == nil && len(entries) > 0 {
		return s, fmt.Errorf("%s is not empty but has no %s (an interrupted load?): remove it or give another --dir", dataDir, scaleLoadFile)
	}
	if o.Load == nil {
		return s, fmt.Errorf("no loader to fill %s", dataDir)
	}
	s, err := o.Load(ctx, dataDir, o.Callbacks, o.Progress)
	if err != nil {
		return s, err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return s, fmt.Errorf("encode the load's record: %w", err)
	}
	if err := os.WriteFile(record, append(b, '\n'), 0o600); err != nil {
		return s, fmt.Errorf("write the load's record: %w", err)
	}
	return s, nil
}

// startReady starts `holdline serve` on the scale configuration and data,
// and waits until /readyz answers 200; it returns how long that took from
// the start of the process.
func startReady(ctx context.Context, o ScaleOptions, name, logPath, cfg, data string) (*child, time.Duration, error) {
	start := time.Now()
	c, err := startServe(ctx, o.Binary, name, logPath, cfg, data)
	if err != nil {
		return nil, 0, err
	}
	deadline := start.Add(o.ReadyTimeout)
	for !ready(ctx, c.addr) {
		if time.Now().After(deadline) || ctx.Err() != nil {
			c.kill()
			return nil, 0, fmt.Errorf("%s: /readyz did not answer 200 within %s:\n%s", name, o.ReadyTimeout, c.logs())
		}
		time.Sleep(5 * time.Millisecond)
	}
	return c, time.Since(start), nil
}

// startServe starts `holdline serve` on cfg and the data folder, on a free
// loopback port.
func startServe(ctx context.Context, bin, name, logPath, cfg, data string) (*child, error) {
	return startChild(ctx, name+" holdline serve", logPath, bin, "holdline listening", "serve", "--config", cfg,
		"--addr", "127.0.0.1:0", "--data", data, "--log-format", "json", "--log-level", "info")
}

// readyClient asks /readyz; each question is short, a restart is polled.
var readyClient = &http.Client{Timeout: 2 * time.Second}

// ready says whether the server at addr answers /readyz with 200.
func ready(ctx context.Context, addr string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/readyz", nil)
	if err != nil {
		return false
	}
	resp, err := readyClient.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Restart is the recovery after SIGKILL.
type Restart struct {
	// Seconds from starting the process to /readyz 200 and every
	// segment's GetSegmentState answering 107000 with the OperationMode
	// and EWT it had before the kill.
	Seconds float64 `json:"seconds"`
	// ReadyzSeconds is when /readyz first said 200, from the start.
	ReadyzSeconds float64 `json:"readyzSeconds"`
	// Segments is how many segments were compared; Sample shows the first.
	Segments int    `json:"segments"`
	Sample   string `json:"sample"`
}

// restart starts the server again on the loaded folder and times it until
// it is ready and answers as before.
func restart(ctx context.Context, o ScaleOptions, logPath, cfg, data string, before []segmentState) (Restart, *child, error) {
	start := time.Now()
	c, err := startServe(ctx, o.Binary, "restarted", logPath, cfg, data)
	if err != nil {
		return Restart{}, nil, err
	}
	deadline := start.Add(o.ReadyTimeout)
	var r Restart
	var last error
	for {
		if r.ReadyzSeconds == 0 && ready(ctx, c.addr) {
			r.ReadyzSeconds = time.Since(start).Seconds()
		}
		if r.ReadyzSeconds > 0 {
			if last = sameStates(ctx, c.addr, before); last == nil {
				r.Seconds = time.Since(start).Seconds()
				r.Segments, r.Sample = len(before), before[0].String()
				return r, c, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			c.kill()
			if last == nil {
				last = errors.New("/readyz never answered 200")
			}
			return r, nil, fmt.Errorf("restarted server not ready and correct within %s (last: %w):\n%s", o.ReadyTimeout, last, c.logs())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// segmentState is what GetSegmentState says of a segment.
type segmentState struct {
	Segment, OperationMode, EWT string
}

func (s segmentState) String() string {
	return fmt.Sprintf("%s: OperationMode %s, EWT %s s", s.Segment, s.OperationMode, s.EWT)
}

// segmentStates asks GetSegmentState of every segment of the scale
// configuration, in order.
func segmentStates(ctx context.Context, addr string) ([]segmentState, error) {
	c := conn{addr: addr}
	defer c.close()
	out := make([]segmentState, ScaleQueues)
	for i := range out {
		a, err := c.post(ctx, ptkPath, segmentStateBody(ScaleTenant, ScaleSegment(i)))
		if o := outcome(a, err); o != "" {
			if err != nil {
				return nil, fmt.Errorf("GetSegmentState %s: %w", ScaleSegment(i), err)
			}
			return nil, fmt.Errorf("GetSegmentState %s answered %s: %s", ScaleSegment(i), o, truncate(a.Body))
		}
		s := segmentState{Segment: ScaleSegment(i), OperationMode: stateData(a.Body, "OperationMode"), EWT: stateData(a.Body, "EWT")}
		if s.OperationMode == "" || s.EWT == "" {
			return nil, fmt.Errorf("GetSegmentState %s: no OperationMode or EWT in %s", s.Segment, truncate(a.Body))
		}
		out[i] = s
	}
	return out, nil
}

// sameStates checks that every segment answers as in want.
func sameStates(ctx context.Context, addr string, want []segmentState) error {
	got, err := segmentStates(ctx, addr)
	if err != nil {
		return err
	}
	for i := range want {
		if got[i] != want[i] {
			return fmt.Errorf("%s, before the kill %s", got[i], want[i])
		}
	}
	return nil
}

// stateData is the Value of the StateData element named name in a
// GetSegmentState answer, or "".
func stateData(body []byte, name string) string {
	key := []byte(`<StateData Name="` + name + `" Value="`)
	i := bytes.Index(body, key)
	if i < 0 {
		return ""
	}
	rest := body[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// scaleWorkload is GetSegmentState over the scale configuration's segments
// in turn.
func scaleWorkload() Workload {
	w := Workload{Name: "GetSegmentState", Ceiling: "the same server configuration on an empty data folder"}
	for i := range ScaleQueues {
		w.reads = append(w.reads, segmentStateBody(ScaleTenant, ScaleSegment(i)))
	}
	return w
}

// Idle is the idle server's CPU.
type Idle struct {
	Seconds    float64 `json:"seconds"`
	CPUSeconds float64 `json:"cpuSeconds"`
	// Share is CPUSeconds over Seconds: the share of one core.
	Share float64 `json:"share"`
}

// measureIdle reads the CPU the process uses over d, sending it nothing.
func measureIdle(ctx context.Context, pid int, d time.Duration) (Idle, error) {
	cpu0, err := ProcessCPU(pid)
	if err != nil {
		return Idle{}, err
	}
	start := time.Now()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return Idle{}, fmt.Errorf("idle: %w", ctx.Err())
	case <-timer.C:
	}
	cpu1, err := ProcessCPU(pid)
	if err != nil {
		return Idle{}, err
	}
	secs := time.Since(start).Seconds()
	used := (cpu1 - cpu0).Seconds()
	return Idle{Seconds: secs, CPUSeconds: used, Share: used / secs}, nil
}

// rssWatch samples a process's resident set every rssEvery and keeps the
// largest.
type rssWatch struct {
	mu      sync.Mutex
	largest int64
	cancel  context.CancelFunc
	done    chan struct{}
}

const rssEvery = 100 * time.Millisecond

// watch starts sampling pid, in place of the process sampled before.
func (w *rssWatch) watch(pid int) {
	w.pause()
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel, w.done = cancel, make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		tick := time.NewTicker(rssEvery)
		defer tick.Stop()
		for {
			if rss, err := ProcessRSS(pid); err == nil {
				w.mu.Lock()
				w.largest = max(w.largest, rss)
				w.mu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}(w.done)
}

// pause stops sampling (before the process is killed).
func (w *rssWatch) pause() {
	if w.cancel != nil {
		w.cancel()
		<-w.done
		w.cancel = nil
	}
}

// stop stops sampling and returns the largest resident set seen.
func (w *rssWatch) stop() int64 {
	w.pause()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.largest
}
