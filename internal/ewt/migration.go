package ewt

import (
	"slices"
	"time"
)

// The migration estimators reproduce the original product's sample arrays (domain.md §2.3, "Model
// for re-implementation"): every answered call yields a per-call wait time PCWT = actual wait /
// initial position; the base is the mean or median of an array of samples, with empty slots holding
// the default DefaultHandleTime / DefaultAgents; the quote is base × position × factor / 100.
//
//   - AgentAdjustedHistory: a static array of DefaultAgents × SamplesMultiplier slots (bounded by
//     MinSamples and MaxSamples), pre-filled with the default, latest samples displacing the oldest.
//   - AgentWeighting: the same with the array sized by the agents staffed now (DefaultAgents until
//     the ACD reports staffing); the latest samples that fit count.
//   - RollingHistory: every sample of the last RollingWindow; the default alone when there is none.
//
// SampleExpiry, when set, drops older samples from all three (their slots hold the default again).

// sample is one answered call's per-call wait time.
type sample struct {
	at   time.Time // when the call was answered
	pcwt float64   // seconds of wait per position in the line
}

// history is a ring of the latest samples; once full, each sample overwrites the oldest.
type history struct {
	ring    []sample
	next    int // the slot the next sample overwrites once the ring is full (the oldest)
	scratch []float64
	cache   baseCache
}

// baseCache is the latest computed base, valid for the same array size until a sample is added or,
// with a time cut-off, until `until`, when the oldest sample in it ages out.
type baseCache struct {
	ok     bool
	size   int
	until  time.Time // zero: no sample in it ages out
	base   float64
	seeded bool
}

// add appends s, keeping at most retain samples.
func (h *history) add(s sample, retain int) {
	h.cache.ok = false
	if len(h.ring) < retain {
		h.ring = append(h.ring, s)
		return
	}
	h.ring[h.next] = s
	h.next = (h.next + 1) % len(h.ring)
}

// newest returns the i-th newest sample, i < len(h.ring).
func (h *history) newest(i int) sample {
	n := len(h.ring)
	return h.ring[(h.next-1-i+2*n)%n]
}

// retain is how many samples the estimator can ever use: the static array of AgentAdjustedHistory,
// MaxSamples for the others (AgentWeighting's array grows with staffing; RollingHistory keeps a
// window, bounded like the arrays).
func (t *Tracker) retain() int {
	if t.cfg.Estimator == AgentAdjustedHistory {
		return t.cfg.sampleSize(t.cfg.DefaultAgents)
	}
	return t.cfg.MaxSamples
}

// migrationEstimate is Estimate for the migration estimators: base × (ahead+1) × factor/100, and P95
// that mean times the Erlang(ahead+1) 0.95-quantile-to-mean ratio of the QueueLength model.
func (t *Tracker) migrationEstimate(now time.Time, ahead int) Estimate {
	base, seeded := t.migrationBase(now)
	mean := base * float64(ahead+1) * float64(t.cfg.MultiplicationFactor) / 100
	return Estimate{Mean: seconds(mean), P95: seconds(mean * erlangRatio(ahead+1)), Seeded: seeded}
}

// migrationBase returns the mean or median PCWT of the estimator's samples at now, in seconds, and
// whether default-filled slots took part.
func (t *Tracker) migrationBase(now time.Time) (float64, bool) {
	c, h := t.cfg, &t.hist
	size := 0 // 0: as many as the time window holds (RollingHistory)
	switch c.Estimator {
	case AgentAdjustedHistory:
		size = c.sampleSize(c.DefaultAgents)
	case AgentWeighting:
		agents := c.DefaultAgents
		if t.staffingKnown && t.staffed > 0 {
			agents = t.staffed
		}
		size = c.sampleSize(agents)
	}
	if h.cache.ok && h.cache.size == size && (h.cache.until.IsZero() || now.Before(h.cache.until)) {
		return h.cache.base, h.cache.seeded
	}

	// Samples answered at or before now − span are out.
	var span time.Duration
	if c.Estimator == RollingHistory {
		span = c.RollingWindow
	}
	if c.SampleExpiry > 0 && (span == 0 || c.SampleExpiry < span) {
		span = c.SampleExpiry
	}
	limit := len(h.ring)
	if size > 0 {
		limit = min(limit, size)
	}
	vals := h.scratch[:0]
	var until time.Time
	for i := range limit {
		s := h.newest(i)
		if span > 0 {
			if !s.at.After(now.Add(-span)) {
				break
			}
			until = s.at.Add(span) // the oldest included sample leaves then
		}
		vals = append(vals, s.pcwt)
	}
	defaults := size - len(vals)
	if size == 0 && len(vals) == 0 {
		defaults = 1 // RollingHistory with no recent answer: the seed alone
	}
	d := c.defaultPCWT()
	for range defaults {
		vals = append(vals, d)
	}
	base := statistic(vals, c.Median)
	h.scratch = vals[:0]
	h.cache = baseCache{ok: true, size: size, until: until, base: base, seeded: defaults > 0}
	return base, defaults > 0
}

// statistic returns the median (sorting vals in place) or the mean of vals, which is not empty.
func statistic(vals []float64, median bool) float64 {
	if !median {
		var sum float64
		for _, v := range vals {
			sum += v
		}
		return sum / float64(len(vals))
	}
	slices.Sort(vals)
	n := len(vals)
	if n%2 == 1 {
		return vals[n/2]
	}
	return (vals[n/2-1] + vals[n/2]) / 2
}
