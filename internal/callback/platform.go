// Package callback is the domain of Holdline: tenants, segments and queues,
// interactions and their state machine, and the Platform that every front
// (SOAP, JSON, console) calls — three parts with one job each over one
// store and one clock: the Lifecycle (the requests that create and move
// interactions), the QueueManager (each queue's timed work) and Delivery
// (launches and outbox messages handed out). It knows no XML, HTTP or SQL,
// and spells no payload: it takes a Store, a Clock and an Encoder (the JSON
// of internal/payload), so the simulator can run it in virtual time.
package callback

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/holdline/holdline/internal/clock"
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
	// Encoder spells events, notifications and pushed launches as the
	// outbox stores them; required: the wire formats live at the edge
	// (internal/payload's Encoder), which the domain does not import.
	Encoder Encoder
}

// Platform is the callback platform: its three parts, sharing one store,
// one clock and one core (core.go). Each is safe for concurrent use: every
// request runs in its own store transaction and returns only after that
// transaction has committed. Fronts take the part they need, through an
// interface of their own.
type Platform struct {
	// Lifecycle serves the requests that create and move interactions.
	Lifecycle *Lifecycle
	// QueueManager does each queue's timed work and knows its mode and EWT.
	QueueManager *QueueManager
	// Delivery hands launches to dialers and outbox messages to the worker.
	Delivery *Delivery

	core *core
}

// New checks deps and returns a Platform.
func New(d Deps) (*Platform, error) {
	if d.Store == nil {
		return nil, errors.New("callback: a store is required")
	}
	if d.Settings == nil {
		return nil, errors.New("callback: settings are required")
	}
	if d.Encoder == nil {
		return nil, errors.New("callback: an encoder is required (payload.Encoder{} from internal/payload)")
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
	c := &core{store: d.Store, clock: d.Clock, settings: d.Settings, node: d.Node, log: d.Logger, encoder: d.Encoder}
	qm := &QueueManager{core: c, queues: newQueueStates(d.Settings), counts: liveCounts{settings: d.Settings}}
	c.view = qm
	return &Platform{core: c, Lifecycle: &Lifecycle{core: c, qm: qm}, QueueManager: qm, Delivery: &Delivery{core: c}}, nil
}

// Start loads what the platform keeps in memory from the store (the Queue
// Manager's: manual modes, measurements rebuilt from the recent history,
// announced modes). Call it once before serving requests.
func (p *Platform) Start(ctx context.Context) error { return p.QueueManager.start(ctx) }

// Settings returns the configuration the platform runs on.
func (p *Platform) Settings() *Settings { return p.core.settings }

// StoreError reports whether the platform can serve writes: nil, or a
// *status.Error with code 109004 PlatformUnavailable (health.go).
func (p *Platform) StoreError() error { return p.core.StoreError() }

// Ready reports whether the platform can serve requests (health.go).
func (p *Platform) Ready(ctx context.Context) error { return p.core.Ready(ctx) }

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
