package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/holdline/holdline/internal/loadgen"
)

// benchFlags are the options of `holdline bench`.
type benchFlags struct {
	opts      loadgen.Options
	workloads []string
	json      string
}

func newBenchCmd() *cobra.Command {
	var f benchFlags
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the PTK's throughput against ceilings built in the same run",
		Long: `Start holdline serve (this binary, bench configuration, fresh data, durable
commits) and the ceilings, and send each workload — GetSegmentState,
AddInteraction, an 80/20 mix — to both, alternately: a closed loop of
--connections for --duration, then an open loop at --rate. Prints a table of
throughput, ratio, open-loop p50/p99 and late share, CPU per request of server
and generator, and RSS; writes the JSON report to --json (docs/benchmarks.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBench(cmd, f)
		},
	}
	fl := cmd.Flags()
	o := &f.opts
	fl.StringVar(&o.Binary, "holdline", "", "holdline binary to start (default: this one)")
	fl.StringVar(&o.ServerAddr, "server", "", "measure the Holdline already listening at HOST:PORT (serving the bench configuration) instead of starting one")
	fl.IntVar(&o.ServerPID, "server-pid", 0, "with --server: its process id, to measure its CPU and memory")
	fl.StringVar(&o.WorkDir, "dir", "", "directory for the server's data and the ceiling's file (default: a temporary one, removed)")
	fl.StringSliceVar(&f.workloads, "workload", nil, "workload to run (repeat or comma-separate; default all)")
	fl.IntVar(&o.Connections, "connections", 128, "connections of each loop")
	fl.DurationVar(&o.Duration, "duration", 10*time.Second, "length of each closed-loop run")
	fl.DurationVar(&o.OpenDuration, "open-duration", 0, "length of each open-loop run (default: --duration)")
	fl.Float64Var(&o.Rate, "rate", 5000, "open loop: requests per second")
	fl.DurationVar(&o.LateAfter, "late-after", loadgen.DefaultLateAfter, "open loop: a request sent later than this after its due time is late")
	fl.IntVar(&o.Reps, "reps", 2, "runs of each loop on each side, alternating")
	fl.IntVar(&o.FsyncBatch, "fsync-batch", loadgen.DefaultFsyncBatch, "durable ceiling: most appends per fsync")
	fl.DurationVar(&o.FsyncWindow, "fsync-window", loadgen.DefaultFsyncWindow, "durable ceiling: how long a batch waits for more appends")
	fl.StringVar(&f.json, "json", filepath.Join("bin", "bench.json"), "write the JSON report to FILE")
	cmd.AddCommand(newBenchCeilingCmd(), newBenchScaleCmd())
	return cmd
}

func runBench(cmd *cobra.Command, f benchFlags) error {
	o := f.opts
	for _, name := range f.workloads {
		w, err := loadgen.WorkloadNamed(name)
		if err != nil {
			return err
		}
		o.Workloads = append(o.Workloads, w)
	}
	if o.Binary == "" {
		self, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find this binary: %w", err)
		}
		o.Binary = self
	}
	o.Progress = cmd.ErrOrStderr()
	rep, err := loadgen.Run(cmd.Context(), o)
	if err != nil {
		return err
	}
	if err := rep.WriteTable(cmd.OutOrStdout()); err != nil {
		return err
	}
	return writeReport(cmd.OutOrStdout(), f.json, rep)
}

// writeReport writes a benchmark's JSON report to path (none when empty),
// making its folder, and says where on out.
func writeReport(out io.Writer, path string, rep interface{ WriteJSON(string) error }) error {
	if path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("make the report's directory: %w", err)
	}
	if err := rep.WriteJSON(path); err != nil {
		return err
	}
	fmt.Fprintln(out, "JSON report:", path)
	return nil
}

// benchCeilingFlags are the options of `holdline bench ceiling`.
type benchCeilingFlags struct {
	addr, readAnswer, writeAnswer string
	cfg                           loadgen.CeilingConfig
}

// newBenchCeilingCmd is the ceiling server `holdline bench` starts as a
// child process, so that its CPU and memory are measured apart from the
// generator's. It is hidden: nobody runs it by hand.
func newBenchCeilingCmd() *cobra.Command {
	var f benchCeilingFlags
	cmd := &cobra.Command{
		Use:    "ceiling",
		Short:  "Serve the benchmark's ceilings (started by holdline bench)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBenchCeiling(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:0", "address to listen on")
	fl.StringVar(&f.readAnswer, "read-answer", "", "file holding the answer to a read")
	fl.StringVar(&f.writeAnswer, "write-answer", "", "file holding the answer to a write")
	fl.StringVar(&f.cfg.ContentType, "content-type", "text/xml; charset=utf-8", "the answers' Content-Type")
	fl.StringVar(&f.cfg.AppendPath, "append", "", "file the writes are appended to")
	fl.IntVar(&f.cfg.Batch, "fsync-batch", loadgen.DefaultFsyncBatch, "most appends per fsync")
	fl.DurationVar(&f.cfg.Window, "fsync-window", loadgen.DefaultFsyncWindow, "how long a batch waits for more appends")
	return cmd
}

func runBenchCeiling(cmd *cobra.Command, f benchCeilingFlags) error {
	if f.readAnswer == "" || f.writeAnswer == "" || f.cfg.AppendPath == "" {
		return fmt.Errorf("--read-answer, --write-answer and --append are required")
	}
	var err error
	if f.cfg.ReadAnswer, f.cfg.WriteAnswer, err = loadgen.ReadCeilingAnswers(f.readAnswer, f.writeAnswer); err != nil {
		return err
	}
	c, err := loadgen.NewCeiling(f.cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	log := slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), nil))
	log.Info(loadgen.CeilingReady, "addr", ln.Addr().String(), "fsyncBatch", f.cfg.Batch, "fsyncWindow", f.cfg.Window.String(), "pid", os.Getpid())
	return c.Serve(cmd.Context(), ln, log)
}
