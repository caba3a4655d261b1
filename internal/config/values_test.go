package config

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"0", 0, ""},
		{"0s", 0, ""},
		{"90s", 90 * time.Second, ""},
		{"2m", 2 * time.Minute, ""},
		{"1h30m", 90 * time.Minute, ""},
		{" 5m ", 5 * time.Minute, ""},
		{"00:05:00", 5 * time.Minute, ""},
		{"00:00:05", 5 * time.Second, ""},
		{"01:30:15", time.Hour + 30*time.Minute + 15*time.Second, ""},
		{"100:00:00", 100 * time.Hour, ""},
		{"1:00:00", time.Hour, ""},
		{"00:60:00", 0, `"00:60:00" is not a duration (Go syntax such as "90s", "2m" or "1h30m", or HH:MM:SS)`},
		{"00:00:60", 0, `"00:00:60" is not a duration (Go syntax such as "90s", "2m" or "1h30m", or HH:MM:SS)`},
		{"05:00", 0, `"05:00" is not a duration (Go syntax such as "90s", "2m" or "1h30m", or HH:MM:SS)`},
		{"1234567:00:00", 0, `"1234567:00:00" is not a duration (Go syntax such as "90s", "2m" or "1h30m", or HH:MM:SS)`},
		{"120", 0, `"120" is not a duration (Go syntax such as "90s", "2m" or "1h30m", or HH:MM:SS)`},
		{"", 0, `"" is not a duration (Go syntax such as "90s", "2m" or "1h30m", or HH:MM:SS)`},
		{"5 minutes", 0, `"5 minutes" is not a duration (Go syntax such as "90s", "2m" or "1h30m", or HH:MM:SS)`},
		{"-1s", 0, `"-1s" must not be negative`},
		{"-00:00:01", 0, `"-00:00:01" is not a duration (Go syntax such as "90s", "2m" or "1h30m", or HH:MM:SS)`},
		{"1.5s", 0, `"1.5s" must be a whole number of seconds`},
		{"100ms", 0, `"100ms" must be a whole number of seconds`},
		{"99999999999h", 0, `"99999999999h" is not a duration (Go syntax such as "90s", "2m" or "1h30m", or HH:MM:SS)`},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseDuration(tc.in)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if got != tc.want || gotErr != tc.err {
				t.Errorf("ParseDuration(%q) = %v, %q; want %v, %q", tc.in, got, gotErr, tc.want, tc.err)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{30 * time.Second, "30s"},
		{90 * time.Second, "1m30s"},
		{2 * time.Minute, "2m"},
		{time.Hour, "1h"},
		{90 * time.Minute, "1h30m"},
		{time.Hour + time.Second, "1h0m1s"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			t.Parallel()
			if got := FormatDuration(tc.in); got != tc.want {
				t.Errorf("FormatDuration(%v) = %q, want %q", tc.in, got, tc.want)
			}
			if back, err := ParseDuration(FormatDuration(tc.in)); err != nil || back != tc.in {
				t.Errorf("ParseDuration(FormatDuration(%v)) = %v, %v", tc.in, back, err)
			}
		})
	}
}
