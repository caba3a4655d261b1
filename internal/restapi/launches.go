package restapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/payload"
	"github.com/holdline/holdline/internal/status"
)

// The dialer's side of the launch queue (pull delivery, for dialers behind
// firewalls) and the deliveries of the outbox (push delivery, events and
// notifications), as docs/integration.md describes them.

// Long-poll bounds of a claim.
const (
	// MaxClaimWait caps waitSeconds: a claim answers within it, launches or not.
	MaxClaimWait = 30 * time.Second
	// claimRecheck is how often a waiting claim looks again without being
	// woken, for launches whose lease expired (no commit announces those).
	claimRecheck = time.Second
)

func (a *API) registerLaunches(mux *http.ServeMux) {
	mux.Handle("POST /api/v1/launches/claim", a.op("ClaimLaunches", a.claimLaunches))
	// A key holds a "/" (interaction id/attempt): either written as is,
	// or escaped as %2F in one segment.
	mux.Handle("POST /api/v1/launches/{id}/{attempt}/ack", a.op("AckLaunch", a.ackLaunch))
	mux.Handle("POST /api/v1/launches/{key}/ack", a.op("AckLaunch", a.ackLaunch))
	mux.Handle("GET /api/v1/tenants/{tenant}/deliveries", a.tenantOp("ListDeliveries", access.Read, a.listDeliveries))
}

// claimRequest is the body of POST /api/v1/launches/claim.
type claimRequest struct {
	Tenant string `json:"tenant"`
	// Queue limits the claim to one queue.
	Queue string `json:"queue,omitempty"`
	// Max is the most launches wanted (1 to 100, default 1).
	Max *int `json:"max,omitempty"`
	// WaitSeconds is how long to wait for a launch when none is due (0 to
	// 30; more is waited as 30).
	WaitSeconds float64 `json:"waitSeconds,omitempty"`
	// Owner names the dialer (default: the token's name).
	Owner string `json:"owner,omitempty"`
	// LeaseSeconds is how long the dialer keeps them unacknowledged (1 to
	// 3600, default 30).
	LeaseSeconds *float64 `json:"leaseSeconds,omitempty"`
}

// claimAnswer is the answer of a claim.
type claimAnswer struct {
	Launches []payload.Launch `json:"launches"`
}

func (a *API) claimLaunches(ctx context.Context, r *http.Request) (int, any, error) {
	var req claimRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	p := callback.ClaimParams{Tenant: req.Tenant, Queue: req.Queue, Max: 1, Lease: callback.DefaultLease}
	switch {
	case strings.TrimSpace(req.Tenant) == "":
		return 0, nil, badRequest{errors.New(`"tenant" is required`)}
	case req.WaitSeconds < 0:
		return 0, nil, badRequest{errors.New(`"waitSeconds" must not be negative`)}
	}
	if req.Max != nil {
		p.Max = *req.Max
	}
	if req.LeaseSeconds != nil {
		// Bounded before it becomes a Duration, which a huge number would
		// overflow; the domain judges the bounds.
		p.Lease = time.Duration(min(max(*req.LeaseSeconds, -1), 2*callback.MaxLease.Seconds()) * float64(time.Second))
	}
	// The claim's bounds are the domain's: a claim that breaks them is
	// refused before the tenant is authorized, as a malformed body.
	if err := p.Validate(); err != nil {
		return 0, nil, err
	}
	// A launch carries the number to dial: claiming takes contacts too.
	if err := authorize(ctx, req.Tenant, access.Change|access.Contacts); err != nil {
		return 0, nil, err
	}
	p.Owner = byOrToken(ctx, req.Owner)
	wait := claimWait(req.WaitSeconds)
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		// Take the signal before claiming, so that a launch committed in
		// between wakes this claim instead of being missed.
		issued := a.platform.LaunchesIssued(req.Tenant)
		orders, err := a.platform.ClaimLaunches(ctx, p)
		if err != nil {
			return 0, nil, err
		}
		if len(orders) > 0 || wait <= 0 {
			out := claimAnswer{Launches: make([]payload.Launch, len(orders))}
			for i := range orders {
				out.Launches[i] = payload.LaunchOf(&orders[i])
			}
			return http.StatusOK, out, nil
		}
		recheck := time.NewTimer(claimRecheck)
		select {
		case <-issued:
		case <-recheck.C:
		case <-deadline.C:
			wait = 0 // one last look, then answer
		case <-a.stopping:
			wait = 0 // the server is shutting down
		case <-ctx.Done():
			recheck.Stop()
			return http.StatusOK, claimAnswer{Launches: []payload.Launch{}}, nil // the client is gone
		}
		recheck.Stop()
	}
}

// claimWait is how long a claim waits for seconds asked: at most
// MaxClaimWait, capped before it becomes a Duration, which a huge number
// would overflow.
func claimWait(seconds float64) time.Duration {
	return time.Duration(min(max(seconds, 0), MaxClaimWait.Seconds()) * float64(time.Second))
}

// ackRequest is the optional body of an acknowledgement.
type ackRequest struct {
	// Tenant, when given, must be the launch's; otherwise it is looked up.
	Tenant string `json:"tenant,omitempty"`
}

// ackAnswer is the answer of an acknowledgement.
type ackAnswer struct {
	Key           string    `json:"key"`
	InteractionID string    `json:"interactionId"`
	Attempt       int       `json:"attempt"`
	Tenant        string    `json:"tenant"`
	Queue         string    `json:"queue"`
	Deliveries    int       `json:"deliveries"`
	AckedAt       time.Time `json:"ackedAt"`
}

func (a *API) ackLaunch(ctx context.Context, r *http.Request) (int, any, error) {
	key := r.PathValue("key")
	if key == "" {
		key = r.PathValue("id") + "/" + r.PathValue("attempt")
	}
	var req ackRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return 0, nil, err
		}
	}
	tenant := req.Tenant
	if tenant == "" {
		// The key names the launch; a launch of another tenant is not
		// found, as any id of another tenant is, whoever owns it.
		l, err := a.platform.Launch(ctx, key)
		if err != nil {
			return 0, nil, err
		}
		if err := authorize(ctx, l.Tenant, access.Change); err != nil {
			return 0, nil, notFoundIfOther(err, status.Errorf(status.InteractionNotFound, "no launch %q", key))
		}
		tenant = l.Tenant
	} else if err := authorize(ctx, tenant, access.Change); err != nil {
		return 0, nil, err
	}
	l, err := a.platform.AckLaunch(ctx, tenant, key)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ackAnswer{Key: l.Key, InteractionID: l.InteractionID, Attempt: l.Attempt, Tenant: l.Tenant,
		Queue: l.Queue, Deliveries: l.Deliveries, AckedAt: l.AckedAt.UTC()}, nil
}

// Delivery is the JSON form of an outbox message.
type Delivery struct {
	ID            int64                `json:"id"`
	Destination   string               `json:"destination"`
	Key           string               `json:"key"`
	Type          callback.EventType   `json:"type"`
	InteractionID string               `json:"interactionId,omitempty"`
	State         callback.OutboxState `json:"state"`
	Attempts      int                  `json:"attempts"`
	CreatedAt     time.Time            `json:"createdAt"`
	NextAt        *time.Time           `json:"nextAt,omitempty"`
	ExpiresAt     *time.Time           `json:"expiresAt,omitempty"`
	SettledAt     *time.Time           `json:"settledAt,omitempty"`
	LastError     string               `json:"lastError,omitempty"`
	// Payload is the message as sent; it is left out (PayloadHidden) for a
	// principal without the contacts permission, as it carries numbers.
	Payload       json.RawMessage `json:"payload,omitempty"`
	PayloadHidden bool            `json:"payloadHidden,omitempty"`
}

// deliveriesAnswer is a page of deliveries; After continues it.
type deliveriesAnswer struct {
	Deliveries []Delivery `json:"deliveries"`
	// After is the id to pass as ?after= for the next page (0 when empty).
	After int64 `json:"after"`
}

func (a *API) listDeliveries(ctx context.Context, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	dq := callback.DeliveryQuery{Destination: q.Get("destination"), Key: q.Get("key"), InteractionID: q.Get("interactionId")}
	for _, s := range q["state"] {
		dq.States = append(dq.States, callback.OutboxState(s))
	}
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return 0, nil, badRequest{errors.New("after must be a whole number")}
		}
		dq.AfterID = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, nil, badRequest{errors.New("limit must be a positive whole number")}
		}
		dq.Limit = n
	}
	ms, err := a.platform.Deliveries(ctx, r.PathValue("tenant"), dq)
	if err != nil {
		return 0, nil, err
	}
	out := deliveriesAnswer{Deliveries: make([]Delivery, len(ms)), After: dq.AfterID}
	showPayload := access.From(ctx).Can(access.Contacts)
	for i, m := range ms {
		d := Delivery{ID: m.ID, Destination: m.Destination, Key: m.Key, Type: m.Type, InteractionID: m.InteractionID,
			State: m.State, Attempts: m.Attempts, CreatedAt: m.CreatedAt.UTC(), NextAt: payload.UTC(m.NextAt),
			ExpiresAt: payload.UTC(m.ExpiresAt), SettledAt: payload.UTC(m.SettledAt), LastError: m.LastError, PayloadHidden: !showPayload}
		if showPayload {
			d.Payload = json.RawMessage(m.Payload)
			if !json.Valid(d.Payload) {
				d.Payload, _ = json.Marshal(string(m.Payload))
			}
		}
		out.Deliveries[i] = d
		out.After = m.ID
	}
	return http.StatusOK, out, nil
}
