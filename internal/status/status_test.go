package status

import (
	"errors"
	"fmt"
	"strings"
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

func TestQuoteAndClip(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 500_000)
	cases := []struct {
		name, in, quote string
	}{
		{"short", "GetStatus", `"GetStatus"`},
		{"exactly the limit", strings.Repeat("a", MaxQuoted), `"` + strings.Repeat("a", MaxQuoted) + `"`},
		{"escaped like %q", "a\"b\x00", `"a\"b\x00"`},
		{"long", long, `"` + strings.Repeat("x", MaxQuoted) + `…" (500000 bytes)`},
		{"multi-byte characters count once", strings.Repeat("é", 100), `"` + strings.Repeat("é", MaxQuoted) + `…" (200 bytes)`},
		{"short in characters, long in bytes", strings.Repeat("é", MaxQuoted), `"` + strings.Repeat("é", MaxQuoted) + `"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Quote(tc.in); got != tc.quote {
				t.Fatalf("Quote = %.200s, want %.200s", got, tc.quote)
			}
		})
	}
	if got, want := Clip("element <"+long+">", 20), "element <"+strings.Repeat("x", 11)+"… (500010 bytes)"; got != want {
		t.Fatalf("Clip = %q, want %q", got, want)
	}
	if got := Clip("short", 20); got != "short" {
		t.Fatalf("Clip = %q", got)
	}
}

func TestMessageIsBounded(t *testing.T) {
	t.Parallel()
	err := Errorf(InvalidTenant, "tenant %q is not configured", strings.Repeat("t", 500_000))
	m := Message(err)
	if len(m) > MaxMessage+40 || !strings.HasSuffix(m, "… (500027 bytes)") {
		t.Fatalf("message of %d bytes: %.100s…%s", len(m), m, m[len(m)-30:])
	}
	if got := Message(Errorf(InvalidTenant, "tenant %q is not configured", "X")); got != `tenant "X" is not configured` {
		t.Fatalf("short message changed: %q", got)
	}
}
