package callback_test

import (
	"errors"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/status"
)

// Values outside the domain's bounds in operations the PTK does not have are
// an ArgumentError naming the argument, refused before anything is looked
// up, so a front answers them without checking them again.
func TestArgumentsOutOfBounds(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	claim := func(max int, lease time.Duration) error {
		_, err := b.platform.ClaimLaunches(b.ctx, callback.ClaimParams{Tenant: "VHT", Max: max, Lease: lease})
		return err
	}
	staff := func(tenant string, staffed, available int) error {
		return b.platform.Staffing(b.ctx, tenant, "VHT_Test", staffed, available)
	}
	for _, tc := range []struct {
		name string
		err  error
		want callback.Arg // "" for accepted
	}{
		{"claim of 1", claim(1, callback.DefaultLease), ""},
		{"claim of MaxClaim", claim(callback.MaxClaim, callback.MaxLease), ""},
		{"claim of 0", claim(0, callback.DefaultLease), callback.ArgClaimMax},
		{"claim over MaxClaim", claim(callback.MaxClaim+1, callback.DefaultLease), callback.ArgClaimMax},
		{"lease of MinLease", claim(1, callback.MinLease), ""},
		{"no lease", claim(1, 0), callback.ArgClaimLease},
		{"lease under MinLease", claim(1, callback.MinLease-time.Nanosecond), callback.ArgClaimLease},
		{"lease over MaxLease", claim(1, callback.MaxLease+time.Second), callback.ArgClaimLease},
		{"staffing", staff("VHT", 10, 4), ""},
		{"all available", staff("VHT", 10, 10), ""},
		{"more available than staffed", staff("VHT", 3, 4), callback.ArgStaffing},
		{"negative", staff("VHT", -1, 0), callback.ArgStaffing},
		{"over MaxAgents", staff("VHT", callback.MaxAgents+1, 0), callback.ArgStaffing},
		{"bounds before the tenant", staff("Nope", 3, 4), callback.ArgStaffing},
	} {
		var ae *callback.ArgumentError
		switch {
		case tc.want == "" && tc.err != nil:
			t.Errorf("%s: refused: %v", tc.name, tc.err)
		case tc.want != "" && (!errors.As(tc.err, &ae) || ae.Arg != tc.want):
			t.Errorf("%s: got %v, want an ArgumentError on %s", tc.name, tc.err, tc.want)
		case tc.want != "" && status.Of(tc.err) != status.UnexpectedError:
			t.Errorf("%s: an ArgumentError carries no PTK code, got %v", tc.name, status.Of(tc.err))
		}
	}
	// A known tenant's bounds are checked; an unknown one after good bounds is the PTK's 108000.
	if err := staff("Nope", 3, 3); status.Of(err) != status.InvalidTenant {
		t.Errorf("unknown tenant: %v", err)
	}
}
