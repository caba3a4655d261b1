// Package schedule holds the calendar arithmetic of a queue: weekly business
// hours in the tenant's time zone, holidays, and (later) appointment slots.
// It is pure: no I/O, no clock of its own.
package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeOfDay is a wall-clock time within a day, as minutes after midnight.
// 24:00 (1440) is allowed as the end of a window that runs to midnight.
type TimeOfDay int

// EndOfDay is 24:00, the close of a window that runs until midnight.
const EndOfDay TimeOfDay = 24 * 60

// ParseTimeOfDay reads "HH:MM" (00:00 to 24:00).
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return 0, fmt.Errorf("%q is not a time of day (HH:MM)", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return TimeOfDay(hh*60 + mm), nil
}

// String renders the time as "HH:MM".
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", int(t)/60, int(t)%60) }

// Window is one open period within a day: [Open, Close).
type Window struct {
	Open  TimeOfDay
	Close TimeOfDay
}

// ParseWindow reads "HH:MM-HH:MM"; the close must be after the open.
func ParseWindow(s string) (Window, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Window{}, fmt.Errorf("%q is not a time window (HH:MM-HH:MM)", s)
	}
	open, err := ParseTimeOfDay(a)
	if err != nil {
		return Window{}, err
	}
	cl, err := ParseTimeOfDay(b)
	if err != nil {
		return Window{}, err
	}
	if cl <= open {
		return Window{}, fmt.Errorf("%q closes before it opens", s)
	}
	return Window{Open: open, Close: cl}, nil
}

// String renders the window as "HH:MM-HH:MM".
func (w Window) String() string { return w.Open.String() + "-" + w.Close.String() }

// Week is the weekly business hours, indexed by time.Weekday (Sunday = 0).
// A day with no windows is closed.
type Week [7][]Window

// AlwaysOpen is a week open 24 hours a day, seven days a week.
func AlwaysOpen() Week {
	var w Week
	for d := range w {
		w[d] = []Window{{Open: 0, Close: EndOfDay}}
	}
	return w
}

// OpenAt reports whether t, read in loc, falls inside the business hours.
func (w Week) OpenAt(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	tod := TimeOfDay(lt.Hour()*60 + lt.Minute())
	for _, win := range w[lt.Weekday()] {
		if tod >= win.Open && tod < win.Close {
			return true
		}
	}
	return false
}

// Date is a calendar date without a time zone (a holiday, say).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return DateOf(t), nil
}

// DateOf is the calendar date of t in t's own location.
func DateOf(t time.Time) Date { return Date{t.Year(), t.Month(), t.Day()} }

// String renders the date as "YYYY-MM-DD".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// Holidays are the days a queue is closed whatever its weekly hours say.
type Holidays struct {
	// Dates are explicit closed days.
	Dates []Date
	// Calendar names a national holiday calendar ("us", "gb", "de", ...); empty for none.
	Calendar string
}
