package callback_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/platformtest"
)

// countingStore counts the interaction rows the platform reads from the
// store — what a Queue Manager round costs, in a unit that does not depend
// on the machine: the rows returned by InteractionFind and the rows counted
// by InteractionCount (a count reads the index entries it counts).
type countingStore struct {
	callback.Store
	rows *atomic.Int64
}

type countingTx struct {
	callback.Tx
	rows *atomic.Int64
}

func (s countingStore) InTx(ctx context.Context, fn func(callback.Tx) error) error {
	return s.Store.InTx(ctx, func(tx callback.Tx) error { return fn(countingTx{tx, s.rows}) })
}

func (s countingStore) View(ctx context.Context, fn func(callback.Tx) error) error {
	return s.Store.View(ctx, func(tx callback.Tx) error { return fn(countingTx{tx, s.rows}) })
}

func (t countingTx) InteractionFind(ctx context.Context, p *callback.InteractionFindParams) ([]*callback.Interaction, error) {
	its, err := t.Tx.InteractionFind(ctx, p)
	t.rows.Add(int64(len(its)))
	return its, err
}

func (t countingTx) InteractionCount(ctx context.Context, p *callback.InteractionFindParams) (int, error) {
	n, err := t.Tx.InteractionCount(ctx, p)
	t.rows.Add(int64(n))
	return n, err
}

// A GetSegmentState and a Queue Manager round cost no more with 50,000
// callbacks waiting (and as many booked for the days ahead) than with
// 1,000: the queue's length is counted in memory, and a round reads the
// calls in progress, the first callbacks in order and the scheduled ones
// due, not the whole virtual queue (issue #11; a ratio of rows read, not a
// time).
func TestCostDoesNotGrowWithTheQueue(t *testing.T) {
	t.Parallel()
	measure := func(pending int) cost {
		settings := settingsFrom(t, `
tenants:
  - name: T
    numbering: {profile: extension}
    licenses: {inbound: 10, nonVoice: 10, outbound: 3}
    segments: [{name: S, queue: Q}]
    queues:
      - name: Q
        skills: {holding: {id: "1000"}}
        ewt: {defaultHandleTime: 300s, defaultAgents: 10}
        launch: {lead: 1h}
`)
		rows := &atomic.Int64{}
		b := platformtest.New(t, platformtest.Options{Settings: settings, Start: start,
			Wrap: func(s callback.Store) callback.Store { return countingStore{s, rows} }})
		// The callbacks are written straight into the store: the test is
		// about reading them.
		err := b.Engine.InTx(t.Context(), func(tx callback.Tx) error {
			for i := range pending {
				at := start.Add(-time.Duration(pending-i) * time.Second)
				it := &callback.Interaction{ID: callback.NewID(9, int64(i+1), at), Tenant: "T", Segment: "S", Queue: "Q",
					Type: callback.TypeASAP, State: callback.StatePendingCallback, Contact: fmt.Sprintf("7%06d", i),
					SourceApplication: "Web", QueuedAt: at, CreatedAt: at, UpdatedAt: at}
				if err := tx.InteractionInsert(t.Context(), it); err != nil {
					return err
				}
				// As many booked for the days ahead: not due, not read.
				appt := &callback.Interaction{ID: callback.NewID(8, int64(i+1), at), Tenant: "T", Segment: "S", Queue: "Q",
					Type: callback.TypeAppointment, State: callback.StatePendingCallback, Contact: fmt.Sprintf("6%06d", i),
					SourceApplication: "Web", AppointmentTime: start.Add(24*time.Hour + time.Duration(i)*time.Minute),
					QueuedAt: at, CreatedAt: at, UpdatedAt: at}
				if err := tx.InteractionInsert(t.Context(), appt); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// A restart counts them, as it would after any restart.
		b.Restart(t)
		before := rows.Load()
		st, err := b.All.SegmentState(t.Context(), "T", "S", "")
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Duration(pending) * 30 * time.Second; st.EWT < want/2 {
			t.Fatalf("%d pending: EWT %s, want about %s (they are counted)", pending, st.EWT, want)
		}
		read := rows.Load() - before
		launched, err := b.All.Tick(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(launched) != 3 {
			t.Fatalf("%d pending: the round launched %d, want 3 (the outbound licences)", pending, len(launched))
		}
		return cost{segmentState: read, tick: rows.Load() - before - read}
	}
	small, large := measure(1_000), measure(50_000)
	t.Logf("rows read: GetSegmentState %d with 1,000 waiting, %d with 50,000; a round %d and %d",
		small.segmentState, large.segmentState, small.tick, large.tick)
	if float64(large.tick) > 1.2*float64(small.tick) {
		t.Errorf("a round read %d rows with 50,000 callbacks waiting and %d with 1,000: more than 1.2x", large.tick, small.tick)
	}
	if small.segmentState != 0 || large.segmentState != 0 {
		t.Errorf("GetSegmentState read %d rows with 1,000 callbacks waiting and %d with 50,000: it answers from memory, reading none",
			small.segmentState, large.segmentState)
	}
}

// cost is what one GetSegmentState and one round read, in rows.
type cost struct{ segmentState, tick int64 }
