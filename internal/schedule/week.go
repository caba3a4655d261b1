// Package schedule holds the calendar arithmetic of a queue: weekly business
// hours in the tenant's time zone, closing times, and holidays (explicit
// dates and national calendars).
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

// CloseAfter returns when the open period holding t ends: the close of its
// window, carried over midnight while the next day opens at once (so a
// queue open 24/7 never closes), and cut at the start of a day for which
// closed reports true (a holiday). It reports false when t is not inside
// business hours, or when the period runs on for more than a week.
func (w Week) CloseAfter(t time.Time, loc *time.Location, closed func(Date) bool) (time.Time, bool) {
	lt := t.In(loc)
	if (closed != nil && closed(DateOf(lt))) || !w.OpenAt(t, loc) {
		return time.Time{}, false
	}
	day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	tod := TimeOfDay(lt.Hour()*60 + lt.Minute())
	for range 8 {
		end, ok := w.windowEnd(day.Weekday(), tod)
		if !ok {
			return time.Time{}, false
		}
		if end < EndOfDay {
			return atTimeOfDay(day, end, loc), true
		}
		next := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc)
		if (closed != nil && closed(DateOf(next))) || !w.opensAtMidnight(next.Weekday()) {
			return next, true
		}
		day, tod = next, 0
	}
	return time.Time{}, false
}

// windowEnd is the close of the window of day d that holds tod.
func (w Week) windowEnd(d time.Weekday, tod TimeOfDay) (TimeOfDay, bool) {
	for _, win := range w[d] {
		if tod >= win.Open && tod < win.Close {
			end := win.Close
			// Adjacent windows ("08:00-12:00", "12:00-17:00") are one period.
			for changed := true; changed; {
				changed = false
				for _, o := range w[d] {
					if o.Open == end && o.Close > end {
						end, changed = o.Close, true
					}
				}
			}
			return end, true
		}
	}
	return 0, false
}

func (w Week) opensAtMidnight(d time.Weekday) bool {
	for _, win := range w[d] {
		if win.Open == 0 {
			return true
		}
	}
	return false
}

// atTimeOfDay is tod on the local day starting at midnight day.
func atTimeOfDay(day time.Time, tod TimeOfDay, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), int(tod)/60, int(tod)%60, 0, 0, loc)
}
