package status

import (
	"errors"
	"fmt"
	"testing"
)

func TestTableIsComplete(t *testing.T) {
	t.Parallel()
	seen := map[string]Code{}
	for _, e := range All() {
		if e.Name == "" || e.Description == "" {
			t.Errorf("%d has no name or description", e.Code)
		}
		if prev, dup := seen[e.Name]; dup {
			t.Errorf("name %q used by %d and %d", e.Name, prev, e.Code)
		}
		seen[e.Name] = e.Code
		if e.Code < 106000 || e.Code > 109999 {
			t.Errorf("%d is outside the PTK ranges", e.Code)
		}
	}
}

func TestOf(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		err  error
		want Code
	}{
		{"nil is success", nil, RequestCompleted},
		{"coded", Errorf(InvalidTenant, "tenant %q", "x"), InvalidTenant},
		{"wrapped coded", fmt.Errorf("add: %w", Errorf(InvalidContact, "bad")), InvalidContact},
		{"plain error", errors.New("disk on fire"), UnexpectedError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Of(tc.err); got != tc.want {
				t.Fatalf("Of(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestNamesOnTheWire(t *testing.T) {
	t.Parallel()
	// Spellings clients match on, including the reference's mixed "Id"/"ID".
	for code, name := range map[Code]string{
		107000: "RequestCompleted",
		107100: "RequestCompletedWithInteractionId",
		108007: "InvalidInteractionId",
		108046: "InteractionIDOrExternalTrackingIDRequired",
		109016: "QueueIdNotFound",
	} {
		if got := code.Name(); got != name {
			t.Errorf("%d: name %q, want %q", code, got, name)
		}
	}
	if Code(123).Name() != "Unknown" {
		t.Error("unknown code must be named Unknown")
	}
}
