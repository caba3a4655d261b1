package access

import (
	"context"
	"crypto/sha1" // WS-Security's PasswordDigest is defined with SHA-1
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/holdline/holdline/internal/status"
)

// PTK credentials: usernames and passwords checked by HTTP Basic or by a
// WS-Security UsernameToken (PasswordText or PasswordDigest), each resolved
// to a Principal like a bearer token. The original product relied on
// network controls alone; a credential lets a deployment know who calls.

// Credential is a PTK credential as configured.
type Credential struct {
	// Name says whose credential it is (logs, the history's "by").
	Name string
	// Username is what the client sends.
	Username string
	// Secret is the password.
	Secret Secret
	// Tenants are the tenants it may act for; "*" is every tenant.
	Tenants []string
	// Permissions are what it may do there.
	Permissions Permission
	// Schemes are the ways it may be presented.
	Schemes Scheme
}

// UsernameToken is a WS-Security UsernameToken as a SOAP header carries it.
type UsernameToken struct {
	Username string
	// Password is the password (PasswordText) or the digest (PasswordDigest).
	Password string
	// Digest marks a PasswordDigest.
	Digest bool
	// Nonce is the Nonce element's text (base64), if any.
	Nonce string
	// Created is the Created element's text (an xsd:dateTime), if any.
	Created string
}

// Authentication failures. Every one matches ErrAuthentication.
var (
	// ErrAuthentication is a missing, unknown or wrong credential.
	ErrAuthentication = errors.New("authentication failed")
	// ErrExpired is a UsernameToken whose Created time is outside the window.
	ErrExpired = fmt.Errorf("%w: the security header has expired", ErrAuthentication)
)

// Limits of UsernameToken checking.
const (
	// CreatedWindow is how far a UsernameToken's Created may be from now,
	// either way: client clocks drift, replays age.
	CreatedWindow = 5 * time.Minute
	// maxNonces bounds the remembered nonces (each kept 2 × CreatedWindow).
	maxNonces = 1_000_000
	// maxCached bounds the remembered successful checks of expensive secrets.
	maxCached = 4096
	// cacheFor is how long a successful check of an expensive secret is remembered.
	cacheFor = 10 * time.Minute
)

// Credentials is the set of PTK credentials a server accepts, with the
// state their checking needs: the nonces seen (replays are refused) and the
// successful checks of bcrypt secrets (so that bcrypt costs a client once,
// not on every request). A reload builds a new set.
type Credentials struct {
	byUser map[string]*credential
	now    func() time.Time

	// nonces are the nonces seen; a reload hands them on (KeepNoncesOf).
	nonces *nonceMemory
	mu     sync.Mutex
	cached map[[sha256.Size]byte]time.Time
	// costly admits one bcrypt comparison at a time: failed guesses cannot
	// take more than one core, whatever their rate.
	costly chan struct{}
	// compared counts the bcrypt comparisons made.
	compared atomic.Int64
}

type credential struct {
	Credential
	principal *Principal
}

// NewCredentials returns the set of credentials; now is the clock
// (time.Now when nil). Usernames are matched exactly.
func NewCredentials(list []Credential, now func() time.Time) *Credentials {
	if now == nil {
		now = time.Now
	}
	c := &Credentials{byUser: map[string]*credential{}, now: now, nonces: &nonceMemory{seen: map[[16]byte]time.Time{}},
		cached: map[[sha256.Size]byte]time.Time{}, costly: make(chan struct{}, 1)}
	for _, cr := range list {
		c.byUser[cr.Username] = &credential{Credential: cr, principal: NewPrincipal(KindPTK, cr.Name, cr.Tenants, cr.Permissions)}
	}
	return c
}

// Empty reports whether no credential is configured (the front is open).
func (c *Credentials) Empty() bool { return c == nil || len(c.byUser) == 0 }

// Len is the number of credentials.
func (c *Credentials) Len() int {
	if c == nil {
		return 0
	}
	return len(c.byUser)
}

// Basic checks an HTTP Basic username and password.
func (c *Credentials) Basic(ctx context.Context, username, password string) (*Principal, error) {
	cr, err := c.lookup(username, SchemeBasic)
	if err != nil {
		return nil, err
	}
	return c.check(ctx, cr, password)
}

// Token checks a WS-Security UsernameToken. A Created time, when present
// (required with a digest), must be within CreatedWindow of now; a Nonce,
// when present (required with a digest), must not have been seen before.
func (c *Credentials) Token(ctx context.Context, tok UsernameToken) (*Principal, error) {
	scheme := SchemePasswordText
	if tok.Digest {
		scheme = SchemePasswordDigest
	}
	cr, err := c.lookup(tok.Username, scheme)
	if err != nil {
		return nil, err
	}
	var nonce []byte
	if tok.Nonce != "" {
		if nonce, err = base64.StdEncoding.DecodeString(strings.TrimSpace(tok.Nonce)); err != nil || len(nonce) == 0 || len(nonce) > 256 {
			return nil, fmt.Errorf("%w: the Nonce is not base64", ErrAuthentication)
		}
	}
	now := c.now()
	if tok.Digest && (nonce == nil || tok.Created == "") {
		return nil, fmt.Errorf("%w: a PasswordDigest needs a Nonce and a Created time", ErrAuthentication)
	}
	if tok.Created != "" {
		created, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(tok.Created))
		if err != nil {
			return nil, fmt.Errorf("%w: Created %s is not an xsd:dateTime", ErrAuthentication, status.Quote(tok.Created))
		}
		if d := now.Sub(created); d > CreatedWindow || d < -CreatedWindow {
			return nil, fmt.Errorf("%w: Created %s is more than %s from the server's time %s", ErrExpired,
				created.UTC().Format(time.RFC3339), CreatedWindow, now.UTC().Format(time.RFC3339))
		}
	}
	var p *Principal
	if tok.Digest {
		p, err = c.digest(cr, tok, nonce)
	} else {
		p, err = c.check(ctx, cr, tok.Password)
	}
	if err != nil {
		return nil, err
	}
	// Only a good token spends a nonce: a forged one cannot block the real.
	if nonce != nil {
		if err := c.spend(nonce, now); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// decoy is compared when a username is unknown.
var decoy = Secret{plain: "decoy-password-never-matched"}

// lookup finds the credential of username that may use scheme.
func (c *Credentials) lookup(username string, scheme Scheme) (*credential, error) {
	if c == nil {
		return nil, ErrAuthentication
	}
	cr := c.byUser[username]
	switch {
	case cr == nil:
		// As long as a wrong password takes: the time says nothing of
		// which usernames exist.
		decoy.matches(username)
		return nil, fmt.Errorf("%w: unknown username or wrong password", ErrAuthentication)
	case cr.Schemes&scheme == 0:
		return nil, fmt.Errorf("%w: the credential may not use %s (it may use %s)", ErrAuthentication, scheme, cr.Schemes)
	}
	return cr, nil
}

// check compares a password with the credential's secret; a bcrypt secret
// is compared once per password and then remembered for cacheFor.
func (c *Credentials) check(ctx context.Context, cr *credential, password string) (*Principal, error) {
	if !cr.Secret.expensive() {
		if cr.Secret.matches(password) {
			return cr.principal, nil
		}
		return nil, fmt.Errorf("%w: unknown username or wrong password", ErrAuthentication)
	}
	key := sha256.Sum256([]byte(cr.Username + "\x00" + password))
	now := c.now()
	c.mu.Lock()
	at, ok := c.cached[key]
	c.mu.Unlock()
	if ok && now.Sub(at) < cacheFor {
		return cr.principal, nil
	}
	select {
	case c.costly <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrAuthentication, ctx.Err())
	}
	good := cr.Secret.matches(password)
	c.compared.Add(1)
	<-c.costly
	if !good {
		return nil, fmt.Errorf("%w: unknown username or wrong password", ErrAuthentication)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cached) >= maxCached {
		for k, t := range c.cached {
			if now.Sub(t) >= cacheFor || len(c.cached) >= maxCached {
				delete(c.cached, k)
			}
		}
	}
	c.cached[key] = now
	return cr.principal, nil
}

// digest checks a PasswordDigest: Base64(SHA-1(nonce + created + password)).
func (c *Credentials) digest(cr *credential, tok UsernameToken, nonce []byte) (*Principal, error) {
	if cr.Secret.Hashed() {
		return nil, fmt.Errorf("%w: the credential's password is stored hashed, which cannot check a PasswordDigest", ErrAuthentication)
	}
	h := sha1.New()
	h.Write(nonce)
	h.Write([]byte(strings.TrimSpace(tok.Created)))
	h.Write([]byte(cr.Secret.plain))
	want := base64.StdEncoding.EncodeToString(h.Sum(nil))
	if subtle.ConstantTimeCompare([]byte(want), []byte(strings.TrimSpace(tok.Password))) != 1 {
		return nil, fmt.Errorf("%w: unknown username or wrong password", ErrAuthentication)
	}
	return cr.principal, nil
}

// KeepNoncesOf makes c remember the nonces old has seen, so a reload of
// the credentials opens no window for replays. Successful bcrypt checks
// are not handed on: a changed password must be checked anew.
func (c *Credentials) KeepNoncesOf(old *Credentials) {
	if c != nil && old != nil {
		c.nonces = old.nonces
	}
}

// nonceMemory remembers the nonces seen, each for twice the Created window.
type nonceMemory struct {
	mu   sync.Mutex
	seen map[[16]byte]time.Time
}

// spend remembers a nonce; a nonce seen before is a replay.
func (c *Credentials) spend(nonce []byte, now time.Time) error {
	sum := sha256.Sum256(nonce)
	var key [16]byte
	copy(key[:], sum[:])
	m := c.nonces
	m.mu.Lock()
	defer m.mu.Unlock()
	if at, seen := m.seen[key]; seen && now.Sub(at) < 2*CreatedWindow {
		return fmt.Errorf("%w: the Nonce was used before (a replay)", ErrAuthentication)
	}
	if len(m.seen) >= maxNonces {
		for k, at := range m.seen {
			if now.Sub(at) >= 2*CreatedWindow {
				delete(m.seen, k)
			}
		}
		if len(m.seen) >= maxNonces {
			return fmt.Errorf("%w: too many security headers in the last %s; try again", ErrAuthentication, 2*CreatedWindow)
		}
	}
	m.seen[key] = now
	return nil
}
