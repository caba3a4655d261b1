// Package callback is the domain of Holdline: tenants, segments and queues,
// interactions and their state machine, and the Platform service that every
// front (SOAP, JSON, console) calls. It knows no XML, HTTP or SQL: it takes a
// Store and a Clock, so the simulator can run it in virtual time.
package callback

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/clock"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/userdata"
)

// Deps are what a Platform needs from the outside world.
type Deps struct {
	// Store is the durable state; required.
	Store Store
	// Clock is the source of time; default the system clock.
	Clock clock.Clock
	// Settings are the tenants, segments and queues; required.
	Settings *Settings
	// Node is this node's number (0-9999), written into interaction ids.
	Node int
	// Logger receives the platform's structured logs; default slog.Default().
	Logger *slog.Logger
}

// Platform is the callback platform's domain service. It is safe for
// concurrent use: every request runs in its own store transaction and
// returns only after that transaction has committed.
type Platform struct {
	*core
	*Lifecycle
	*QueueManager
	*Delivery
}

// New checks deps and returns a Platform.
func New(d Deps) (*Platform, error) {
	if d.Store == nil {
		return nil, errors.New("callback: a store is required")
	}
	if d.Settings == nil {
		return nil, errors.New("callback: settings are required")
	}
	if !ValidNode(d.Node) {
		return nil, fmt.Errorf("callback: node %d is outside 0-9999", d.Node)
	}
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	c := &core{store: d.Store, clock: d.Clock, settings: d.Settings, node: d.Node, log: d.Logger}
	qm := &QueueManager{core: c, queues: newQueueStates(d.Settings)}
	c.view = qm
	return &Platform{core: c, Lifecycle: &Lifecycle{core: c, qm: qm}, QueueManager: qm, Delivery: &Delivery{core: c}}, nil
}

// Start loads what the platform keeps in memory from the store: the manual
// operation modes, and the Queue Manager's measurements, rebuilt from the
// recent history. Call it once before serving requests.
func (qm *QueueManager) Start(ctx context.Context) error {
	return qm.store.InTx(ctx, func(tx Tx) error {
		list, err := tx.QueueModeList(ctx)
		if err != nil {
			return fmt.Errorf("load manual modes: %w", err)
		}
		for i := range list {
			o := list[i]
			qm.overrides.set(queueKey{o.Tenant, o.Queue}, &o)
		}
		if err := qm.replay(ctx, tx); err != nil {
			return err
		}
		return qm.learnModes(ctx, tx)
	})
}

// Settings returns the configuration the platform runs on.
func (c *core) Settings() *Settings { return c.settings }

// Now is the platform's current time in UTC.
func (c *core) Now() time.Time { return c.clock.Now().UTC() }

// Origin says which request caused a change; it is written into the history.
type Origin struct {
	// Method is the PTK method, API route or platform component ("AddInteraction", "QueueManager").
	Method string
	// RequestID is the id the response carries (the PTK Guid), to match logs and history.
	RequestID string
}

type originKey struct{}

// WithOrigin returns a context that carries o to the records the platform writes.
func WithOrigin(ctx context.Context, o Origin) context.Context {
	return context.WithValue(ctx, originKey{}, o)
}

func originOf(ctx context.Context) Origin {
	o, _ := ctx.Value(originKey{}).(Origin)
	return o
}

// tenant resolves a tenant name: empty is InvalidTenant too, as the reference
// has no TenantRequired code.
func (c *core) tenant(name string) (*Tenant, error) {
	if strings.TrimSpace(name) == "" {
		return nil, status.Errorf(status.InvalidTenant, "a tenant is required")
	}
	t := c.settings.Tenant(strings.TrimSpace(name))
	if t == nil {
		return nil, status.Errorf(status.InvalidTenant, "tenant %q is not configured", name)
	}
	return t, nil
}

// segment resolves a segment of t.
func (c *core) segment(t *Tenant, name string) (*Segment, *Queue, error) {
	if strings.TrimSpace(name) == "" {
		return nil, nil, status.Errorf(status.SegmentRequired, "a segment is required")
	}
	s := t.Segment(strings.TrimSpace(name))
	if s == nil {
		return nil, nil, status.Errorf(status.InvalidSegment, "segment %q is not configured for tenant %q", name, t.Name)
	}
	q := t.Queue(s.Queue)
	if q == nil {
		return nil, nil, status.Errorf(status.QueueIDNotFound, "segment %q names queue %q, which is not configured", s.Name, s.Queue)
	}
	return s, q, nil
}

// checkID validates the shape of an interaction id argument.
func checkID(id string) (string, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return "", status.Errorf(status.InteractionIDRequired, "an interaction id is required")
	}
	if !ValidID(id) {
		return "", status.Errorf(status.InvalidInteractionID, "%q is not an interaction id (V followed by 31 digits)", id)
	}
	return strings.ToUpper(id[:1]) + id[1:], nil
}

// Get returns the interaction id of tenant with its full history.
func (lc *Lifecycle) Get(ctx context.Context, tenantName, id string) (*Interaction, []Record, error) {
	t, err := lc.tenant(tenantName)
	if err != nil {
		return nil, nil, err
	}
	if id, err = checkID(id); err != nil {
		return nil, nil, err
	}
	var (
		it   *Interaction
		hist []Record
	)
	err = lc.inTx(ctx, func(tx Tx) error {
		var err error
		if it, err = lc.load(ctx, tx, t, id); err != nil {
			return err
		}
		hist, err = tx.RecordList(ctx, id)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("get interaction %s: %w", id, err)
	}
	return it, hist, nil
}

// load reads an interaction of tenant t; one of another tenant is not found.
func (c *core) load(ctx context.Context, tx Tx, t *Tenant, id string) (*Interaction, error) {
	it, err := tx.InteractionGet(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && !strings.EqualFold(it.Tenant, t.Name)) {
		return nil, status.Errorf(status.InteractionNotFound, "interaction %s is not known for tenant %q", id, t.Name)
	}
	return it, err
}

// insert gives a new interaction its id and times, applies the creation
// event and stores it with its first history record.
func (c *core) insert(ctx context.Context, tx Tx, it *Interaction, ev Event, reason string) error {
	to, err := Next(StateNone, ev)
	if err != nil {
		return err
	}
	seq, err := tx.SequenceNext(ctx, fmt.Sprintf("interaction-id/%04d", c.node))
	if err != nil {
		return err
	}
	now := c.Now()
	it.ID = NewID(c.node, seq, now)
	it.State = to
	it.CreatedAt, it.UpdatedAt = now, now
	if err := tx.InteractionInsert(ctx, it); err != nil {
		if errors.Is(err, ErrConflict) {
			return status.Wrap(status.DuplicateExternalTrackingIDFound, err,
				fmt.Sprintf("external tracking id %q is already in use", it.ExternalTrackingID))
		}
		return err
	}
	rec, err := c.record(ctx, tx, it, StateNone, ev, reason, "")
	if err != nil {
		return err
	}
	return c.emit(ctx, tx, &stateChange{it: it, from: StateNone, ev: ev, reason: reason, seq: rec, appointment: it.AppointmentTime})
}

// transition applies ev to the interaction id of tenant t inside tx (see
// transitionLoaded).
func (c *core) transition(ctx context.Context, tx Tx, t *Tenant, id string, ev Event, reason string,
	change func(it *Interaction) (detail string, err error)) (*Interaction, error) {
	it, err := c.load(ctx, tx, t, id)
	if err != nil {
		return nil, err
	}
	return c.transitionLoaded(ctx, tx, it, ev, reason, change)
}

// transitionLoaded applies ev to it, read in this transaction: it checks the
// state machine, lets change adjust the interaction, stores it and appends
// the history record, and writes the events the change causes to the outbox
// (events.go). change may refuse with a coded error.
func (c *core) transitionLoaded(ctx context.Context, tx Tx, it *Interaction, ev Event, reason string,
	change func(it *Interaction) (detail string, err error)) (*Interaction, error) {
	return c.transitionChanged(ctx, tx, it, it.AppointmentTime, ev, reason, change)
}

// transitionChanged is transitionLoaded for an interaction already changed
// in memory before the transition: appointment is its appointment time as
// stored, so that the events see a moved appointment.
func (c *core) transitionChanged(ctx context.Context, tx Tx, it *Interaction, appointment time.Time, ev Event, reason string,
	change func(it *Interaction) (detail string, err error)) (*Interaction, error) {
	from := it.State
	to, err := Next(from, ev)
	if err != nil {
		return nil, err
	}
	it.State = to
	detail := ""
	if change != nil {
		if detail, err = change(it); err != nil {
			it.State = from
			return nil, err
		}
	}
	it.UpdatedAt = c.Now()
	if err := tx.InteractionUpdate(ctx, it); err != nil {
		return nil, err
	}
	seq, err := c.record(ctx, tx, it, from, ev, reason, detail)
	if err != nil {
		return nil, err
	}
	if err := c.emit(ctx, tx, &stateChange{it: it, from: from, ev: ev, reason: reason, seq: seq, appointment: appointment}); err != nil {
		return nil, err
	}
	return it, nil
}

// record appends the history record of a change and returns its Seq.
func (c *core) record(ctx context.Context, tx Tx, it *Interaction, from State, ev Event, reason, detail string) (int64, error) {
	o := originOf(ctx)
	r := &Record{
		InteractionID: it.ID,
		Tenant:        it.Tenant,
		Queue:         it.Queue,
		At:            it.UpdatedAt,
		From:          from,
		To:            it.State,
		Event:         ev,
		Reason:        reason,
		Method:        o.Method,
		RequestID:     o.RequestID,
		Detail:        detail,
	}
	if err := tx.RecordAppend(ctx, r); err != nil {
		return 0, err
	}
	return r.Seq, nil
}

// CountByState counts stored interactions per state (for metrics and the console).
func (lc *Lifecycle) CountByState(ctx context.Context) (map[State]int, error) {
	var out map[State]int
	err := lc.inTx(ctx, func(tx Tx) error {
		var err error
		out, err = tx.InteractionCountByState(ctx)
		return err
	})
	return out, err
}

// mergeUserData merges update into the interaction's user data and checks the result.
func mergeUserData(t *Tenant, it *Interaction, update userdata.List) error {
	merged := userdata.Merge(it.UserData, update)
	if err := checkUserData(t, merged); err != nil {
		return err
	}
	it.UserData = merged
	return nil
}

// op is one operation on an existing interaction.
type op struct {
	// event is the state-machine event the operation applies.
	event Event
	// args checks the request's own arguments, once the tenant and the id
	// are known to be good, and returns the reason written into the history.
	args func(t *Tenant) (reason string, err error)
	// change adjusts the interaction after the transition is allowed; it
	// may refuse with a coded error. It returns a note for the history.
	change func(tx Tx, t *Tenant, it *Interaction) (detail string, err error)
}

// apply runs o on the interaction id of tenantName: the tenant is checked
// first, then the id, then the arguments, then the interaction's state, in
// one transaction. o.args may still choose o.event.
func (c *core) apply(ctx context.Context, tenantName, id string, o *op) (*Interaction, error) {
	t, err := c.tenant(tenantName)
	if err != nil {
		return nil, err
	}
	if id, err = checkID(id); err != nil {
		return nil, err
	}
	reason := ""
	if o.args != nil {
		if reason, err = o.args(t); err != nil {
			return nil, err
		}
	}
	var it *Interaction
	err = c.inTx(ctx, func(tx Tx) error {
		var fn func(*Interaction) (string, error)
		if o.change != nil {
			fn = func(it *Interaction) (string, error) { return o.change(tx, t, it) }
		}
		it, err = c.transition(ctx, tx, t, id, o.event, reason, fn)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", o.event, id, err)
	}
	return it, nil
}

// enumArg parses a required enumeration argument: missing answers
// missingCode, an unknown value invalidCode; both messages list the values.
func enumArg[T ~string](values []T, raw, what string, missingCode, invalidCode status.Code) (T, error) {
	if strings.TrimSpace(raw) == "" {
		return "", status.Errorf(missingCode, "%s is required (one of %s)", what, joinValues(values))
	}
	v, ok := Parse(values, raw)
	if !ok {
		return "", status.Errorf(invalidCode, "%s %q is not one of %s", what, raw, joinValues(values))
	}
	return v, nil
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
