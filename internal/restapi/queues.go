package restapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/payload"
)

// The queue resources: a queue's live state, its operation mode, and the
// ACD statistics a CTI adapter pushes.

func (a *API) registerQueues(mux *http.ServeMux) {
	mux.Handle("GET /api/v1/tenants/{tenant}/queues/{queue}", a.tenantOp("GetQueue", access.Read, a.getQueue))
	mux.Handle("PUT /api/v1/tenants/{tenant}/queues/{queue}/mode", a.tenantOp("SetQueueMode", access.Change, a.setMode))
	mux.Handle("DELETE /api/v1/tenants/{tenant}/queues/{queue}/mode", a.tenantOp("ClearQueueMode", access.Change, a.clearMode))
	mux.Handle("POST /api/v1/tenants/{tenant}/queues/{queue}/acd", a.tenantOp("ReportACD", access.Change, a.reportACD))
}

// Queue is the JSON form of a queue's live state.
type Queue struct {
	Tenant      string             `json:"tenant"`
	Queue       string             `json:"queue"`
	Mode        callback.Mode      `json:"mode"`
	ModeStatus  string             `json:"modeStatus"`
	Manual      *ManualMode        `json:"manual,omitempty"`
	QueueMode   callback.QueueMode `json:"queueMode"`
	Open        bool               `json:"open"`
	EWT         int64              `json:"ewtSeconds"`
	EWT95       int64              `json:"ewt95Seconds"`
	Seeded      bool               `json:"ewtSeeded"`
	LiveCallers int                `json:"liveCallers"`
	PendingASAP int                `json:"pendingAsap"`
	Scheduled   int                `json:"scheduled"`
	Dialling    int                `json:"launched"`
	Agents      Agents             `json:"agents"`
	Rates       map[string]float64 `json:"rates"`
}

// ManualMode is a mode set by hand.
type ManualMode struct {
	Mode  callback.Mode `json:"mode"`
	SetAt time.Time     `json:"setAt"`
	Until *time.Time    `json:"until,omitempty"`
	By    string        `json:"by,omitempty"`
}

// Agents is the latest ACD report; Known is false until an adapter has
// pushed one (the counts are then 0).
type Agents struct {
	Known     bool `json:"known"`
	Staffed   int  `json:"staffed"`
	Available int  `json:"available"`
}

func (a *API) getQueue(ctx context.Context, r *http.Request) (int, any, error) {
	st, err := a.platform.QueueStatusOf(ctx, r.PathValue("tenant"), r.PathValue("queue"))
	if err != nil {
		return 0, nil, err
	}
	out := Queue{
		Tenant: st.Tenant, Queue: st.Queue, Mode: st.Mode, ModeStatus: st.ModeStatus, QueueMode: st.QueueMode,
		Open: st.Open, EWT: secs(st.EWT), EWT95: secs(st.EWT95), Seeded: st.Seeded,
		LiveCallers: st.LiveCallers, PendingASAP: st.PendingASAP, Scheduled: st.Scheduled, Dialling: st.Dialling,
		Rates: map[string]float64{"answersPerSecond": st.ServiceRate, "abandonsPerSecondPerCaller": st.AbandonRate},
	}
	if st.Manual != nil {
		out.Manual = manualJSON(st.Manual)
	}
	out.Agents = Agents{Known: st.StaffingKnown, Staffed: st.Staffed, Available: st.Available}
	return http.StatusOK, out, nil
}

func manualJSON(o *callback.ModeOverride) *ManualMode {
	return &ManualMode{Mode: o.Mode, SetAt: o.SetAt, Until: payload.UTC(o.Until), By: o.By}
}

func secs(d time.Duration) int64 { return int64(d.Round(time.Second) / time.Second) }

// modeRequest is the body of PUT .../mode.
type modeRequest struct {
	Mode  string     `json:"mode"`
	Until *time.Time `json:"until,omitempty"`
	By    string     `json:"by,omitempty"`
}

// modeAnswer is the answer of the mode endpoints.
type modeAnswer struct {
	Mode       callback.Mode `json:"mode"`
	ModeStatus string        `json:"modeStatus"`
	Manual     *ManualMode   `json:"manual,omitempty"`
}

func modeJSON(m *callback.ModeInfo) modeAnswer {
	out := modeAnswer{Mode: m.Mode, ModeStatus: m.ModeStatus}
	if m.Manual != nil {
		out.Manual = manualJSON(m.Manual)
	}
	return out
}

func (a *API) setMode(ctx context.Context, r *http.Request) (int, any, error) {
	var req modeRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Mode == "" {
		return 0, nil, badRequest{errors.New(`"mode" is required`)}
	}
	var until time.Time
	if req.Until != nil {
		if err := callback.CheckTime("until", *req.Until); err != nil {
			return 0, nil, err
		}
		until = *req.Until
	}
	m, err := a.platform.SetMode(ctx, r.PathValue("tenant"), r.PathValue("queue"), req.Mode, until, byOrToken(ctx, req.By))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, modeJSON(m), nil
}

func (a *API) clearMode(ctx context.Context, r *http.Request) (int, any, error) {
	m, err := a.platform.ClearMode(ctx, r.PathValue("tenant"), r.PathValue("queue"), byOrToken(ctx, r.URL.Query().Get("by")))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, modeJSON(m), nil
}

// acdRequest is what a CTI adapter reports.
type acdRequest struct {
	AgentsStaffed   *int `json:"agentsStaffed"`
	AgentsAvailable *int `json:"agentsAvailable"`
}

func (a *API) reportACD(ctx context.Context, r *http.Request) (int, any, error) {
	var req acdRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	if req.AgentsStaffed == nil || req.AgentsAvailable == nil {
		return 0, nil, badRequest{errors.New(`"agentsStaffed" and "agentsAvailable" are required`)}
	}
	if err := a.platform.Staffing(ctx, r.PathValue("tenant"), r.PathValue("queue"), *req.AgentsStaffed, *req.AgentsAvailable); err != nil {
		return 0, nil, err
	}
	return a.getQueue(ctx, r)
}

// byOrToken is who made a change: as the request says, or its principal's
// name when it was authenticated by a credential.
func byOrToken(ctx context.Context, by string) string {
	if p := access.From(ctx); by == "" && p != nil && p.Kind() != access.KindOpen {
		return p.Name()
	}
	return by
}
