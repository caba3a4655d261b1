package sim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/clock"
	"github.com/holdline/holdline/internal/config"
	"github.com/holdline/holdline/internal/payload"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/store/sqlitestore"
)

// platformSide is the real platform as the simulated integrations reach it: the IVR, the ACD's CTI
// adapter and the dialer call the domain API exactly as their real counterparts do through the PTK,
// and the platform's clock is the simulator's. A nil *platformSide is no platform at all (the model
// alone, for the closed-form tests): every method does nothing.
type platformSide struct {
	ctx   context.Context
	qmCtx context.Context // the Queue Manager's own work is recorded as such
	p     domain
	// checked is p, checking the codes of the calls the PTK carries.
	checked *documented
	clk     *clock.Fake
	store   *sqlitestore.Store
	dir     string // removed at close when the run made it
	temp    bool
}

// newPlatformSide configures the platform for the scenario on a fresh store in dir (a temporary
// directory when empty), with the fake clock at start.
func newPlatformSide(ctx context.Context, sc *Scenario, dir string, start time.Time) (*platformSide, error) {
	settings, err := config.Parse([]byte(sc.yaml()), "scenario "+sc.Name)
	if err != nil {
		return nil, err
	}
	ps := &platformSide{ctx: ctx, qmCtx: callback.WithOrigin(ctx, callback.Origin{Method: callback.QueueManagerOrigin}), dir: dir}
	if dir == "" {
		if ps.dir, err = os.MkdirTemp("", "holdline-sim-"); err != nil {
			return nil, err
		}
		ps.temp = true
	}
	// The durability of a commit does not matter to a simulation: synchronous=OFF makes the real
	// store ~2x faster (docs/simulator.md).
	path := filepath.Join(ps.dir, sc.Name+".db")
	if ps.store, err = sqlitestore.Open(ctx, path, sqlitestore.WithSynchronous("OFF")); err != nil {
		return nil, errors.Join(err, ps.close())
	}
	ps.clk = clock.NewFake(start)
	p, err := callback.New(callback.Deps{Store: ps.store, Clock: ps.clk, Settings: settings, Node: 1,
		Logger: slog.New(slog.DiscardHandler), Encoder: payload.Encoder{}})
	if err == nil {
		err = p.Start(ctx)
	}
	if err != nil {
		return nil, errors.Join(err, ps.close())
	}
	ps.checked = &documented{domain: parts{p.Lifecycle, p.QueueManager, p.Delivery}}
	ps.p = ps.checked
	return ps, nil
}

// parts gathers the platform's parts: the domain the simulation calls.
type parts struct {
	*callback.Lifecycle
	*callback.QueueManager
	*callback.Delivery
}

// domain is what the simulated integrations ask of the platform: the IVR's,
// the CTI adapter's and the dialer's calls, and the Queue Manager's tick.
type domain interface {
	CreateInteraction(ctx context.Context, c callback.CreateParams) (*callback.Interaction, error)
	SegmentState(ctx context.Context, tenant, segment, sourceApplication string) (*callback.SegmentState, error)
	NextAppointmentTimes(ctx context.Context, tenant, segment string, from time.Time, n int) ([]time.Time, error)
	RequestContact(ctx context.Context, tenant, id string, req callback.ContactRequest) (*callback.Interaction, error)
	SendToQueue(ctx context.Context, tenant, id, reason string) (*callback.Interaction, error)
	Queued(ctx context.Context, qp callback.QueuedParams) (it *callback.Interaction, created bool, err error)
	Dequeued(ctx context.Context, d callback.DequeuedParams) (it, second *callback.Interaction, err error)
	OutboundConnected(ctx context.Context, tenant, id string) (*callback.Interaction, error)
	OutboundAttemptFailed(ctx context.Context, tenant, id, reason string) (*callback.Interaction, error)
	Staffing(ctx context.Context, tenant, queue string, staffed, available int) error
	ClaimLaunches(ctx context.Context, c callback.ClaimParams) ([]callback.LaunchOrder, error)
	AckLaunch(ctx context.Context, tenant, key string) (*callback.Launch, error)
	Tick(ctx context.Context) ([]*callback.Interaction, error)
}

// close closes the store and removes a temporary directory.
func (ps *platformSide) close() error {
	if ps == nil {
		return nil
	}
	var err error
	if ps.checked != nil {
		err = ps.checked.err()
	}
	if ps.store != nil {
		err = errors.Join(err, ps.store.Close())
	}
	if ps.temp {
		err = errors.Join(err, os.RemoveAll(ps.dir))
	}
	return err
}

// set moves the platform's clock.
func (ps *platformSide) set(t time.Time) {
	if ps != nil {
		ps.clk.Set(t)
	}
}

// arrive is the IVR taking a call: CreateInteraction, then GetSegmentState for the offer and the
// announced wait.
func (ps *platformSide) arrive() (string, *callback.SegmentState, error) {
	if ps == nil {
		return "", &callback.SegmentState{}, nil
	}
	it, err := ps.p.CreateInteraction(ps.ctx, callback.CreateParams{Tenant: simTenant, Segment: simSegment, SourceApplication: ivrApp})
	if err != nil {
		return "", nil, err
	}
	st, err := ps.p.SegmentState(ps.ctx, simTenant, simSegment, ivrApp)
	if err != nil {
		return "", nil, err
	}
	return it.ID, st, nil
}

// slots is the IVR asking for the next free appointment slots.
func (ps *platformSide) slots(n int) ([]time.Time, error) {
	return ps.p.NextAppointmentTimes(ps.ctx, simTenant, simSegment, time.Time{}, n)
}

// requestContact is the IVR converting the call into a callback to contact (ASAP when appt is
// zero).
func (ps *platformSide) requestContact(id, contact string, appt time.Time) error {
	// An IVR books to the second: the PTK's times have no fractions.
	_, err := ps.p.RequestContact(ps.ctx, simTenant, id, callback.ContactRequest{Number: contact, Appointment: appt.Truncate(time.Second)})
	return err
}

// hold is the IVR sending the caller to the holding queue and the ACD reporting it queued there.
func (ps *platformSide) hold(id string) error {
	if ps == nil {
		return nil
	}
	if _, err := ps.p.SendToQueue(ps.ctx, simTenant, id, string(callback.SendChoseHold)); err != nil {
		return err
	}
	_, _, err := ps.p.Queued(ps.ctx, callback.QueuedParams{Tenant: simTenant, InteractionID: id, SkillID: holdSkill})
	return err
}

// dequeued is the ACD reporting an interaction leaving its queue: answered or abandoned.
func (ps *platformSide) dequeued(id string, reason callback.DequeueReason) error {
	if ps == nil {
		return nil
	}
	_, _, err := ps.p.Dequeued(ps.ctx, callback.DequeuedParams{Tenant: simTenant, InteractionID: id, Reason: string(reason)})
	return err
}

// staffing is the CTI adapter's statistics push.
func (ps *platformSide) staffing(staffed, available int) error {
	if ps == nil {
		return nil
	}
	return ps.p.Staffing(ps.ctx, simTenant, simQueue, staffed, available)
}

// tick runs the Queue Manager's timed work, then the dialer claims and acknowledges every launch
// order, oldest first.
func (ps *platformSide) tick() ([]callback.LaunchOrder, error) {
	if ps == nil {
		return nil, nil
	}
	if _, err := ps.p.Tick(ps.qmCtx); err != nil {
		return nil, err
	}
	var out []callback.LaunchOrder
	for {
		orders, err := ps.p.ClaimLaunches(ps.ctx, callback.ClaimParams{Tenant: simTenant, Max: 100, Owner: dialerOwner, Lease: callback.DefaultLease})
		if err != nil {
			return nil, err
		}
		for _, o := range orders {
			if _, err := ps.p.AckLaunch(ps.ctx, simTenant, o.Key); err != nil {
				return nil, err
			}
		}
		out = append(out, orders...)
		if len(orders) < 100 {
			return out, nil
		}
	}
}

// connected is the dialer reporting the customer on the line, then transferring them to the
// callback queue, where the ACD reports them queued.
func (ps *platformSide) connected(id string) error {
	if _, err := ps.p.OutboundConnected(ps.ctx, simTenant, id); err != nil {
		return err
	}
	if _, err := ps.p.SendToQueue(ps.ctx, simTenant, id, string(callback.SendSpeakToAgent)); err != nil {
		return err
	}
	_, _, err := ps.p.Queued(ps.ctx, callback.QueuedParams{Tenant: simTenant, InteractionID: id, SkillID: cbSkill})
	return err
}

// failed is the dialer reporting a failed attempt; the answer says whether it will be retried.
func (ps *platformSide) failed(id string, reason callback.AttemptFailReason) (*callback.Interaction, error) {
	return ps.p.OutboundAttemptFailed(ps.ctx, simTenant, id, string(reason))
}

// refused reports whether err is the platform refusing a request with a status code (a rule, not a
// failure of the simulation).
func refused(err error) bool {
	c := status.Of(err)
	return err != nil && c != status.UnexpectedError
}

// mustBeCoded wraps an unexpected platform error with what the simulation was doing.
func wrap(what string, err error) error {
	return fmt.Errorf("%s: %w", what, err)
}
