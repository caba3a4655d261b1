package schedule

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// weekdayKeys are the short day names configuration uses, indexed by
// time.Weekday (Sunday = 0).
var weekdayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// WeekdayKey returns the short lower-case name of d ("mon"), the key the
// configuration uses for a day of the week.
func WeekdayKey(d time.Weekday) string {
	if d < time.Sunday || d > time.Saturday {
		return d.String()
	}
	return weekdayKeys[d]
}

// ParseWeekday reads a day of the week: its short name ("mon") or its full
// English name ("Monday"), in any case.
func ParseWeekday(s string) (time.Weekday, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	for d, key := range weekdayKeys {
		if k == key || k == strings.ToLower(time.Weekday(d).String()) {
			return time.Weekday(d), nil
		}
	}
	return 0, fmt.Errorf("%q is not a day of the week (mon, tue, wed, thu, fri, sat, sun)", s)
}

// ParseCalendar reads a national holiday calendar code in any case and
// returns it in the canonical lower case; an unsupported code is an error.
func ParseCalendar(s string) (string, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	if slices.Contains(Calendars, k) {
		return k, nil
	}
	return "", fmt.Errorf("%q is not a supported holiday calendar (one of %s)", s, strings.Join(Calendars, ", "))
}
