package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// The random sources of a run, each its own seeded stream: a change in what callers decide (the
// share who take a callback, say) leaves the arrival, service and patience paths as they were.
const (
	streamArrivals = iota // inter-arrival times and the thinning of time-varying rates
	streamService         // handle times
	streamPatience        // patience of holding callers
	streamCallers         // take the offer or not, ASAP or a slot, which slot
	streamDialer          // outcome and duration of each outbound attempt
	numStreams
)

type streams [numStreams]*rand.Rand

// newStreams derives one PCG stream per source from the seed.
func newStreams(seed uint64) streams {
	var s streams
	for i := range s {
		s[i] = rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15*uint64(i+1)))
	}
	return s
}

// DistKind names a service-time distribution.
type DistKind string

// The service-time distributions.
const (
	Exponential DistKind = "exponential"
	LogNormal   DistKind = "lognormal"
)

// Dist is a distribution of durations in seconds.
type Dist struct {
	Kind DistKind
	// Mean is the mean, in seconds.
	Mean float64
	// CV is the coefficient of variation of LogNormal (standard deviation / mean); Exponential has 1.
	CV float64
}

// sample draws one duration.
func (d Dist) sample(r *rand.Rand) float64 {
	switch d.Kind {
	case LogNormal:
		s2 := math.Log1p(d.CV * d.CV)
		return math.Exp(math.Log(d.Mean) - s2/2 + math.Sqrt(s2)*r.NormFloat64())
	default:
		return d.Mean * r.ExpFloat64()
	}
}

func (d Dist) String() string {
	if d.Kind == LogNormal {
		return fmt.Sprintf("lognormal mean %gs cv %g", d.Mean, d.CV)
	}
	return fmt.Sprintf("exponential mean %gs", d.Mean)
}

// Rate is an arrival rate that may vary over the run: PerHour, times a sinusoid of relative
// Amplitude and Period, times the Factor of the latest Step.
type Rate struct {
	// PerHour is the mean number of arrivals per hour.
	PerHour float64
	// Amplitude makes the rate PerHour × (1 + Amplitude·sin(2πt/Period)); 0 for none.
	Amplitude float64
	// Period of the sinusoid, in hours.
	Period float64
	// Steps make the rate piecewise constant: from each step's At (hours into the run), PerHour ×
	// Factor; before the first step, PerHour.
	Steps []Step
}

// Step is one piece of a piecewise rate.
type Step struct {
	At     float64 // hours into the run
	Factor float64
}

// at is the rate in arrivals per second at t seconds into the run.
func (r Rate) at(t float64) float64 {
	v := r.PerHour / 3600
	h := t / 3600
	for _, s := range r.Steps {
		if h >= s.At {
			v = r.PerHour / 3600 * s.Factor
		}
	}
	if r.Amplitude != 0 && r.Period > 0 {
		v *= 1 + r.Amplitude*math.Sin(2*math.Pi*h/r.Period)
	}
	return max(v, 0)
}

// peak bounds the rate from above, for thinning.
func (r Rate) peak() float64 {
	f := 1.0
	for _, s := range r.Steps {
		f = max(f, s.Factor)
	}
	return r.PerHour / 3600 * f * (1 + math.Abs(r.Amplitude))
}

// next draws the next arrival after t (Lewis–Shedler thinning of a Poisson process at the peak
// rate; exact for a constant rate, where every candidate is kept).
func (r Rate) next(rng *rand.Rand, t float64) float64 {
	peak := r.peak()
	if peak <= 0 {
		return math.Inf(1)
	}
	for {
		t += rng.ExpFloat64() / peak
		if v := r.at(t); v >= peak || rng.Float64()*peak < v {
			return t
		}
	}
}

// uniform draws from [lo, hi].
func uniform(r *rand.Rand, lo, hi float64) float64 {
	return lo + (hi-lo)*r.Float64()
}
