package sqlitestore

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"reflect"
	"testing"
)

// The raw path's Scan assigns what the driver reads by database/sql's rules
// for the store's column types, and refuses what database/sql refuses.
func TestAssignFollowsDatabaseSQL(t *testing.T) {
	t.Parallel()
	type mode string
	type level int32
	newOf := func(v any) any { return reflect.New(reflect.TypeOf(v)).Interface() }
	cases := []struct {
		name string
		into any // a value of the destination's type
		src  driver.Value
		want any // nil: an error
	}{
		{"text", "", "Normal", "Normal"},
		{"blob as text", "", []byte("x"), "x"},
		{"integer", int64(0), int64(-7), int64(-7)},
		{"integer as int", 0, int64(42), 42},
		{"integer from text", int64(0), "12", int64(12)},
		{"integer from bad text", int64(0), "12x", nil},
		{"NULL into an integer", int64(0), nil, nil},
		{"NULL into text", "", nil, nil},
		{"blob", []byte(nil), []byte{1, 2}, []byte{1, 2}},
		{"NULL blob", []byte(nil), nil, []byte(nil)},
		{"defined string type", mode(""), "Standby", mode("Standby")},
		{"defined integer type", level(0), int64(3), level(3)},
		{"defined integer overflow", level(0), int64(1) << 40, nil},
		{"float", float64(0), 2.5, 2.5},
		{"float from integer", float64(0), int64(2), 2.0},
		{"boolean", false, int64(1), true},
		{"boolean from 2", false, int64(2), nil},
		{"NullInt64", sql.NullInt64{}, int64(9), sql.NullInt64{Int64: 9, Valid: true}},
		{"NULL NullInt64", sql.NullInt64{}, nil, sql.NullInt64{}},
		{"any", any(nil), "v", "v"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dest := any(new(any)) // into nil: a *any
			if tc.into != nil {
				dest = newOf(tc.into)
			}
			err := assign(dest, tc.src)
			if tc.want == nil {
				if err == nil {
					t.Fatalf("assign(%T, %#v) = nil, want an error", dest, tc.src)
				}
				return
			}
			if err != nil {
				t.Fatalf("assign(%T, %#v): %v", dest, tc.src, err)
			}
			if got := reflect.ValueOf(dest).Elem().Interface(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("assign(%T, %#v) stored %#v, want %#v", dest, tc.src, got, tc.want)
			}
		})
	}
	if err := assign(new(string), nil); !errors.Is(err, errNull) {
		t.Errorf("NULL into a string: %v, want errNull", err)
	}
}
