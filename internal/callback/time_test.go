package callback_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/clock"
	"github.com/holdline/holdline/internal/payload"
	"github.com/holdline/holdline/internal/platformtest"
)

// ticking is a clock that moves a millisecond at every reading: a
// transaction that read it twice would write two times.
type ticking struct {
	*clock.Fake
	mu sync.Mutex
	at time.Time
}

func (c *ticking) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(time.Millisecond)
	return c.at
}

// Time is read once per transaction: the interaction, its history record
// and the events a change writes carry one time.
func TestATransactionHasOneTime(t *testing.T) {
	t.Parallel()
	b := platformtest.New(t, platformtest.Options{Settings: settingsFrom(t, integrated), Start: start})
	clk := &ticking{Fake: b.Clock, at: start}
	p, err := callback.New(callback.Deps{Store: b.Store, Clock: clk, Settings: b.Settings(), Node: 2, Encoder: payload.Encoder{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	it, err := p.Lifecycle.AddCallback(ctx, callback.AddParams{Tenant: "Site", Segment: "Main", Contact: "7001"})
	if err != nil {
		t.Fatal(err)
	}
	if !it.CreatedAt.Equal(it.UpdatedAt) || !it.QueuedAt.Equal(it.CreatedAt) {
		t.Fatalf("created %s, updated %s, queued %s", it.CreatedAt, it.UpdatedAt, it.QueuedAt)
	}
	_, hist, err := p.Lifecycle.Get(ctx, "Site", it.ID)
	if err != nil || len(hist) != 1 || !hist[0].At.Equal(it.CreatedAt) {
		t.Fatalf("history %+v, %v; want one record at %s", hist, err, it.CreatedAt)
	}
	msgs, err := p.Delivery.Deliveries(ctx, "Site", callback.DeliveryQuery{InteractionID: it.ID})
	if err != nil || len(msgs) == 0 {
		t.Fatalf("deliveries %v, %v", msgs, err)
	}
	for _, m := range msgs {
		if !m.CreatedAt.Equal(it.CreatedAt) {
			t.Errorf("%s written at %s, the change at %s", m.Key, m.CreatedAt, it.CreatedAt)
		}
	}
}
