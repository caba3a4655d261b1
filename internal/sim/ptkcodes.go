package sim

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/status"
)

// documented is the domain as the simulated integrations call it, with every
// refusal of a call the PTK carries checked against that PTK method's table
// of codes (docs/ptk.md): a code the table does not list is a gap a real
// IVR would trip on, so the run fails at its end (platformSide.close).
type documented struct {
	domain
	mu   sync.Mutex
	seen map[string]int // "Method code" -> count
}

// check records err's code when the PTK method's table does not list it.
func (d *documented) check(method string, err error) {
	if err == nil {
		return
	}
	op, _, ok := ptk.Lookup(method)
	if code := status.Of(err); !ok || !op.Documents(code) {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.seen == nil {
			d.seen = map[string]int{}
		}
		d.seen[fmt.Sprintf("%s %d", method, code)]++
	}
}

// err lists the undocumented codes the run met, or nil.
func (d *documented) err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.seen) == 0 {
		return nil
	}
	var list []string
	for k, n := range d.seen {
		list = append(list, fmt.Sprintf("%s (%d×)", k, n))
	}
	sort.Strings(list)
	return fmt.Errorf("the platform answered codes the PTK methods' tables do not list: %s", strings.Join(list, ", "))
}

func (d *documented) CreateInteraction(ctx context.Context, c callback.CreateParams) (*callback.Interaction, error) {
	it, err := d.domain.CreateInteraction(ctx, c)
	d.check("CreateInteraction", err)
	return it, err
}

func (d *documented) SegmentState(ctx context.Context, tenant, segment, app string) (*callback.SegmentState, error) {
	st, err := d.domain.SegmentState(ctx, tenant, segment, app)
	d.check("GetSegmentState", err)
	return st, err
}

func (d *documented) NextAppointmentTimes(ctx context.Context, tenant, segment string, from time.Time, n int) ([]time.Time, error) {
	ts, err := d.domain.NextAppointmentTimes(ctx, tenant, segment, from, n)
	d.check("GetNextAvailableAppointmentTimes", err)
	return ts, err
}

func (d *documented) RequestContact(ctx context.Context, tenant, id string, req callback.ContactRequest) (*callback.Interaction, error) {
	it, err := d.domain.RequestContact(ctx, tenant, id, req)
	d.check("InteractionRequestContact", err)
	return it, err
}

func (d *documented) SendToQueue(ctx context.Context, tenant, id, reason string) (*callback.Interaction, error) {
	it, err := d.domain.SendToQueue(ctx, tenant, id, reason)
	d.check("InteractionSendToQueue", err)
	return it, err
}

func (d *documented) Queued(ctx context.Context, qp callback.QueuedParams) (*callback.Interaction, bool, error) {
	it, created, err := d.domain.Queued(ctx, qp)
	d.check("InteractionQueued", err)
	return it, created, err
}

func (d *documented) Dequeued(ctx context.Context, dp callback.DequeuedParams) (*callback.Interaction, *callback.Interaction, error) {
	it, second, err := d.domain.Dequeued(ctx, dp)
	d.check("InteractionDequeued", err)
	return it, second, err
}

func (d *documented) OutboundConnected(ctx context.Context, tenant, id string) (*callback.Interaction, error) {
	it, err := d.domain.OutboundConnected(ctx, tenant, id)
	d.check("InteractionOutboundConnected", err)
	return it, err
}

func (d *documented) OutboundAttemptFailed(ctx context.Context, tenant, id, reason string) (*callback.Interaction, error) {
	it, err := d.domain.OutboundAttemptFailed(ctx, tenant, id, reason)
	d.check("InteractionOutboundAttemptFailed", err)
	return it, err
}
