package ewt

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

// noDecay is the longest smoothing: over the minutes of these tests the weighted sums are the raw
// ones to 1e-6.
const noDecay = time.Duration(math.MaxInt64)

func TestTrackerExposure(t *testing.T) {
	t.Parallel()
	type testBundle struct{ tr *Tracker }
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		return &testBundle{tr: NewTracker(Config{MinAnswers: 1, Smoothing: noDecay})}
	}
	// wantMeasured checks the departures and the exposure (seconds, and agent-seconds when
	// staffing is known) as they stand at now, the running exposure included.
	wantMeasured := func(t *testing.T, tr *Tracker, now time.Time, departures, exposure, agentExposure float64) {
		t.Helper()
		m := tr.measureAt(now)
		off := func(got, want float64) bool { return math.Abs(got-want) > 1e-6*math.Max(1, want) }
		if off(m.departures, departures) || off(m.exposure, exposure) || off(m.agentExposure, agentExposure) {
			t.Fatalf("measured %g departures in %g s (%g agent-s); want %g in %g s (%g agent-s)",
				m.departures, m.exposure, m.agentExposure, departures, exposure, agentExposure)
		}
		if m.answers != int(departures) {
			t.Fatalf("answers = %d; want %g", m.answers, departures)
		}
	}

	t.Run("OpensAtAnswerWithQueueAndCensorsWhenLineEmpties", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		for _, id := range []string{"a", "b", "c"} {
			b.tr.Joined(at(0), id)
		}
		wantMeasured(t, b.tr, at(10), 0, 0, 0) // nothing known: no exposure
		b.tr.Answered(at(10), "a")             // not a departure; opens: b and c wait
		wantMeasured(t, b.tr, at(10), 0, 0, 0)
		b.tr.Answered(at(40), "b") // departure after 30 s; reopens: c waits
		wantMeasured(t, b.tr, at(40), 1, 30, 0)
		wantMeasured(t, b.tr, at(70), 1, 60, 0) // the running exposure counts, censored
		b.tr.Left(at(100), "c")                 // line empty: 60 s censored, no departure
		wantMeasured(t, b.tr, at(100), 1, 90, 0)
		wantMeasured(t, b.tr, at(5000), 1, 90, 0) // closed while nobody waits
	})

	t.Run("ImmediateAnswerIsNoDeparture", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.tr.Staffing(at(0), 2, 1)
		b.tr.Joined(at(5), "a") // finds the free agent
		b.tr.Answered(at(5), "a")
		b.tr.Staffing(at(5), 2, 0)
		wantMeasured(t, b.tr, at(8), 0, 0, 0)
		b.tr.Joined(at(8), "b") // all busy per the ACD: opens
		b.tr.Joined(at(9), "c")
		b.tr.Answered(at(28), "b") // departure after 20 s with 2 agents: 40 agent-seconds
		wantMeasured(t, b.tr, at(28), 1, 20, 40)
		b.tr.Staffing(at(28), 4, 0)
		wantMeasured(t, b.tr, at(30), 1, 22, 48)
	})

	t.Run("FreeAgentClosesExposure", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.tr.Staffing(at(0), 1, 0)
		b.tr.Joined(at(0), "a") // opens
		b.tr.Joined(at(0), "b")
		b.tr.Staffing(at(10), 1, 1) // censored after 10 s
		b.tr.Answered(at(12), "a")  // closed, and the ACD reports a free agent: no departure, stays closed
		wantMeasured(t, b.tr, at(12), 0, 10, 10)
		b.tr.Staffing(at(12), 1, 0) // all busy and b waits: opens
		b.tr.Answered(at(32), "b")  // departure after 20 s
		wantMeasured(t, b.tr, at(32), 1, 30, 30)
	})

	t.Run("AbandonThatEmptiesTheLineCensors", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.tr.Staffing(at(0), 3, 0)
		b.tr.Joined(at(0), "a")
		b.tr.Joined(at(0), "b")
		b.tr.Abandoned(at(5), "a") // b still waits: exposure runs on
		wantMeasured(t, b.tr, at(5), 0, 5, 15)
		b.tr.Abandoned(at(7), "b") // empty: closed
		wantMeasured(t, b.tr, at(100), 0, 7, 21)
		// θ: 2 abandons over 12 caller-seconds, plus 1/r = 100 pseudo caller-seconds (r: seed of 3).
		if s := b.tr.Snapshot(at(100)); s.Abandons != 2 || math.Abs(s.AbandonRate-2.0/112) > 1e-9 {
			t.Fatalf("snapshot %+v; want θ = 2/(12+100)", s)
		}
	})

	t.Run("UnknownIdsAndReplays", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.tr.Answered(at(0), "ghost")
		b.tr.Abandoned(at(0), "ghost")
		b.tr.Left(at(0), "ghost")
		b.tr.Joined(at(1), "a")
		b.tr.Joined(at(2), "a") // replay
		if s := b.tr.Snapshot(at(2)); s.Waiting != 1 || s.Abandons != 0 {
			t.Fatalf("snapshot %+v; want 1 waiting, no abandon", s)
		}
		b.tr.Abandoned(at(3), "a")
		b.tr.Abandoned(at(4), "a")
		b.tr.Answered(at(5), "a")
		if s := b.tr.Snapshot(at(5)); s.Waiting != 0 || s.Abandons != 1 || s.Answers != 0 {
			t.Fatalf("snapshot %+v; want an empty line and 1 abandon", s)
		}
	})

	t.Run("EventsOutOfOrderCountAtTheLatest", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.tr.Joined(at(100), "a")
		b.tr.Joined(at(100), "b")
		b.tr.Answered(at(110), "a") // opens
		b.tr.Joined(at(50), "c")    // late: counts at 110
		b.tr.Answered(at(130), "b")
		wantMeasured(t, b.tr, at(130), 1, 20, 0)
		wantMeasured(t, b.tr, at(120), 1, 20, 0) // a query before the latest event sees it
	})
}

// The rates carry one pseudo-departure at the previous estimate, so they stay finite and sensible
// when the weighted memory holds almost nothing.
// The rates carry one pseudo-departure at an earlier estimate, so they stay finite and sensible
// when the weighted memory holds almost nothing.
func TestTrackerRatePrior(t *testing.T) {
	t.Parallel()
	tr := NewTracker(Config{MinAnswers: 1}) // default smoothing: 15 min, stretched to 250 answers
	rate := func(now time.Time) float64 { return tr.Snapshot(now).ServiceRate }
	for i := range 17 {
		tr.Joined(at(0), strconv.Itoa(i))
	}
	tr.Answered(at(0), "0") // opens
	// The anchor is the seed 1/300 until the memory holds 10 departures.
	tr.Answered(at(10), "1")
	if got := rate(at(10)); math.Abs(got-2.0/310) > 1e-3*got {
		t.Fatalf("rate = %g; want (1+1)/(10+300)", got)
	}
	for i := 2; i <= 15; i++ {
		tr.Answered(at(float64(10*i)), strconv.Itoa(i))
	}
	tr.Left(at(150), "16")
	if got := rate(at(150)); math.Abs(got-0.1) > 0.01 {
		t.Fatalf("rate after 15 departures 10 s apart = %g; want about 0.1", got)
	}
	anchor := tr.lastTotal // the rate just before the 15th departure

	// A month idle: the sums decay to nothing and the rate returns to the anchor.
	month := 30 * 24 * 3600.0
	if got := rate(at(month)); math.Abs(got-anchor) > 1e-12 {
		t.Fatalf("after a month idle: %g; want the anchor %g", got, anchor)
	}
	// Answers sharing one timestamp with no exposure before them: (D+1)/(0 + 1/anchor), finite.
	for _, id := range []string{"d", "e", "f", "g"} {
		tr.Joined(at(month), id)
	}
	tr.Answered(at(month), "d") // opens
	tr.Answered(at(month), "e")
	tr.Answered(at(month), "f")
	if got := rate(at(month)); math.Abs(got-3*anchor) > 1e-12 {
		t.Fatalf("after two zero-exposure departures: %g; want 3 × %g", got, anchor)
	}
	// A stall with someone waiting lowers it steadily.
	if a, b := rate(at(month+60)), rate(at(month+600)); !(b < a && a < rate(at(month))) {
		t.Fatalf("stall: %g then %g; want decreasing", a, b)
	}
}

func TestTrackerSeed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		cfg      Config
		staffing int // 0: no ACD
		want     float64
	}{
		{"defaults", Config{}, 0, 1.0 / 300},
		{"configured", Config{DefaultHandleTime: 4 * time.Minute, DefaultAgents: 12}, 0, 12.0 / 240},
		{"staffed from the ACD", Config{DefaultAgents: 12}, 20, 20.0 / 300},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr := NewTracker(tc.cfg)
			if tc.staffing > 0 {
				tr.Staffing(at(0), tc.staffing, 0)
			}
			s := tr.Snapshot(at(0))
			if !s.Seeded || math.Abs(s.ServiceRate-tc.want) > 1e-12 {
				t.Fatalf("snapshot %+v; want seeded rate %g", s, tc.want)
			}
		})
	}
}

// The seed holds until MinAnswers departures are measured, then the measurement takes over.
func TestTrackerSeedUntilMinAnswers(t *testing.T) {
	t.Parallel()
	tr := NewTracker(Config{Smoothing: noDecay}) // MinAnswers 30, seed 1/300 s
	tr.Joined(at(0), "first")
	for i := range 40 {
		tr.Joined(at(0), string(rune('A'+i)))
	}
	tr.Answered(at(0), "first") // opens: the line is not empty
	for i := range 40 {
		now := at(float64(i*6 + 6))
		tr.Answered(now, string(rune('A'+i))) // one departure every 6 s
		e, s := tr.Estimate(now, 0), tr.Snapshot(now)
		if i+1 < 30 {
			if !e.Seeded || e.Mean != 300*time.Second || s.Answers != i+1 {
				t.Fatalf("after %d answers: %+v %+v; want the 300 s seed", i+1, e, s)
			}
			continue
		}
		// The pseudo-departure's trace: about 0.1 % after 30 answers.
		if e.Seeded || (e.Mean-6*time.Second).Abs() > 10*time.Millisecond {
			t.Fatalf("after %d answers: %+v; want the measured 6 s", i+1, e)
		}
	}
}

func TestEstimateQueueLength(t *testing.T) {
	t.Parallel()
	sec := func(s float64) time.Duration { return time.Duration(math.Round(s * 1e9)) }
	cases := []struct {
		name      string
		cfg       Config
		events    func(tr *Tracker)
		ahead     int
		mean, p95 time.Duration
		seeded    bool
	}{
		{"seed, nobody ahead: Exp(1/300)", Config{}, func(*Tracker) {}, 0, 300 * time.Second, sec(300 * math.Log(20)), true},
		{"seed, 4 ahead: Erlang(5, 1/300)", Config{}, func(*Tracker) {}, 4, 1500 * time.Second, sec(300 * 9.1535190266375720016), true},
		{"negative ahead counts as 0", Config{}, func(*Tracker) {}, -3, 300 * time.Second, sec(300 * math.Log(20)), true},
		{"free agent, one ahead: seed of 3 staffed", Config{}, func(tr *Tracker) { tr.Staffing(at(0), 3, 1) }, 1, 200 * time.Second, sec(100 * 4.7438645183905784), true},
		{"free agent, nobody ahead, seed of 5 staffed", Config{}, func(tr *Tracker) { tr.Staffing(at(0), 5, 1) }, 0, 0, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr := NewTracker(tc.cfg)
			tc.events(tr)
			e := tr.Estimate(at(50), tc.ahead)
			if (e.Mean-tc.mean).Abs() > time.Microsecond || (e.P95-tc.p95).Abs() > time.Microsecond || e.Seeded != tc.seeded {
				t.Fatalf("Estimate = %+v; want mean %v, P95 %v, seeded %v", e, tc.mean, tc.p95, tc.seeded)
			}
		})
	}
}

// With abandonment the estimate is the gamma matched on Σ Exp(r + iθ), with r and θ as measured.
func TestEstimateWithAbandonment(t *testing.T) {
	t.Parallel()
	tr := NewTracker(Config{MinAnswers: 1, Smoothing: noDecay})
	for _, id := range []string{"a", "b", "c"} {
		tr.Joined(at(0), id)
	}
	tr.Answered(at(0), "a")  // opens
	tr.Answered(at(10), "b") // departure; 2 waited 10 s
	tr.Joined(at(10), "d")   // 2 wait 40 s more: 100 caller-seconds in all
	tr.Abandoned(at(50), "c")
	tr.Answered(at(50), "d")
	s := tr.Snapshot(at(50))
	if want := 1 / (100 + 1/s.ServiceRate); math.Abs(s.AbandonRate-want) > 1e-9 || s.Abandons != 1 || s.Answers != 2 {
		t.Fatalf("snapshot %+v; want θ = 1 abandon / (100 + 1/r) caller-seconds, 2 answers", s)
	}
	r, theta := s.ServiceRate, s.AbandonRate
	for _, n := range []int{0, 1, 4, 30} {
		var m, v float64
		for i := 0; i <= n; i++ {
			x := 1 / (r + float64(i)*theta)
			m, v = m+x, v+x*x
		}
		p95 := gammaPInv(m*m/v, 0.95) * v / m
		e := tr.Estimate(at(50), n)
		if math.Abs(e.Mean.Seconds()-m) > 1e-6 || math.Abs(e.P95.Seconds()-p95) > 1e-6 || e.Seeded {
			t.Errorf("ahead %d: %+v; want mean %.6f s, P95 %.6f s", n, e, m, p95)
		}
	}
}

func TestQueueLengthWaitLimits(t *testing.T) {
	t.Parallel()
	if m, p := queueLengthWait(0, 0, 3); !math.IsInf(m, 1) || !math.IsInf(p, 1) {
		t.Errorf("no service: %g, %g; want +Inf", m, p)
	}
	if d := seconds(math.Inf(1)); d != time.Duration(math.MaxInt64) {
		t.Errorf("seconds(+Inf) = %v; want the longest Duration", d)
	}
	if d := seconds(math.NaN()); d != 0 {
		t.Errorf("seconds(NaN) = %v", d)
	}
	// A huge line stays finite and exact in the Erlang case.
	m, p := queueLengthWait(1, 0, 9999)
	if m != 10000 || math.Abs(p-10165.051911966126477) > 1e-6 {
		t.Errorf("n = 9999: %g, %g", m, p)
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	got := Config{}.withDefaults()
	want := Config{
		Estimator: QueueLength, DefaultHandleTime: 300 * time.Second, DefaultAgents: 1, MinAnswers: 30,
		Smoothing: 15 * time.Minute, SmoothingAnswers: 250, AgentSmoothingAnswers: 2000, MultiplicationFactor: 0, MinSamples: 2,
		MaxSamples: 5120, SamplesMultiplier: 2, RollingWindow: 15 * time.Minute,
	}
	if got != want {
		t.Fatalf("defaults %+v; want %+v", got, want)
	}
	bad := []struct {
		cfg   Config
		field string
	}{
		{Config{Estimator: "Fancy"}, "Estimator"},
		{Config{DefaultHandleTime: -time.Second}, "DefaultHandleTime"},
		{Config{DefaultAgents: -1}, "DefaultAgents"},
		{Config{MinAnswers: -1}, "MinAnswers"},
		{Config{Smoothing: -time.Second}, "Smoothing"},
		{Config{SmoothingAnswers: -1}, "SmoothingAnswers"},
		{Config{AgentSmoothingAnswers: -1}, "AgentSmoothingAnswers"},
		{Config{MultiplicationFactor: 201}, "MultiplicationFactor"},
		{Config{MultiplicationFactor: -1}, "MultiplicationFactor"},
		{Config{MinSamples: 1}, "MinSamples"},
		{Config{MinSamples: 10, MaxSamples: 9}, "MaxSamples"},
		{Config{MaxSamples: 40000}, "MaxSamples"},
		{Config{SamplesMultiplier: 1}, "SamplesMultiplier"},
		{Config{RollingWindow: -time.Second}, "RollingWindow"},
		{Config{SampleExpiry: -time.Second}, "SampleExpiry"},
	}
	for _, tc := range bad {
		err := tc.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.field+" ") {
			t.Errorf("Validate(%+v) = %v; want an error naming %s", tc.cfg, err, tc.field)
		}
	}
	for _, k := range []Kind{"", QueueLength, RollingHistory, AgentAdjustedHistory, AgentWeighting} {
		if err := (Config{Estimator: k, MultiplicationFactor: 200}).Validate(); err != nil {
			t.Errorf("Validate(%q) = %v", k, err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("NewTracker accepted an invalid Config")
		}
	}()
	NewTracker(Config{DefaultAgents: -1})
}
