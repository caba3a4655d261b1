package sqlitestore

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/userdata"
)

// The range of times an int64 of Unix nanoseconds can hold (years 1677 to 2262).
var (
	minStoredTime = time.Unix(0, math.MinInt64).UTC()
	maxStoredTime = time.Unix(0, math.MaxInt64).UTC()
)

// timeValue is the stored form of t: NULL for the zero time, else Unix
// nanoseconds (which are UTC by definition). A time outside the range of
// Unix nanoseconds is an error, never a silently wrong value.
func timeValue(t time.Time) (any, error) {
	if t.IsZero() {
		return nil, nil
	}
	if t.Before(minStoredTime) || t.After(maxStoredTime) {
		return nil, fmt.Errorf("time %s is outside the storable range %s to %s",
			t.Format(time.RFC3339Nano), minStoredTime.Format(time.RFC3339), maxStoredTime.Format(time.RFC3339))
	}
	return t.UnixNano(), nil
}

// timeOf reads back a value written by timeValue, in UTC.
func timeOf(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// attemptsValue is the stored JSON of a.
func attemptsValue(a callback.Attempts) (string, error) {
	b, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("attempts: %w", err)
	}
	return string(b), nil
}

// attemptsOf reads back a value written by attemptsValue. An empty ByReason
// reads back as nil.
func attemptsOf(s string) (callback.Attempts, error) {
	var a callback.Attempts
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return a, fmt.Errorf("attempts: %w", err)
	}
	if len(a.ByReason) == 0 {
		a.ByReason = nil
	}
	return a, nil
}

// userDataValue is the stored JSON of l ("[]" when empty).
func userDataValue(l userdata.List) (string, error) {
	if len(l) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(l)
	if err != nil {
		return "", fmt.Errorf("user data: %w", err)
	}
	return string(b), nil
}

// userDataOf reads back a value written by userDataValue, whatever its
// number of keys (userdata.ParseStored). An empty list reads back as nil.
func userDataOf(s string) (userdata.List, error) {
	l, err := userdata.ParseStored([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("user data: %w", err)
	}
	return l, nil
}

// boolInt is the stored form of a boolean.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
