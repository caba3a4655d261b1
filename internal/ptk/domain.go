package ptk

import (
	"context"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/userdata"
)

// Domain is what the PTK front asks of the platform: the operations its
// methods map to, nothing else. The platform's Lifecycle implements it; the
// front depends on this interface, not on the platform's types.
type Domain interface {
	// Interactions' lifecycle: the verbs that create and move them.
	AddCallback(ctx context.Context, a callback.AddParams) (*callback.Interaction, error)
	CreateInteraction(ctx context.Context, c callback.CreateParams) (*callback.Interaction, error)
	Cancel(ctx context.Context, tenant, id, by string) (*callback.Interaction, error)
	Remove(ctx context.Context, tenant, id, reason string) (*callback.Interaction, error)
	Modify(ctx context.Context, m callback.ModifyParams) (*callback.Interaction, error)
	Queued(ctx context.Context, qp callback.QueuedParams) (it *callback.Interaction, created bool, err error)
	Dequeued(ctx context.Context, d callback.DequeuedParams) (it, second *callback.Interaction, err error)
	RequestContact(ctx context.Context, tenant, id string, req callback.ContactRequest) (*callback.Interaction, error)
	SendToQueue(ctx context.Context, tenant, id, reason string) (*callback.Interaction, error)
	OutboundConnected(ctx context.Context, tenant, id string) (*callback.Interaction, error)
	OutboundAttemptFailed(ctx context.Context, tenant, id, reason string) (*callback.Interaction, error)
	DisconnectedByCaller(ctx context.Context, tenant, id, reason string) (*callback.Interaction, error)
	DisconnectedByApplication(ctx context.Context, tenant, id, reason string) (*callback.Interaction, error)
	AssociateExternalTrackingID(ctx context.Context, tenant, id, externalID string) (*callback.Interaction, error)
	UpdateInteractionData(ctx context.Context, tenant, id string, kv []callback.KeyValue) (*callback.Interaction, error)
	UpdateUserData(ctx context.Context, tenant, id string, update userdata.List) (*callback.Interaction, error)

	// Reads of interactions.
	Get(ctx context.Context, tenant, id string) (*callback.Interaction, []callback.Record, error)
	Find(ctx context.Context, f callback.FindParams) ([]callback.Found, error)

	// What the IVR asks before and around a call: the segment's state and
	// variables, appointment slots, the configuration.
	SegmentState(ctx context.Context, tenant, segment, sourceApplication string) (*callback.SegmentState, error)
	SegmentVariables(ctx context.Context, tenant, segment string, names []string) (*callback.SegmentVariables, error)
	NextAppointmentTimes(ctx context.Context, tenant, segment string, from time.Time, n int) ([]time.Time, error)
	Segments(ctx context.Context, tenant string) ([]callback.SegmentInfo, error)
	SystemVariables(ctx context.Context, tenant string) ([]callback.Variable, error)
	ValidateContact(ctx context.Context, tenant, segment, contact string) (string, error)
	Status(ctx context.Context, tenant string) ([]string, error)
}

var _ Domain = (*callback.Lifecycle)(nil)
