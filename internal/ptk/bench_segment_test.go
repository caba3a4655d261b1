package ptk_test

import "testing"

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
