package loadgen

import (
	"math"
	"slices"
	"time"
)

// Percentile returns the p-th percentile (0 < p ≤ 100) of the latencies by
// the nearest-rank method: the smallest sample at or below which p % of the
// samples lie. It sorts samples in place and returns 0 for no samples.
func Percentile(samples []time.Duration, p float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	if !slices.IsSorted(samples) {
		slices.Sort(samples)
	}
	rank := int(math.Ceil(float64(len(samples)) * p / 100))
	rank = min(max(rank, 1), len(samples))
	return samples[rank-1]
}

// Schedule is the accounting of an open-loop run: how many requests its
// fixed rate scheduled, and how many of them went out on time, late, or not
// at all. A generator that falls behind shows it here instead of hiding it
// in a lower rate (coordinated omission).
type Schedule struct {
	// Scheduled is the number of requests whose intended send time fell
	// inside the run.
	Scheduled int `json:"scheduled"`
	// OnTime were sent within the tolerance of their intended time.
	OnTime int `json:"onTime"`
	// Late were sent, but more than the tolerance after their intended time
	// (every connection was busy, or the generator was starved of CPU).
	Late int `json:"late"`
	// Unsent were scheduled but never sent before the run ended.
	Unsent int `json:"unsent"`
}

// NotOnTime is the share (0–1) of the scheduled requests that were sent
// late or not at all.
func (s Schedule) NotOnTime() float64 {
	if s.Scheduled == 0 {
		return 0
	}
	return float64(s.Late+s.Unsent) / float64(s.Scheduled)
}

// Add sums two accountings (the repetitions of a run).
func (s Schedule) Add(o Schedule) Schedule {
	return Schedule{Scheduled: s.Scheduled + o.Scheduled, OnTime: s.OnTime + o.OnTime, Late: s.Late + o.Late,
		Unsent: s.Unsent + o.Unsent}
}

// scheduled is how many requests a rate schedules in a run of duration d:
// request i is due at i/rate, for every i with i/rate < d.
func scheduled(rate float64, d time.Duration) int {
	if rate <= 0 || d <= 0 {
		return 0
	}
	n := int(rate * d.Seconds())
	if float64(n)/rate < d.Seconds() {
		n++
	}
	return n
}

// intended is when request i of a run at rate per second is due, after the
// run's start.
func intended(i int, rate float64) time.Duration {
	return time.Duration(float64(i) / rate * float64(time.Second))
}

// account builds a run's Schedule from the lateness of each request sent
// (actual send time minus intended time), the number scheduled, and the
// tolerance within which a send counts as on time.
func account(scheduledN int, lateness []time.Duration, tolerance time.Duration) Schedule {
	s := Schedule{Scheduled: scheduledN, Unsent: max(scheduledN-len(lateness), 0)}
	for _, l := range lateness {
		if l > tolerance {
			s.Late++
		} else {
			s.OnTime++
		}
	}
	return s
}
