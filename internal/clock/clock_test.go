package clock

import (
	"context"
	"testing"
	"time"
)

func TestFakeTimersFireInOrderWhenAdvanced(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	f := NewFake(start)
	late := f.NewTimer(2 * time.Minute)
	early := f.NewTimer(time.Minute)
	stopped := f.NewTimer(time.Minute)
	if !stopped.Stop() {
		t.Fatal("Stop on a pending timer must report true")
	}
	if f.Pending() != 2 {
		t.Fatalf("pending = %d, want 2", f.Pending())
	}
	f.Advance(90 * time.Second)
	select {
	case at := <-early.C():
		if !at.Equal(start.Add(time.Minute)) {
			t.Fatalf("early fired at %v", at)
		}
	default:
		t.Fatal("early timer did not fire")
	}
	select {
	case <-late.C():
		t.Fatal("late timer fired too soon")
	case <-stopped.C():
		t.Fatal("stopped timer fired")
	default:
	}
	f.Advance(time.Minute)
	if at := <-late.C(); !at.Equal(start.Add(2 * time.Minute)) {
		t.Fatalf("late fired at %v", at)
	}
	if got := f.Now(); !got.Equal(start.Add(150 * time.Second)) {
		t.Fatalf("now = %v", got)
	}
}

func TestFakeNeverGoesBackwards(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := NewFake(start)
	f.Set(start.Add(-time.Hour))
	if !f.Now().Equal(start) {
		t.Fatal("clock moved backwards")
	}
}

// TestFakeWaitPending: a test waits for a loop to go to sleep on the fake
// clock instead of polling.
func TestFakeWaitPending(t *testing.T) {
	t.Parallel()
	f := NewFake(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))
	slept := make(chan struct{})
	go func() {
		for range 3 {
			<-f.NewTimer(time.Second).C()
		}
		close(slept)
	}()
	for range 3 {
		if err := f.WaitPending(t.Context(), 1); err != nil {
			t.Fatal(err)
		}
		f.Advance(time.Second)
	}
	<-slept
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := f.WaitPending(ctx, 1); err == nil {
		t.Fatal("WaitPending returned nil with no timer pending and its context done")
	}
}
