package pgstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/userdata"
)

// The range of times the store takes: what RFC 3339 can write, well inside
// timestamptz's range. A time outside it is an error, never a silently
// wrong value.
var (
	minStoredTime = time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)
	maxStoredTime = time.Date(9999, time.December, 31, 23, 59, 59, 999_999_999, time.UTC)
)

// timeValue is the stored form of t: NULL for the zero time, else t itself
// (a timestamptz, to the microsecond).
func timeValue(t time.Time) (any, error) {
	if t.IsZero() {
		return nil, nil
	}
	if t.Before(minStoredTime) || t.After(maxStoredTime) {
		return nil, fmt.Errorf("time %s is outside the storable range %s to %s",
			t.Format(time.RFC3339Nano), minStoredTime.Format(time.RFC3339), maxStoredTime.Format(time.RFC3339))
	}
	return t, nil
}

// timeOf reads back a value written by timeValue, in UTC.
func timeOf(ts pgtype.Timestamptz) time.Time {
	if !ts.Valid {
		return time.Time{}
	}
	return ts.Time.UTC()
}

// encodeJSON is the stored JSON text of an attempts count or a user-data
// list.
func encodeJSON(what string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	return string(b), nil
}

// decodeAttempts reads back attempts written by encodeJSON. An empty
// ByReason reads back as nil.
func decodeAttempts(s string) (callback.Attempts, error) {
	var a callback.Attempts
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return a, fmt.Errorf("attempts: %w", err)
	}
	if len(a.ByReason) == 0 {
		a.ByReason = nil
	}
	return a, nil
}

// decodeUserData reads back user data written by encodeJSON, whatever its
// number of keys (userdata.ParseStored).
func decodeUserData(s string) (userdata.List, error) {
	l, err := userdata.ParseStored([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("user data: %w", err)
	}
	return l, nil
}
