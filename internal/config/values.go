package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
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
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
