package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `holdline sim` end to end, briefly: the JSON on standard output has the shape, the
// charts are written, the table names every estimator.
func TestSimCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, _, err := runCLI(t, "", "sim", "--scenario", "mm100-95", "--hours", "0.3", "--seed", "5", "--json", "-", "--plot", dir, "--quiet")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Scenarios []struct {
			Name       string `json:"name"`
			Seed       uint64 `json:"seed"`
			Callers    int    `json:"callers"`
			Estimators []struct {
				Name          string   `json:"name"`
				RRMSE         *float64 `json:"rrmse"`
				Bias          *float64 `json:"bias_seconds"`
				Within20      *float64 `json:"within20"`
				Quote95Exceed *float64 `json:"quote95_exceed"`
			} `json:"estimators"`
			Callbacks map[string]any `json:"callbacks"`
		} `json:"scenarios"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("--json - is not JSON: %v\n%s", err, out)
	}
	if len(doc.Scenarios) != 1 {
		t.Fatalf("%d scenarios", len(doc.Scenarios))
	}
	s := doc.Scenarios[0]
	if s.Name != "mm100-95" || s.Seed != 5 || s.Callers == 0 || len(s.Estimators) != 7 {
		t.Errorf("scenario %+v", s)
	}
	if e := s.Estimators[0]; e.Name != "holdline" || e.RRMSE == nil || e.Bias == nil || e.Within20 == nil || e.Quote95Exceed == nil {
		t.Errorf("first estimator %+v", e)
	}
	if s.Estimators[1].Name != "oracle-ql" {
		t.Errorf("second estimator %q", s.Estimators[1].Name)
	}
	for _, k := range []string{"launched", "order_violations", "scheduled_on_time", "punctuality_p95_seconds", "agent_idle_seconds"} {
		if _, ok := s.Callbacks[k]; !ok {
			t.Errorf("callbacks lack %q", k)
		}
	}
	for _, f := range []string{"mm100-95-ewt.svg", "mm100-95-errors.svg"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}

	table, _, err := runCLI(t, "", "sim", "--scenario", "mm100-95", "--hours", "0.2", "--quiet")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"mm100-95", "holdline", "oracle-ql", "hol", "les", "asterisk-ewma", "rolling-15min", "rolling-history", "wall"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

func TestSimCommandRefusesBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"sim", "--scenario", "nope"},
		{"sim", "--scenario", "mm100-95", "--hours", "-1"},
	} {
		if _, _, err := runCLI(t, "", args...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
}

// The simulator's answer for one scenario and seed is a fingerprint of the
// platform's behaviour (EWT, launching, retries, every decision timed in
// virtual time): a refactoring must leave it byte for byte. When behaviour
// changes on purpose, regenerate it and say why in the commit:
//
//	go run ./cmd/holdline sim --scenario mm100-95 --seed 7 --json cmd/holdline/testdata/sim-mm100-95-seed7.json
func TestSimFingerprintIsUnchanged(t *testing.T) {
	t.Parallel()
	want, err := os.ReadFile(filepath.Join("testdata", "sim-mm100-95-seed7.json"))
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "", "sim", "--scenario", "mm100-95", "--seed", "7", "--json", "-", "--quiet")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(out) != strings.TrimSpace(string(want)) {
		t.Fatalf("the simulator's answer changed:\n got  %s\n want %s", out, want)
	}
}
