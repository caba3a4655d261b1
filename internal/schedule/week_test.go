package schedule

import (
	"testing"
	"time"
)

func TestParseTimeOfDay(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want TimeOfDay
		ok   bool
	}{
		{"00:00", 0, true},
		{"08:30", 510, true},
		{"8:30", 510, true},
		{"24:00", EndOfDay, true},
		{"24:01", 0, false},
		{"25:00", 0, false},
		{"12:60", 0, false},
		{"noon", 0, false},
		{"12", 0, false},
		{"", 0, false},
	}
	for _, tc := range cases {
		got, err := ParseTimeOfDay(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseTimeOfDay(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseWindow(t *testing.T) {
	t.Parallel()
	if w, err := ParseWindow("08:00-17:30"); err != nil || w.String() != "08:00-17:30" {
		t.Fatalf("got %v, %v", w, err)
	}
	for _, bad := range []string{"17:00-08:00", "08:00", "08:00-08:00", "x-y"} {
		if _, err := ParseWindow(bad); err == nil {
			t.Errorf("ParseWindow(%q) accepted", bad)
		}
	}
}

func TestWeekOpenAt(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	var w Week
	w[time.Monday] = []Window{{Open: 9 * 60, Close: 17 * 60}}
	// Monday 2026-11-30 09:00 in New York is 14:00 UTC.
	open := time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)
	if !w.OpenAt(open, ny) {
		t.Error("09:00 local on Monday must be open")
	}
	if w.OpenAt(open.Add(-time.Minute), ny) {
		t.Error("08:59 local must be closed")
	}
	if w.OpenAt(open.Add(8*time.Hour), ny) {
		t.Error("17:00 local must be closed (windows are half-open)")
	}
	if !AlwaysOpen().OpenAt(time.Date(2026, 12, 25, 23, 59, 0, 0, time.UTC), time.UTC) {
		t.Error("AlwaysOpen must be open at 23:59")
	}
}

func TestCloseAfter(t *testing.T) {
	t.Parallel()
	ny, _ := time.LoadLocation("America/New_York")
	var office Week
	for d := time.Monday; d <= time.Friday; d++ {
		office[d] = []Window{{Open: 9 * 60, Close: 12 * 60}, {Open: 12 * 60, Close: 17 * 60}}
	}
	var nights Week // open Friday 20:00 to Saturday 02:00
	nights[time.Friday] = []Window{{Open: 20 * 60, Close: EndOfDay}}
	nights[time.Saturday] = []Window{{Open: 0, Close: 2 * 60}}
	thanksgiving := func(d Date) bool { return d == Date{2026, time.November, 26} }
	local := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, ny) }
	cases := []struct {
		name   string
		w      Week
		closed func(Date) bool
		at     time.Time
		want   time.Time
		ok     bool
	}{
		{"morning: adjacent windows are one period", office, nil, local(2026, 11, 25, 10, 0), local(2026, 11, 25, 17, 0), true},
		{"closed at night", office, nil, local(2026, 11, 25, 18, 0), time.Time{}, false},
		{"over midnight", nights, nil, local(2026, 11, 27, 23, 0), local(2026, 11, 28, 2, 0), true},
		{"always open never closes", AlwaysOpen(), nil, local(2026, 11, 25, 10, 0), time.Time{}, false},
		{"always open closes before a holiday", AlwaysOpen(), thanksgiving, local(2026, 11, 25, 10, 0), local(2026, 11, 26, 0, 0), true},
		{"holiday itself is closed", AlwaysOpen(), thanksgiving, local(2026, 11, 26, 10, 0), time.Time{}, false},
	}
	for _, tc := range cases {
		got, ok := tc.w.CloseAfter(tc.at, ny, tc.closed)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("%s: CloseAfter = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
