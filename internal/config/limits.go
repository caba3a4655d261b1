package config

import (
	"fmt"
	"net/netip"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/holdline/holdline/internal/throttle"
)

// The limits section: how fast each client may call (docs/security.md).

// Bounds of a rate's keys.
const (
	maxRate  = 1_000_000
	maxBurst = 10_000_000
	// minBurst is the smallest bucket a rate gets when its burst is left out.
	minBurst = 20
)

// limits reads the limits section into l, which holds the defaults.
func (w *walker) limits(n *yaml.Node, path string, l *throttle.Config) {
	w.object(n, path, fields{
		"principal":  func(v *yaml.Node, p string) { w.rate(v, p, &l.Principal) },
		"address":    func(v *yaml.Node, p string) { w.rate(v, p, &l.Address) },
		"failedAuth": func(v *yaml.Node, p string) { w.rate(v, p, &l.FailedAuth) },
		"exempt":     func(v *yaml.Node, p string) { l.Exempt = w.prefixes(v, p) },
	})
}

// rate reads {rate, burst}: requests per second (0: no limit) and the
// bucket's size (default: twice the rate, at least minBurst).
func (w *walker) rate(n *yaml.Node, path string, r *throttle.Rate) {
	burstSet := false
	w.object(n, path, fields{
		"rate": func(v *yaml.Node, p string) {
			if i, ok := w.integer(v, p, 0, maxRate); ok {
				r.PerSecond = float64(i)
			}
		},
		"burst": func(v *yaml.Node, p string) {
			if i, ok := w.integer(v, p, 1, maxBurst); ok {
				r.Burst, burstSet = i, true
			}
		},
	})
	if !burstSet {
		r.Burst = max(int(2*r.PerSecond), minBurst)
	}
}

// prefixes reads a list of addresses ("192.0.2.7", "2001:db8::1") and
// networks ("10.0.0.0/8").
func (w *walker) prefixes(n *yaml.Node, path string) []netip.Prefix {
	var out []netip.Prefix
	w.textList(n, path, func(s string) error {
		p, err := parsePrefix(strings.TrimSpace(s))
		if err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	return out
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a network (as 10.0.0.0/8 or 2001:db8::/32)", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address or a network (as 192.0.2.7 or 10.0.0.0/8)", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
