package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/clock"
	"github.com/holdline/holdline/internal/config"
	"github.com/holdline/holdline/internal/loadgen"
	"github.com/holdline/holdline/internal/payload"
	"github.com/holdline/holdline/internal/schedule"
	"github.com/holdline/holdline/internal/store/sqlitestore"
)

// benchScaleFlags are the options of `holdline bench scale`.
type benchScaleFlags struct {
	opts loadgen.ScaleOptions
	json string
}

func newBenchScaleCmd() *cobra.Command {
	var f benchScaleFlags
	cmd := &cobra.Command{
		Use:   "scale",
		Short: "Measure Holdline with a million pending callbacks against issue #11's bounds",
		Long: `Load --callbacks pending callbacks (90 % ASAP, 10 % scheduled, one contact
each) over the 100 closed queues of the scale configuration, with the platform's
own registration code in this process — or reuse the folder an earlier run
loaded under --dir — then start holdline serve on them and measure: its RSS
(≤ 1 GiB), its CPU idle for --idle (≤ 0.5 % of a core), GetSegmentState's
closed-loop throughput against a server on an empty folder, alternately
(≥ 0.9×), and, after SIGKILL, the time until a restarted server answers
/readyz 200 and every segment's GetSegmentState as before (≤ 5 s). Prints a
table with a verdict per bound; writes the JSON report to --json
(docs/benchmarks.md, "Scale").`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBenchScale(cmd, f)
		},
	}
	fl := cmd.Flags()
	o := &f.opts
	fl.StringVar(&o.Binary, "holdline", "", "holdline binary to start (default: this one)")
	fl.StringVar(&o.WorkDir, "dir", "", "work directory: the loaded data folder (reused if an earlier run loaded as many callbacks), the empty one, the logs\n(default: a temporary one, removed)")
	fl.IntVar(&o.Callbacks, "callbacks", loadgen.DefaultScaleCallbacks, "pending callbacks to load")
	fl.DurationVar(&o.Idle, "idle", time.Minute, "how long the idle server's CPU is measured")
	fl.IntVar(&o.Connections, "connections", 128, "connections of each GetSegmentState loop")
	fl.DurationVar(&o.Duration, "duration", 10*time.Second, "length of each GetSegmentState run")
	fl.IntVar(&o.Reps, "reps", 2, "GetSegmentState runs on each server, alternating")
	fl.StringVar(&f.json, "json", filepath.Join("bin", "bench-scale.json"), "write the JSON report to FILE")
	return cmd
}

func runBenchScale(cmd *cobra.Command, f benchScaleFlags) error {
	o := f.opts
	if o.Binary == "" {
		self, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find this binary: %w", err)
		}
		o.Binary = self
	}
	if o.Callbacks < 1 {
		return fmt.Errorf("--callbacks %d: want 1 or more", o.Callbacks)
	}
	o.Progress = cmd.ErrOrStderr()
	o.Load = loadScale
	rep, err := loadgen.RunScale(cmd.Context(), o)
	if err != nil {
		return err
	}
	if err := rep.WriteTable(cmd.OutOrStdout()); err != nil {
		return err
	}
	// A failed bound is a finding, not a failure of the command: the report
	// is written all the same.
	if !rep.Passed() {
		fmt.Fprintln(cmd.OutOrStdout(), "Not every bound was met: see the verdicts above.")
	}
	return writeReport(cmd.OutOrStdout(), f.json, rep)
}

// The loader's shape of the backlog.
const (
	// loadAge is how long before now the loader's clock starts: the
	// registrations are older than the Queue Manager's replay window, as a
	// real backlog's would be.
	loadAge = 72 * time.Hour
	// loadStep is how far the loader's clock moves per registration, so
	// that the callbacks keep places in the order they were registered.
	loadStep = time.Millisecond
	// appointmentsFrom is how long after the loader's clock the first
	// appointment lies: beyond the EWT of the longest queue (10,000
	// callbacks at 30 s each, about 3.5 days), and far beyond any run.
	appointmentsFrom = 30 * 24 * time.Hour
	// appointmentSlot is the slot length of scale.yaml: each scheduled
	// callback of a queue has a slot of its own.
	appointmentSlot = 15 * time.Minute
	// loadWorkers register concurrently, so that the store's group commit
	// batches their transactions.
	loadWorkers = 64
)

// loadScale fills dataDir with n pending callbacks over the scale
// configuration's queues through the platform's own registration code
// (Lifecycle.AddCallback), built as holdline serve builds it, so that the
// rows are what AddInteraction writes: a tenth of them scheduled, the
// others ASAP, spread evenly over the queues (scaleParams). The queues of
// scale.yaml are closed, which refuses appointments, so the platform loads
// with a copy of the settings whose queues are open 24/7. Its clock is a
// fake one, loadAge in the past, moved on a millisecond per registration.
// The Queue Manager does not run.
func loadScale(ctx context.Context, dataDir string, n int, progress io.Writer) (loadgen.LoadSummary, error) {
	var sum loadgen.LoadSummary
	cfg, err := config.ParseConfig(loadgen.ScaleConfig, "scale.yaml")
	if err != nil {
		return sum, err
	}
	settings := cfg.Settings
	for _, t := range settings.Tenants {
		for _, q := range t.Queues {
			q.BusinessHours = schedule.AlwaysOpen()
		}
	}
	unlock, err := lockDataDir(dataDir)
	if err != nil {
		return sum, err
	}
	defer func() { _ = unlock() }()
	dbPath := filepath.Join(dataDir, "holdline.db")
	st, err := sqlitestore.Open(ctx, dbPath)
	if err != nil {
		return sum, fmt.Errorf("open store %s: %w", dbPath, err)
	}
	start := time.Now().Add(-loadAge).UTC().Truncate(time.Second)
	clk := clock.NewFake(start)
	log := slog.New(slog.NewTextHandler(progress, &slog.HandlerOptions{Level: slog.LevelWarn}))
	platform, err := callback.New(callback.Deps{Store: st, Clock: clk, Settings: settings, Node: 1, Logger: log, Encoder: payload.Encoder{}})
	if err != nil {
		_ = st.Close()
		return sum, err
	}
	if err := platform.Start(ctx); err != nil {
		_ = st.Close()
		return sum, fmt.Errorf("start the platform: %w", err)
	}
	fmt.Fprintf(progress, "loading %d callbacks into %s (clock from %s, %d workers)\n", n, dataDir, start.Format(time.RFC3339), loadWorkers)
	began := time.Now()
	done, scheduled, err := registerScale(ctx, platform.Lifecycle, clk, start, n, progress)
	elapsed := time.Since(began)
	// Close checkpoints the WAL into the database file, as a stopped
	// server leaves it.
	if cerr := st.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close store %s: %w", dbPath, cerr)
	}
	if err != nil {
		return sum, fmt.Errorf("load callback %d of %d: %w", done+1, n, err)
	}
	size, err := folderSize(dataDir)
	if err != nil {
		return sum, err
	}
	sum = loadgen.LoadSummary{Callbacks: n, ASAP: n - scheduled, Scheduled: scheduled, Clock: start.Format(time.RFC3339),
		Seconds: elapsed.Seconds(), PerSecond: float64(n) / elapsed.Seconds(), DatabaseBytes: size}
	fmt.Fprintf(progress, "loaded %d callbacks (%d ASAP, %d scheduled) in %.1f s, %.0f/s; %d MiB on disk\n",
		n, sum.ASAP, sum.Scheduled, sum.Seconds, sum.PerSecond, size>>20)
	return sum, nil
}

// registerScale runs the registrations on loadWorkers goroutines and returns
// how many were done and how many of them are scheduled; the first error
// stops them all.
func registerScale(ctx context.Context, lc *callback.Lifecycle, clk *clock.Fake, start time.Time, n int, progress io.Writer) (int, int, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next, done, scheduled atomic.Int64
	stopProgress := reportProgress(&done, n, progress)
	defer stopProgress()
	firstAppointment := start.Add(appointmentsFrom).Truncate(appointmentSlot)
	var wg sync.WaitGroup
	for range loadWorkers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				p := scaleParams(i, firstAppointment)
				clk.Advance(loadStep)
				if _, err := lc.AddCallback(ctx, p); err != nil {
					cancel(err)
					return
				}
				if !p.AppointmentTime.IsZero() {
					scheduled.Add(1)
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return int(done.Load()), int(scheduled.Load()), err
	}
	return int(done.Load()), int(scheduled.Load()), nil
}

// scaleParams is the i-th registration of the load: queue i mod 100, and
// every tenth callback of a queue scheduled, in a slot of its own from
// firstAppointment on; each callback has a contact of its own.
func scaleParams(i int, firstAppointment time.Time) callback.AddParams {
	p := callback.AddParams{Tenant: loadgen.ScaleTenant, Segment: loadgen.ScaleSegment(i % loadgen.ScaleQueues),
		Contact: fmt.Sprintf("5%010d", i)}
	// k is the callback's number within its queue.
	if k := i / loadgen.ScaleQueues; k%10 == 9 {
		p.AppointmentTime = firstAppointment.Add(time.Duration(k/10) * appointmentSlot)
	}
	return p
}

// reportProgress prints how far the load is every few seconds until the
// returned function is called.
func reportProgress(done *atomic.Int64, n int, w io.Writer) (stop func()) {
	quit, finished := make(chan struct{}), make(chan struct{})
	began := time.Now()
	go func() {
		defer close(finished)
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				d := done.Load()
				secs := time.Since(began).Seconds()
				fmt.Fprintf(w, "loaded %d of %d (%.0f %%), %.0f/s\n", d, n, 100*float64(d)/float64(n), float64(d)/secs)
			}
		}
	}()
	return func() { close(quit); <-finished }
}

// folderSize is the total size of the files under dir.
func folderSize(dir string) (int64, error) {
	var size int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		size += info.Size()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("size of %s: %w", dir, err)
	}
	return size, nil
}
