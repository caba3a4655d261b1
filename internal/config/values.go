package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/holdline/holdline/internal/callback"
)

// ParseDuration reads a duration of the configuration: Go syntax ("90s",
// "2m", "1h30m", "0") or the original product's "HH:MM:SS" ("00:05:00").
// Durations are whole seconds and never negative; a bare number other than
// 0 is refused because its unit would be a guess.
func ParseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	bad := fmt.Errorf("%q is not a duration (Go syntax such as \"90s\", \"2m\" or \"1h30m\", or HH:MM:SS)", s)
	if t == "" {
		return 0, bad
	}
	var d time.Duration
	if strings.Contains(t, ":") {
		m := clockRE.FindStringSubmatch(t)
		if m == nil {
			return 0, bad
		}
		h, _ := strconv.Atoi(m[1])
		mm, _ := strconv.Atoi(m[2])
		ss, _ := strconv.Atoi(m[3])
		if mm > 59 || ss > 59 {
			return 0, bad
		}
		d = time.Duration(h)*time.Hour + time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second
	} else {
		var err error
		if d, err = time.ParseDuration(t); err != nil {
			return 0, bad
		}
	}
	if d < 0 {
		return 0, fmt.Errorf("%q must not be negative", s)
	}
	if d%time.Second != 0 {
		return 0, fmt.Errorf("%q must be a whole number of seconds", s)
	}
	return d, nil
}

// clockRE is HH:MM:SS; the hours are bounded so the sum cannot overflow.
var clockRE = regexp.MustCompile(`^(\d{1,6}):(\d{2}):(\d{2})$`)

// FormatDuration renders a duration the way the configuration writes it:
// Go syntax without zero trailing units ("2m", "1h30m", "90s" as "1m30s").
func FormatDuration(d time.Duration) string { return callback.FormatDuration(d) }

// integer reads a whole number in [lo, hi] (a setting outside the domain's
// table of ranges: rates, ports).
func (w *walker) integer(n *yaml.Node, path string, lo, hi int) (int, bool) {
	return w.wholeNumber(n, path, callback.Range{Min: int64(lo), Max: int64(hi), Unit: callback.UnitCount})
}

// number reads a whole number of the settings, in the range the domain's
// table gives its path.
func (w *walker) number(n *yaml.Node, path string) (int, bool) {
	return w.wholeNumber(n, path, w.rangeOf(n, path))
}

func (w *walker) wholeNumber(n *yaml.Node, path string, r callback.Range) (int, bool) {
	s, ok := w.scalar(n, path, "a whole number")
	if !ok {
		return 0, false
	}
	var i int
	if s.Tag != "!!int" || s.Decode(&i) != nil {
		w.report(s, path, "must be a whole number, not %q", s.Value)
		return 0, false
	}
	if err := r.Check(int64(i)); err != nil {
		w.report(s, path, "%v", err)
		return 0, false
	}
	return i, true
}

// duration reads a duration (Go syntax or HH:MM:SS) of the settings, in the
// range the domain's table gives its path.
func (w *walker) duration(n *yaml.Node, path string) (time.Duration, bool) {
	s, ok := w.scalar(n, path, "a duration")
	if !ok {
		return 0, false
	}
	d, err := ParseDuration(s.Value)
	if err != nil {
		w.report(s, path, "%v", err)
		return 0, false
	}
	if err := w.rangeOf(s, path).Check(int64(d)); err != nil {
		w.report(s, path, "%v", err)
		return 0, false
	}
	return d, true
}

// rangeOf returns the domain's range of the setting at path. A key the
// table lacks is a bug of this package, reported rather than accepted.
func (w *walker) rangeOf(n *yaml.Node, path string) callback.Range {
	r, ok := callback.RangeOf(path)
	if !ok {
		w.report(n, path, "has no range in the table of settings (a bug)")
		return callback.Range{Min: 1, Max: 0} // refuses every value
	}
	return r
}
