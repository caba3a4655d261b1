package loadgen

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // 100 … 1, unsorted
	}
	tests := []struct {
		name    string
		samples []time.Duration
		p       float64
		want    time.Duration
	}{
		{"no samples", nil, 99, 0},
		{"one sample, p50", ms(7), 50, 7 * time.Millisecond},
		{"one sample, p99", ms(7), 99, 7 * time.Millisecond},
		{"two samples, p50 is the lower", ms(9, 1), 50, 1 * time.Millisecond},
		{"two samples, p51 is the upper", ms(9, 1), 51, 9 * time.Millisecond},
		{"1..100, p50", ms(hundred...), 50, 50 * time.Millisecond},
		{"1..100, p99", ms(hundred...), 99, 99 * time.Millisecond},
		{"1..100, p100", ms(hundred...), 100, 100 * time.Millisecond},
		{"one outlier of ten, p99 sees it", ms(1, 1, 1, 1, 1, 1, 1, 1, 1, 500), 99, 500 * time.Millisecond},
		{"one outlier of ten, p90 does not", ms(1, 1, 1, 1, 1, 1, 1, 1, 1, 500), 90, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.samples, tt.p); got != tt.want {
				t.Errorf("Percentile(p%g) = %s, want %s", tt.p, got, tt.want)
			}
		})
	}
}

func TestScheduleAccounting(t *testing.T) {
	const tol = time.Millisecond
	tests := []struct {
		name      string
		rate      float64
		duration  time.Duration
		lateness  []time.Duration
		want      Schedule
		notOnTime float64
	}{
		{name: "nothing scheduled at rate 0", rate: 0, duration: time.Second, want: Schedule{}},
		{name: "all sent on time", rate: 4, duration: time.Second, lateness: []time.Duration{0, tol / 2, tol, 0},
			want: Schedule{Scheduled: 4, OnTime: 4}},
		{name: "late past the tolerance", rate: 4, duration: time.Second,
			lateness: []time.Duration{0, tol + 1, 50 * time.Millisecond, 0},
			want:     Schedule{Scheduled: 4, OnTime: 2, Late: 2}, notOnTime: 0.5},
		{name: "a generator that fell behind leaves requests unsent", rate: 10, duration: time.Second,
			lateness: []time.Duration{0, 0, 0, 0, 0, 0, 0, 2 * tol},
			want:     Schedule{Scheduled: 10, OnTime: 7, Late: 1, Unsent: 2}, notOnTime: 0.3},
		{name: "a fraction of an interval still schedules its request", rate: 3, duration: 1100 * time.Millisecond,
			lateness: []time.Duration{0, 0, 0, 0}, want: Schedule{Scheduled: 4, OnTime: 4}},
		{name: "5,000/s for 10 s", rate: 5000, duration: 10 * time.Second,
			want: Schedule{Scheduled: 50000, Unsent: 50000}, notOnTime: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := account(scheduled(tt.rate, tt.duration), tt.lateness, tol)
			if got != tt.want {
				t.Errorf("account = %+v, want %+v", got, tt.want)
			}
			if n := got.NotOnTime(); n != tt.notOnTime {
				t.Errorf("NotOnTime = %g, want %g", n, tt.notOnTime)
			}
		})
	}
}

func TestIntendedSpacesRequestsEvenly(t *testing.T) {
	tests := []struct {
		i    int
		rate float64
		want time.Duration
	}{
		{0, 5000, 0},
		{1, 5000, 200 * time.Microsecond},
		{4999, 5000, 999800 * time.Microsecond},
		{3, 2, 1500 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := intended(tt.i, tt.rate); got != tt.want {
			t.Errorf("intended(%d, %g) = %s, want %s", tt.i, tt.rate, got, tt.want)
		}
	}
}

func TestScheduleAdd(t *testing.T) {
	a := Schedule{Scheduled: 10, OnTime: 7, Late: 2, Unsent: 1}
	b := Schedule{Scheduled: 5, OnTime: 5}
	if got, want := a.Add(b), (Schedule{Scheduled: 15, OnTime: 12, Late: 2, Unsent: 1}); got != want {
		t.Errorf("Add = %+v, want %+v", got, want)
	}
}
