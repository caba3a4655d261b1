// Package stored is the text form every store engine keeps an interaction's
// attempts and user data in (JSON), so that the engines store the same
// thing and read back the same values.
package stored

import (
	"encoding/json"
	"fmt"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/userdata"
)

// Attempts is the stored JSON of a.
func Attempts(a callback.Attempts) (string, error) {
	b, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("attempts: %w", err)
	}
	return string(b), nil
}

// ParseAttempts reads back a value written by Attempts. An empty ByReason
// reads back as nil.
func ParseAttempts(s string) (callback.Attempts, error) {
	var a callback.Attempts
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return a, fmt.Errorf("attempts: %w", err)
	}
	if len(a.ByReason) == 0 {
		a.ByReason = nil
	}
	return a, nil
}

// UserData is the stored JSON of l ("[]" when empty).
func UserData(l userdata.List) (string, error) {
	if len(l) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(l)
	if err != nil {
		return "", fmt.Errorf("user data: %w", err)
	}
	return string(b), nil
}

// ParseUserData reads back a value written by UserData, whatever its number
// of keys (userdata.ParseStored). An empty list reads back as nil.
func ParseUserData(s string) (userdata.List, error) {
	l, err := userdata.ParseStored([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("user data: %w", err)
	}
	return l, nil
}
