package sim

import (
	"math"
	"testing"
)

// erlangC returns the probability of waiting and the mean wait (s) of M/M/s with offered load a
// Erlangs and mean handle time aht, by the Erlang-B recursion of ewt.md.
func erlangC(s int, a, aht float64) (c, meanWait float64) {
	b := 1.0
	for k := 1; k <= s; k++ {
		b = a * b / (float64(k) + a*b)
	}
	fs := float64(s)
	c = fs * b / (fs - a*(1-b))
	return c, c * aht / (fs - a)
}

// The simulator's own ACD model (agents, FIFO, arrivals, exponential service), without the
// platform, against the closed forms of M/M/s: the probability of waiting, the mean wait and the
// tail P(W > t) = C·e^{−(s−a)t/AHT} (acceptance 5). Runs are long because the mean wait of a heavy
// M/M/s relaxes over hours; the tolerances are a few standard errors of such a run.
func TestModelMatchesErlangC(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		s     int
		rho   float64
		hours float64
		tail  float64 // t of the tail check, s
	}{
		{"M/M/10 rho 0.90", 10, 0.90, 2000, 300},
		{"M/M/100 rho 0.95", 100, 0.95, 400, 30},
		{"M/M/50 rho 0.80", 50, 0.80, 1500, 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := Scenario{
				Name: tc.name, Seed: 7, Hours: tc.hours, Warmup: 2,
				Arrivals: Rate{PerHour: perHour(tc.rho, tc.s, 300)}, Service: Dist{Kind: Exponential, Mean: 300},
				Shifts: []Shift{{Agents: tc.s}}, Tick: noCallbacksTick,
			}
			m, err := simulate(t.Context(), sc, Options{noPlatform: true})
			if err != nil {
				t.Fatal(err)
			}
			var n, waited, over, sum float64
			for _, c := range m.calls {
				if !c.measured {
					continue
				}
				if math.IsNaN(c.reached) {
					t.Fatalf("caller %d never reached an agent", c.n)
				}
				w := c.reached - c.arrival
				n++
				sum += w
				if w > 0 {
					waited++
				}
				if w > tc.tail {
					over++
				}
			}
			a := tc.rho * float64(tc.s)
			c, ew := erlangC(tc.s, a, 300)
			tail := c * math.Exp(-(float64(tc.s)-a)*tc.tail/300)
			pWait, mean, pTail := waited/n, sum/n, over/n
			t.Logf("%.0f callers: P(wait) %.4f (Erlang C %.4f), E[W] %.2f s (%.2f s), P(W > %gs) %.4f (%.4f)", n, pWait, c, mean, ew, tc.tail, pTail, tail)
			if math.Abs(pWait-c) > 0.02 {
				t.Errorf("P(wait) %.4f, Erlang C %.4f", pWait, c)
			}
			if math.Abs(mean/ew-1) > 0.10 {
				t.Errorf("mean wait %.2f s is %+.1f%% off Erlang C's %.2f s", mean, 100*(mean/ew-1), ew)
			}
			if math.Abs(pTail-tail) > 0.02 {
				t.Errorf("P(W > %gs) %.4f, Erlang C %.4f", tc.tail, pTail, tail)
			}
		})
	}
}

// With abandonment, every caller's potential wait is known (ghosts), abandonment happens, and
// the oracle's quote is unbiased against the potential wait (its mean equals E[W] by PASTA).
func TestModelErlangA(t *testing.T) {
	t.Parallel()
	sc, err := Lookup("erlanga-110")
	if err != nil {
		t.Fatal(err)
	}
	sc.Hours = 100
	m, err := simulate(t.Context(), sc, Options{noPlatform: true})
	if err != nil {
		t.Fatal(err)
	}
	r := m.result()
	if r.Abandoned == 0 || r.Abandonment > 0.2 {
		t.Errorf("abandonment %.3f (%d callers)", r.Abandonment, r.Abandoned)
	}
	for _, c := range m.calls {
		if math.IsNaN(c.reached) {
			t.Fatalf("caller %d: potential wait unknown", c.n)
		}
	}
	o := r.estimator("oracle-ql")
	if o == nil || math.Abs(o.BiasSeconds) > 0.05*r.MeanWaitSeconds {
		t.Errorf("oracle %+v against mean wait %.1f s", o, r.MeanWaitSeconds)
	}
	if r.estimator("holdline") != nil {
		t.Error("a run without the platform reports Holdline's estimator")
	}
}

func TestRateAndDistributions(t *testing.T) {
	t.Parallel()
	rng := newStreams(3)[streamArrivals]
	for _, r := range []Rate{
		{PerHour: 3600},
		{PerHour: 3600, Amplitude: 0.2, Period: 1},
		{PerHour: 3600, Steps: []Step{{0.5, 2}}},
	} {
		n, t0 := 0, 0.0
		for t0 < 4*3600 {
			t0 = r.next(rng, t0)
			n++
		}
		want := 4 * 3600.0
		if len(r.Steps) > 0 {
			want = 3600*0.5 + 2*3600*3.5
		}
		if math.Abs(float64(n)/want-1) > 0.03 {
			t.Errorf("%+v: %d arrivals in 4 h, want about %.0f", r, n, want)
		}
	}
	d := Dist{Kind: LogNormal, Mean: 300, CV: 1}
	var sum, sq float64
	const n = 200000
	for range n {
		x := d.sample(rng)
		sum += x
		sq += x * x
	}
	mean := sum / n
	cv := math.Sqrt(sq/n-mean*mean) / mean
	if math.Abs(mean/300-1) > 0.02 || math.Abs(cv-1) > 0.06 {
		t.Errorf("lognormal: mean %.1f, cv %.3f; want 300, 1", mean, cv)
	}
}

func TestSchedulerOrder(t *testing.T) {
	t.Parallel()
	var s scheduler
	var got []int
	for i, at := range []float64{3, 1, 2, 1, 0} {
		s.at(at, func() { got = append(got, i) })
	}
	for e := s.pop(); e != nil; e = s.pop() {
		e.fn()
	}
	want := []int{4, 1, 3, 2, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
}
