package attack

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// The attacks that take time: slowloris, a claim asking to wait for ever,
// and four clients sending user-data bombs at once.

// Slowloris: headers sent a byte a second on many connections. The server
// keeps answering others, and closes each slow one when its
// ReadHeaderTimeout (10 s, internal/server) runs out, with Go's
// "400 Bad Request".
const (
	slowConns         = 500
	readHeaderTimeout = 10 * time.Second
	// slowClosedBy is when every slow connection must be closed: the
	// timeout, and room for a loaded machine.
	slowClosedBy = readHeaderTimeout + 5*time.Second
	// watchEvery paces the normal requests sent while they hang.
	watchEvery = 100 * time.Millisecond
)

func slowloris(t *testing.T, s *target) {
	type closed struct {
		after  time.Duration
		answer string
	}
	header := "POST /ptk HTTP/1.1\r\nHost: attack.test\r\nContent-Type: text/xml\r\n" // never ends in 10 s
	done := make(chan closed, slowConns)
	stop := make(chan struct{})
	defer close(stop)
	for range slowConns {
		conn, err := net.DialTimeout("tcp", s.addr, 5*time.Second)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		opened := time.Now()
		defer func() { _ = conn.Close() }()
		// The client's own pace: one byte a second.
		go func() {
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for i := 0; i < len(header); i++ {
				if _, err := conn.Write([]byte{header[i]}); err != nil {
					return
				}
				select {
				case <-tick.C:
				case <-stop:
					return
				}
			}
		}()
		go func() {
			_ = conn.SetReadDeadline(opened.Add(slowClosedBy + 5*time.Second))
			raw, _ := io.ReadAll(conn)
			done <- closed{time.Since(opened), string(raw)}
		}()
	}
	// While they hang, normal requests are answered promptly: the watcher
	// sends one every watchEvery (its own pace, as the slow clients keep
	// theirs) until every slow connection is closed.
	var (
		checks  int
		slowest time.Duration
		failure error
		wg      sync.WaitGroup
	)
	watching := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		pace := time.NewTicker(watchEvery)
		defer pace.Stop()
		for {
			took, err := s.serves()
			if err != nil {
				failure = err
				return
			}
			checks, slowest = checks+1, max(slowest, took)
			select {
			case <-watching:
				return
			case <-pace.C:
			}
		}
	}()
	var first, last time.Duration
	for i := range slowConns {
		c := <-done
		if !strings.HasPrefix(c.answer, "HTTP/1.1 400 Bad Request\r\n") {
			t.Errorf("slow connection answered %q after %s", c.answer, c.after)
		}
		if c.after < readHeaderTimeout-500*time.Millisecond || c.after > slowClosedBy {
			t.Errorf("slow connection closed after %s, want %s to %s", c.after, readHeaderTimeout, slowClosedBy)
		}
		if i == 0 {
			first = c.after
		}
		last = c.after
	}
	close(watching)
	wg.Wait()
	if failure != nil {
		t.Fatalf("while %d connections hung: %v", slowConns, failure)
	}
	if checks < 10 {
		t.Fatalf("only %d normal requests answered while %d connections hung", checks, slowConns)
	}
	rss := s.rss(t)
	s.results.add("slow", fmt.Sprintf("slowloris: %d connections sending their headers a byte a second", slowConns),
		fmt.Sprintf("each closed after %.1f–%.1f s with `400 Bad Request`; meanwhile %d normal requests answered 107000, the slowest in %d ms",
			first.Seconds(), last.Seconds(), checks, slowest.Milliseconds()), rss)
	if rss > s.bound {
		t.Fatalf("RSS %.1f MB, over the bound %.1f MB", mb(rss), mb(s.bound))
	}
}

// longClaim asks for a launch and to wait 9.2e9 s (past what a Duration
// holds): the wait is capped at 30 s (restapi.MaxClaimWait), never
// overflowed into "no wait" or "for ever". Tenant A has no launch due (its
// one callback is days ahead), so the claim answers none after 30 s.
func longClaim(t *testing.T, s *target) {
	const maxClaimWait = 30 * time.Second
	req, err := http.NewRequest("POST", s.base+"/api/v1/launches/claim",
		strings.NewReader(`{"tenant":"`+tenantA+`","waitSeconds":9.2e9}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tokenA)
	req.Header.Set("X-Forwarded-For", nextClient())
	long := &http.Client{Timeout: maxClaimWait + 30*time.Second}
	begin := time.Now()
	resp, err := long.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	took := time.Since(begin)
	a := parse(resp, body, took)
	if resp.StatusCode != 200 || !bytes.Equal(bytes.Join(bytes.Fields(body), nil), []byte(`{"launches":[]}`)) {
		t.Fatalf("claim = %d %s", resp.StatusCode, body)
	}
	if took < maxClaimWait-time.Second || took > maxClaimWait+10*time.Second {
		t.Fatalf("claim answered after %s, want %s", took, maxClaimWait)
	}
	a.message = fmt.Sprintf(`{"launches": []} after %.1f s`, took.Seconds())
	s.healthy(t, "values out of range", "claim waitSeconds 9.2e9", a)
}

// fourSenders replays the CPU blow-up: four clients at once, each sending
// every user-data attack of the corpus (about 1 MiB with 30,000 keys,
// 6,000–8,000 keys within the token limit, a value of 100 KB) twice. Each
// is refused after milliseconds of CPU, at the token limit or at the
// 1,001st key, so the server spends a bounded time per request and its
// memory stays bounded; before the fix such requests kept both cores busy
// and RSS grew from 26 to 188 MB.
func fourSenders(t *testing.T, s *target, w *world) {
	const senders, rounds = 4, 2
	bodies := userDataAttacks(w)
	cpu0, begin := s.cpu(t), time.Now()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []string
	)
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				for _, b := range bodies {
					a, err := s.try(b.req.wire(nextClient()))
					var diff string
					if err != nil {
						diff = err.Error()
					} else {
						diff = a.differs(b.want)
					}
					if diff != "" {
						mu.Lock()
						errs = append(errs, b.name+": "+diff)
						mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	wall, used := time.Since(begin), s.cpu(t)-cpu0
	if len(errs) > 0 {
		t.Fatalf("%d answers differ; the first: %s", len(errs), errs[0])
	}
	n := senders * rounds * len(bodies)
	perRequest := used / time.Duration(n)
	t.Logf("%d requests in %s, server CPU %s (%s a request)", n, wall, used, perRequest)
	if perRequest > maxCPUPerRequest {
		t.Errorf("the server spent %s of CPU a request, more than %s", perRequest, maxCPUPerRequest)
	}
	a := &answer{message: fmt.Sprintf("each the answer of its case above; %d requests in %.1f s, server CPU %.1f s (%d ms a request)",
		n, wall.Seconds(), used.Seconds(), perRequest.Milliseconds())}
	s.healthy(t, "user data", fmt.Sprintf("four senders at once, %d rounds of the bodies above", rounds), a)
}

// maxCPUPerRequest bounds the server's CPU time for one user-data bomb.
// Measured: about 30 ms a request on a 2-core machine (a body of up to
// 1 MiB read whole, scanned by the strict reader to its first limit, or
// decoded to the 1,001st key). 100 ms leaves room for a loaded machine and
// still fails the blow-up's seconds a request.
const maxCPUPerRequest = 100 * time.Millisecond
