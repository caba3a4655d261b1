package sqlitestore

import (
	"fmt"
	"path/filepath"
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
	created := time.Date(2026, time.March, 14, 15, 9, 26, 0, time.UTC)
	ud := userdata.List{
		userdata.P("AccountNumber", userdata.Str("123456789")),
		userdata.P("Language", userdata.Str("en-US")),
		userdata.P("Priority", userdata.Int(5)),
	}

	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		err := s.InTx(ctx, func(tx callback.Tx) error {
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
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}
