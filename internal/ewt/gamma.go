package ewt

import "math"

// The gamma distribution carries every quantile this package quotes: the wait of a caller with n
// callers ahead is a sum of n+1 exponentials, Erlang(n+1, r) without abandonment and approximately a
// gamma distribution with abandonment. The functions below are the regularized incomplete gamma
// function and its inverse, written for shapes from well below 1 to ~10^5 (a queue of ten thousand
// callers), because the standard library has neither.

const (
	gammaEps     = 1e-15  // relative accuracy of the series and the continued fraction
	gammaTiny    = 1e-300 // guard against division by zero in the modified Lentz method
	gammaMaxIter = 1 << 20
)

// gammaPQ returns the regularized lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a) and its
// complement Q(a, x) = 1 − P(a, x), for a > 0 and x ≥ 0. The smaller of the two is computed directly
// (series for x < a+1, continued fraction otherwise), so both keep full relative accuracy in their
// tails. Invalid arguments give NaN.
func gammaPQ(a, x float64) (p, q float64) {
	switch {
	case math.IsNaN(a) || math.IsNaN(x) || a <= 0 || math.IsInf(a, 0) || x < 0:
		return math.NaN(), math.NaN()
	case x == 0:
		return 0, 1
	case math.IsInf(x, 1):
		return 1, 0
	}
	lf := gammaLogFactor(a, x)
	if x < a+1 {
		p = math.Exp(lf) * gammaSeries(a, x)
		if p > 1 {
			p = 1
		}
		return p, 1 - p
	}
	q = math.Exp(lf) * gammaContinuedFraction(a, x)
	if q > 1 {
		q = 1
	}
	return 1 - q, q
}

// gammaLogFactor returns ln(x^a e^−x / Γ(a)), the factor common to the series, the continued fraction
// and the density (the density is this factor divided by x). For large a the naive sum of three terms
// of size a·ln a cancels to a number of order 1, so near the median it is computed from Stirling's
// series instead: ln Γ(a) = (a − ½)ln a − a + ½ln 2π + δ(a).
func gammaLogFactor(a, x float64) float64 {
	if a < 10 {
		lg, _ := math.Lgamma(a)
		return a*math.Log(x) - x - lg
	}
	t := (x - a) / a
	var core float64 // a·ln(x/a) − (x − a)
	if math.Abs(t) < 0.5 {
		core = -a * (t - math.Log1p(t))
	} else {
		core = a*math.Log(x/a) - (x - a)
	}
	return core + 0.5*math.Log(a) - 0.5*math.Log(2*math.Pi) - stirlingCorrection(a)
}

// stirlingCorrection returns δ(a) = ln Γ(a) − ((a − ½)ln a − a + ½ln 2π) for a ≥ 10, where the
// asymptotic series is accurate to better than 1e-16.
func stirlingCorrection(a float64) float64 {
	a2 := a * a
	return (1.0 / 12 / a) * (1 - (1.0/30/a2)*(1-(2.0/7/a2)*(1-(3.0/4/a2))))
}

// gammaSeries returns Σ_{n≥0} x^n / (a(a+1)…(a+n)), so that P(a, x) = e^{gammaLogFactor} × sum. It
// converges quickly for x < a+1 (about √a terms near the median).
func gammaSeries(a, x float64) float64 {
	term := 1 / a
	sum := term
	for n := 1; n < gammaMaxIter; n++ {
		term *= x / (a + float64(n))
		sum += term
		if term < sum*gammaEps {
			break
		}
	}
	return sum
}

// gammaContinuedFraction evaluates the continued fraction for Q(a, x)/e^{gammaLogFactor} by the
// modified Lentz method; it converges for x ≥ a+1.
func gammaContinuedFraction(a, x float64) float64 {
	b := x + 1 - a
	c := 1 / gammaTiny
	d := 1 / b
	h := d
	for i := 1; i < gammaMaxIter; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < gammaTiny {
			d = gammaTiny
		}
		c = b + an/c
		if math.Abs(c) < gammaTiny {
			c = gammaTiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < gammaEps {
			break
		}
	}
	return h
}

// gammaPInv returns x with P(a, x) = p: the p-quantile of the gamma distribution of shape a and unit
// scale. It starts from the Wilson–Hilferty approximation (or a power law for a ≤ 1), refines with
// Halley steps on whichever of P or Q is the smaller tail, and falls back to bisection inside a
// maintained bracket whenever a step would leave it, so it converges for every shape.
func gammaPInv(a, p float64) float64 {
	switch {
	case math.IsNaN(a) || math.IsNaN(p) || a <= 0 || math.IsInf(a, 0) || p < 0 || p > 1:
		return math.NaN()
	case p == 0:
		return 0
	case p == 1:
		return math.Inf(1)
	}
	x := gammaPInvGuess(a, p)
	lo, hi := 0.0, math.Inf(1)
	for range 200 {
		pp, qq := gammaPQ(a, x)
		// f is increasing in x and zero at the answer; the upper tail is used above the median
		// so that p close to 1 keeps its precision.
		f := pp - p
		if p > 0.5 {
			f = (1 - p) - qq
		}
		if f == 0 {
			return x
		}
		if f < 0 {
			lo = x
		} else {
			hi = x
		}
		next := math.NaN()
		if dens := math.Exp(gammaLogFactor(a, x)) / x; dens > 0 && !math.IsInf(dens, 0) {
			t := f / dens
			// Halley: the density's log-derivative is (a−1)/x − 1.
			u := t * ((a-1)/x - 1)
			if math.Abs(u) < 1 {
				next = x - t/(1-0.5*u)
			} else {
				next = x - t
			}
		}
		if !(next > lo && next < hi) {
			if math.IsInf(hi, 1) {
				next = 2*x + 1
			} else {
				next = 0.5 * (lo + hi)
			}
		}
		if math.Abs(next-x) <= 1e-14*x || (!math.IsInf(hi, 1) && hi-lo <= 1e-15*hi) {
			return next
		}
		x = next
	}
	return x
}

// gammaPInvGuess is the starting point of gammaPInv (Numerical Recipes, 3rd ed., §6.2.1).
func gammaPInvGuess(a, p float64) float64 {
	if a > 1 {
		z := math.Sqrt2 * math.Erfinv(2*p-1)
		c := 1 - 1/(9*a) + z/(3*math.Sqrt(a))
		if c <= 0 {
			return 1e-3 * a
		}
		return math.Max(1e-3, a*c*c*c)
	}
	t := 1 - a*(0.253+a*0.12)
	if p < t {
		return math.Pow(p/t, 1/a)
	}
	return 1 - math.Log(1-(p-t)/(1-t))
}
