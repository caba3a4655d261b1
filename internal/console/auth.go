package console

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Authentication of the JSON API: configured bearer tokens, each scoped to
// tenants. With no token configured the API is open (the embedded demo).
// With tokens, every request under /api/v1/ needs one (401 otherwise) and
// may only touch its tenants' resources (403 otherwise): the tenant in the
// path, the Tenant of a PTK JSON request, the tenant of a launch claimed or
// acknowledged. The SOAP PTK is not under /api/v1/ and stays open, as in
// the original product.

// Token is a bearer token of the JSON API.
type Token struct {
	// Name says whose token it is.
	Name string
	// SHA256 is the token's digest.
	SHA256 [sha256.Size]byte
	// Tenants are the tenants it may act for; "*" is every tenant.
	Tenants []string
}

// AllTenants in Token.Tenants grants every tenant.
const AllTenants = "*"

// may reports whether the token may act for tenant.
func (t *Token) may(tenant string) bool {
	for _, name := range t.Tenants {
		if name == AllTenants || strings.EqualFold(name, tenant) {
			return true
		}
	}
	return false
}

// all reports whether the token may act for every tenant.
func (t *Token) all() bool {
	for _, name := range t.Tenants {
		if name == AllTenants {
			return true
		}
	}
	return false
}

// Auth checks the bearer tokens of /api/v1/ requests.
type Auth struct {
	tokens []Token
	log    *slog.Logger
	newID  func() string
}

// NewAuth returns the authentication of the JSON API; no tokens leaves it open.
func NewAuth(tokens []Token, log *slog.Logger, newID func() string) *Auth {
	return &Auth{tokens: tokens, log: log, newID: newID}
}

// Open reports whether the API is open (no token configured).
func (a *Auth) Open() bool { return a == nil || len(a.tokens) == 0 }

// apiPrefix is the path of everything Protect guards.
const apiPrefix = "/api/v1/"

type tokenKey struct{}

// tokenOf returns the token a request was authenticated with, or nil when
// the API is open.
func tokenOf(ctx context.Context) *Token {
	t, _ := ctx.Value(tokenKey{}).(*Token)
	return t
}

// errForbidden is an operation touching a tenant its token may not.
var errForbidden = errors.New("forbidden")

// authorize refuses tenant when the request's token may not act for it.
func authorize(ctx context.Context, tenant string) error {
	if t := tokenOf(ctx); t != nil && !t.may(tenant) {
		return forbidden{tenant: tenant, token: t.Name}
	}
	return nil
}

// forbidden is authorize's refusal; the op wrapper answers it with 403.
type forbidden struct{ tenant, token string }

func (f forbidden) Error() string {
	return "token " + f.token + " may not act for tenant " + strconv.Quote(f.tenant)
}

func (f forbidden) Is(target error) bool { return target == errForbidden }

// Protect guards next: requests under /api/v1/ need a valid bearer token,
// and the tenant they name in their path (or, for the PTK JSON mirror, in
// their body) must be one of the token's. Other paths pass untouched.
func (a *Auth) Protect(next http.Handler) http.Handler {
	if a.Open() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, apiPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		tok := a.token(r)
		if tok == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="holdline"`)
			a.refuse(w, r, http.StatusUnauthorized, "Unauthorized", "a valid bearer token is required (Authorization: Bearer TOKEN)")
			return
		}
		tenant, named, err := requestTenant(r, tok)
		if err != nil {
			a.refuse(w, r, http.StatusBadRequest, "InvalidRequest", err.Error())
			return
		}
		if named && !tok.may(tenant) {
			a.refuse(w, r, http.StatusForbidden, "Forbidden", forbidden{tenant: tenant, token: tok.Name}.Error())
			return
		}
		if !named && strings.HasPrefix(r.URL.Path, apiPrefix+"ptk/") && !tok.all() {
			a.refuse(w, r, http.StatusForbidden, "Forbidden", "token "+tok.Name+" is limited to some tenants: the request must name its Tenant")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenKey{}, tok)))
	})
}

// token returns the configured token the request carries, or nil. Every
// configured digest is compared, in constant time.
func (a *Auth) token(r *http.Request) *Token {
	scheme, raw, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(raw) == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(raw)))
	var found *Token
	for i := range a.tokens {
		if subtle.ConstantTimeCompare(sum[:], a.tokens[i].SHA256[:]) == 1 {
			found = &a.tokens[i]
		}
	}
	return found
}

// requestTenant finds the tenant a request names: the {tenant} of
// /api/v1/tenants/{tenant}/..., or the Tenant of a PTK JSON request (whose
// body is read and put back). named is false when it names none.
func requestTenant(r *http.Request, tok *Token) (tenant string, named bool, err error) {
	if rest, ok := strings.CutPrefix(r.URL.EscapedPath(), apiPrefix+"tenants/"); ok {
		seg, _, _ := strings.Cut(rest, "/")
		t, err := url.PathUnescape(seg)
		if err != nil {
			return "", false, errors.New("the tenant in the path is not a valid path segment")
		}
		return t, t != "", nil
	}
	if !strings.HasPrefix(r.URL.Path, apiPrefix+"ptk/") || r.Body == nil || tok.all() {
		return "", false, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return "", false, errors.New("the request body could not be read")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	tenant = bodyTenant(body)
	return tenant, tenant != "", nil
}

// bodyTenant is the Tenant of a PTK JSON request (its key in any case), or
// "" when there is none; a malformed body has none, and the PTK answers it.
func bodyTenant(body []byte) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return ""
	}
	for k, v := range fields {
		var s string
		if strings.EqualFold(k, "Tenant") && json.Unmarshal(v, &s) == nil && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
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
