package ptk

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/throttle"
)

// Authentication of the SOAP front. With no PTK credential configured it is
// open, as the original product was (the operator keeps it behind network
// controls): every request acts as access.Open. With credentials, every
// request must carry one: HTTP Basic, checked before the body is read, or a
// WS-Security UsernameToken in the SOAP header, checked once the (bounded)
// envelope is decoded. A request without a good one is answered with a
// Client.Authentication fault and HTTP 401, and goes no further.

// The UsernameToken profile's password types; a Password without a Type is
// PasswordText.
const passwordDigestType = "#PasswordDigest"

// SetCredentials replaces the PTK credentials (a configuration reload);
// none leaves the SOAP front open. The nonces seen so far stay seen.
func (h *Handler) SetCredentials(c *access.Credentials) {
	if c == nil {
		c = access.NewCredentials(nil, nil)
	}
	c.KeepNoncesOf(h.creds.Load())
	h.creds.Store(c)
}

// Open reports whether the SOAP front takes requests without credentials.
func (h *Handler) Open() bool { return h.creds.Load().Empty() }

// authenticateBasic checks the request's HTTP Basic credentials, before its
// body is read. It returns the principal, or nil with no error when the
// request carries no Basic credentials (a UsernameToken may follow).
func (h *Handler) authenticateBasic(ctx context.Context, r *http.Request) (*access.Principal, error) {
	creds := h.creds.Load()
	if creds.Empty() {
		return access.Open, nil
	}
	user, password, ok := r.BasicAuth()
	if !ok {
		return nil, nil
	}
	return creds.Basic(ctx, user, password)
}

// authenticateToken checks the UsernameToken of a decoded envelope.
func (h *Handler) authenticateToken(ctx context.Context, env *Envelope) (*access.Principal, error) {
	tok := env.Security.Child("UsernameToken")
	if tok == nil {
		return nil, errors.New("credentials are required: HTTP Basic, or a WS-Security UsernameToken in the SOAP header")
	}
	pw := tok.Child("Password")
	typ, _ := pw.Attr("Type")
	return h.creds.Load().Token(ctx, access.UsernameToken{
		Username: strings.TrimSpace(tok.Child("Username").textOrEmpty()),
		Password: pw.textOrEmpty(),
		Digest:   strings.HasSuffix(strings.TrimSpace(typ), passwordDigestType),
		Nonce:    tok.Child("Nonce").textOrEmpty(),
		Created:  tok.Child("Created").textOrEmpty(),
	})
}

// authenticationFault is the answer to a request without a good credential.
func authenticationFault(err error) *Fault {
	sub := SubcodeAuthentication
	if errors.Is(err, access.ErrExpired) {
		sub = SubcodeExpired
	}
	reason := err.Error()
	if !errors.Is(err, access.ErrAuthentication) {
		reason = "authentication failed: " + reason
	}
	return &Fault{Code: FaultClient, Subcode: sub, Reason: reason, Err: err}
}

// versionOfContentType guesses the SOAP version of a request not read yet,
// to answer a fault in it.
func versionOfContentType(r *http.Request) Version {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Type"))), "application/soap+xml") {
		return SOAP12
	}
	return SOAP11
}

// authFault answers a request without a good credential: HTTP 401 with a
// Client.Authentication fault, and the Basic challenge; or, when its
// address has failed too often, 429.
func (h *Handler) authFault(ex *exchange, v Version, r *http.Request, err error) {
	if h.limiter != nil {
		if wait, ok := h.limiter.Failed(r, front); !ok {
			ex.tooMany(v, wait)
			return
		}
	}
	ex.w.Header().Set("WWW-Authenticate", `Basic realm="holdline PTK", charset="UTF-8"`)
	ex.fault(v, "", authenticationFault(err), http.StatusUnauthorized)
}

// blocked answers 429 to a request from an address that has failed to
// authenticate too often, while credentials are required.
func (h *Handler) blocked(ex *exchange, v Version, r *http.Request) bool {
	if h.limiter == nil || h.Open() {
		return false
	}
	wait, blocked := h.limiter.Blocked(r, front)
	if blocked {
		ex.tooMany(v, wait)
	}
	return blocked
}

// allow counts a request of who (access.Open or nil: counted by its
// address) and answers it 429 when its client is over its rate.
func (h *Handler) allow(ex *exchange, v Version, r *http.Request, who *access.Principal) bool {
	if h.limiter == nil {
		return true
	}
	wait, ok := h.limiter.Allow(r, front, who)
	if !ok {
		ex.tooMany(v, wait)
	}
	return ok
}

// tooMany answers a request over its client's rate: HTTP 429 with
// Retry-After and a Server fault saying when to try again.
func (ex *exchange) tooMany(v Version, wait time.Duration) {
	secs := throttle.RetryAfter(wait)
	ex.w.Header().Set("Retry-After", secs)
	ex.fault(v, "", &Fault{Code: FaultServer, Reason: "too many requests from this client: retry after " + secs + " s"}, http.StatusTooManyRequests)
}

// authorize applies the authorization rule to the tenant params name. A
// method without a tenant (GetVersion) only needs a principal; one whose
// tenant is optional (GetSegments, GetStatus) answers, without a tenant,
// with the principal's tenants only (calls.go).
func authorize(ctx context.Context, op *Operation, params any) error {
	p := access.From(ctx)
	tenant, takes := op.TenantOf(params)
	switch {
	case !takes && p != nil:
		return nil
	case takes && op.tenantOptional && strings.TrimSpace(tenant) == "" && p.Can(op.Need):
		return nil
	}
	return p.Allow(tenant, op.Need)
}

// Limiter decides whether a client may send one more request (a token
// bucket per principal, or per address without credentials), and how fast
// an address may fail to authenticate.
type Limiter interface {
	Allow(r *http.Request, front string, p *access.Principal) (retryAfter time.Duration, ok bool)
	Failed(r *http.Request, front string) (retryAfter time.Duration, ok bool)
	Blocked(r *http.Request, front string) (retryAfter time.Duration, blocked bool)
}
