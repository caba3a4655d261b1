package callback

import (
	"strings"
	"testing"
	"time"
)

// The parameters every engine refuses the same way: the rules live here,
// and engines call Validate first.
func TestStoreParametersValidate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		p    interface{ Validate() error }
		want string // "" when valid
	}{
		{"launch claim", &LaunchClaimParams{Tenant: "T", Max: 1, Owner: "d", Now: now, Lease: time.Second}, ""},
		{"launch claim, max 0", &LaunchClaimParams{Max: 0, Owner: "d", Now: now, Lease: time.Second}, "max 0 is less than 1"},
		{"launch claim, no owner", &LaunchClaimParams{Max: 1, Now: now, Lease: time.Second}, "no owner"},
		{"launch claim, no lease", &LaunchClaimParams{Max: 1, Owner: "d", Now: now}, "lease 0s is not positive"},
		{"launch claim, no time", &LaunchClaimParams{Max: 1, Owner: "d", Lease: time.Second}, "no claim time"},
		{"launch claim, none", (*LaunchClaimParams)(nil), "no parameters"},
		{"launch ack", &LaunchAckParams{Key: "V1/1", At: now}, ""},
		{"launch ack, no time", &LaunchAckParams{Key: "V1/1"}, "no acknowledgement time"},
		{"outbox claim", &OutboxClaimParams{Max: 5, Owner: "w", Now: now, Lease: time.Minute}, ""},
		{"outbox claim, negative lease", &OutboxClaimParams{Max: 5, Owner: "w", Now: now, Lease: -time.Minute}, "is not positive"},
		{"outbox delivered", &OutboxDeliveredParams{ID: 1, At: now}, ""},
		{"outbox delivered, no time", &OutboxDeliveredParams{ID: 1}, "no delivery time"},
		{"outbox discard", &OutboxDiscardParams{ID: 1, State: OutboxExpired, At: now}, ""},
		{"outbox discard, delivered", &OutboxDiscardParams{ID: 1, State: OutboxDelivered, At: now}, "neither expired nor cancelled"},
		{"outbox discard, no time", &OutboxDiscardParams{ID: 1, State: OutboxCancelled}, "no time"},
	} {
		err := c.p.Validate()
		if (err == nil) != (c.want == "") || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
