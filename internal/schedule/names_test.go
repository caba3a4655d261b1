package schedule

import (
	"slices"
	"testing"
	"time"
)

func TestParseWeekday(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want time.Weekday
		ok   bool
	}{
		{"mon", time.Monday, true},
		{"Mon", time.Monday, true},
		{"monday", time.Monday, true},
		{"SUNDAY", time.Sunday, true},
		{" sat ", time.Saturday, true},
		{"thurs", 0, false},
		{"", 0, false},
		{"1", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseWeekday(tc.in)
			if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
				t.Errorf("ParseWeekday(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestWeekdayKeyRoundTrip(t *testing.T) {
	t.Parallel()
	for d := time.Sunday; d <= time.Saturday; d++ {
		got, err := ParseWeekday(WeekdayKey(d))
		if err != nil || got != d {
			t.Errorf("ParseWeekday(WeekdayKey(%v)) = %v, %v", d, got, err)
		}
	}
	if WeekdayKey(time.Monday) != "mon" {
		t.Errorf("WeekdayKey(Monday) = %q", WeekdayKey(time.Monday))
	}
}

func TestParseCalendar(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"us", "us", true},
		{"GB", "gb", true},
		{"De", "de", true},
		{"uk", "", false},
		{"xx", "", false},
		{"", "", false},
		{"usa", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseCalendar(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("ParseCalendar(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
	if !slices.IsSorted(Calendars) {
		t.Error("Calendars is not sorted")
	}
}
