package throttle

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/access"
)

type counter map[string]int

func (c counter) ObserveLimited(front string, class Class) { c[front+"/"+string(class)]++ }

func request(remote string, xff ...string) *http.Request {
	r := httptest.NewRequest("POST", "/ptk", nil)
	r.RemoteAddr = remote
	for _, h := range xff {
		r.Header.Add("X-Forwarded-For", h)
	}
	return r
}

func TestBucketsRefillAndAreSeparate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	seen := counter{}
	l := New(Config{Principal: Rate{PerSecond: 2, Burst: 3}, Address: Rate{PerSecond: 1, Burst: 2}},
		func() time.Time { return now }, seen)
	ivr := access.NewPrincipal(access.KindPTK, "ivr", []string{"*"}, access.Read)
	web := access.NewPrincipal(access.KindToken, "ivr", []string{"*"}, access.Read) // same name, other kind
	from := request("203.0.113.7:5000")
	for i := range 3 {
		if _, ok := l.Allow(from, "ptk", ivr); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	wait, ok := l.Allow(from, "ptk", ivr)
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("past the burst: ok %v, wait %s", ok, wait)
	}
	if _, ok := l.Allow(from, "api", ivr); !ok {
		t.Fatal("another front shares the bucket")
	}
	if _, ok := l.Allow(from, "ptk", web); !ok {
		t.Fatal("another principal shares the bucket")
	}
	if _, ok := l.Allow(from, "ptk", nil); !ok {
		t.Fatal("the address's bucket is not the principal's")
	}
	now = now.Add(500 * time.Millisecond)
	if _, ok := l.Allow(from, "ptk", ivr); !ok {
		t.Fatal("not refilled after the wait it said")
	}
	if _, ok := l.Allow(from, "ptk", ivr); ok {
		t.Fatal("refilled more than the rate")
	}
	if seen["ptk/principal"] != 2 {
		t.Fatalf("observed %v", seen)
	}
	// Without credentials (the open principal), by address.
	for range 2 {
		if _, ok := l.Allow(request("198.51.100.1:1"), "ptk", access.Open); !ok {
			t.Fatal("the address's burst")
		}
	}
	if _, ok := l.Allow(request("198.51.100.1:2"), "ptk", access.Open); ok {
		t.Fatal("another port of the same address is a new client")
	}
	if _, ok := l.Allow(request("198.51.100.2:1"), "ptk", access.Open); !ok {
		t.Fatal("another address shares the bucket")
	}
	// IPv6 by /64.
	l.Allow(request("[2001:db8:1:2::1]:1"), "ptk", nil)
	l.Allow(request("[2001:db8:1:2::2]:1"), "ptk", nil)
	if _, ok := l.Allow(request("[2001:db8:1:2:ffff::3]:1"), "ptk", nil); ok {
		t.Fatal("addresses of one /64 are one client")
	}
	if _, ok := l.Allow(request("[2001:db8:1:3::1]:1"), "ptk", nil); !ok {
		t.Fatal("another /64 is another client")
	}
}

func TestExemptAndOff(t *testing.T) {
	t.Parallel()
	l := New(Config{Address: Rate{PerSecond: 1, Burst: 1}, Principal: Rate{}, FailedAuth: Rate{PerSecond: 1, Burst: 1},
		Exempt: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}, nil, nil)
	for _, remote := range []string{"127.0.0.1:1", "[::1]:1", "10.2.3.4:1", "[::ffff:10.2.3.4]:1"} {
		for range 5 {
			if _, ok := l.Allow(request(remote), "api", nil); !ok {
				t.Fatalf("%s is exempt", remote)
			}
			if _, ok := l.Failed(request(remote), "api"); !ok {
				t.Fatalf("%s is exempt from the failure limit", remote)
			}
		}
	}
	p := access.NewPrincipal(access.KindToken, "t", []string{"*"}, access.Read)
	for range 100 {
		if _, ok := l.Allow(request("192.0.2.1:1"), "api", p); !ok {
			t.Fatal("a rate of 0 limits")
		}
	}
}

func TestFailedAuthenticationsBlockAnAddress(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	l := New(Config{FailedAuth: Rate{PerSecond: 1, Burst: 3}}, func() time.Time { return now }, nil)
	r := request("192.0.2.9:1")
	if _, blocked := l.Blocked(r, "ptk"); blocked {
		t.Fatal("blocked before any failure")
	}
	for range 3 {
		if _, ok := l.Failed(r, "ptk"); !ok {
			t.Fatal("within the burst")
		}
	}
	if wait, blocked := l.Blocked(r, "ptk"); !blocked || wait != time.Second {
		t.Fatalf("after the burst: blocked %v, wait %s", blocked, wait)
	}
	if _, blocked := l.Blocked(r, "ptk"); !blocked {
		t.Fatal("Blocked counted a token")
	}
	if _, blocked := l.Blocked(request("192.0.2.10:1"), "ptk"); blocked {
		t.Fatal("another address is blocked")
	}
	now = now.Add(time.Second)
	if _, blocked := l.Blocked(r, "ptk"); blocked {
		t.Fatal("still blocked after the refill")
	}
}

func TestClientAddr(t *testing.T) {
	t.Parallel()
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}
	for _, c := range []struct {
		remote string
		xff    []string
		want   string
	}{
		{"192.0.2.1:1", nil, "192.0.2.1"},
		{"192.0.2.1:1", []string{"203.0.113.5"}, "192.0.2.1"},                          // not a trusted proxy: ignored
		{"10.1.1.1:1", []string{"203.0.113.5"}, "203.0.113.5"},                         // a trusted proxy
		{"10.1.1.1:1", []string{"198.51.100.9, 203.0.113.5, 10.2.2.2"}, "203.0.113.5"}, // the nearest untrusted hop
		{"10.1.1.1:1", []string{"198.51.100.9", "203.0.113.5"}, "203.0.113.5"},         // several headers
		{"10.1.1.1:1", []string{"not-an-address, 10.2.2.2"}, "10.2.2.2"},               // stop at garbage
		{"10.1.1.1:1", nil, "10.1.1.1"},
		{"[::ffff:192.0.2.1]:1", nil, "192.0.2.1"},
	} {
		if got := ClientAddr(request(c.remote, c.xff...), trusted); got.String() != c.want {
			t.Errorf("%s %v: %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
}

// The buckets stay bounded whatever the number of addresses.
func TestBucketsAreBounded(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	l := New(Config{Address: Rate{PerSecond: 1, Burst: 1}}, func() time.Time { return now }, nil)
	for i := range maxBuckets + 5000 {
		a := netip.AddrFrom4([4]byte{11, byte(i >> 16), byte(i >> 8), byte(i)})
		l.Allow(request(netip.AddrPortFrom(a, 1).String()), "ptk", nil)
	}
	if n := len(l.buckets); n > maxBuckets {
		t.Fatalf("%d buckets", n)
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	for wait, want := range map[time.Duration]string{0: "1", 10 * time.Millisecond: "1", 1500 * time.Millisecond: "2", 30 * time.Second: "30"} {
		if got := RetryAfter(wait); got != want {
			t.Errorf("RetryAfter(%s) = %s, want %s", wait, got, want)
		}
	}
}
