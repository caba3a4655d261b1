package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestOutcome(t *testing.T) {
	ok := []byte("<Envelope><Header><Status><Code>107000</Code></Status></Header></Envelope>")
	tests := []struct {
		name string
		a    answer
		err  error
		want string
	}{
		{"completed", answer{Status: 200, Body: ok}, nil, ""},
		{"refused by the Callback Double Check", answer{Status: 200, Body: []byte("<Code>108011</Code>")}, nil, "ptk 108011"},
		{"a SOAP fault", answer{Status: 500, Body: []byte("<Fault/>")}, nil, "http 500"},
		{"rate limited", answer{Status: 429}, nil, "http 429"},
		{"no code at all", answer{Status: 200, Body: []byte("<html/>")}, nil, "no PTK code"},
		{"connection lost", answer{}, errors.New("read: EOF"), "transport"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := outcome(tt.a, tt.err); got != tt.want {
				t.Errorf("outcome = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRequestIsWellFormedHTTP reads the generator's hand-built request back
// with net/http's own parser.
func TestRequestIsWellFormedHTTP(t *testing.T) {
	body := appendWriteBody(nil)
	raw := appendRequest(nil, "127.0.0.1:9", ptkPath, body)
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != "POST" || req.URL.Path != ptkPath || req.Host != "127.0.0.1:9" || req.ProtoMinor != 1 ||
		req.Close || !strings.HasPrefix(req.Header.Get("Content-Type"), "text/xml") || !bytes.Equal(got, body) {
		t.Errorf("request read back as %s %s host %q HTTP/1.%d close=%v type %q body %q",
			req.Method, req.URL, req.Host, req.ProtoMinor, req.Close, req.Header.Get("Content-Type"), got)
	}
}

func TestWorkloadMix(t *testing.T) {
	tests := []struct {
		name   string
		writes int // of 100 requests
	}{
		{"GetSegmentState", 0},
		{"AddInteraction", 100},
		{"mix 80/20", 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := WorkloadNamed(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			var buf []byte
			writes := 0
			for n := range uint64(100) {
				body := w.body(n, &buf)
				switch {
				case bytes.Contains(body, []byte("<AddInteraction")):
					writes++
				case !bytes.Equal(body, readBody):
					t.Fatalf("request %d is neither a write nor the read: %s", n, body)
				}
			}
			if writes != tt.writes {
				t.Errorf("%d writes in 100 requests, want %d", writes, tt.writes)
			}
			if !bytes.Contains(readBody, []byte("<GetSegmentState")) {
				t.Errorf("a write overwrote the shared read body: %s", readBody)
			}
		})
	}
	if _, err := WorkloadNamed("nope"); err == nil || !strings.Contains(err.Error(), `"mix 80/20"`) {
		t.Errorf("unknown workload: err = %v, want one listing the workloads", err)
	}
}

func TestWritesHaveContactsOfTheirOwn(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		b := appendWriteBody(nil)
		_, rest, _ := bytes.Cut(b, []byte("<Contact>"))
		contact, _, _ := bytes.Cut(rest, []byte("</Contact>"))
		if len(contact) != 11 || seen[string(contact)] {
			t.Fatalf("contact %q: want 11 digits, never seen before", contact)
		}
		seen[string(contact)] = true
	}
}

// TestOpenLoopCountsWhatItCouldNotSend runs the open loop on one connection
// against a server that answers the first request only a whole run's
// duration after it came (so after the run is over): that request went out
// on time, every other one is unsent, and its latency covers the wait.
func TestOpenLoopCountsWhatItCouldNotSend(t *testing.T) {
	const duration = 100 * time.Millisecond
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			slow := time.NewTimer(duration)
			<-slow.C
		}
		_, _ = io.WriteString(w, "<Code>107000</Code>")
	}))
	defer srv.Close()
	start := time.Now()
	l := openLoop(context.Background(), loadSpec{workload: Workloads[0], addr: srv.Listener.Addr().String(),
		connections: 1, duration: duration, rate: 1000, tolerance: time.Hour})
	elapsed := time.Since(start)
	want := Schedule{Scheduled: 100, OnTime: 1, Unsent: 99}
	if l.schedule != want || l.ok != 1 || requests.Load() != 1 {
		t.Fatalf("schedule %+v, %d completed, server saw %d; want %+v, 1, 1", l.schedule, l.ok, requests.Load(), want)
	}
	if len(l.latencies) != 1 || l.latencies[0] < duration || l.latencies[0] > elapsed {
		t.Errorf("latencies %v: want one, between %s and %s", l.latencies, duration, elapsed)
	}
}
