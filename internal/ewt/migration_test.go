package ewt

import (
	"strconv"
	"testing"
	"time"
)

// answerAfter records one caller who found the line empty (position 1) at `join` seconds and was
// answered `wait` seconds later: one sample with PCWT = wait.
func answerAfter(tr *Tracker, id string, join, wait float64) {
	tr.Joined(at(join), id)
	tr.Answered(at(join+wait), id)
}

func TestSampleSize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cfg    Config
		agents int
		want   int
	}{
		{Config{}, 1, 2},
		{Config{}, 3, 6},
		{Config{SamplesMultiplier: 5}, 3, 15},
		{Config{MinSamples: 10}, 3, 10},
		{Config{MaxSamples: 4}, 10, 4},
		{Config{}, 1 << 40, 5120}, // no overflow
		{Config{MinSamples: 36161, MaxSamples: 36161}, 1, 36161},
	}
	for _, tc := range cases {
		if got := tc.cfg.withDefaults().sampleSize(tc.agents); got != tc.want {
			t.Errorf("%+v.sampleSize(%d) = %d; want %d", tc.cfg, tc.agents, got, tc.want)
		}
	}
}

func TestMigrationEstimators(t *testing.T) {
	t.Parallel()
	aah := Config{Estimator: AgentAdjustedHistory, DefaultAgents: 3, MultiplicationFactor: 100} // 6 slots of 100 s
	type step struct {
		events func(tr *Tracker)
		now    float64 // seconds
		ahead  int
		mean   time.Duration // P95 is checked as mean × the Erlang(ahead+1) ratio
		seeded bool
	}
	cases := []struct {
		name  string
		cfg   Config
		steps []step
	}{
		{"AgentAdjustedHistory pre-filled with DefaultHandleTime/DefaultAgents", aah, []step{
			{func(*Tracker) {}, 0, 0, 100 * time.Second, true},
			{func(*Tracker) {}, 0, 2, 300 * time.Second, true},
		}},
		{"AgentAdjustedHistory mean: samples displace defaults, then the oldest", aah, []step{
			{func(tr *Tracker) { answerAfter(tr, "a", 0, 10) }, 10, 0, 85 * time.Second, true}, // (10 + 5×100)/6
			{func(tr *Tracker) {
				for i := range 5 {
					answerAfter(tr, strconv.Itoa(i), 20+float64(i)*20, 10)
				}
			}, 200, 1, 20 * time.Second, false},
			{func(tr *Tracker) { answerAfter(tr, "late", 300, 40) }, 400, 0, 15 * time.Second, false}, // (5×10 + 40)/6
		}},
		{"AgentAdjustedHistory median", Config{Estimator: AgentAdjustedHistory, DefaultAgents: 3, MultiplicationFactor: 100, Median: true}, []step{
			{func(tr *Tracker) { answerAfter(tr, "a", 0, 10) }, 10, 0, 100 * time.Second, true},
			{func(tr *Tracker) {
				for i := range 5 {
					answerAfter(tr, strconv.Itoa(i), 20+float64(i)*20, 10)
				}
				answerAfter(tr, "late", 300, 40)
			}, 400, 0, 10 * time.Second, false},
		}},
		{"median of an even count averages the middle two", Config{Estimator: AgentAdjustedHistory, MultiplicationFactor: 100, Median: true}, []step{
			{func(tr *Tracker) { answerAfter(tr, "a", 0, 10); answerAfter(tr, "b", 20, 20) }, 100, 0, 15 * time.Second, false},
		}},
		{"PCWT divides the wait by the initial position", Config{Estimator: AgentAdjustedHistory, MultiplicationFactor: 100}, []step{
			{func(tr *Tracker) {
				for _, id := range []string{"a", "b", "c"} {
					tr.Joined(at(0), id)
				}
				tr.Answered(at(60), "c") // position 3: 20 s
				tr.Answered(at(60), "a") // position 1: 60 s
			}, 60, 0, 40 * time.Second, false},
		}},
		{"multiplication factor", Config{Estimator: AgentAdjustedHistory, DefaultAgents: 3, MultiplicationFactor: 150}, []step{
			{func(*Tracker) {}, 0, 1, 300 * time.Second, true},
		}},
		{"multiplication factor 0", Config{Estimator: AgentAdjustedHistory, MultiplicationFactor: 0}, []step{
			{func(*Tracker) {}, 0, 5, 0, true},
		}},
		{"AgentWeighting sizes by staffed agents, keeping more samples", Config{Estimator: AgentWeighting, MultiplicationFactor: 100}, []step{
			{func(tr *Tracker) { answerAfter(tr, "a", 0, 10); answerAfter(tr, "b", 20, 10) }, 100, 0, 10 * time.Second, false}, // 2 slots
			{func(tr *Tracker) { tr.Staffing(at(100), 4, 0) }, 100, 0, 227500 * time.Millisecond, true},                        // 8 slots: (2×10 + 6×300)/8
			{func(tr *Tracker) { tr.Staffing(at(100), 1, 0) }, 100, 0, 10 * time.Second, false},
		}},
		{"RollingHistory keeps the window", Config{Estimator: RollingHistory, MultiplicationFactor: 100}, []step{
			{func(*Tracker) {}, 0, 0, 300 * time.Second, true}, // empty: the default alone
			{func(tr *Tracker) { answerAfter(tr, "a", 70, 30); answerAfter(tr, "b", 640, 60) }, 800, 0, 45 * time.Second, false},
			{func(*Tracker) {}, 999, 0, 45 * time.Second, false},
			{func(*Tracker) {}, 1000, 0, 60 * time.Second, false}, // a (answered at 100) is 15 min old
			{func(*Tracker) {}, 1600, 0, 300 * time.Second, true},
		}},
		{"RollingHistory median over a shorter window", Config{Estimator: RollingHistory, MultiplicationFactor: 100, Median: true, RollingWindow: 2 * time.Minute}, []step{
			{func(tr *Tracker) {
				answerAfter(tr, "a", 0, 10)
				answerAfter(tr, "b", 20, 20)
				answerAfter(tr, "c", 50, 60)
			}, 110, 0, 20 * time.Second, false},
			{func(*Tracker) {}, 131, 0, 40 * time.Second, false}, // a (answered at 10 s) has left: median of 20 and 60
			{func(*Tracker) {}, 161, 0, 60 * time.Second, false}, // b (at 40 s) too
		}},
		{"SampleExpiry returns slots to the default", Config{Estimator: AgentAdjustedHistory, MultiplicationFactor: 100, SampleExpiry: 10 * time.Minute}, []step{
			{func(tr *Tracker) { answerAfter(tr, "a", 70, 30) }, 500, 0, 165 * time.Second, true}, // (30 + 300)/2
			{func(*Tracker) {}, 700, 0, 300 * time.Second, true},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr := NewTracker(tc.cfg)
			for i, s := range tc.steps {
				s.events(tr)
				e := tr.Estimate(at(s.now), s.ahead)
				p95 := seconds(s.mean.Seconds() * erlangRatio(s.ahead+1))
				if (e.Mean-s.mean).Abs() > time.Microsecond || (e.P95-p95).Abs() > time.Microsecond || e.Seeded != s.seeded {
					t.Fatalf("step %d: Estimate = %+v; want mean %v, P95 %v, seeded %v", i, e, s.mean, p95, s.seeded)
				}
			}
		})
	}
}

func TestMigrationRetention(t *testing.T) {
	t.Parallel()
	cases := []struct {
		kind Kind
		want int
	}{
		{QueueLength, 0},          // no samples at all
		{AgentAdjustedHistory, 6}, // the static array
		{AgentWeighting, 20},      // up to MaxSamples: staffing may grow the array
		{RollingHistory, 20},      // up to MaxSamples inside the window
	}
	for _, tc := range cases {
		tr := NewTracker(Config{Estimator: tc.kind, DefaultAgents: 3})
		for i := range 20 {
			answerAfter(tr, strconv.Itoa(i), float64(i), 0.5)
		}
		if got := len(tr.hist.ring); got != tc.want {
			t.Errorf("%s keeps %d samples; want %d", tc.kind, got, tc.want)
		}
	}
}
