package ptk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/status"
)

// Paths the SOAP endpoint answers on.
const (
	// Path is the endpoint's path.
	Path = "/ptk"
	// PathASMX is the path ASMX-style clients of the original product call.
	PathASMX = "/PlatformToolkit.asmx"
	// PathJSON is the JSON mirror's route; {method} is the PTK method.
	PathJSON = "/api/v1/ptk/{method}"
)

// Observer is told about every request, for metrics: the method (the
// operation, or "fault" when it is not known), the status code (0 for a
// fault) and the time taken.
type Observer interface {
	ObserveRequest(method string, code status.Code, took time.Duration)
	// ObserveUndocumented counts a code the method answered that its table
	// (ops.go, docs/ptk.md) does not list as one it answers.
	ObserveUndocumented(method string, code status.Code)
}

// Config is what the PTK endpoint is built from.
type Config struct {
	// Platform is the domain (the platform's Lifecycle); required.
	Platform Domain
	// Logger receives refusals (info) and failures (error); default slog.Default().
	Logger *slog.Logger
	// Observer counts requests; optional.
	Observer Observer
	// NewID makes request ids (the Id or Guid of an answer); default uuid.NewString.
	NewID func() string
	// Limits bound one request; zero fields take the defaults (1 MiB, depth 64...).
	Limits Limits
	// Credentials are the SOAP front's; none leaves it open.
	Credentials *access.Credentials
	// Limiter bounds how fast each client may call; nil: no limits.
	Limiter Limiter
}

// front names the SOAP PTK in the limiter's buckets and metrics.
const front = "ptk"

// Handler serves the PTK: SOAP at Path and PathASMX (and the WSDL on GET
// ?wsdl), JSON at PathJSON.
type Handler struct {
	platform Domain
	log      *slog.Logger
	observer Observer
	newID    func() string
	limits   Limits
	creds    atomic.Pointer[access.Credentials]
	limiter  Limiter
}

// New returns the PTK endpoint.
func New(cfg Config) (*Handler, error) {
	if cfg.Platform == nil {
		return nil, errors.New("ptk: a platform is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.NewID == nil {
		cfg.NewID = uuid.NewString
	}
	h := &Handler{platform: cfg.Platform, log: cfg.Logger, observer: cfg.Observer, newID: cfg.NewID, limits: cfg.Limits.withDefaults(), limiter: cfg.Limiter}
	h.SetCredentials(cfg.Credentials)
	return h, nil
}

// Register mounts the SOAP endpoint (both paths, every HTTP method, so that
// a wrong one is answered with a fault) and the JSON mirror on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle(Path, h)
	mux.Handle(PathASMX, h)
	mux.Handle("POST "+PathJSON, http.HandlerFunc(h.serveJSON))
}

// ServeHTTP answers one SOAP (or bare XML) request, or the WSDL.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ex := h.begin(w, r)
	defer ex.recover()
	switch r.Method {
	case http.MethodPost:
	case http.MethodGet, http.MethodHead:
		if !h.allow(ex, Bare, r, nil) {
			return
		}
		if doc, ok := documentOf(r); ok {
			h.serveDocument(w, r, doc)
			return
		}
		ex.fault(Bare, "", clientFault("%s %s: send the request with POST; GET %s?wsdl serves the WSDL", status.Clip(r.Method, status.MaxQuoted), r.URL.Path, r.URL.Path), http.StatusInternalServerError)
		return
	default:
		w.Header().Set("Allow", "GET, POST")
		ex.fault(Bare, "", clientFault("HTTP method %s is not allowed: use POST (or GET ?wsdl)", status.Clip(r.Method, status.MaxQuoted)), http.StatusMethodNotAllowed)
		return
	}
	// A compressed body is refused unread: inflating it is how a small
	// request becomes a huge one.
	if enc := r.Header.Get("Content-Encoding"); !identity(enc) {
		ex.fault(versionOfContentType(r), "", clientFault("the request body's Content-Encoding %s is not supported: send it uncompressed", status.Quote(enc)), http.StatusUnsupportedMediaType)
		return
	}
	// An address that failed to authenticate too often, HTTP Basic, and the
	// client's rate are checked before any work is spent on the body; a
	// UsernameToken can only be once it is read.
	if h.blocked(ex, versionOfContentType(r), r) {
		return
	}
	who, err := h.authenticateBasic(r.Context(), r)
	if err != nil {
		h.authFault(ex, versionOfContentType(r), r, err)
		return
	}
	if who != nil && !h.allow(ex, versionOfContentType(r), r, who) {
		return
	}
	env, err := DecodeEnvelope(http.MaxBytesReader(w, r.Body, h.limits.MaxBody), h.limits)
	if env.Unqualified && strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Type"))), "application/soap+xml") {
		env.Version = SOAP12
	}
	if err != nil {
		ex.fault(env.Version, "", err, http.StatusInternalServerError)
		return
	}
	if who == nil {
		if who, err = h.authenticateToken(r.Context(), env); err != nil {
			h.authFault(ex, env.Version, r, err)
			return
		}
		if !h.allow(ex, env.Version, r, who) {
			return
		}
	}
	op, name, ok := Lookup(env.Op.Name)
	if !ok {
		ex.fault(env.Version, "", clientFault("unknown operation %s; known: %s", status.Quote(env.Op.Name), operationNames()), http.StatusInternalServerError)
		return
	}
	ctx := access.WithPrincipal(r.Context(), who)
	result, code, err := h.invoke(ctx, op, name, env.Op, ex.id)
	if err != nil {
		ex.fault(env.Version, op.Name, err, faultStatus(err))
		return
	}
	w.Header().Set("Content-Type", contentType(env.Version))
	ex.write(http.StatusOK, encodeAnswer(env.Version, env.Op.Space, result))
	ex.observe(op.Name, code)
}

// exchange is one HTTP request being answered: its id, start and writer.
type exchange struct {
	h       *Handler
	w       http.ResponseWriter
	r       *http.Request
	id      string
	start   time.Time
	written bool
}

func (h *Handler) begin(w http.ResponseWriter, r *http.Request) *exchange {
	ex := &exchange{h: h, w: w, r: r, id: h.newID(), start: time.Now()}
	w.Header().Set("X-Request-Id", ex.id)
	return ex
}

func (ex *exchange) write(code int, body []byte) {
	ex.written = true
	ex.w.WriteHeader(code)
	if _, err := ex.w.Write(body); err != nil {
		ex.h.log.WarnContext(ex.r.Context(), "ptk response not written", "request", ex.id, "err", err)
	}
}

func (ex *exchange) observe(method string, code status.Code) {
	if ex.h.observer != nil {
		ex.h.observer.ObserveRequest(method, code, time.Since(ex.start))
	}
}

// identity reports whether a Content-Encoding header leaves the body as it
// is (absent, or "identity").
func identity(encoding string) bool {
	e := strings.TrimSpace(encoding)
	return e == "" || strings.EqualFold(e, "identity")
}

// faultStatus is the HTTP status of a fault answering err: 403 for a
// request the authorization rule refuses, 500 for every other fault (SOAP
// 1.1 and WS-I Basic Profile).
func faultStatus(err error) int {
	if errors.Is(err, access.ErrDenied) {
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// fault answers err as a SOAP Fault of version v with HTTP status httpStatus.
// method is the operation when it is known.
func (ex *exchange) fault(v Version, method string, err error, httpStatus int) {
	var (
		f      *Fault
		denied *access.Denied
	)
	switch {
	case errors.As(err, &f):
	case errors.As(err, &denied):
		f = &Fault{Code: FaultClient, Subcode: SubcodeAuthorization, Reason: denied.Why, Err: err}
	default:
		f = &Fault{Code: FaultServer, Reason: "internal error", Err: err}
	}
	if f.Code == FaultServer {
		ex.h.log.ErrorContext(ex.r.Context(), "ptk request failed", "request", ex.id, "op", method, "err", err)
	} else {
		ex.h.log.InfoContext(ex.r.Context(), "ptk request rejected", "request", ex.id, "op", method, "fault", f.Reason)
	}
	ex.w.Header().Set("Content-Type", contentType(v))
	ex.write(httpStatus, encodeFault(v, f, ex.id))
	if method == "" {
		method = "fault"
	}
	ex.observe(method, 0)
}

// recover turns a panic into a Server fault (or a log line when the answer
// was already on its way), so no input can drop a connection.
func (ex *exchange) recover() {
	v := recover()
	if v == nil {
		return
	}
	if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
		panic(v)
	}
	err := fmt.Errorf("panic: %v", v)
	if ex.written {
		ex.h.log.ErrorContext(ex.r.Context(), "ptk handler panic after answering", "request", ex.id, "err", err)
		return
	}
	ex.fault(SOAP11, "", &Fault{Code: FaultServer, Reason: "internal error", Err: err}, http.StatusInternalServerError)
}

// invoke binds the request to the operation's parameters, authorizes it
// for the tenant those parameters name, calls the domain and builds the
// XResult element. A request the wire cannot bind is a *Fault, one the
// authorization rule refuses an *access.Denied; every other outcome is an
// answer with a status code.
func (h *Handler) invoke(ctx context.Context, op *Operation, name string, req *Node, reqID string) (*answer, status.Code, error) {
	params := op.newParams()
	var (
		result any
		err    = bindStruct(op.Params, reflect.ValueOf(params).Elem(), paramScopes(req), "")
	)
	var f *Fault
	if errors.As(err, &f) {
		return nil, 0, f
	}
	// The tenant is the one the domain will be called with: the params
	// just bound, not a second reading of the request.
	if denied := authorize(ctx, op, params); denied != nil {
		h.log.InfoContext(ctx, "ptk request refused", "op", op.Name, "request", reqID, "principal", access.From(ctx).Name(), "reason", denied)
		return nil, 0, denied
	}
	if err == nil {
		ctx = callback.WithOrigin(ctx, callback.Origin{Method: op.Name, RequestID: reqID})
		result, err = op.call(ctx, h.platform, params)
	}
	code := op.Success
	if sc, ok := result.(successCoder); ok {
		code = sc.successCode()
	}
	if err != nil {
		code = status.Of(err)
		h.logRefusal(ctx, op, reqID, code, err)
	}
	if !op.Documents(code) {
		h.undocumented(ctx, op, reqID, code, err)
	}
	return &answer{op: op, name: name, result: result, code: code, err: err, clientID: clientIDOf(req), reqID: reqID}, code, nil
}

// undocumented reports an answer whose code the method's table does not
// list: a client built from docs/ptk.md would not expect it, so the table
// (or the code) is wrong. Every test suite checks that none happens.
func (h *Handler) undocumented(ctx context.Context, op *Operation, reqID string, code status.Code, err error) {
	h.log.WarnContext(ctx, "ptk answered a code its table does not document", "op", op.Name, "request", reqID, "code", code, "err", err)
	if h.observer != nil {
		h.observer.ObserveUndocumented(op.Name, code)
	}
}

func (h *Handler) logRefusal(ctx context.Context, op *Operation, reqID string, code status.Code, err error) {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		// The client went away before the answer: nothing failed on our side.
		h.log.InfoContext(ctx, "ptk request abandoned by the client", "op", op.Name, "request", reqID, "err", err)
		return
	}
	if code == status.UnexpectedError {
		h.log.ErrorContext(ctx, "ptk request failed", "op", op.Name, "request", reqID, "code", code, "err", err)
		return
	}
	h.log.InfoContext(ctx, "ptk request refused", "op", op.Name, "request", reqID, "code", code, "err", err)
}

// paramScopes are where a request's parameters are looked for: inside the
// <data> wrapper when there is one, and directly in the operation element.
func paramScopes(req *Node) []*Node {
	for i, c := range req.Children {
		if strings.EqualFold(c.Name, "data") && len(c.Children) > 0 {
			// The wrapper is not a parameter itself (FindInteraction has Data values).
			rest := *req
			rest.Children = append(append([]*Node(nil), req.Children[:i]...), req.Children[i+1:]...)
			return []*Node{c, &rest}
		}
	}
	return []*Node{req}
}

// clientIDOf is the ClientId a classic answer echoes: Options/ClientId, or a
// ClientId anywhere in the request.
func clientIDOf(req *Node) string {
	return strings.TrimSpace(req.Find("ClientId").textOrEmpty())
}

// Header and head types of the two families, derived like the rest.
var (
	headerType    = mustType[header]()
	stateHeadType = mustType[stateHead]()
)

func mustType[T any]() *Type {
	t, err := types.typeOf(reflect.TypeFor[T]())
	if err != nil {
		panic(err)
	}
	return t
}

// answer is an operation's outcome: result is the operation's typed result,
// used only when err is nil.
type answer struct {
	op              *Operation
	name            string
	result          any
	code            status.Code
	err             error
	clientID, reqID string
}

// node is the answer's <nameResult> as a tree, for the JSON mirror: the
// element emit writes, read back, so that both fronts answer the same.
func (a *answer) node() (*Node, error) {
	var b bytes.Buffer
	a.emit(&emitter{b: &b})
	return rawTree(b.Bytes())
}

// emit writes <nameResult> for the answer.
func (a *answer) emit(e *emitter) {
	elem := a.name + "Result"
	e.start(elem)
	msg := status.Message(a.err)
	if sn, ok := a.result.(successNoticer); ok && a.err == nil {
		msg = sn.successNotice()
	}
	if a.op.Family == Classic {
		hd := header{ClientID: a.clientID, ID: a.reqID, Status: statusBlock{
			Code: int(a.code), Description: a.code.Description(), ErrorMessage: msg, Result: a.code.Name(),
		}}
		emitValue(e, "Header", headerType, reflect.ValueOf(hd))
		e.start("Data")
		if a.err == nil {
			emitStruct(e, a.op.Result, reflect.ValueOf(a.result))
		}
		e.end("Data")
		e.end(elem)
		return
	}
	head := reflect.ValueOf(stateHead{ResultCode: int(a.code), Result: a.code.Name(), Description: a.code.Description(), Guid: a.reqID, Detail: msg})
	// Both structs' attributes go on the start tag, before any element.
	emitAttrs(e, stateHeadType, head)
	if a.err == nil {
		emitAttrs(e, a.op.Result, reflect.ValueOf(a.result))
	}
	emitFields(e, stateHeadType, head)
	if a.err == nil {
		emitFields(e, a.op.Result, reflect.ValueOf(a.result))
	}
	e.end(elem)
}
