package config

import (
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/schedule"
)

// Times in the configuration: mode schedules, do-not-call windows, business
// hours and holidays, each read with the path of every problem.

// modeSchedule reads a queue's weekly mode changes, one for each item (so
// the domain's paths are the file's). A change without its day, time or
// mode is left to the walker's report: its mode stays empty and the domain
// is not asked about it.
func (w *walker) modeSchedule(n *yaml.Node, path string) []callback.ModeChange {
	var out []callback.ModeChange
	for i, item := range w.list(n, path) {
		ip := index(path, i)
		var mc callback.ModeChange
		okDay, okAt, okMode := false, false, false
		present := w.object(item, ip, fields{
			"day": func(v *yaml.Node, p string) {
				s, ok := w.text(v, p)
				if !ok {
					return
				}
				d, err := schedule.ParseWeekday(s)
				if err != nil {
					w.report(deref(v), p, "%v", err)
					return
				}
				mc.Day, okDay = d, true
			},
			"at":   func(v *yaml.Node, p string) { mc.At, okAt = w.clockTime(v, p) },
			"mode": func(v *yaml.Node, p string) { mc.Mode, okMode = enum(w, v, p, callback.Modes, "an operation mode") },
		})
		// The domain cannot tell a missing day or time from Sunday or midnight.
		w.require(item, ip, present, "day", "at", "mode")
		if !okDay || !okAt || !okMode {
			mc.Mode = ""
			w.unread[ip] = true
		}
		out = append(out, mc)
	}
	return out
}

// clockTime reads a moment of the day, "HH:MM" from 00:00 to 23:59.
func (w *walker) clockTime(v *yaml.Node, p string) (schedule.TimeOfDay, bool) {
	s, ok := w.text(v, p)
	if !ok {
		return 0, false
	}
	at, err := schedule.ParseTimeOfDay(s)
	if err == nil {
		err = callback.CheckTimeOfDay(at)
	}
	if err != nil {
		w.report(deref(v), p, "%v", err)
		return 0, false
	}
	return at, true
}

// doNotCall reads a daily do-not-call window: from and to, which may span
// midnight but may not be equal.
func (w *walker) doNotCall(n *yaml.Node, path string, d *callback.DoNotCall) {
	var from, to schedule.TimeOfDay
	var okFrom, okTo bool
	present := w.object(n, path, fields{
		"from": func(v *yaml.Node, p string) { from, okFrom = w.clockTime(v, p) },
		"to":   func(v *yaml.Node, p string) { to, okTo = w.clockTime(v, p) },
	})
	w.require(n, path, present, "from", "to")
	if !okFrom || !okTo {
		return
	}
	if from == to {
		w.report(deref(n), path, "from and to are both %s: the window would be empty; leave doNotCall out for none", from)
		return
	}
	*d = callback.DoNotCall{From: from, To: to}
}

// businessHours reads the weekly hours; a present section starts closed.
func (w *walker) businessHours(n *yaml.Node, path string, week *schedule.Week) {
	var got schedule.Week
	fs := fields{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		fs[schedule.WeekdayKey(d)] = func(v *yaml.Node, p string) { got[d] = w.day(v, p) }
	}
	if w.object(n, path, fs) != nil {
		*week = got
	}
}

// day reads one day's open windows, sorted, refusing overlaps.
func (w *walker) day(n *yaml.Node, path string) []schedule.Window {
	type at struct {
		win  schedule.Window
		path string
		node *yaml.Node
	}
	var wins []at
	for i, item := range w.list(n, path) {
		p := index(path, i)
		s, ok := w.text(item, p)
		if !ok {
			continue
		}
		win, err := schedule.ParseWindow(s)
		if err != nil {
			w.report(deref(item), p, "%v", err)
			continue
		}
		wins = append(wins, at{win, p, deref(item)})
	}
	slices.SortStableFunc(wins, func(a, b at) int { return int(a.win.Open) - int(b.win.Open) })
	var out []schedule.Window
	for i, x := range wins {
		if i > 0 && x.win.Open < wins[i-1].win.Close {
			w.report(x.node, x.path, "%q overlaps %q", x.win.String(), wins[i-1].win.String())
			continue
		}
		out = append(out, x.win)
	}
	return out
}

// holidays reads a queue's holidays.
func (w *walker) holidays(n *yaml.Node, path string, h *schedule.Holidays) {
	w.object(n, path, fields{
		"dates": func(v *yaml.Node, p string) {
			h.Dates = nil
			for i, item := range w.list(v, p) {
				ip := index(p, i)
				s, ok := w.text(item, ip)
				if !ok {
					continue
				}
				d, err := schedule.ParseDate(s)
				if err != nil {
					w.report(deref(item), ip, "%v", err)
					continue
				}
				h.Dates = append(h.Dates, d)
			}
		},
		"calendar": func(v *yaml.Node, p string) {
			s, ok := w.text(v, p)
			if !ok || s == "" {
				return
			}
			c, err := schedule.ParseCalendar(s)
			if err != nil {
				w.report(deref(v), p, "%v", err)
				return
			}
			h.Calendar = c
		},
	})
}
