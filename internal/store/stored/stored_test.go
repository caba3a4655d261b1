package stored

import (
	"reflect"
	"testing"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/userdata"
)

// What is written reads back equal, empty values as nil, and a stored
// value that is not JSON is an error naming the column.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, a := range []callback.Attempts{{}, {Total: 3, ByReason: map[callback.AttemptFailReason]int{"NoAnswer": 2, "Busy": 1}}} {
		s, err := Attempts(a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseAttempts(s)
		if err != nil || !reflect.DeepEqual(got, a) {
			t.Errorf("attempts %+v: stored %s, read back %+v, %v", a, s, got, err)
		}
	}
	for _, l := range []userdata.List{nil, {{Key: "account", Value: userdata.Str("A-1")}, {Key: "n", Value: userdata.Int(7)}}} {
		s, err := UserData(l)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseUserData(s)
		if err != nil || !reflect.DeepEqual(got, l) {
			t.Errorf("user data %+v: stored %s, read back %+v, %v", l, s, got, err)
		}
	}
	if _, err := ParseAttempts("{"); err == nil {
		t.Error("broken attempts read back")
	}
	if _, err := ParseUserData("{"); err == nil {
		t.Error("broken user data read back")
	}
}
