package pgstore

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
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
