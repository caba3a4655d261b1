package ewt

import (
	"math"
	"testing"
)

// Reference values computed with mpmath at 50 digits (gammainc(a, 0, x, regularized=True), and
// bisection on it for the quantiles).

func TestGammaPQ(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, x, p, q float64
	}{
		{0.5, 0.1, 0.34527915398142297956, 0.65472084601857702044},
		{0.5, 2, 0.9544997361036415856, 0.045500263896358414401},
		{3, 2.5, 0.456186884116670482, 0.543813115883329518},
		{10, 3, 0.0011024881301154797421, 0.99889751186988452026},
		{10, 20, 0.99500458769169241283, 0.0049954123083075871662},
		{100, 90, 0.1582209891864301681, 0.8417790108135698319},
		{100, 110, 0.8417213299399129062, 0.1582786700600870938},
		{5000, 4950, 0.24047991431602069724, 0.75952008568397930276},
		{5000, 5000, 0.50188063403381735535, 0.49811936596618264465},
		{5000, 5100, 0.92067111892238102324, 0.079328881077618976758},
		{10000, 10000, 0.50132980833995520038, 0.49867019166004479962},
		{0.1, 1e-5, 0.3323984050405032954, 0.6676015949594967046},
		{2.5, 0.01, 2.9876015319065938441e-6, 0.99999701239846809341},
		{50, 120, 0.99999999999983991773, 1.6008226793344828707e-13},
	}
	for _, tc := range cases {
		p, q := gammaPQ(tc.a, tc.x)
		if !near(p, tc.p, 1e-12) || !near(q, tc.q, 1e-12) {
			t.Errorf("gammaPQ(%g, %g) = %.17g, %.17g; want %.17g, %.17g", tc.a, tc.x, p, q, tc.p, tc.q)
		}
	}
}

func TestGammaPQClosedForms(t *testing.T) {
	t.Parallel()
	for _, x := range []float64{1e-8, 0.01, 0.3, 1, 2.5, 7, 30, 200} {
		// a = 1 is the exponential distribution.
		if p, q := gammaPQ(1, x); !near(p, -math.Expm1(-x), 1e-13) || !near(q, math.Exp(-x), 1e-13) {
			t.Errorf("gammaPQ(1, %g) = %g, %g; want exponential", x, p, q)
		}
		// a = ½ is the half-normal: P = erf(√x).
		if p, q := gammaPQ(0.5, x); !near(p, math.Erf(math.Sqrt(x)), 1e-13) || !near(q, math.Erfc(math.Sqrt(x)), 1e-12) {
			t.Errorf("gammaPQ(0.5, %g) = %g, %g; want erf", x, p, q)
		}
	}
	// Integer a is the Poisson tail: Q(n, x) = P(Poisson(x) < n), summed independently in log space.
	for _, tc := range []struct{ n, x float64 }{{100, 95}, {100, 120}, {5000, 5000}, {5000, 4900}, {5000, 5150}} {
		var q float64
		for k := 0.0; k < tc.n; k++ {
			lg, _ := math.Lgamma(k + 1)
			q += math.Exp(k*math.Log(tc.x) - tc.x - lg)
		}
		if _, got := gammaPQ(tc.n, tc.x); !near(got, q, 1e-10) {
			t.Errorf("Q(%g, %g) = %.15g; Poisson sum %.15g", tc.n, tc.x, got, q)
		}
	}
}

func TestGammaPQInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ a, x float64 }{{0, 1}, {-1, 1}, {1, -1}, {math.NaN(), 1}, {1, math.NaN()}, {math.Inf(1), 1}} {
		if p, q := gammaPQ(tc.a, tc.x); !math.IsNaN(p) || !math.IsNaN(q) {
			t.Errorf("gammaPQ(%g, %g) = %g, %g; want NaN", tc.a, tc.x, p, q)
		}
	}
	if p, q := gammaPQ(3, 0); p != 0 || q != 1 {
		t.Errorf("gammaPQ(3, 0) = %g, %g", p, q)
	}
	if p, q := gammaPQ(3, math.Inf(1)); p != 1 || q != 0 {
		t.Errorf("gammaPQ(3, +Inf) = %g, %g", p, q)
	}
}

func TestGammaPInv(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, p, x float64
	}{
		{0.5, 0.95, 1.9207294103470622346}, // χ²(1) 95 % point / 2
		{1, 0.95, 2.9957322735539901053},   // ln 20
		{5, 0.95, 9.1535190266375720016},
		{100, 0.95, 116.99713444616246237},
		{100, 0.5, 99.666864919315488744},
		{101, 0.95, 118.0792727820970552},
		{5000, 0.5, 4999.6666706175724136},
		{5000, 0.95, 5116.8744488389681789},
		{10000, 0.95, 10165.051911966126477},
		{10000, 0.5, 9999.6666686420474237},
		{10000, 0.05, 9836.0851108551917253},
		{37.5, 0.95, 48.108335376751919117},
		{0.3, 0.05, 0.000032110346997229618062},
		{0.1, 0.5, 0.00059339110446022617358},
		{2, 0.999999, 16.688420790829440915},
		{20, 1e-6, 5.3639865861816496666},
	}
	for _, tc := range cases {
		if got := gammaPInv(tc.a, tc.p); !near(got, tc.x, 1e-11) {
			t.Errorf("gammaPInv(%g, %g) = %.17g; want %.17g", tc.a, tc.p, got, tc.x)
		}
	}
	if got := gammaPInv(3, 0); got != 0 {
		t.Errorf("gammaPInv(3, 0) = %g", got)
	}
	if got := gammaPInv(3, 1); !math.IsInf(got, 1) {
		t.Errorf("gammaPInv(3, 1) = %g", got)
	}
	for _, bad := range [][2]float64{{0, 0.5}, {1, -0.1}, {1, 1.1}, {math.NaN(), 0.5}} {
		if got := gammaPInv(bad[0], bad[1]); !math.IsNaN(got) {
			t.Errorf("gammaPInv(%g, %g) = %g; want NaN", bad[0], bad[1], got)
		}
	}
}

func TestGammaPInvRoundTrip(t *testing.T) {
	t.Parallel()
	for _, a := range []float64{0.05, 0.5, 0.9, 1, 1.5, 3, 17.3, 101, 999.5, 5000, 12345, 1e5} {
		for _, p := range []float64{1e-9, 0.001, 0.05, 0.3, 0.5, 0.7, 0.95, 0.999, 1 - 1e-9} {
			x := gammaPInv(a, p)
			got, q := gammaPQ(a, x)
			// Compare on the smaller tail, where the precision lives.
			ok := near(got, p, 1e-9)
			if p > 0.5 {
				ok = near(q, 1-p, 1e-8)
			}
			if !ok || x < 0 || math.IsNaN(x) {
				t.Errorf("a=%g p=%g: x=%g gives P=%.15g Q=%.15g", a, p, x, got, q)
			}
		}
	}
}

func BenchmarkGammaPInv(b *testing.B) {
	for b.Loop() {
		gammaPInv(101, 0.95)
	}
}

// near reports whether got is within the relative tolerance rel of want.
func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}
