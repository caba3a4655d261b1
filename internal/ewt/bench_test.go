package ewt

import (
	"strconv"
	"testing"
	"time"
)

// benchTracker returns a Tracker that has measured 1,000 answers (and, with abandons, 100 abandons)
// and has 50 callers waiting.
func benchTracker(cfg Config, abandons bool) (*Tracker, time.Time) {
	tr := NewTracker(cfg)
	tr.Staffing(at(0), 100, 0)
	now := 0.0
	for i := range 50 {
		tr.Joined(at(now), "w"+strconv.Itoa(i))
	}
	for i := range 1000 {
		id := strconv.Itoa(i)
		tr.Joined(at(now), id)
		now += 3
		tr.Answered(at(now), id)
		if abandons && i%10 == 0 {
			tr.Joined(at(now), "x"+id)
			tr.Abandoned(at(now+1), "x"+id)
		}
	}
	return tr, at(now + 1)
}

func BenchmarkEstimate(b *testing.B) {
	cases := []struct {
		name     string
		cfg      Config
		abandons bool
	}{
		{"QueueLength", Config{}, false},
		{"QueueLengthAbandonment", Config{}, true},
		{"AgentAdjustedHistory", Config{Estimator: AgentAdjustedHistory, DefaultAgents: 100, MultiplicationFactor: 100}, false},
		{"AgentWeightingMedian", Config{Estimator: AgentWeighting, MultiplicationFactor: 100, Median: true}, false},
	}
	for _, tc := range cases {
		b.Run(tc.name+"/ahead=100", func(b *testing.B) {
			tr, now := benchTracker(tc.cfg, tc.abandons)
			for b.Loop() {
				tr.Estimate(now, 100)
			}
		})
	}
	// The migration estimators' worst case: the base recomputed (median of 200 samples) each time.
	b.Run("AgentWeightingMedianUncached/ahead=100", func(b *testing.B) {
		tr, now := benchTracker(Config{Estimator: AgentWeighting, MultiplicationFactor: 100, Median: true}, false)
		for b.Loop() {
			tr.hist.cache.ok = false
			tr.Estimate(now, 100)
		}
	})
}

// BenchmarkEvents measures one caller's Joined and Answered with 50 waiting and staffing known.
func BenchmarkEvents(b *testing.B) {
	for _, kind := range []Kind{QueueLength, AgentAdjustedHistory} {
		b.Run(string(kind), func(b *testing.B) {
			tr, _ := benchTracker(Config{Estimator: kind, MultiplicationFactor: 100}, false)
			ids := make([]string, 1024)
			for i := range ids {
				ids[i] = "b" + strconv.Itoa(i)
			}
			now, i := 1e5, 0
			for b.Loop() {
				id := ids[i%len(ids)]
				tr.Joined(at(now), id)
				now += 3
				tr.Answered(at(now), id)
				i++
			}
		})
	}
}
