package callback_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/platformtest"
)

// Concurrency of the Queue Manager (issue #4, acceptance 4): many goroutines
// run Queue Manager rounds while others register callbacks and dialers work
// through the launch queue. The callbacks launched or connected never exceed
// the outbound licences, and every launch is issued exactly once per
// (interaction, attempt): its key is delivered once, and there is one launch
// order for each Launch record of the history.
func TestConcurrentTicksLaunchEachAttemptOnceWithinLicences(t *testing.T) {
	t.Parallel()
	const outbound = 3
	s := settingsFrom(t, fmt.Sprintf(`
tenants:
  - name: T
    numbering: {profile: extension}
    licenses: {inbound: 1000, nonVoice: 1000, outbound: %d}
    segments: [{name: S1, queue: Q1}, {name: S2, queue: Q2}]
    queues:
      - name: Q1
        skills: {holding: {id: hold-Q1}}
        ewt: {defaultHandleTime: 1s, defaultAgents: 50}
        retries: {wait: 0s}
      - name: Q2
        skills: {holding: {id: hold-Q2}}
        ewt: {defaultHandleTime: 1s, defaultAgents: 50}
        retries: {wait: 0s}
`, outbound))
	cases := []struct {
		name                     string
		nodes                    int // platforms on the same database, as nodes of a cluster
		tickers, adders, dialers int
		rounds, perAdder         int
	}{
		{"few tickers", 1, 2, 2, 1, 30, 10},
		{"many tickers", 1, 12, 4, 3, 25, 10},
		{"two nodes", 2, 8, 4, 2, 25, 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, s)
			nodes := []platformtest.All{b.platform}
			if tc.nodes > 1 {
				nodes = nil
				for _, node := range platformtest.Cluster(t, platformtest.Options{Settings: s, Start: b.clock.Now()}, tc.nodes) {
					nodes = append(nodes, node.All)
				}
			}
			// on is the platform goroutine i talks to.
			on := func(i int) platformtest.All { return nodes[i%len(nodes)] }
			p := nodes[0]
			var (
				mu      sync.Mutex
				claimed = map[string]string{} // launch key -> dialer
				errs    []error
				wg      sync.WaitGroup
				working atomic.Int32 // tickers and adders still running
			)
			fail := func(err error) {
				mu.Lock()
				defer mu.Unlock()
				errs = append(errs, err)
			}
			// Two nodes share the database file: a transaction may wait
			// out the busy timeout behind the other node's and be refused
			// before it began. A dialer tries again, as a real one would.
			var busyRefusals atomic.Int32
			retry := func(op func() error) error {
				for {
					err := op()
					if err == nil || !strings.Contains(err.Error(), "SQLITE_BUSY") {
						return err
					}
					busyRefusals.Add(1)
				}
			}
			// dial works through the launch queue once: the first attempt
			// of each callback gets no answer, the second reaches the
			// customer, who then talks to an agent.
			dial := func(p platformtest.All, owner string) int {
				var orders []callback.LaunchOrder
				err := retry(func() (err error) {
					orders, err = p.ClaimLaunches(b.ctx, callback.ClaimParams{Tenant: "T", Max: 5, Owner: owner, Lease: callback.DefaultLease})
					return err
				})
				if err != nil {
					fail(err)
					return 0
				}
				for _, o := range orders {
					mu.Lock()
					if prev, dup := claimed[o.Key]; dup {
						errs = append(errs, fmt.Errorf("launch %s delivered to %s and again to %s", o.Key, prev, owner))
					}
					claimed[o.Key] = owner
					mu.Unlock()
					id := o.InteractionID
					steps := []func() error{
						func() error { _, err := p.AckLaunch(b.ctx, "T", o.Key); return err },
						func() error { _, err := p.OutboundAttemptFailed(b.ctx, "T", id, "NoAnswer"); return err },
					}
					if o.Attempt > 1 {
						steps = []func() error{
							steps[0],
							func() error { _, err := p.OutboundConnected(b.ctx, "T", id); return err },
							func() error { _, err := p.SendToQueue(b.ctx, "T", id, "SpeakToAgent"); return err },
							func() error {
								_, _, err := p.Dequeued(b.ctx, callback.DequeuedParams{Tenant: "T", InteractionID: id, Reason: "AgentAnswered"})
								return err
							},
						}
					}
					for _, step := range steps {
						if err := retry(step); err != nil {
							fail(err)
						}
					}
				}
				return len(orders)
			}
			dialling := func() int {
				var counts map[callback.State]int
				if err := retry(func() (err error) { counts, err = p.CountByState(b.ctx); return err }); err != nil {
					fail(err)
				}
				return counts[callback.StateLaunched] + counts[callback.StateOutboundConnected]
			}
			var maxDialling atomic.Int32
			for i := range tc.tickers {
				working.Add(1)
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer working.Add(-1)
					for range tc.rounds {
						if err := retry(func() error { _, err := on(i).Tick(b.ctx); return err }); err != nil {
							fail(fmt.Errorf("ticker %d: %w", i, err))
						}
					}
				}()
			}
			var ids sync.Map
			for i := range tc.adders {
				working.Add(1)
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer working.Add(-1)
					for j := range tc.perAdder {
						var it *callback.Interaction
						err := retry(func() (err error) {
							it, err = on(i).AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: fmt.Sprintf("S%d", 1+j%2), Contact: fmt.Sprintf("7%02d%03d", i, j)})
							return err
						})
						if err != nil {
							fail(err)
							continue
						}
						ids.Store(it.ID, true)
					}
				}()
			}
			for i := range tc.dialers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for working.Load() > 0 {
						dial(on(i), fmt.Sprintf("dialer-%d", i))
					}
				}()
			}
			wg.Add(1)
			go func() { // a supervisor watching the dialling licences
				defer wg.Done()
				for working.Load() > 0 {
					if n := dialling(); int32(n) > maxDialling.Load() {
						maxDialling.Store(int32(n))
					}
				}
			}()
			wg.Wait()
			// Drain what is left, one round at a time.
			for range 1000 {
				if _, err := p.Tick(b.ctx); err != nil {
					t.Fatal(err)
				}
				if n := dialling(); int32(n) > maxDialling.Load() {
					maxDialling.Store(int32(n))
				}
				if dial(p, "drain") == 0 && dialling() == 0 {
					counts := must(p.CountByState(b.ctx))(t)
					if counts[callback.StatePendingCallback] == 0 {
						break
					}
				}
			}
			if len(errs) > 0 {
				t.Fatalf("%d errors, the first: %v", len(errs), errs[0])
			}
			if n := busyRefusals.Load(); n > 0 {
				t.Logf("%d transactions refused after the busy timeout and tried again", n)
			}
			if m := maxDialling.Load(); m > outbound {
				t.Fatalf("%d callbacks launched or connected at once, %d outbound licences", m, outbound)
			}
			// One launch order per Launch record, keyed by attempt.
			n := 0
			ids.Range(func(k, _ any) bool {
				id := k.(string)
				n++
				it, hist := must2(p.Get(b.ctx, "T", id))(t)
				var want []string
				for _, r := range hist {
					if r.Event == callback.EvLaunch {
						want = append(want, callback.LaunchKey(id, len(want)+1))
					}
				}
				var got []string
				for key := range claimed {
					if len(key) > len(id) && key[:len(id)] == id {
						got = append(got, key)
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("%s: launch orders %v, Launch records %v", id, got, want)
				}
				if it.State != callback.StateCompleteCallback || len(want) != 2 {
					t.Errorf("%s ended %s after %d launches, want Complete Callback after 2", id, it.State, len(want))
				}
				return true
			})
			if want := tc.adders * tc.perAdder; n != want {
				t.Fatalf("%d callbacks registered, want %d", n, want)
			}
		})
	}
}

// must2 is must for two results.
func must2[A, B any](a A, b B, err error) func(t *testing.T) (A, B) {
	return func(t *testing.T) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}
