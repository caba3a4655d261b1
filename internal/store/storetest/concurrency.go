package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
)

// testConcurrency covers many goroutines sharing one store: every
// transaction succeeds (the engine waits for locks, it does not fail), none
// loses another's write, and claimers racing for launches never lease one
// twice.
func testConcurrency(t *testing.T, h Harness) {
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		return newBundle(t, h)
	}

	t.Run("SequenceAndInsertHaveNoGapsNoDuplicates", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		const workers, perWorker = 20, 25
		values := make(chan int64, workers*perWorker)
		errs := make(chan error, workers*perWorker)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range perWorker {
					var v int64
					err := b.store.InTx(b.ctx, func(tx callback.Tx) (err error) {
						if v, err = tx.SequenceNext(b.ctx, "id"); err != nil {
							return err
						}
						it := sparse(fmt.Sprintf("V%06d", v))
						it.ClientID = fmt.Sprintf("w%d-%d", w, i)
						return tx.InteractionInsert(b.ctx, it)
					})
					if err != nil {
						errs <- fmt.Errorf("worker %d tx %d: %w", w, i, err)
						continue
					}
					values <- v
				}
			})
		}
		wg.Wait()
		close(values)
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		seen := map[int64]bool{}
		for v := range values {
			if seen[v] {
				t.Fatalf("value %d handed out twice", v)
			}
			seen[v] = true
		}
		for v := int64(1); v <= workers*perWorker; v++ {
			if !seen[v] {
				t.Fatalf("value %d missing: %d values for %d transactions", v, len(seen), workers*perWorker)
			}
		}
		var its []*callback.Interaction
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			its, err = tx.InteractionFind(b.ctx, &callback.InteractionFindParams{})
			return err
		})
		if len(its) != workers*perWorker {
			t.Fatalf("%d interactions stored, want %d", len(its), workers*perWorker)
		}
	})

	t.Run("ReadModifyWriteLosesNoUpdate", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		const workers, perWorker = 10, 20
		insert(t, b, sparse("V1"))
		errs := make(chan error, workers*perWorker)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range perWorker {
					err := b.store.InTx(b.ctx, func(tx callback.Tx) error {
						it, err := tx.InteractionGet(b.ctx, "V1")
						if err != nil {
							return err
						}
						it.Attempts.Total++
						from := it.State
						if err := tx.InteractionUpdate(b.ctx, it); err != nil {
							return err
						}
						return tx.RecordAppend(b.ctx, record("V1", i, from, it.State, callback.EvAttemptRetry))
					})
					if err != nil {
						errs <- fmt.Errorf("worker %d tx %d: %w", w, i, err)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		got := get(t, b, "V1")
		if got.Attempts.Total != workers*perWorker || got.Version != workers*perWorker+1 {
			t.Fatalf("total %d version %d, want %d and %d: an update was lost",
				got.Attempts.Total, got.Version, workers*perWorker, workers*perWorker+1)
		}
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			rs, err := tx.RecordList(b.ctx, "V1")
			if err != nil {
				return err
			}
			if len(rs) != workers*perWorker {
				t.Errorf("%d records, want %d", len(rs), workers*perWorker)
			}
			for i := 1; i < len(rs); i++ {
				if rs[i].Seq <= rs[i-1].Seq {
					t.Fatalf("record seqs not increasing at %d: %d then %d", i, rs[i-1].Seq, rs[i].Seq)
				}
			}
			return nil
		})
	})

	t.Run("DuplicateExternalIDRefusedUnderConcurrency", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		const workers = 12
		results := make(chan error, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				it := sparse(fmt.Sprintf("V%02d", w))
				it.ExternalTrackingID = "ACD-1"
				results <- b.store.InTx(b.ctx, func(tx callback.Tx) error { return tx.InteractionInsert(b.ctx, it) })
			})
		}
		wg.Wait()
		close(results)
		won := 0
		for err := range results {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, callback.ErrConflict):
				t.Errorf("insert error = %v, want nil or ErrConflict", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d inserts of a non-final ACD-1 succeeded, want exactly 1", won)
		}
	})

	t.Run("LaunchClaimLeasesEachLaunchOncePerLease", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		const interactions, attempts, workers = 6, 10, 16
		const lease = time.Minute
		tc := t0.Truncate(time.Second)
		// 60 launches of VHTLab over two queues, and a few of Portree that
		// no claimer of VHTLab may take.
		var all []*callback.Launch
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error {
			for i := range interactions {
				it := sparse(fmt.Sprintf("V%d", i))
				if err := tx.InteractionInsert(b.ctx, it); err != nil {
					return err
				}
				for n := range attempts {
					l := launch(it.ID, n, time.Duration(n*interactions+i)*time.Millisecond)
					l.Queue = []string{"Q1", "Q2"}[(i+n)%2]
					if err := tx.LaunchInsert(b.ctx, l); err != nil {
						return err
					}
					all = append(all, l)
				}
			}
			p := sparse("P1")
			p.Tenant = "Portree"
			if err := tx.InteractionInsert(b.ctx, p); err != nil {
				return err
			}
			for n := range 5 {
				l := launch("P1", n, 0)
				l.Tenant = "Portree"
				if err := tx.LaunchInsert(b.ctx, l); err != nil {
					return err
				}
			}
			return nil
		})

		// period has every worker claim at now, all released at once, until
		// there is nothing left for it; it returns who leased what. A launch
		// leased twice stops every worker, so that a store that never stops
		// offering launches fails the test instead of hanging it.
		period := func(now time.Time, deliveries int) map[string]string {
			t.Helper()
			var (
				mu     sync.Mutex
				owners = map[string]string{}
				errs   []error
				failed bool
			)
			fail := func(err error) {
				mu.Lock()
				defer mu.Unlock()
				errs, failed = append(errs, err), true
			}
			start := make(chan struct{})
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					p := &callback.LaunchClaimParams{
						Tenant: "VHTLab", Max: 1 + w%4, Owner: fmt.Sprintf("dialer-%02d", w),
						Now: now, Lease: lease,
					}
					// A third of the claimers serve one queue only.
					if w%3 == 0 {
						p.Queue = []string{"Q1", "Q2"}[w%2]
					}
					<-start
					for {
						mu.Lock()
						stop := failed
						mu.Unlock()
						if stop {
							return
						}
						var got []callback.Launch
						err := b.store.InTx(b.ctx, func(tx callback.Tx) (err error) {
							got, err = tx.LaunchClaim(b.ctx, p)
							return err
						})
						if err != nil {
							fail(fmt.Errorf("%s: %w", p.Owner, err))
							return
						}
						if len(got) == 0 {
							return
						}
						if len(got) > p.Max {
							fail(fmt.Errorf("%s: claimed %d launches, over its max %d", p.Owner, len(got), p.Max))
						}
						for _, l := range got {
							if l.LeaseOwner != p.Owner || l.Deliveries != deliveries || l.Tenant != "VHTLab" ||
								(p.Queue != "" && l.Queue != p.Queue) || l.LeaseExpires.Sub(now.Add(lease)).Abs() >= b.prec {
								fail(fmt.Errorf("%s: claimed %+v, want its lease, delivery %d, its tenant and queue", p.Owner, l, deliveries))
							}
							mu.Lock()
							prev, twice := owners[l.Key]
							owners[l.Key] = p.Owner
							mu.Unlock()
							if twice {
								fail(fmt.Errorf("%s leased twice in one lease period: by %s and by %s", l.Key, prev, p.Owner))
							}
						}
					}
				})
			}
			close(start)
			wg.Wait()
			for _, err := range errs {
				t.Error(err)
			}
			if failed {
				t.FailNow()
			}
			return owners
		}
		requireEach := func(owners map[string]string, ls []*callback.Launch) {
			t.Helper()
			for _, l := range ls {
				if _, ok := owners[l.Key]; !ok {
					t.Fatalf("%s was never leased: %d of %d leased", l.Key, len(owners), len(ls))
				}
			}
			if len(owners) != len(ls) {
				t.Fatalf("%d launches leased, want %d", len(owners), len(ls))
			}
		}

		requireEach(period(tc, 1), all)
		// Every lease is still running: nothing to claim, at its last instant.
		if again := period(tc.Add(lease-b.prec), 0); len(again) != 0 {
			t.Fatalf("%d launches leased again within their lease", len(again))
		}
		// Every lease has expired: each is offered again, once.
		requireEach(period(tc.Add(lease), 2), all)

		// A third are acknowledged, concurrently; the others are offered once more.
		var acked, open []*callback.Launch
		for i, l := range all {
			if i%3 == 0 {
				acked = append(acked, l)
			} else {
				open = append(open, l)
			}
		}
		errs := make(chan error, len(acked))
		var wg sync.WaitGroup
		for _, l := range acked {
			wg.Go(func() {
				errs <- b.store.InTx(b.ctx, func(tx callback.Tx) error {
					_, err := tx.LaunchAck(b.ctx, &callback.LaunchAckParams{Key: l.Key, At: tc.Add(lease + time.Second)})
					return err
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("ack: %v", err)
			}
		}
		requireEach(period(tc.Add(3*lease), 3), open)

		var stored []callback.Launch
		inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
			stored, err = tx.LaunchFind(b.ctx, &callback.LaunchFindParams{})
			return err
		})
		if len(stored) != len(all)+5 {
			t.Fatalf("%d launches stored, want %d", len(stored), len(all)+5)
		}
		for _, l := range stored {
			want := 3
			switch {
			case l.Tenant == "Portree":
				want = 0
			case !l.AckedAt.IsZero():
				want = 2
			}
			if l.Deliveries != want {
				t.Errorf("%s delivered %d times, want %d", l.Key, l.Deliveries, want)
			}
		}
	})
}
