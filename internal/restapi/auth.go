package restapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/throttle"
)

// Authentication of the JSON API: configured bearer tokens, each resolved to
// an access.Principal. With no token configured the API is open (the
// embedded demo): every request acts as access.Open. With tokens, every
// request under /api/v1/ needs one (401 otherwise). Authentication decides
// only who the request is: which tenant it acts on is decided afterwards, by
// the handler that decodes the request, through access.Principal.Allow.

// Auth checks the bearer tokens of /api/v1/ requests, and how fast each
// client sends them. Its tokens can be replaced while it serves (SetTokens,
// on a configuration reload).
type Auth struct {
	tokens  atomic.Pointer[access.Tokens]
	limiter Limiter
	log     *slog.Logger
	newID   func() string
}

// Limiter decides whether a client may send one more request (a token
// bucket per principal, or per address without credentials), and how fast
// an address may fail to authenticate.
type Limiter interface {
	Allow(r *http.Request, front string, p *access.Principal) (retryAfter time.Duration, ok bool)
	Failed(r *http.Request, front string) (retryAfter time.Duration, ok bool)
}

// front names the JSON API in the limiter's buckets and metrics.
const front = "api"

// NewAuth returns the authentication of the JSON API; no tokens leaves it
// open. limiter may be nil (no limits).
func NewAuth(tokens *access.Tokens, limiter Limiter, log *slog.Logger, newID func() string) *Auth {
	a := &Auth{log: log, newID: newID, limiter: limiter}
	a.SetTokens(tokens)
	return a
}

// SetTokens replaces the accepted tokens; requests already authenticated
// keep the principal they were given.
func (a *Auth) SetTokens(tokens *access.Tokens) {
	if tokens == nil {
		tokens = access.NewTokens(nil)
	}
	a.tokens.Store(tokens)
}

// Open reports whether the API is open (no token configured).
func (a *Auth) Open() bool { return a == nil || a.tokens.Load().Empty() }

// apiPrefix is the path of everything Protect guards.
const apiPrefix = "/api/v1/"

// Protect guards next: a request under /api/v1/ carries the principal of
// its bearer token in its context (access.Open when no token is configured),
// or is answered 401. Other paths pass untouched: their fronts authenticate
// in their own way.
func (a *Auth) Protect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, apiPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		tokens := a.tokens.Load()
		p := access.Open
		if !tokens.Empty() {
			if p = tokens.Authenticate(bearer(r)); p == nil {
				if wait, ok := a.failed(r); !ok {
					a.tooMany(w, r, wait)
					return
				}
				w.Header().Set("WWW-Authenticate", `Bearer realm="holdline"`)
				a.refuse(w, r, http.StatusUnauthorized, "Unauthorized", "a valid bearer token is required (Authorization: Bearer TOKEN)")
				return
			}
		}
		if a.limiter != nil {
			if wait, ok := a.limiter.Allow(r, front, p); !ok {
				a.tooMany(w, r, wait)
				return
			}
		}
		// A compressed body is refused unread: inflating it is how a small
		// request becomes a huge one.
		if enc := strings.TrimSpace(r.Header.Get("Content-Encoding")); enc != "" && !strings.EqualFold(enc, "identity") {
			a.refuse(w, r, http.StatusUnsupportedMediaType, "UnsupportedMediaType",
				fmt.Sprintf("the request body's Content-Encoding %s is not supported: send it uncompressed", status.Quote(enc)))
			return
		}
		next.ServeHTTP(w, r.WithContext(access.WithPrincipal(r.Context(), p)))
	})
}

// failed counts a failed authentication of the request's address.
func (a *Auth) failed(r *http.Request) (time.Duration, bool) {
	if a.limiter == nil {
		return 0, true
	}
	return a.limiter.Failed(r, front)
}

// tooMany answers a request over its client's rate.
func (a *Auth) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := throttle.RetryAfter(wait)
	w.Header().Set("Retry-After", secs)
	a.refuse(w, r, http.StatusTooManyRequests, "TooManyRequests", "too many requests from this client: retry after "+secs+" s")
}

// bearer is the token of an "Authorization: Bearer TOKEN" header, or "".
func bearer(r *http.Request) string {
	scheme, raw, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(raw)
}

// authorize applies the authorization rule to tenant, decoded from the
// request by its handler, for the principal Protect put in ctx.
func authorize(ctx context.Context, tenant string, need access.Permission) error {
	return access.From(ctx).Allow(tenant, need)
}

// notFoundIfOther turns a refusal for another tenant into the answer an id
// of another tenant gets anywhere: not found, naming nobody.
func notFoundIfOther(err error, notFound error) error {
	var d *access.Denied
	if errors.As(err, &d) && d.OtherTenant {
		return notFound
	}
	return err
}

// refuse answers a request Protect stops, in the API's error shape.
func (a *Auth) refuse(w http.ResponseWriter, r *http.Request, code int, name, msg string) {
	id := a.newID()
	a.log.InfoContext(r.Context(), "api request refused", "status", code, "path", r.URL.Path, "request", id, "reason", msg)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", id)
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(errorBody{Name: name, Message: msg, RequestID: id})
}
