package callback_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/platformtest"
)

// BenchmarkAddCallbackParallel is a storm of ASAP registrations through the
// domain, without the wire, on a durable store: what one registration costs
// the store's committer, for profiles of the write path (issue #11):
// go test ./internal/callback -run '^$' -bench AddCallbackParallel -cpu 64 -cpuprofile cpu.out
func BenchmarkAddCallbackParallel(b *testing.B) {
	settings := settingsFrom(b, `
tenants:
  - name: T
    numbering: {profile: extension}
    licenses: {inbound: 1000, nonVoice: 1000, outbound: 3}
    segments: [{name: S, queue: Q}]
    queues:
      - name: Q
        skills: {holding: {id: "1000"}}
`)
	p := platformtest.New(b, platformtest.Options{Settings: settings, Start: start})
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			contact := fmt.Sprintf("7%07d", n.Add(1))
			if _, err := p.All.AddCallback(b.Context(), callback.AddParams{Tenant: "T", Segment: "S", Contact: contact}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
