package contact

import (
	"errors"
	"testing"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	ext := Rules{Profile: Extension, Blocked: []string{"9999"}, BlockedPrefixes: []string{"900"}}
	e164 := Rules{Profile: E164, Blocked: []string{"+18005550100"}, BlockedPrefixes: []string{"+1900"}}
	intl := e164
	intl.AllowInternational = true
	cases := []struct {
		name    string
		rules   Rules
		raw, cc string
		want    string
		err     error
	}{
		{"extension ok", ext, "8000", "1", "8000", nil},
		{"extension five digits", ext, " 80001 ", "1", "80001", nil},
		{"extension too short", ext, "12", "1", "", ErrInvalid},
		{"extension not digits", ext, "abc!", "1", "", ErrInvalid},
		{"extension too long", ext, "1234567890123456", "1", "", ErrInvalid},
		{"extension blocked", ext, "9999", "1", "", ErrBlocked},
		{"extension blocked prefix", ext, "90012", "1", "", ErrBlocked},
		{"empty", ext, "  ", "1", "", ErrEmpty},
		{"e164 national", e164, "(415) 555-2671", "1", "+14155552671", nil},
		{"e164 already", e164, "+1 415 555 2671", "1", "+14155552671", nil},
		{"e164 invalid", e164, "555", "1", "", ErrInvalid},
		{"e164 blocked", e164, "800-555-0100", "1", "", ErrBlocked},
		{"e164 premium prefix", e164, "+1 900 555 0199", "1", "", ErrBlocked},
		{"e164 international off", e164, "+44 20 7946 0958", "1", "", ErrBlocked},
		{"e164 international on", intl, "+44 20 7946 0958", "1", "+442079460958", nil},
		{"e164 uk national", intl, "020 7946 0958", "44", "+442079460958", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.rules.Normalize(tc.raw, tc.cc)
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q, %v", tc.raw, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestTimeZones(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"+14155552671":  "America/Los_Angeles",
		"+12125550100":  "America/New_York",
		"+442079460958": "Europe/London",
	}
	for n, want := range cases {
		zones := TimeZones(n)
		found := false
		for _, z := range zones {
			found = found || z == want
		}
		if !found {
			t.Errorf("TimeZones(%s) = %v, want it to hold %s", n, zones, want)
		}
	}
	if z := TimeZones("8000"); z != nil {
		t.Errorf("an extension has no time zone, got %v", z)
	}
}

func TestMask(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"+441234567890": "+*********890",
		"80001":         "****1",
		"12345678":      "******78",
		"1":             "*",
		"":              "",
		"+1 (555) 123":  "+**********3",
		"voice://80001": "************1",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}
