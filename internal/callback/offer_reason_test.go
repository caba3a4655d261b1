package callback

import "testing"

// The offer decision's reason reads as the sentence support looks for in
// the debug log, for each way the decision goes.
func TestOfferReasonSentences(t *testing.T) {
	t.Parallel()
	cases := []struct {
		r    OfferReason
		want string
	}{
		{OfferReason{kind: reasonAboveThreshold, mode: ModeNormal, ewt: 300, threshold: 120}, "Normal mode, EWT 300s above the turn-on threshold 120s"},
		{OfferReason{kind: reasonUnderThreshold, mode: ModeNormal, ewt: 60, threshold: 120}, "EWT 60s is at or under the turn-on threshold 120s in Normal mode"},
		{OfferReason{kind: reasonBlocked, ewt: 900, threshold: 600}, "EWT 900s is above the Smart Call Block threshold 600s"},
		{OfferReason{kind: reasonNoLicences, name: "Acme"}, `no callback offer: tenant "Acme" has no licence configuration`},
		{OfferReason{kind: reasonFewLicences, free: 1, need: 5, pool: "inbound", name: "IVR"}, `no callback offer: 1 inbound licences free for "IVR", 5 needed`},
		{OfferReason{kind: reasonNoAppointments, mode: ModeNormal, name: "Sales"}, `Normal mode offers scheduled callbacks only, and queue "Sales" takes none`},
	}
	for _, tc := range cases {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.r, got, tc.want)
		}
	}
}
