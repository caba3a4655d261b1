package access

import (
	"context"
	"crypto/sha1" // WS-Security's PasswordDigest is defined with SHA-1
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/holdline/holdline/internal/status"
)

// PTK credentials: usernames and passwords checked by HTTP Basic or by a
// WS-Security UsernameToken (PasswordText or PasswordDigest), each resolved
// to a Principal like a bearer token. The original product relied on
// network controls alone; a credential lets a deployment know who calls.

// Scheme is one way a PTK credential may be presented; a set is a bit mask.
type Scheme uint8

// The schemes.
const (
	// SchemeBasic is HTTP Basic authentication.
	SchemeBasic Scheme = 1 << iota
	// SchemePasswordText is a WS-Security UsernameToken with the password in clear.
	SchemePasswordText
	// SchemePasswordDigest is a WS-Security UsernameToken with
	// Base64(SHA-1(nonce + created + password)): the verifier needs the
	// password itself, so a hashed secret cannot serve it.
	SchemePasswordDigest

	// AllSchemes is every scheme.
	AllSchemes = SchemeBasic | SchemePasswordText | SchemePasswordDigest
)

// SchemeDoc describes one scheme, for configuration and docs.
type SchemeDoc struct {
	Scheme Scheme
	// Name is how configuration files write it.
	Name string
	// Means says what a client sends.
	Means string
}

// schemes is the one table of PTK credential schemes.
var schemes = []SchemeDoc{
	{SchemeBasic, "basic", "HTTP Basic: Authorization: Basic base64(username:password)"},
	{SchemePasswordText, "passwordText", "a WS-Security UsernameToken in the SOAP header with the password in clear (Type …#PasswordText)"},
	{SchemePasswordDigest, "passwordDigest", "a WS-Security UsernameToken with Base64(SHA-1(nonce + created + password)) (Type …#PasswordDigest), a Nonce and a Created time"},
}

// Schemes returns the table of schemes, in order.
func Schemes() []SchemeDoc { return append([]SchemeDoc(nil), schemes...) }

// ParseScheme reads a scheme's name, case-insensitively.
func ParseScheme(name string) (Scheme, bool) {
	for _, d := range schemes {
		if strings.EqualFold(strings.TrimSpace(name), d.Name) {
			return d.Scheme, true
		}
	}
	return 0, false
}

// SchemeNames lists the scheme names, for error messages.
func SchemeNames() string {
	names := make([]string, len(schemes))
	for i, d := range schemes {
		names[i] = d.Name
	}
	return strings.Join(names, ", ")
}

// String writes a set of schemes as their names joined by "+".
func (s Scheme) String() string {
	var names []string
	for _, d := range schemes {
		if s&d.Scheme != 0 {
			names = append(names, d.Name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "+")
}

// Secret is a stored password: the password itself, or its SHA-256 or
// bcrypt hash (so the configuration file need not hold it).
type Secret struct {
	plain  string
	sha256 *[sha256.Size]byte
	bcrypt []byte
}

// MinPasswordLength is the shortest password written in clear.
const MinPasswordLength = 12

// ParseSecret reads a password as configuration writes it: "sha256:<64 hex
// digits>", "bcrypt:<hash>" ($2a$, $2b$ or $2y$), or the password itself
// (at least MinPasswordLength characters).
func ParseSecret(s string) (Secret, error) {
	switch {
	case strings.HasPrefix(s, "sha256:"):
		b, err := hex.DecodeString(strings.TrimPrefix(s, "sha256:"))
		if err != nil || len(b) != sha256.Size {
			return Secret{}, errors.New("sha256: must be followed by 64 hex digits (the output of `printf %s PASSWORD | sha256sum`)")
		}
		var d [sha256.Size]byte
		copy(d[:], b)
		return Secret{sha256: &d}, nil
	case strings.HasPrefix(s, "bcrypt:"):
		h := []byte(strings.TrimPrefix(s, "bcrypt:"))
		if _, err := bcrypt.Cost(h); err != nil {
			return Secret{}, fmt.Errorf("bcrypt: must be followed by a bcrypt hash ($2b$10$…): %w", err)
		}
		return Secret{bcrypt: h}, nil
	case len(s) < MinPasswordLength:
		return Secret{}, fmt.Errorf("a password must be at least %d characters (or written as sha256:<hex> or bcrypt:<hash>)", MinPasswordLength)
	}
	return Secret{plain: s}, nil
}

// Hashed reports whether the secret is a hash (it cannot check a digest).
func (s Secret) Hashed() bool { return s.plain == "" }

// expensive reports whether checking the secret costs real CPU (bcrypt).
func (s Secret) expensive() bool { return s.bcrypt != nil }

// matches reports whether password is the secret's, in constant time for
// plain and SHA-256 secrets.
func (s Secret) matches(password string) bool {
	switch {
	case s.bcrypt != nil:
		return bcrypt.CompareHashAndPassword(s.bcrypt, []byte(password)) == nil
	case s.sha256 != nil:
		d := sha256.Sum256([]byte(password))
		return subtle.ConstantTimeCompare(d[:], s.sha256[:]) == 1
	}
	a, b := sha256.Sum256([]byte(password)), sha256.Sum256([]byte(s.plain))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

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
