package loadgen

import (
	"context"
	"maps"
	"sync"
	"sync/atomic"
	"time"
)

// loadSpec is one run's load: the workload, the target's address, how many
// connections, for how long, and (open loop) at which rate and with which
// tolerance a request still counts as sent on time.
type loadSpec struct {
	workload    Workload
	addr        string
	connections int
	duration    time.Duration
	rate        float64       // requests per second; 0 for the closed loop
	tolerance   time.Duration // open loop: a send later than this is late
}

// load is what one run measured on the generator's side.
type load struct {
	elapsed   time.Duration
	ok        int
	errors    map[string]int
	latencies []time.Duration // open loop: from each request's intended send time
	lateness  []time.Duration // open loop: how long after its intended time each request was sent
	schedule  Schedule        // open loop
}

// worker is one connection's share of a run.
type worker struct {
	c         conn
	buf       []byte
	ok        int
	errors    map[string]int
	latencies []time.Duration
	lateness  []time.Duration
}

// send sends request n of the workload and counts its outcome.
func (w *worker) send(ctx context.Context, wl Workload, n uint64) {
	a, err := w.c.post(ctx, ptkPath, wl.body(n, &w.buf))
	if o := outcome(a, err); o != "" {
		w.errors[o]++
		return
	}
	w.ok++
}

// closedLoop keeps every connection busy for the duration: each sends its
// next request as soon as the previous one is answered. The requests in
// flight at the end are answered and counted, and the elapsed time runs
// until the last of them.
func closedLoop(ctx context.Context, s loadSpec) load {
	var next atomic.Uint64
	start := time.Now()
	deadline := start.Add(s.duration)
	workers := runWorkers(s.connections, s.addr, func(w *worker) {
		for time.Now().Before(deadline) && ctx.Err() == nil {
			w.send(ctx, s.workload, next.Add(1)-1)
		}
	})
	return merge(workers, time.Since(start))
}

// openLoop sends requests at a fixed rate, request i due at i/rate after
// the start, whether or not earlier ones were answered. Each request's
// latency is measured from when it was due, not from when it was sent, so
// a server (or generator) that falls behind shows in the latencies and in
// the schedule's late and unsent counts (no coordinated omission). Once the
// duration has passed, no request is sent any more: those still due are
// unsent.
func openLoop(ctx context.Context, s loadSpec) load {
	var next atomic.Uint64
	n := scheduled(s.rate, s.duration)
	start := time.Now()
	end := start.Add(s.duration)
	workers := runWorkers(s.connections, s.addr, func(w *worker) {
		for ctx.Err() == nil {
			if !time.Now().Before(end) {
				return
			}
			i := next.Add(1) - 1
			if i >= uint64(n) {
				return
			}
			due := start.Add(intended(int(i), s.rate))
			if wait := time.Until(due); wait > 0 {
				time.Sleep(wait)
			}
			w.lateness = append(w.lateness, time.Since(due))
			w.send(ctx, s.workload, i)
			w.latencies = append(w.latencies, time.Since(due))
		}
	})
	l := merge(workers, time.Since(start))
	l.schedule = account(n, l.lateness, s.tolerance)
	return l
}

// runWorkers runs body on as many workers as connections, each with its
// own connection to addr, and returns them once all are done.
func runWorkers(connections int, addr string, body func(*worker)) []*worker {
	workers := make([]*worker, connections)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{c: conn{addr: addr}, errors: map[string]int{}}
		workers[i] = w
		wg.Go(func() {
			defer w.c.close()
			body(w)
		})
	}
	wg.Wait()
	return workers
}

// merge sums the workers' counts into one run's load.
func merge(workers []*worker, elapsed time.Duration) load {
	l := load{elapsed: elapsed, errors: map[string]int{}}
	for _, w := range workers {
		l.ok += w.ok
		addErrors(l.errors, w.errors)
		l.latencies = append(l.latencies, w.latencies...)
		l.lateness = append(l.lateness, w.lateness...)
	}
	return l
}

// addErrors adds the counts of from into to.
func addErrors(to, from map[string]int) {
	for k, v := range maps.All(from) {
		to[k] += v
	}
}
