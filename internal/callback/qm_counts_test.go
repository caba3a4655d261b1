package callback_test

import (
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/platformtest"
)

// Once the in-memory counts lose track of a change, GetSegmentState counts
// in the store instead and answers the same: the queue's length in its EWT,
// the licences in use in its offer.
func TestSegmentStateWithoutTheCounts(t *testing.T) {
	t.Parallel()
	settings := settingsFrom(t, `
tenants:
  - name: T
    numbering: {profile: extension}
    licenses: {inbound: 2, nonVoice: 2, outbound: 1}
    segments: [{name: S, queue: Q}]
    queues:
      - name: Q
        turnOnThreshold: 0s
        skills: {holding: {id: "1000"}}
        ewt: {defaultHandleTime: 300s, defaultAgents: 10}
`)
	b := platformtest.New(t, platformtest.Options{Settings: settings, Start: start})
	for _, contact := range []string{"7001", "7002", "7003"} {
		if _, err := b.All.AddCallback(t.Context(), callback.AddParams{Tenant: "T", Segment: "S", Contact: contact}); err != nil {
			t.Fatal(err)
		}
	}
	// Two callers in the IVR take the voice pool's two licences.
	for range 2 {
		if _, err := b.All.CreateInteraction(t.Context(), callback.CreateParams{Tenant: "T", Segment: "S", SourceApplication: "VXML Interaction Server"}); err != nil {
			t.Fatal(err)
		}
	}
	before, err := b.All.SegmentState(t.Context(), "T", "S", "VXML Interaction Server")
	if err != nil {
		t.Fatal(err)
	}
	b.All.LoseCounts()
	if err := b.All.CheckCounts(t.Context()); err == nil || !strings.Contains(err.Error(), "lost track") {
		t.Fatalf("CheckCounts after losing the counts: %v, want them lost", err)
	}
	after, err := b.All.SegmentState(t.Context(), "T", "S", "VXML Interaction Server")
	if err != nil {
		t.Fatal(err)
	}
	if after.EWT != before.EWT || after.Offer != before.Offer {
		t.Fatalf("from the store: EWT %s, offer %v; from memory: EWT %s, offer %v", after.EWT, after.Offer, before.EWT, before.Offer)
	}
	if before.EWT == 0 || before.Offer != callback.OfferNone {
		t.Fatalf("EWT %s, offer %v: want the three callbacks counted and no offer (no voice licence free)", before.EWT, before.Offer)
	}
}
