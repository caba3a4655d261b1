package dispatch_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/store/storetest"
)

// lockedBuffer is a log destination the worker's goroutines may share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRunBacksOffWhileTheStoreFails: with its store unreachable, the
// worker's rounds come 1, 2, 4... s apart up to 30 s, and it logs none of
// them (the platform logs the cause once); once the store answers, its
// next round succeeds and the poll interval is back.
func TestRunBacksOffWhileTheStoreFails(t *testing.T) {
	t.Parallel()
	var faulty *storetest.Faulty
	logs := &lockedBuffer{}
	b := setupOn(t, site, nil, func(s callback.Store) callback.Store {
		faulty = storetest.NewFaulty(s)
		return faulty
	}, slog.New(slog.NewTextHandler(logs, nil)))
	faulty.Set(storetest.Unreachable)
	ctx, cancel := context.WithCancel(b.ctx)
	done := make(chan error, 1)
	go func() { done <- b.worker.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})

	expectWait := func(d time.Duration) {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := b.clock.WaitPending(wctx, 1); err != nil {
			t.Fatalf("the worker did not go to sleep: %v", err)
		}
		txs := faulty.Transactions()
		b.clock.Advance(d - time.Millisecond)
		if b.clock.Pending() != 1 {
			t.Fatalf("the worker woke before %s", d)
		}
		b.clock.Advance(time.Millisecond)
		if err := b.clock.WaitPending(wctx, 1); err != nil {
			t.Fatalf("the worker did not go back to sleep: %v", err)
		}
		if faulty.Transactions() == txs {
			t.Fatalf("after %s the worker did not try the store", d)
		}
	}
	for _, d := range []time.Duration{1, 2, 4, 8, 16, 30, 30} {
		expectWait(d * time.Second)
	}
	if strings.Contains(logs.String(), "outbox round failed") {
		t.Fatalf("refused rounds were logged:\n%s", logs)
	}
	faulty.Set(storetest.NoFault)
	expectWait(30 * time.Second)
	expectWait(time.Second)
}
