// Package restapi is the REST API used by supervisors' tools, operators and
// web or mobile integrators that prefer JSON resources to the PTK, and by
// dialers claiming launches. It calls the same domain methods as the PTK
// front. (internal/console is kept for the supervisors' web console.)
package restapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/payload"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/strictjson"
	"github.com/holdline/holdline/internal/userdata"
)

// Observer is told about every API operation, for metrics.
type Observer interface {
	ObserveRequest(method string, code status.Code, took time.Duration)
}

// API serves the REST resources under /api/v1/.
type API struct {
	platform Parts
	log      *slog.Logger
	observe  Observer
	newID    func() string

	// stopping is closed when the server begins to shut down: long polls answer.
	stopping chan struct{}
	stopOnce sync.Once
}

// NewAPI returns the REST API on top of platform. newID makes request ids.
func NewAPI(platform Parts, log *slog.Logger, observe Observer, newID func() string) *API {
	return &API{platform: platform, log: log, observe: observe, newID: newID, stopping: make(chan struct{})}
}

// Shutdown makes the requests that wait (launch claims) answer at once; the
// server calls it when it begins to shut down.
func (a *API) Shutdown() { a.stopOnce.Do(func() { close(a.stopping) }) }

// maxBody bounds a JSON request body.
const maxBody = 1 << 20

// Register adds the API's routes to mux.
func (a *API) Register(mux *http.ServeMux) {
	mux.Handle("POST /api/v1/tenants/{tenant}/callbacks", a.tenantOp("RegisterCallback", access.Change, a.registerCallback))
	mux.Handle("GET /api/v1/tenants/{tenant}/interactions/{id}", a.tenantOp("GetInteraction", access.Read, a.getInteraction))
	mux.Handle("POST /api/v1/tenants/{tenant}/interactions/{id}/cancel", a.tenantOp("CancelInteraction", access.Change, a.cancel))
	mux.Handle("POST /api/v1/tenants/{tenant}/interactions/{id}/userdata", a.tenantOp("UpdateUserData", access.Change, a.updateUserData))
	a.registerQueues(mux)
	a.registerLaunches(mux)
}

// handlerFunc answers one operation: a value to encode with the HTTP status, or an error.
type handlerFunc func(ctx context.Context, r *http.Request) (int, any, error)

// tenantOp wraps an operation on the tenant its path names ({tenant}, as the
// router decoded it, which the handler passes on to the platform): the
// principal must be allowed need on it before anything else is done.
func (a *API) tenantOp(name string, need access.Permission, h handlerFunc) http.Handler {
	return a.op(name, func(ctx context.Context, r *http.Request) (int, any, error) {
		if err := authorize(ctx, r.PathValue("tenant"), need); err != nil {
			return 0, nil, err
		}
		return h(ctx, r)
	})
}

// op wraps an operation: request id, origin for the history, body limit,
// error mapping, logging and metrics.
func (a *API) op(name string, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		reqID := a.newID()
		ctx := callback.WithOrigin(r.Context(), callback.Origin{Method: name, RequestID: reqID})
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		httpStatus, body, err := h(ctx, r)
		code := status.Of(err)
		var br badRequest
		var ae *callback.ArgumentError
		if errors.As(err, &ae) {
			// A value out of the domain's bounds: a malformed body, in the JSON's words.
			err = badRequest{errors.New(argumentMessage(ae))}
		}
		switch {
		case errors.Is(err, access.ErrDenied):
			code = 0
			httpStatus = http.StatusForbidden
			body = errorBody{Name: "Forbidden", Message: err.Error(), RequestID: reqID}
			a.log.InfoContext(ctx, "api request refused", "op", name, "request", reqID, "err", err)
		case errors.As(err, &br):
			// Not a PTK refusal: the body could not be read at all.
			code = 0
			httpStatus = http.StatusBadRequest
			body = errorBody{Name: "InvalidRequest", Message: br.Error(), RequestID: reqID}
		case err != nil:
			httpStatus = httpStatusOf(code)
			body = errorBody{Code: int(code), Name: code.Name(), Message: messageOf(err), RequestID: reqID}
			switch {
			case ctx.Err() != nil && errors.Is(err, ctx.Err()):
				// The client went away before the answer: nothing failed on our side.
				a.log.InfoContext(ctx, "api request abandoned by the client", "op", name, "request", reqID, "err", err)
			case code == status.UnexpectedError:
				a.log.ErrorContext(ctx, "api request failed", "op", name, "request", reqID, "err", err)
			default:
				a.log.InfoContext(ctx, "api request refused", "op", name, "request", reqID, "code", code, "err", err)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", reqID)
		if httpStatus == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(httpStatus)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(body); err != nil {
			a.log.WarnContext(ctx, "api response not written", "op", name, "err", err)
		}
		if a.observe != nil {
			a.observe.ObserveRequest(name, code, time.Since(start))
		}
	})
}

// errorBody is the JSON answer of a failed operation: the PTK status code
// and its name, or no code and the name InvalidRequest when the request body
// could not be decoded.
type errorBody struct {
	Code      int    `json:"code,omitempty"`
	Name      string `json:"name"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
}

// argumentMessage words the domain's refusal of an argument with the JSON
// body's field names and units.
func argumentMessage(ae *callback.ArgumentError) string {
	switch ae.Arg {
	case callback.ArgClaimMax:
		return fmt.Sprintf(`"max" must be 1 to %d`, callback.MaxClaim)
	case callback.ArgClaimLease:
		return fmt.Sprintf(`"leaseSeconds" must be %d to %d`, int(callback.MinLease.Seconds()), int(callback.MaxLease.Seconds()))
	}
	return ae.Msg
}

// badRequest marks a body the API could not decode.
type badRequest struct{ err error }

// Error says what is wrong; a decoder's message may quote the client's
// input (an unknown field's name), so it is cut to status.MaxMessage.
func (b badRequest) Error() string {
	return "request body: " + status.Clip(b.err.Error(), status.MaxMessage)
}

func messageOf(err error) string {
	if m := status.Message(err); m != "" {
		return m
	}
	return status.Of(err).Description()
}

// retryAfter is the Retry-After (seconds) of a 503: the platform cannot
// serve the request now (its store refuses writes) but may soon.
const retryAfter = "5"

// httpStatusOf is the one table from PTK status codes to HTTP statuses.
func httpStatusOf(code status.Code) int {
	switch {
	case code == status.InteractionNotFound || code == status.InvalidTenant || code == status.ContactNotFound ||
		code == status.QueueIDNotFound:
		return http.StatusNotFound
	case code == status.UnexpectedError:
		return http.StatusInternalServerError
	case code == status.PlatformUnavailable || code == status.ResourcesUnavailable:
		return http.StatusServiceUnavailable
	case code >= 108000 && code < 109000, code == status.InvalidOperationModeReturned:
		return http.StatusBadRequest
	default:
		// Refusals by state, mode, capacity or licence: the request was
		// understood but conflicts with the platform's current state.
		return http.StatusConflict
	}
}

// decode reads a JSON body into v: bounded and strict (internal/strictjson:
// size, tokens, depth, no key written twice, nothing after the object) and
// with no field v does not know. User data past its limits, found while
// decoding (userdata.List stops at the first pair or list too many), is the
// PTK's refusal 108040, as it would be once merged; anything else that
// cannot be read is an InvalidRequest.
func decode(r *http.Request, v any) error {
	data, err := strictjson.Read(r.Body, strictjson.Limits{MaxBytes: maxBody})
	if err != nil {
		return badRequest{err}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return badRequest{errors.New("empty body; a JSON object is required")}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, userdata.ErrInvalid) {
			return status.Wrap(status.UserDataFailedValidation, err, err.Error())
		}
		return badRequest{err}
	}
	return nil
}

// registerRequest is the body of POST /api/v1/tenants/{tenant}/callbacks.
type registerRequest struct {
	Segment           string        `json:"segment"`
	Contact           string        `json:"contact"`
	AppointmentTime   *time.Time    `json:"appointmentTime,omitempty"`
	SourceApplication string        `json:"sourceApplication,omitempty"`
	ClientID          string        `json:"clientId,omitempty"`
	UserData          userdata.List `json:"userData,omitempty"`
}

func (a *API) registerCallback(ctx context.Context, r *http.Request) (int, any, error) {
	var req registerRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	p := callback.AddParams{
		Tenant: r.PathValue("tenant"), Segment: req.Segment, Contact: req.Contact,
		SourceApplication: req.SourceApplication, ClientID: req.ClientID, UserData: req.UserData,
	}
	if req.AppointmentTime != nil {
		// A time that is given is a booking: the zero time is refused, not
		// read as "ASAP".
		if err := callback.CheckTime("appointmentTime", *req.AppointmentTime); err != nil {
			return 0, nil, err
		}
		p.AppointmentTime = *req.AppointmentTime
	}
	it, err := a.platform.AddCallback(ctx, p)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, interactionJSON(ctx, it, nil), nil
}

func (a *API) getInteraction(ctx context.Context, r *http.Request) (int, any, error) {
	it, hist, err := a.platform.Get(ctx, r.PathValue("tenant"), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, interactionJSON(ctx, it, hist), nil
}

// cancelRequest is the body of POST .../cancel.
type cancelRequest struct {
	CancelledBy string `json:"cancelledBy"`
}

func (a *API) cancel(ctx context.Context, r *http.Request) (int, any, error) {
	req := cancelRequest{CancelledBy: "EyeQueue"}
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return 0, nil, err
		}
	}
	it, err := a.platform.Cancel(ctx, r.PathValue("tenant"), r.PathValue("id"), req.CancelledBy)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, interactionJSON(ctx, it, nil), nil
}

// userDataRequest is the body of POST .../userdata.
type userDataRequest struct {
	UserData userdata.List `json:"userData"`
}

func (a *API) updateUserData(ctx context.Context, r *http.Request) (int, any, error) {
	var req userDataRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	it, err := a.platform.UpdateUserData(ctx, r.PathValue("tenant"), r.PathValue("id"), req.UserData)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, interactionJSON(ctx, it, nil), nil
}

// interactionJSON is the JSON view of it (with its history when given), as
// the request's principal may see it: the type as the PTK spells it, the
// contact masked without the contacts permission.
func interactionJSON(ctx context.Context, it *callback.Interaction, hist []callback.Record) payload.Interaction {
	return payload.InteractionOf(it, payload.View{Types: payload.PTKTypes, Contact: access.From(ctx).Contact, History: hist})
}
