package schedule

import (
	"testing"
	"time"
)

func TestHolidaysClosed(t *testing.T) {
	t.Parallel()
	us := Holidays{Calendar: "us", Dates: []Date{{2026, time.December, 24}}}
	gb := Holidays{Calendar: "gb"}
	cases := []struct {
		name string
		h    Holidays
		d    Date
		want bool
	}{
		{"thanksgiving", us, Date{2026, time.November, 26}, true},
		{"day after thanksgiving", us, Date{2026, time.November, 27}, false},
		{"christmas", us, Date{2026, time.December, 25}, true},
		{"explicit christmas eve", us, Date{2026, time.December, 24}, true},
		{"independence day on a saturday is observed on friday", us, Date{2026, time.July, 3}, true},
		{"boxing day", gb, Date{2026, time.December, 28}, true}, // 26th is a Saturday: substitute Monday
		{"ordinary day", gb, Date{2026, time.December, 2}, false},
		{"no calendar", Holidays{}, Date{2026, time.December, 25}, false},
	}
	for _, tc := range cases {
		if got := tc.h.Closed(tc.d); got != tc.want {
			t.Errorf("%s: Closed(%s) = %v, want %v", tc.name, tc.d, got, tc.want)
		}
	}
	if len(Calendars) < 30 || Calendars[0] != "ar" {
		t.Errorf("calendars %v", Calendars)
	}
}
