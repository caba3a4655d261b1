package restapi

import (
	"context"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/userdata"
)

// Interactions is what the interaction resources ask of the platform.
type Interactions interface {
	AddCallback(ctx context.Context, a callback.AddParams) (*callback.Interaction, error)
	Get(ctx context.Context, tenant, id string) (*callback.Interaction, []callback.Record, error)
	Cancel(ctx context.Context, tenant, id, by string) (*callback.Interaction, error)
	UpdateUserData(ctx context.Context, tenant, id string, update userdata.List) (*callback.Interaction, error)
}

// Queues is what the queue resources ask of the Queue Manager: a queue's
// live state, its manual mode, the ACD's figures.
type Queues interface {
	QueueStatusOf(ctx context.Context, tenant, queue string) (*callback.QueueStatus, error)
	SetMode(ctx context.Context, tenant, queue, mode string, until time.Time, by string) (*callback.ModeInfo, error)
	ClearMode(ctx context.Context, tenant, queue, by string) (*callback.ModeInfo, error)
	Staffing(ctx context.Context, tenant, queue string, staffed, available int) error
}

// Launches is what the dialers' and integrations' resources ask of the
// platform's delivery side: launches to claim and acknowledge, the outbox.
type Launches interface {
	ClaimLaunches(ctx context.Context, c callback.ClaimParams) ([]callback.LaunchOrder, error)
	// LaunchesIssued is closed when a launch of tenant is committed; a
	// waiting claim takes it before it claims, so none is missed.
	LaunchesIssued(tenant string) <-chan struct{}
	Launch(ctx context.Context, key string) (*callback.Launch, error)
	AckLaunch(ctx context.Context, tenant, key string) (*callback.Launch, error)
	Deliveries(ctx context.Context, tenant string, q callback.DeliveryQuery) ([]callback.OutboxMessage, error)
}

// Parts are the platform's parts the REST API asks: its Lifecycle, its
// QueueManager and its Delivery, each through the interface above.
type Parts struct {
	Interactions
	Queues
	Launches
}

var (
	_ Interactions = (*callback.Lifecycle)(nil)
	_ Queues       = (*callback.QueueManager)(nil)
	_ Launches     = (*callback.Delivery)(nil)
)
