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

// core is what the platform's parts share: the store and the clock, the
// settings, the node's number, the store's health, and the one way they
// all change the store — a transaction (inTx) that records its history,
// writes the events it causes (events.go) and, once committed, tells the
// Queue Manager what changed and wakes those waiting for launches and
// outbox messages.
type core struct {
	store    Store
	clock    clock.Clock
	settings *Settings
	node     int
	log      *slog.Logger
	// encoder spells the outbox's messages (events_encoder.go).
	encoder Encoder

	// health follows whether the store can write (health.go).
	health storeHealth
	// signals wake those waiting for committed launches and outbox messages.
	signals signals
	// view is what the transactions need of the Queue Manager: its
	// trackers, fed the committed history, and the waits it estimates.
	view queueView
}

// queueView is what every transaction needs of the Queue Manager.
type queueView interface {
	// observe feeds committed history records to the queues' trackers.
	observe(records []Record)
	// remainingWait is the wait still ahead of an interaction in queue q.
	remainingWait(ctx context.Context, tx Tx, t *Tenant, q *Queue, it *Interaction) (time.Duration, error)
	// moved moves the queues' counts by a committed transaction's changes;
	// it reports whether they could not follow them.
	moved(m *moves) (lost bool)
}

// recordingTx is a Tx that keeps the records its transaction appends, so
// they can be observed once it commits, and notes the launches and outbox
// messages it writes, so their waiters can be woken then.
type recordingTx struct {
	Tx
	// at is the transaction's time, read once when it began.
	at      time.Time
	records []Record
	// launched are the tenants of the launches inserted.
	launched []string
	// outbox says whether an outbox message was inserted.
	outbox bool
	// sequenced says whether a sequence value was taken.
	sequenced bool
	// afterCommit run, in order, once the transaction has committed.
	afterCommit []func()
	// track says whether moves are noted (a write transaction's); moves are
	// where the interactions it wrote stood before and after, for the
	// Queue Manager's counts (qm_counts.go).
	track bool
	moves moves
}

func (r *recordingTx) InteractionGet(ctx context.Context, id string) (*Interaction, error) {
	it, err := r.Tx.InteractionGet(ctx, id)
	if err == nil && r.track {
		r.moves.saw(it)
	}
	return it, err
}

func (r *recordingTx) InteractionGetByExternalID(ctx context.Context, e ExternalID) (*Interaction, error) {
	it, err := r.Tx.InteractionGetByExternalID(ctx, e)
	if err == nil && r.track {
		r.moves.saw(it)
	}
	return it, err
}

func (r *recordingTx) InteractionFind(ctx context.Context, p *InteractionFindParams) ([]*Interaction, error) {
	its, err := r.Tx.InteractionFind(ctx, p)
	if err == nil && r.track {
		for _, it := range its {
			r.moves.saw(it)
		}
	}
	return its, err
}

func (r *recordingTx) InteractionInsert(ctx context.Context, it *Interaction) error {
	if err := r.Tx.InteractionInsert(ctx, it); err != nil {
		return err
	}
	if r.track {
		r.moves.inserted(it)
	}
	return nil
}

func (r *recordingTx) InteractionUpdate(ctx context.Context, it *Interaction) error {
	if err := r.Tx.InteractionUpdate(ctx, it); err != nil {
		return err
	}
	if r.track {
		r.moves.updated(it)
	}
	return nil
}

func (r *recordingTx) RecordAppend(ctx context.Context, rec *Record) error {
	if err := r.Tx.RecordAppend(ctx, rec); err != nil {
		return err
	}
	r.records = append(r.records, *rec)
	return nil
}

func (r *recordingTx) LaunchInsert(ctx context.Context, l *Launch) error {
	if err := r.Tx.LaunchInsert(ctx, l); err != nil {
		return err
	}
	r.launched = append(r.launched, l.Tenant)
	return nil
}

func (r *recordingTx) OutboxInsert(ctx context.Context, m *OutboxMessage) error {
	if err := r.Tx.OutboxInsert(ctx, m); err != nil {
		return err
	}
	r.outbox = true
	return nil
}

func (r *recordingTx) SequenceNext(ctx context.Context, name string) (int64, error) {
	v, err := r.Tx.SequenceNext(ctx, name)
	if err == nil {
		r.sequenced = true
	}
	return v, err
}

// wrote reports whether the transaction surely changed the store: it
// appended history, issued a launch or an outbox message, or took a
// sequence value. Only such a commit proves the store can write again.
func (r *recordingTx) wrote() bool {
	return len(r.records) > 0 || len(r.launched) > 0 || r.outbox || r.sequenced
}

// now is the time of the transaction tx: read once, when it began, so that
// everything one transaction writes — the interaction, its history record,
// its events and launches — carries the same time. Outside a transaction of
// inTx it is the clock's time.
func (c *core) now(tx Tx) time.Time {
	if r, ok := tx.(*recordingTx); ok {
		return r.at
	}
	return c.Now()
}

// onCommit runs fn once tx has committed, when tx is a transaction of
// Platform.inTx; otherwise at once.
func onCommit(tx Tx, fn func()) {
	if r, ok := tx.(*recordingTx); ok {
		r.afterCommit = append(r.afterCommit, fn)
		return
	}
	fn()
}

// inTx runs fn in one store transaction and, once it has committed, feeds
// the changes it made to the Queue Manager's live state and wakes those
// waiting for new launches or outbox messages. Every transaction of the
// platform passes here, so here a store's refusal (ErrUnavailable) becomes
// 109004 PlatformUnavailable and moves the store's health.
func (c *core) inTx(ctx context.Context, fn func(tx Tx) error) error {
	var rec *recordingTx
	err := c.store.InTx(ctx, func(tx Tx) error {
		rec = &recordingTx{Tx: tx, at: c.Now(), track: true}
		return fn(rec)
	})
	if IsUnavailable(err) {
		c.health.failed(ctx, c.log, c.Now(), err)
		return status.Wrap(status.PlatformUnavailable, err, unavailableMessage)
	}
	if err == nil && rec != nil {
		if rec.wrote() {
			c.health.wrote(ctx, c.log, c.Now())
		}
		if c.view.moved(&rec.moves) {
			c.log.WarnContext(ctx, "the queues' waiting counts lost track of a change (an interaction updated without being read); counting from the store from now on")
		}
		c.view.observe(rec.records)
		for _, tenant := range rec.launched {
			c.signals.launches(tenant).notify()
		}
		if rec.outbox {
			c.signals.outbox.notify()
		}
		for _, f := range rec.afterCommit {
			f()
		}
	}
	return err
}

// inView runs fn in a read-only transaction (Store.View): it sees the last
// commit and neither waits for writes nor makes them wait. A store that
// cannot answer is 109004, as for inTx.
func (c *core) inView(ctx context.Context, fn func(tx Tx) error) error {
	err := c.store.View(ctx, func(tx Tx) error { return fn(&recordingTx{Tx: tx, at: c.Now()}) })
	if IsUnavailable(err) {
		c.health.failed(ctx, c.log, c.Now(), err)
		return status.Wrap(status.PlatformUnavailable, err, unavailableMessage)
	}
	return err
}

// Settings returns the configuration the platform runs on.
func (c *core) Settings() *Settings { return c.settings }

// Now is the platform's current time in UTC.
func (c *core) Now() time.Time { return c.clock.Now().UTC() }

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
	now := c.now(tx)
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
	it.UpdatedAt = c.now(tx)
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

// queue resolves a tenant's queue by name (the console and APIs name queues;
// the PTK names segments).
func (c *core) queue(tenant, queue string) (*Tenant, *Queue, error) {
	t, err := c.tenant(tenant)
	if err != nil {
		return nil, nil, err
	}
	q := t.Queue(strings.TrimSpace(queue))
	if q == nil {
		return nil, nil, status.Errorf(status.QueueIDNotFound, "queue %q is not configured for tenant %q", queue, t.Name)
	}
	return t, q, nil
}
