package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/holdline/holdline/internal/sim"
)

// simFlags are the options of `holdline sim`.
type simFlags struct {
	scenarios []string
	seed      uint64
	hours     float64
	json      string
	plot      string
	quiet     bool
}

func newSimCmd() *cobra.Command {
	var f simFlags
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Simulate a contact centre around the real Queue Manager and measure EWT and callbacks",
		Long: `Run the discrete-event contact-centre simulator (docs/simulator.md): simulated callers,
IVR, ACD and dialer drive the real platform, on a throwaway SQLite store, in
virtual time. For each scenario it prints Holdline's EWT accuracy next to the
oracle and the industry's estimators, and the callback measures.

Scenarios: ` + strings.Join(sim.ScenarioNames(), ", ") + ` (default: all).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSim(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.scenarios, "scenario", nil, "scenario to run (repeat or comma-separate; default all)")
	fl.Uint64Var(&f.seed, "seed", 0, "seed of the random streams (default: each scenario's own)")
	fl.Float64Var(&f.hours, "hours", 0, "hours of arrivals to simulate (default: each scenario's own)")
	fl.StringVar(&f.json, "json", "", "write the results as JSON to FILE (- for standard output)")
	fl.StringVar(&f.plot, "plot", "", "write SVG charts into DIR")
	fl.BoolVar(&f.quiet, "quiet", false, "no progress bar")
	return cmd
}

// simPlan resolves the flags into the scenarios to run.
func simPlan(f simFlags) ([]sim.Scenario, error) {
	names := f.scenarios
	if len(names) == 0 {
		names = sim.ScenarioNames()
	}
	var out []sim.Scenario
	for _, n := range names {
		sc, err := sim.Lookup(strings.TrimSpace(n))
		if err != nil {
			return nil, err
		}
		if f.seed != 0 {
			sc.Seed = f.seed
		}
		if f.hours < 0 {
			return nil, fmt.Errorf("--hours %g: want a positive number", f.hours)
		}
		if f.hours > 0 {
			sc.Hours = f.hours
		}
		out = append(out, sc)
	}
	return out, nil
}

func runSim(cmd *cobra.Command, f simFlags) error {
	plan, err := simPlan(f)
	if err != nil {
		return err
	}
	out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
	var (
		results []*sim.Result
		walls   []time.Duration
	)
	for _, sc := range plan {
		var bar *progressbar.ProgressBar
		opt := sim.Options{}
		if !f.quiet {
			bar = progressbar.NewOptions(1000, progressbar.OptionSetWriter(errw),
				progressbar.OptionSetDescription(fmt.Sprintf("%-12s", sc.Name)),
				progressbar.OptionSetWidth(30), progressbar.OptionShowElapsedTimeOnFinish(),
				progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
			opt.Progress = func(done float64) { _ = bar.Set(int(done * 1000)) }
		}
		began := time.Now()
		r, err := sim.Run(cmd.Context(), sc, opt)
		if bar != nil {
			_ = bar.Finish()
		}
		if err != nil {
			return err
		}
		walls = append(walls, time.Since(began))
		results = append(results, r)
		if f.json != "-" {
			sim.WriteTable(out, results[len(results)-1:], walls[len(walls)-1:])
		}
	}
	if f.json != "" {
		if err := writeSimJSON(out, f.json, results); err != nil {
			return err
		}
	}
	if f.plot != "" {
		if err := sim.WritePlots(f.plot, results); err != nil {
			return err
		}
		if f.json != "-" {
			fmt.Fprintf(out, "\ncharts written to %s\n", f.plot)
		}
	}
	if slices.ContainsFunc(results, func(r *sim.Result) bool { return len(r.Shortfalls()) > 0 }) && f.json != "-" {
		fmt.Fprintln(out, "\nsome acceptance criteria are not met (NOT MET above)")
	}
	return nil
}

// writeSimJSON writes the report to path, or to out for "-".
func writeSimJSON(out io.Writer, path string, results []*sim.Result) error {
	data, err := json.MarshalIndent(sim.Report{Scenarios: results}, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if path == "-" {
		_, err = out.Write(data)
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
