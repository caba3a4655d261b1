package ptk

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/holdline/holdline/internal/access"
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
