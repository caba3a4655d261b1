package access

import (
	"crypto/sha256"
	"crypto/subtle"
	"strings"
)

// Token is a bearer token of the JSON API, as configured.
type Token struct {
	// Name says whose token it is (logs, the history's "by").
	Name string
	// SHA256 is the token's digest: the configuration need not hold the token.
	SHA256 [sha256.Size]byte
	// Tenants are the tenants it may act for; "*" is every tenant.
	Tenants []string
	// Permissions are what it may do there.
	Permissions Permission
}

// Tokens is the set of bearer tokens a server accepts. It is immutable: a
// reload builds a new one.
type Tokens struct {
	tokens     []Token
	principals []*Principal
}

// NewTokens returns the set of tokens; none leaves the JSON API open.
func NewTokens(tokens []Token) *Tokens {
	s := &Tokens{tokens: append([]Token(nil), tokens...)}
	for _, t := range s.tokens {
		s.principals = append(s.principals, NewPrincipal(KindToken, t.Name, t.Tenants, t.Permissions))
	}
	return s
}

// Empty reports whether no token is configured (the API is open).
func (s *Tokens) Empty() bool { return s == nil || len(s.tokens) == 0 }

// Len is the number of tokens.
func (s *Tokens) Len() int {
	if s == nil {
		return 0
	}
	return len(s.tokens)
}

// Authenticate returns the principal of the bearer token raw, or nil when no
// configured token matches. Every configured digest is compared in constant
// time, so the time taken says nothing about which one is near.
func (s *Tokens) Authenticate(raw string) *Principal {
	raw = strings.TrimSpace(raw)
	if s == nil || raw == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(raw))
	var found *Principal
	for i := range s.tokens {
		if subtle.ConstantTimeCompare(sum[:], s.tokens[i].SHA256[:]) == 1 {
			found = s.principals[i]
		}
	}
	return found
}
