package callback_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/store/storetest"
)

// logBook keeps the records a logger receives, for tests that count them.
type logBook struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (l *logBook) Enabled(context.Context, slog.Level) bool { return true }
func (l *logBook) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, r)
	return nil
}
func (l *logBook) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logBook) WithGroup(string) slog.Handler      { return l }

// count counts the records at level whose message starts with prefix.
func (l *logBook) count(level slog.Level, prefix string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.recs {
		if r.Level == level && strings.HasPrefix(r.Message, prefix) {
			n++
		}
	}
	return n
}

// faultyBundle is a platform on a SQLite store wrapped in a Faulty one,
// with its logs kept.
type faultyBundle struct {
	*testBundle
	faulty *storetest.Faulty
	logs   *logBook
}

func setupFaulty(t *testing.T) *faultyBundle {
	t.Helper()
	b := &faultyBundle{logs: &logBook{}}
	b.testBundle = setupWith(t, nil, func(s callback.Store) callback.Store {
		b.faulty = storetest.NewFaulty(s)
		return b.faulty
	}, slog.New(b.logs))
	return b
}

const (
	unavailableLog = "store unavailable"
	recoveredLog   = "store available again"
)

func (b *faultyBundle) add(contact string) (*callback.Interaction, error) {
	return b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "VHTLab", Segment: "PTK_VHT_TEST", Contact: contact})
}

// TestFullDiskRefusesWritesAndRecovers: while the disk is full every write
// answers 109004 and the platform is not ready, reads are served, the cause
// is logged once; the first write that commits afterwards makes it ready
// again, and every registration acknowledged is there.
func TestFullDiskRefusesWritesAndRecovers(t *testing.T) {
	t.Parallel()
	b := setupFaulty(t)
	before, err := b.add("80001")
	if err != nil {
		t.Fatal(err)
	}
	b.faulty.Set(storetest.FullDisk)
	for i := range 5 {
		_, err := b.add("8001" + string(rune('0'+i)))
		if codeOf(err) != status.PlatformUnavailable {
			t.Fatalf("registration on a full disk: %v, want 109004", err)
		}
		if msg := status.Message(err); !strings.Contains(msg, "try again") || strings.Contains(msg, "storetest") {
			t.Fatalf("message %q: want a retry advice without the internal cause", msg)
		}
	}
	if _, err := b.platform.Cancel(b.ctx, "VHTLab", before.ID, "Caller"); codeOf(err) != status.PlatformUnavailable {
		t.Fatalf("cancel on a full disk: %v, want 109004", err)
	}
	if codeOf(b.platform.StoreError()) != status.PlatformUnavailable || codeOf(b.platform.Ready(b.ctx)) != status.PlatformUnavailable {
		t.Fatalf("StoreError %v, Ready %v: want 109004 while writes fail", b.platform.StoreError(), b.platform.Ready(b.ctx))
	}
	if _, err := b.platform.Status(b.ctx, ""); codeOf(err) != status.PlatformUnavailable {
		t.Fatalf("GetStatus while writes fail: %v, want 109004", err)
	}
	got, _, err := b.platform.Get(b.ctx, "VHTLab", before.ID)
	if err != nil || got.State != callback.StatePendingCallback {
		t.Fatalf("read on a full disk: %v, %v: want the pending callback", got, err)
	}
	if n := b.logs.count(slog.LevelError, unavailableLog); n != 1 {
		t.Fatalf("%d error logs of the cause after 6 refusals, want 1", n)
	}

	b.faulty.Set(storetest.NoFault)
	// A read proves nothing: still not ready.
	if _, _, err := b.platform.Get(b.ctx, "VHTLab", before.ID); err != nil || b.platform.StoreError() == nil {
		t.Fatalf("after a read: %v, StoreError %v: want still unavailable", err, b.platform.StoreError())
	}
	after, err := b.add("80002")
	if err != nil {
		t.Fatalf("registration once the disk has room: %v", err)
	}
	if err := b.platform.Ready(b.ctx); err != nil {
		t.Fatalf("Ready after a write committed: %v", err)
	}
	if n := b.logs.count(slog.LevelInfo, recoveredLog); n != 1 {
		t.Fatalf("%d recovery logs, want 1", n)
	}
	for _, id := range []string{before.ID, after.ID} {
		if _, _, err := b.platform.Get(b.ctx, "VHTLab", id); err != nil {
			t.Fatalf("acknowledged %s lost: %v", id, err)
		}
	}
}

func TestStoreBackoff(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		interval time.Duration
		failures int
		want     time.Duration
	}{
		{time.Second, 0, time.Second},
		{time.Second, 1, time.Second},
		{time.Second, 2, 2 * time.Second},
		{time.Second, 5, 16 * time.Second},
		{time.Second, 6, callback.StoreBackoffMax},
		{time.Second, 1000, callback.StoreBackoffMax},
		{time.Minute, 3, time.Minute}, // never below the interval
	} {
		if got := callback.StoreBackoff(c.interval, c.failures); got != c.want {
			t.Errorf("StoreBackoff(%s, %d) = %s, want %s", c.interval, c.failures, got, c.want)
		}
	}
}

// TestQueueManagerBacksOffWhileTheStoreFails runs the Queue Manager on the
// fake clock with its store unreachable: its rounds come 1, 2, 4... s apart
// up to 30 s, each probing the store, with one log of the cause; once the
// store answers, the next round restores readiness and the interval.
func TestQueueManagerBacksOffWhileTheStoreFails(t *testing.T) {
	t.Parallel()
	b := setupFaulty(t)
	b.faulty.Set(storetest.Unreachable)
	ctx, cancel := context.WithCancel(b.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = b.platform.Run(ctx, time.Second)
	}()
	t.Cleanup(func() { cancel(); <-done })

	asleep := func() {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := b.clock.WaitPending(wctx, 1); err != nil {
			t.Fatalf("the queue manager did not go back to sleep: %v", err)
		}
	}
	// expectWait checks the loop sleeps exactly d: a millisecond less does
	// not wake it, d does, and it tries the store again.
	expectWait := func(d time.Duration) {
		t.Helper()
		asleep()
		txs := b.faulty.Transactions()
		b.clock.Advance(d - time.Millisecond)
		if b.clock.Pending() != 1 {
			t.Fatalf("the queue manager woke before %s", d)
		}
		b.clock.Advance(time.Millisecond)
		asleep()
		if b.faulty.Transactions() == txs {
			t.Fatalf("after %s the queue manager did not try the store", d)
		}
	}
	for _, d := range []time.Duration{1, 2, 4, 8, 16, 30, 30} {
		expectWait(d * time.Second)
	}
	if b.platform.StoreError() == nil {
		t.Fatal("the platform is ready while its store is unreachable")
	}
	if n := b.logs.count(slog.LevelError, unavailableLog); n != 1 {
		t.Fatalf("%d error logs of the cause after 8 refused rounds, want 1", n)
	}
	if n := b.logs.count(slog.LevelError, "queue manager tick failed"); n != 0 {
		t.Fatalf("%d tick failures logged, want none: the health log says it once", n)
	}

	b.faulty.Set(storetest.NoFault)
	expectWait(30 * time.Second) // the probe succeeds: ready again
	if err := b.platform.StoreError(); err != nil {
		t.Fatalf("after a successful probe: %v", err)
	}
	expectWait(time.Second) // and the interval is back
	if n := b.logs.count(slog.LevelInfo, recoveredLog); n != 1 {
		t.Fatalf("%d recovery logs, want 1", n)
	}
}
