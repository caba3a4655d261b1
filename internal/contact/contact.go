// Package contact validates and normalises the phone numbers callbacks are
// placed to, following a tenant's numbering profile and blocking rules.
// It is pure: the same input always gives the same answer.
package contact

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Profile is how a tenant numbers its contacts.
type Profile string

const (
	// E164 normalises every contact to E.164 using the segment's country
	// code as the default region, and checks it with libphonenumber.
	E164 Profile = "e164"
	// Extension accepts plain digit strings of a bounded length (lab and
	// internal numbering, like the reference's examples 8000 and 80001).
	Extension Profile = "extension"
)

// Default lengths for the extension profile.
const (
	DefaultMinLength = 4
	DefaultMaxLength = 15
)

// Rules are a tenant's contact rules.
type Rules struct {
	// Profile is e164 (default) or extension.
	Profile Profile
	// MinLength and MaxLength bound extension numbers (default 4 and 15).
	MinLength, MaxLength int
	// Blocked are exact numbers that may never be called (as normalised).
	Blocked []string
	// BlockedPrefixes are prefixes of numbers that may never be called
	// (E.164 with "+", or digits for extensions), e.g. premium-rate ranges.
	BlockedPrefixes []string
	// AllowInternational lets e164 contacts outside the segment's country through.
	AllowInternational bool
}

// Errors returned by Normalize; callers map them to PTK status codes.
var (
	// ErrEmpty means no contact was given.
	ErrEmpty = errors.New("contact is empty")
	// ErrInvalid means the contact is not a valid number under the rules.
	ErrInvalid = errors.New("contact is not a valid number")
	// ErrBlocked means the number is valid but blocked by the tenant.
	ErrBlocked = errors.New("contact is blocked")
)

// Normalize checks raw against the rules and returns the number in its
// canonical form (E.164 with "+" for e164, bare digits for extension).
// countryCode is the segment's calling code ("1", "44") used as the default
// region for national numbers.
func (r Rules) Normalize(raw, countryCode string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", ErrEmpty
	}
	var n string
	switch r.Profile {
	case Extension:
		var err error
		if n, err = r.extension(s); err != nil {
			return "", err
		}
	default:
		var err error
		if n, err = r.e164(s, countryCode); err != nil {
			return "", err
		}
	}
	for _, b := range r.Blocked {
		if n == b {
			return "", fmt.Errorf("%w: %s is on the tenant's block list", ErrBlocked, n)
		}
	}
	for _, p := range r.BlockedPrefixes {
		if p != "" && strings.HasPrefix(n, p) {
			return "", fmt.Errorf("%w: %s starts with blocked prefix %s", ErrBlocked, n, p)
		}
	}
	return n, nil
}

func (r Rules) extension(s string) (string, error) {
	minLen, maxLen := r.MinLength, r.MaxLength
	if minLen == 0 {
		minLen = DefaultMinLength
	}
	if maxLen == 0 {
		maxLen = DefaultMaxLength
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return "", fmt.Errorf("%w: %q has a character that is not a digit", ErrInvalid, s)
		}
	}
	if len(s) < minLen || len(s) > maxLen {
		return "", fmt.Errorf("%w: %q must have %d to %d digits", ErrInvalid, s, minLen, maxLen)
	}
	return s, nil
}

func (r Rules) e164(s, countryCode string) (string, error) {
	region := "ZZ"
	if cc := strings.TrimPrefix(strings.TrimSpace(countryCode), "+"); cc != "" {
		var code int
		if _, err := fmt.Sscanf(cc, "%d", &code); err == nil {
			region = phonenumbers.GetRegionCodeForCountryCode(code)
		}
	}
	num, err := phonenumbers.Parse(s, region)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %w", ErrInvalid, s, err)
	}
	if !phonenumbers.IsValidNumber(num) {
		return "", fmt.Errorf("%w: %q is not a valid phone number", ErrInvalid, s)
	}
	if !r.AllowInternational && region != "ZZ" && phonenumbers.GetRegionCodeForNumber(num) != region &&
		int(num.GetCountryCode()) != phonenumbers.GetCountryCodeForRegion(region) {
		return "", fmt.Errorf("%w: %q is an international number and international callbacks are off", ErrBlocked, s)
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// TimeZones returns the IANA time zones a normalised E.164 number may be in
// (several for a country spanning zones when the number's area does not
// say); none for extensions and numbers libphonenumber cannot place.
func TimeZones(number string) []string {
	if !strings.HasPrefix(number, "+") {
		return nil
	}
	num, err := phonenumbers.Parse(number, "ZZ")
	if err != nil {
		return nil
	}
	zones, err := phonenumbers.GetTimezonesForNumber(num)
	if err != nil {
		return nil
	}
	var out []string
	for _, z := range zones {
		if z != "" && z != "Etc/Unknown" {
			out = append(out, z)
		}
	}
	return out
}

// Mask hides most digits of a phone number, for principals that may not see
// customers' numbers: a leading "+" and the last digits stay (a quarter of
// them, at most three, at least one), every other digit becomes "*", so an
// agent can still tell two callers apart without learning either number.
func Mask(number string) string {
	digits := 0
	for _, r := range number {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	keep := min(max(digits/4, 1), 3)
	if digits <= 1 {
		keep = 0
	}
	out := []rune(number)
	seen := 0
	for i, r := range out {
		if r < '0' || r > '9' {
			if r != '+' || i != 0 {
				out[i] = '*'
			}
			continue
		}
		seen++
		if seen <= digits-keep {
			out[i] = '*'
		}
	}
	return string(out)
}
