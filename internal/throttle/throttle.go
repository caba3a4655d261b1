// Package throttle limits how fast each client may call a front: a token
// bucket per principal (a bearer token or a PTK credential) and per remote
// address for requests without credentials, with a much smaller bucket for
// failed authentications. It decides who the client is from the connection,
// believing X-Forwarded-For only from trusted proxies. The loopback
// address and the exempt ones are never limited (a local IVR, benchmarks).
// Buckets live in the process: with several nodes each node limits alone.
package throttle

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/holdline/holdline/internal/access"
)

// Rate is a token bucket's refill rate and size; a PerSecond of 0 turns the
// limit off.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Off reports whether the rate limits nothing.
func (r Rate) Off() bool { return r.PerSecond <= 0 }

// Class is which bucket a request was counted in.
type Class string

// The classes of buckets.
const (
	// ClassPrincipal counts the requests of one token or credential.
	ClassPrincipal Class = "principal"
	// ClassAddress counts the requests without credentials of one address
	// (an IPv6 address by its /64).
	ClassAddress Class = "address"
	// ClassFailedAuth counts one address's failed authentications.
	ClassFailedAuth Class = "failedAuth"
)

// Config is what the limiter enforces.
type Config struct {
	// Principal is each principal's rate on each front.
	Principal Rate
	// Address is each address's rate, per front, for requests without credentials.
	Address Rate
	// FailedAuth is each address's rate of failed authentications.
	FailedAuth Rate
	// Exempt are addresses never limited, besides loopback.
	Exempt []netip.Prefix
	// TrustedProxies are the proxies whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
}

// Defaults: generous for an IVR farm behind one address, tight for guessing.
var (
	DefaultPrincipal  = Rate{PerSecond: 1000, Burst: 2000}
	DefaultAddress    = Rate{PerSecond: 200, Burst: 400}
	DefaultFailedAuth = Rate{PerSecond: 1, Burst: 20}
)

// DefaultConfig is the limiter's configuration when none is given.
func DefaultConfig() Config {
	return Config{Principal: DefaultPrincipal, Address: DefaultAddress, FailedAuth: DefaultFailedAuth}
}

// maxBuckets bounds the buckets kept: past it, full ones (which a fresh
// bucket equals) are dropped, then any.
const maxBuckets = 100_000

// Observer is told of every request refused, for metrics.
type Observer interface {
	ObserveLimited(front string, class Class)
}

// Limiter holds the buckets. Its configuration can be replaced while it
// serves (a reload); the buckets are kept.
type Limiter struct {
	cfg     atomic.Pointer[Config]
	now     func() time.Time
	observe Observer

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// New returns a limiter; now is the clock (time.Now when nil), observe
// may be nil.
func New(cfg Config, now func() time.Time, observe Observer) *Limiter {
	if now == nil {
		now = time.Now
	}
	l := &Limiter{now: now, observe: observe, buckets: map[string]*bucket{}}
	l.SetConfig(cfg)
	return l
}

// SetConfig replaces the rates, the exempt addresses and the trusted proxies.
func (l *Limiter) SetConfig(cfg Config) { l.cfg.Store(&cfg) }

// Allow counts a request of p (nil or access.Open: a request without
// credentials) on front, and returns how long to wait when it is over its
// rate.
func (l *Limiter) Allow(r *http.Request, front string, p *access.Principal) (retryAfter time.Duration, ok bool) {
	cfg := l.cfg.Load()
	addr := ClientAddr(r, cfg.TrustedProxies)
	if exempt(addr, cfg) {
		return 0, true
	}
	if p != nil && p.Kind() != access.KindOpen {
		return l.take(front, ClassPrincipal, string(p.Kind())+":"+p.Name(), cfg.Principal)
	}
	return l.take(front, ClassAddress, addressKey(addr), cfg.Address)
}

// Failed counts a failed authentication from the request's address, and
// returns how long to wait when the address has failed too often: its
// further attempts are refused without being checked.
func (l *Limiter) Failed(r *http.Request, front string) (retryAfter time.Duration, ok bool) {
	cfg := l.cfg.Load()
	addr := ClientAddr(r, cfg.TrustedProxies)
	if exempt(addr, cfg) {
		return 0, true
	}
	return l.take(front, ClassFailedAuth, addressKey(addr), cfg.FailedAuth)
}

// Blocked reports whether the request's address has used up its failed
// authentications, without counting the request: its attempts are then
// refused before any work is spent on them.
func (l *Limiter) Blocked(r *http.Request, front string) (retryAfter time.Duration, blocked bool) {
	cfg := l.cfg.Load()
	addr := ClientAddr(r, cfg.TrustedProxies)
	if exempt(addr, cfg) || cfg.FailedAuth.Off() {
		return 0, false
	}
	id := front + "|" + string(ClassFailedAuth) + "|" + addressKey(addr)
	now := l.now()
	l.mu.Lock()
	b := l.buckets[id]
	var tokens float64
	if b != nil {
		tokens = math.Min(float64(max(cfg.FailedAuth.Burst, 1)), b.tokens+now.Sub(b.at).Seconds()*cfg.FailedAuth.PerSecond)
	}
	l.mu.Unlock()
	if b == nil || tokens >= 1 {
		return 0, false
	}
	if l.observe != nil {
		l.observe.ObserveLimited(front, ClassFailedAuth)
	}
	return time.Duration((1 - tokens) / cfg.FailedAuth.PerSecond * float64(time.Second)), true
}

// take takes a token from the bucket of key.
func (l *Limiter) take(front string, class Class, key string, rate Rate) (time.Duration, bool) {
	if rate.Off() {
		return 0, true
	}
	burst := float64(max(rate.Burst, 1))
	now := l.now()
	id := front + "|" + string(class) + "|" + key
	l.mu.Lock()
	b := l.buckets[id]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.prune(now, rate)
		}
		b = &bucket{tokens: burst, at: now}
		l.buckets[id] = b
	}
	b.tokens = math.Min(burst, b.tokens+now.Sub(b.at).Seconds()*rate.PerSecond)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		l.mu.Unlock()
		return 0, true
	}
	wait := time.Duration((1 - b.tokens) / rate.PerSecond * float64(time.Second))
	l.mu.Unlock()
	if l.observe != nil {
		l.observe.ObserveLimited(front, class)
	}
	return wait, false
}

// prune drops the buckets that have refilled (a fresh one is the same),
// and, if that is not enough, others. Called with l.mu held.
func (l *Limiter) prune(now time.Time, rate Rate) {
	for id, b := range l.buckets {
		if now.Sub(b.at).Seconds()*rate.PerSecond >= float64(rate.Burst) {
			delete(l.buckets, id)
		}
	}
	for id := range l.buckets {
		if len(l.buckets) < maxBuckets*9/10 {
			break
		}
		delete(l.buckets, id)
	}
}

// ClientAddr is the address of the client: the connection's peer, or, when
// the peer is a trusted proxy, the nearest address of X-Forwarded-For that
// is not one; the zero Addr when it cannot be read.
func ClientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	addr = addr.Unmap()
	if !contains(trusted, addr) {
		return addr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return addr // a hop that is not an address: stop believing
		}
		if hop = hop.Unmap(); !contains(trusted, hop) {
			return hop
		}
		addr = hop
	}
	return addr
}

func contains(prefixes []netip.Prefix, a netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// exempt reports whether addr is never limited: loopback (a local IVR, a
// benchmark) or listed.
func exempt(addr netip.Addr, cfg *Config) bool {
	return addr.IsLoopback() || contains(cfg.Exempt, addr)
}

// addressKey groups an address with its neighbours that one client
// controls: an IPv6 address by its /64, an IPv4 address alone.
func addressKey(a netip.Addr) string {
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// RetryAfter is the value of a Retry-After header for wait: whole seconds,
// at least 1.
func RetryAfter(wait time.Duration) string {
	return strconv.Itoa(max(int(math.Ceil(wait.Seconds())), 1))
}
