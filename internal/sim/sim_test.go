package sim

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// smokeHours are the short runs of each scenario in the tests: long enough for callbacks to be
// offered, launched and connected, and for the close scenario to close.
var smokeHours = map[string]float64{"mm10-90": 3, "day": 1, "close": 3}

func smokeRun(t *testing.T, name string) *Result {
	t.Helper()
	sc, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	sc.Hours = 0.5
	if h, ok := smokeHours[name]; ok {
		sc.Hours = h
	}
	if name == "close" { // start later: the run still reaches the 18:00 close
		sc.Start, sc.Warmup = "17:00", 0.25
		sc.Hours = 1
	}
	r, err := Run(t.Context(), sc, Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Every scenario, briefly, on the real platform: the JSON has the keys of the issue, the
// estimators in order, and the callbacks' invariants hold.
func TestScenariosSmoke(t *testing.T) {
	t.Parallel()
	for _, name := range ScenarioNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := smokeRun(t, name)
			data, err := json.Marshal(Report{Scenarios: []*Result{r}})
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Scenarios []map[string]json.RawMessage `json:"scenarios"`
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			s := doc.Scenarios[0]
			for _, k := range []string{"name", "seed", "callers", "estimators", "callbacks"} {
				if _, ok := s[k]; !ok {
					t.Errorf("scenario has no %q: %s", k, data)
				}
			}
			var ests []map[string]json.RawMessage
			if err := json.Unmarshal(s["estimators"], &ests); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range ests {
				var n string
				_ = json.Unmarshal(e["name"], &n)
				names = append(names, n)
				for _, k := range []string{"name", "rrmse", "bias_seconds", "within20", "quote95_exceed"} {
					if _, ok := e[k]; !ok {
						t.Errorf("estimator %s has no %q", n, k)
					}
				}
			}
			if !slices.Equal(names, EstimatorNames[:]) {
				t.Errorf("estimators %v, want %v", names, EstimatorNames)
			}
			var cb map[string]json.RawMessage
			if err := json.Unmarshal(s["callbacks"], &cb); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"launched", "order_violations", "scheduled_on_time", "punctuality_p95_seconds", "agent_idle_seconds"} {
				if _, ok := cb[k]; !ok {
					t.Errorf("callbacks have no %q", k)
				}
			}

			if r.Callers == 0 || r.Measured == 0 {
				t.Errorf("%d callers, %d measured", r.Callers, r.Measured)
			}
			c := r.Callbacks
			if c.OrderViolations != 0 {
				t.Errorf("%d order violations", c.OrderViolations)
			}
			sc, _ := Lookup(name)
			if !sc.callbacks() {
				if c.Requested != 0 || c.Launched != 0 {
					t.Errorf("callbacks in a scenario where nobody takes one: %+v", c)
				}
				return
			}
			if c.Requested == 0 || c.Launched == 0 || c.Connected == 0 {
				t.Errorf("no callback went through: %+v", c)
			}
			if c.Launched < c.Connected+c.Failed {
				t.Errorf("%d launches for %d connected and %d failed", c.Launched, c.Connected, c.Failed)
			}
			if c.Connected+c.Failed+c.Stranded > c.Requested {
				t.Errorf("callbacks do not add up: %+v", c)
			}
			if sc.Queue.SmartPurge && (c.VirtualQueueAtClose == nil || *c.VirtualQueueAtClose != 0 || c.Stranded != 0) {
				t.Errorf("Smart Purge left callbacks at the close: %+v", c)
			}
		})
	}
}

// The same scenario and seed give the same JSON, byte for byte; another seed another path.
func TestDeterminism(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) []byte {
		sc, _ := Lookup("day")
		sc.Hours, sc.Seed = 0.5, seed
		r, err := Run(t.Context(), sc, Options{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(Report{Scenarios: []*Result{r}})
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	a, b, c := run(11), run(11), run(12)
	if !bytes.Equal(a, b) {
		t.Errorf("two runs with seed 11 differ:\n%s\n%s", a, b)
	}
	if bytes.Equal(a, c) {
		t.Error("seeds 11 and 12 gave the same results")
	}
}

func TestPlots(t *testing.T) {
	t.Parallel()
	r := smokeRun(t, "day")
	dir := t.TempDir()
	if err := WritePlots(dir, []*Result{r}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"day-ewt.svg", "day-errors.svg", "day-punctuality.svg"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("<svg ")) || !bytes.HasSuffix(data, []byte("</svg>\n")) || bytes.Contains(data, []byte("NaN")) {
			t.Errorf("%s is not a clean SVG document:\n%.300s", f, data)
		}
	}
	var buf bytes.Buffer
	WriteTable(&buf, []*Result{r}, nil)
	for _, want := range []string{"day", "holdline", "oracle-ql", "rolling-history", "order violations"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	want := []string{"mm100-95", "mm100-98", "mm10-90", "erlanga-110", "sinusoid", "day", "close"}
	if got := ScenarioNames(); !slices.Equal(got, want) {
		t.Errorf("scenarios %v, want %v", got, want)
	}
	if _, err := Lookup("nope"); err == nil {
		t.Error("Lookup of an unknown scenario succeeded")
	}
	for _, sc := range Scenarios() {
		if _, err := Run(t.Context(), Scenario{Name: sc.Name}, Options{noPlatform: true}); err == nil {
			t.Errorf("a scenario without hours ran")
		}
	}
}
