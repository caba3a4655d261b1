package restapi

import (
	"testing"
	"time"
)

func TestClaimWaitIsCapped(t *testing.T) {
	t.Parallel()
	for in, want := range map[float64]time.Duration{
		0: 0, 0.05: 50 * time.Millisecond, 30: MaxClaimWait, 31: MaxClaimWait,
		9.3e9: MaxClaimWait, 1e300: MaxClaimWait, -1: 0,
	} {
		if got := claimWait(in); got != want {
			t.Errorf("claimWait(%g) = %s, want %s", in, got, want)
		}
	}
}
