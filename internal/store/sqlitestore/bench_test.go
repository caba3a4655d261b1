package sqlitestore

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/userdata"
)

// BenchmarkInTxInsert measures the store's write path as a PTK creation
// request uses it: one transaction taking a sequence value, inserting an
// interaction with a little user data and appending its first record, then
// committing durably (synchronous=FULL). commits/s is the ceiling of
// creation requests per second of one node.
func BenchmarkInTxInsert(b *testing.B) {
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	ctx := b.Context()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := s.InTx(ctx, creation(ctx, i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}

// BenchmarkInTxInsertParallel is BenchmarkInTxInsert from many goroutines
// at once (-cpu sets how many per core: -cpu 64 is 128 on two cores), as a
// storm of creation requests: the group commit shares each fsync among the
// transactions waiting for it. txs/commit says how many it shared.
func BenchmarkInTxInsertParallel(b *testing.B) {
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	ctx := b.Context()
	var next atomic.Int64
	before := s.commits.Load()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.InTx(ctx, creation(ctx, int(next.Add(1)))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "txs/s")
	b.ReportMetric(float64(b.N)/float64(max(s.commits.Load()-before, 1)), "txs/commit")
}

// creation is the transaction of the i-th creation request.
func creation(ctx context.Context, i int) func(tx callback.Tx) error {
	created := time.Date(2026, time.March, 14, 15, 9, 26, 0, time.UTC)
	ud := userdata.List{
		userdata.P("AccountNumber", userdata.Str("123456789")),
		userdata.P("Language", userdata.Str("en-US")),
		userdata.P("Priority", userdata.Int(5)),
	}
	return func(tx callback.Tx) error {
		seq, err := tx.SequenceNext(ctx, "interaction")
		if err != nil {
			return err
		}
		now := created.Add(time.Duration(i) * time.Millisecond)
		it := &callback.Interaction{
			ID:                 callback.NewID(1, seq, now),
			Tenant:             "VHTLab",
			Segment:            "PTK_VHT_TEST",
			Queue:              "PTK_VHT_TEST",
			Type:               callback.TypeASAP,
			State:              callback.StatePendingCallback,
			Contact:            "+14155550123",
			ExternalTrackingID: fmt.Sprintf("ACD-%d", i),
			SourceApplication:  "IVR",
			QueuedAt:           now,
			UserData:           ud,
			CreatedAt:          now,
			UpdatedAt:          now,
		}
		if err := tx.InteractionInsert(ctx, it); err != nil {
			return err
		}
		return tx.RecordAppend(ctx, &callback.Record{
			InteractionID: it.ID, Tenant: it.Tenant, Queue: it.Queue, At: now, From: callback.StateNone, To: it.State,
			Event: callback.EvAdd, Method: "AddInteraction", RequestID: "req",
		})
	}
}
