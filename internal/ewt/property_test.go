package ewt

import (
	"math"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// genConfig draws any valid Config.
func genConfig() *rapid.Generator[Config] {
	return rapid.Custom(func(t *rapid.T) Config {
		minSamples := rapid.IntRange(2, 5).Draw(t, "minSamples")
		return Config{
			Estimator:            rapid.SampledFrom([]Kind{QueueLength, RollingHistory, AgentAdjustedHistory, AgentWeighting}).Draw(t, "estimator"),
			DefaultHandleTime:    time.Duration(rapid.IntRange(1, 600).Draw(t, "aht")) * time.Second,
			DefaultAgents:        rapid.IntRange(1, 5).Draw(t, "agents"),
			MinAnswers:           rapid.IntRange(1, 5).Draw(t, "minAnswers"),
			Smoothing:            rapid.SampledFrom([]time.Duration{time.Second, time.Minute, 15 * time.Minute}).Draw(t, "smoothing"),
			SmoothingAnswers:     rapid.IntRange(1, 300).Draw(t, "smoothingAnswers"),
			MultiplicationFactor: rapid.IntRange(0, 200).Draw(t, "factor"),
			Median:               rapid.Bool().Draw(t, "median"),
			MinSamples:           minSamples,
			MaxSamples:           rapid.IntRange(minSamples, minSamples+20).Draw(t, "maxSamples"),
			SamplesMultiplier:    rapid.IntRange(2, 4).Draw(t, "multiplier"),
			RollingWindow:        time.Duration(rapid.IntRange(1, 900).Draw(t, "window")) * time.Second,
			SampleExpiry:         time.Duration(rapid.SampledFrom([]int{0, 30, 600}).Draw(t, "expiry")) * time.Second,
		}
	})
}

// Random event sequences never panic, never drive the line negative, and always give estimates that
// are non-negative, have P95 ≥ Mean, and do not decrease with the number ahead.
func TestTrackerProperties(t *testing.T) {
	t.Parallel()
	ids := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	rapid.Check(t, func(rt *rapid.T) {
		tr := NewTracker(genConfig().Draw(rt, "cfg"))
		waiting := map[string]bool{}
		now := t0
		steps := rapid.IntRange(1, 120).Draw(rt, "steps")
		for range steps {
			// Mostly forward in time, sometimes at the same instant or (late events) backwards.
			dt := rapid.SampledFrom([]float64{0, 0.001, 1, 7, 60, 900, 86400, -5}).Draw(rt, "dt")
			now = now.Add(time.Duration(dt * float64(time.Second)))
			id := rapid.SampledFrom(ids).Draw(rt, "id")
			switch rapid.IntRange(0, 4).Draw(rt, "op") {
			case 0:
				tr.Joined(now, id)
				waiting[id] = true
			case 1:
				tr.Answered(now, id)
				delete(waiting, id)
			case 2:
				tr.Abandoned(now, id)
				delete(waiting, id)
			case 3:
				tr.Left(now, id)
				delete(waiting, id)
			case 4:
				tr.Staffing(now, rapid.IntRange(-1, 5).Draw(rt, "staffed"), rapid.IntRange(-1, 6).Draw(rt, "available"))
			}

			s := tr.Snapshot(now)
			if s.Waiting != len(waiting) || s.Waiting < 0 {
				rt.Fatalf("Waiting = %d; want %d", s.Waiting, len(waiting))
			}
			if !(s.ServiceRate > 0) || math.IsInf(s.ServiceRate, 0) || !(s.AbandonRate >= 0) || math.IsInf(s.AbandonRate, 0) {
				rt.Fatalf("rates %g, %g", s.ServiceRate, s.AbandonRate)
			}
			var prev Estimate
			for _, ahead := range []int{0, 1, 2, 3, 5, 8, 40, 500} {
				e := tr.Estimate(now, ahead)
				switch {
				case e.Mean < 0 || e.P95 < 0:
					rt.Fatalf("ahead %d: negative %+v", ahead, e)
				case e.Mean > 0 && e.P95 < e.Mean:
					rt.Fatalf("ahead %d: P95 %v below the mean %v", ahead, e.P95, e.Mean)
				case e.Mean < prev.Mean || e.P95 < prev.P95:
					rt.Fatalf("ahead %d: %+v below the previous %+v", ahead, e, prev)
				}
				prev = e
			}
		}
	})
}
