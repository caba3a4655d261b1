package callback

import (
	"testing"
	"time"
)

func TestNewIDShape(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 25, 14, 30, 5, 123_000_000, time.UTC)
	got := NewID(1, 47, at)
	if want := "V0001000000004725112026143005123"; got != want {
		t.Fatalf("NewID = %s, want %s", got, want)
	}
	if !ValidID(got) {
		t.Fatal("a new id must be valid")
	}
	// Creation times are always written in UTC.
	ny := time.FixedZone("EST", -5*3600)
	if NewID(1, 47, at.In(ny)) != got {
		t.Fatal("id depends on the time zone of the clock")
	}
}

func TestValidID(t *testing.T) {
	t.Parallel()
	for id, ok := range map[string]bool{
		"V0001000000000104102011155559508": true, // the reference's examples
		"V0014000000001917072015093838470": true,
		"V0000000000000002102011184429873": true,
		"V000100000000010410201115555950":  false, // one digit short
		"X0001000000000104102011155559508": false,
		"V00010000000001041020111555595O8": false,
		"":                                 false,
		"not-an-id":                        false,
	} {
		if ValidID(id) != ok {
			t.Errorf("ValidID(%q) = %v, want %v", id, !ok, ok)
		}
	}
}
