package ptk_test

import (
	"fmt"
	"sync/atomic"
	"testing"
)

// BenchmarkGetSegmentState is one IVR's GetSegmentState through the whole
// PTK endpoint (HTTP, SOAP decoding, the domain, encoding), for profiles:
// go test ./internal/ptk -run '^$' -bench GetSegmentState -cpuprofile cpu.out
func BenchmarkGetSegmentState(b *testing.B) {
	bd := setup(b)
	body := soap11(`<GetSegmentState xmlns="urn:holdline:ptk"><data><Tenant>Rules</Tenant><Segment>Open</Segment></data></GetSegmentState>`)
	b.ReportAllocs()
	for b.Loop() {
		if r := bd.post(b, "/ptk", "text/xml; charset=utf-8", body); r.HTTP != 200 {
			b.Fatalf("HTTP %d", r.HTTP)
		}
	}
}

// BenchmarkAddInteraction is a storm of IVRs registering ASAP callbacks
// through the whole PTK endpoint on a durable store (the group commit
// shares fsyncs between them), for profiles of a registration's CPU:
// go test ./internal/ptk -run '^$' -bench AddInteraction -cpuprofile cpu.out
func BenchmarkAddInteraction(b *testing.B) {
	bd := setup(b)
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := soap11(fmt.Sprintf(`<AddInteraction xmlns="urn:holdline:ptk"><data><Tenant>Rules</Tenant><Segment>Open</Segment>`+
				`<Contact>5%010d</Contact></data></AddInteraction>`, n.Add(1)))
			r := bd.post(b, "/ptk", "text/xml; charset=utf-8", body)
			if r.HTTP != 200 || r.Code != 107000 {
				b.Errorf("HTTP %d, code %d", r.HTTP, r.Code)
				return
			}
		}
	})
}
