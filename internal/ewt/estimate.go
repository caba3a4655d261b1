package ewt

import (
	"math"
	"time"
)

// quantile is the level of Estimate.P95: "95 % of callers wait less than X" (ewt.md).
const quantile = 0.95

// Estimate is the wait predicted for one caller.
type Estimate struct {
	// Mean is the expected wait: the number announced and compared with thresholds.
	Mean time.Duration
	// P95 is the wait 95 % of such callers stay under: the spoken upper range and "less than X".
	P95 time.Duration
	// Seeded reports that the estimate rests on configured defaults rather than measurements (the
	// seed service rate, or default-filled sample slots), so callers may word it more cautiously.
	Seeded bool
}

// Estimate predicts the wait of a caller with `ahead` interactions before it in the line (live and
// virtual; negative counts as 0), with the configured estimator.
//
// QueueLength: with r the service rate and θ the abandonment rate per waiting caller, the wait is a
// sum of independent exponentials of rates r + iθ, i = 0..ahead; Mean is Σ 1/(r + iθ), and P95 the
// 0.95 quantile of a gamma distribution with the same mean and variance Σ 1/(r + iθ)², which is the
// exact Erlang(ahead+1, r) quantile when θ = 0. When the ACD reports a free agent and nobody is ahead,
// the wait is 0.
func (t *Tracker) Estimate(now time.Time, ahead int) Estimate {
	ahead = max(ahead, 0)
	if t.cfg.Estimator != QueueLength {
		return t.migrationEstimate(now, ahead)
	}
	if ahead == 0 && t.freeAgent() {
		return Estimate{}
	}
	m := t.measureAt(now)
	r, seeded := t.serviceRate(&m)
	mean, p95 := queueLengthWait(r, m.abandonRate(r), ahead)
	return Estimate{Mean: seconds(mean), P95: seconds(p95), Seeded: seeded}
}

// queueLengthWait returns the mean and the 0.95 quantile, in seconds, of Σ_{i=0..n} Exp(r + iθ).
func queueLengthWait(r, theta float64, n int) (mean, p95 float64) {
	if r <= 0 {
		return math.Inf(1), math.Inf(1)
	}
	var variance float64
	if theta <= 0 {
		k := float64(n + 1)
		mean, variance = k/r, k/(r*r)
	} else {
		for i := range n + 1 {
			x := 1 / (r + float64(i)*theta)
			mean += x
			variance += x * x
		}
	}
	// Gamma(shape k, scale v/m) has mean m and variance v; with θ = 0, k = n+1: Erlang exactly.
	k := mean * mean / variance
	return mean, gammaPInv(k, quantile) * variance / mean
}

// erlangRatio is the 0.95 quantile of Erlang(k) divided by its mean: the shape the QueueLength model
// gives the wait of a caller at position k, used to turn the migration estimators' means into P95.
func erlangRatio(k int) float64 {
	return gammaPInv(float64(k), quantile) / float64(k)
}

// maxSeconds is a little less than the longest time.Duration (292 years); longer waits (no agents)
// saturate at the longest Duration.
const maxSeconds = 9e9

// seconds converts a non-negative number of seconds to a Duration, rounding to the nanosecond and
// saturating instead of overflowing.
func seconds(s float64) time.Duration {
	switch {
	case math.IsNaN(s) || s <= 0:
		return 0
	case s >= maxSeconds:
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(math.Round(s * 1e9))
}

// QueueLengthQuote is the QueueLength model's quote for a caller with ahead interactions before it,
// given the service rate r of the busy system (answers per second) and the abandonment rate θ per
// waiting caller: the mean Σ_{i=0..ahead} 1/(r + iθ) and its 0.95 quantile, in seconds (Estimate
// without the measuring). The simulator quotes the oracle with it, from the true rates.
func QueueLengthQuote(r, theta float64, ahead int) (mean, p95 float64) {
	return queueLengthWait(r, theta, max(ahead, 0))
}

// P95Ratio is the 0.95 quantile of Erlang(k) divided by its mean (k < 1 counts as 1): what the
// migration estimators multiply their mean by for the P95 of a caller at position k. The simulator
// gives the estimators that have no quantile of their own the same ratio.
func P95Ratio(k int) float64 {
	return erlangRatio(max(k, 1))
}
