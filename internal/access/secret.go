package access

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// How PTK credentials may be presented (schemes) and how their passwords
// are kept (secrets: as written, or hashed with SHA-256 or bcrypt).

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
