package sqlitestore

import (
	"database/sql"
	"fmt"
	"math"
	"time"
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

// boolInt is the stored form of a boolean.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
