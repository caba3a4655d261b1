package config

import (
	"os"
	"testing"
)

// FuzzCheck feeds arbitrary documents to the checker: it must never panic,
// every issue must say something, and Check and Parse must agree. In CI it
// runs as a normal test over its seeds; locally:
//
//	go test -run '^$' -fuzz FuzzCheck -fuzztime 20s -fuzzminimizetime 2s ./internal/config/
//
// (the seeds are large: without a short -fuzzminimizetime the fuzzer spends
// its time minimising them instead of fuzzing)
func FuzzCheck(f *testing.F) {
	f.Add(Example())
	f.Add(demoYAML)
	f.Add(doc("", ""))
	if broken, err := os.ReadFile("testdata/broken.yaml"); err == nil {
		f.Add(broken)
	}
	f.Add([]byte("tenants: [{name: T, <<: [*a]}]"))
	f.Add([]byte("a: &a [*a]\ntenants: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		issues := Check(data)
		for _, is := range issues {
			if is.Message == "" {
				t.Fatalf("an issue without a message: %+v", is)
			}
		}
		s, err := Parse(data, "fuzz")
		if (len(issues) == 0) != (err == nil) {
			t.Fatalf("Check found %d issues but Parse returned %v", len(issues), err)
		}
		if err == nil {
			for _, tn := range s.Tenants {
				if tn.Name == "" || tn.Location == nil || len(tn.Segments) == 0 {
					t.Fatalf("an accepted tenant is incomplete: %+v", tn)
				}
				for _, seg := range tn.Segments {
					if tn.Queue(seg.Queue) == nil {
						t.Fatalf("segment %q names a missing queue %q", seg.Name, seg.Queue)
					}
				}
			}
		}
	})
}
