package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/dispatch"
)

// The schema of the integrations (docs/integration.md): launches pushed to
// dialers, event webhooks, customer notifications, the API's bearer tokens
// and the delivery worker's backoff.

// Config is everything a configuration file holds: the domain's settings
// and what the edges need (API tokens, delivery tuning).
type Config struct {
	// Settings are the tenants, segments and queues.
	Settings *callback.Settings
	// Tokens are the JSON API's bearer tokens; none leaves the API open.
	Tokens []access.Token
	// Delivery tunes the outbox worker.
	Delivery Delivery
	// Server is where and how the server listens (server.go).
	Server Server
}

// Delivery tunes the outbox worker (internal/dispatch).
type Delivery struct {
	// BackoffInitial and BackoffMax bound the retry delays: the delay after
	// the n-th failed attempt is random in [0, min(max, initial·2^(n-1))].
	BackoffInitial time.Duration
	BackoffMax     time.Duration
}

// AllTenants in a token's tenants grants every tenant.
const AllTenants = access.AllTenants

// Defaults of the integration keys; example.yaml states each of them.
const (
	// DefaultDialerExpiry is how long a pushed launch is retried: about the
	// outbound-start timeout, after which the attempt is over anyway.
	DefaultDialerExpiry = time.Minute
	// DefaultWebhookExpiry is how long an event is retried.
	DefaultWebhookExpiry = 24 * time.Hour
	// DefaultSMSExpiry is how long a notification is retried (a reminder
	// never outlives its appointment).
	DefaultSMSExpiry = time.Hour
	// DefaultDeliveryTimeout bounds one delivery attempt.
	DefaultDeliveryTimeout = 10 * time.Second
	// DefaultConfirmation sends a confirmation of every registered callback.
	DefaultConfirmation = true
	// DefaultReminder reminds of an appointment this long before it.
	DefaultReminder = 15 * time.Minute
	// DefaultFinalAttempt warns of a callback's last attempt.
	DefaultFinalAttempt = true
	// DefaultSMSMethod is the SMS gateway's HTTP method.
	DefaultSMSMethod = http.MethodPost
	// DefaultBackoffInitial is the ceiling of the first retry's delay.
	DefaultBackoffInitial = dispatch.DefaultBackoffInitial
	// DefaultBackoffMax caps the ceiling of any retry's delay.
	DefaultBackoffMax = dispatch.DefaultBackoffMax
	// minTokenLength is the shortest token written in clear.
	minTokenLength = 16
	// maxDeliveryTimeout keeps an attempt shorter than its lease.
	maxDeliveryTimeout = callback.DefaultOutboxLease / 2
)

// newDelivery returns the delivery tuning with every default applied.
func newDelivery() Delivery {
	return Delivery{BackoffInitial: DefaultBackoffInitial, BackoffMax: DefaultBackoffMax}
}

// newNotifications returns the notification settings with every default applied.
func newNotifications() callback.Notifications {
	return callback.Notifications{Confirmation: DefaultConfirmation, Reminder: DefaultReminder, FinalAttempt: DefaultFinalAttempt}
}

// secret reads a secret: as written, or "env:NAME" for the value of the
// environment variable NAME (which must be set and not empty).
func (w *walker) secret(n *yaml.Node, path string) (string, bool) {
	s, ok := w.text(n, path)
	if !ok {
		return "", false
	}
	name, fromEnv := strings.CutPrefix(s, "env:")
	if !fromEnv {
		return s, true
	}
	v, set := w.env(name)
	if !set || v == "" {
		w.report(deref(n), path, "the environment variable %s (named by %q) is not set", name, s)
		return "", false
	}
	return v, true
}

// httpURL reads an absolute http or https URL.
func (w *walker) httpURL(n *yaml.Node, path string) (string, bool) {
	s, ok := w.name(n, path)
	if !ok {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		w.report(deref(n), path, "%q is not an http or https URL", s)
		return "", false
	}
	return s, true
}

// endpoint adds the keys every receiver has (url, secret, expiry, timeout)
// to fs, reading them into e, which holds its defaults.
func (w *walker) endpoint(fs fields, e *callback.Endpoint) fields {
	fs["url"] = func(v *yaml.Node, p string) { setIf(&e.URL)(w.httpURL(v, p)) }
	fs["secret"] = func(v *yaml.Node, p string) { setIf(&e.Secret)(w.secret(v, p)) }
	fs["expiry"] = func(v *yaml.Node, p string) { setIf(&e.Expiry)(w.duration(v, p, minPositiveDuration, noMaxDuration)) }
	fs["timeout"] = func(v *yaml.Node, p string) {
		setIf(&e.Timeout)(w.duration(v, p, minPositiveDuration, maxDeliveryTimeout))
	}
	return fs
}

// dialer reads a dialer push endpoint; nil when the section is not a mapping
// or lacks its url.
func (w *walker) dialer(n *yaml.Node, path string) *callback.Endpoint {
	e := &callback.Endpoint{Expiry: DefaultDialerExpiry, Timeout: DefaultDeliveryTimeout}
	present := w.object(n, path, w.endpoint(fields{}, e))
	w.require(n, path, present, "url")
	if present == nil || e.URL == "" {
		return nil
	}
	return e
}

// webhooks reads a tenant's event subscriptions.
func (w *walker) webhooks(n *yaml.Node, path string) []*callback.Webhook {
	var out []*callback.Webhook
	var names []named
	for i, item := range w.list(n, path) {
		ip := index(path, i)
		wh := &callback.Webhook{Endpoint: callback.Endpoint{Expiry: DefaultWebhookExpiry, Timeout: DefaultDeliveryTimeout}}
		var nameNode *yaml.Node
		fs := w.endpoint(fields{
			"name": func(v *yaml.Node, p string) {
				s, ok := w.name(v, p)
				if ok && !webhookNameRE.MatchString(s) {
					w.report(deref(v), p, "%q is not a webhook name (letters, digits, '.', '_' and '-')", s)
					return
				}
				if ok {
					wh.Name, nameNode = s, deref(v)
				}
			},
			"events": func(v *yaml.Node, p string) {
				for j, item := range w.list(v, p) {
					if typ, ok := enum(w, item, index(p, j), callback.EventTypes, "an event type"); ok {
						wh.Events = append(wh.Events, typ)
					}
				}
			},
		}, &wh.Endpoint)
		present := w.object(item, ip, fs)
		w.require(item, ip, present, "name", "url")
		if present == nil || wh.Name == "" || wh.URL == "" {
			continue
		}
		out = append(out, wh)
		names = append(names, named{wh.Name, join(ip, "name"), nameNode})
	}
	w.duplicates(names, "webhook name")
	return out
}

var webhookNameRE = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// notifications reads a tenant's customer notifications.
func (w *walker) notifications(n *yaml.Node, path string, c *callback.Notifications) {
	w.object(n, path, fields{
		"confirmation": func(v *yaml.Node, p string) { setIf(&c.Confirmation)(w.boolean(v, p)) },
		"reminder":     func(v *yaml.Node, p string) { setIf(&c.Reminder)(w.duration(v, p, 0, noMaxDuration)) },
		"finalAttempt": func(v *yaml.Node, p string) { setIf(&c.FinalAttempt)(w.boolean(v, p)) },
		"sms":          func(v *yaml.Node, p string) { c.SMS = w.sms(v, p) },
	})
}

// sms reads the generic HTTP SMS gateway.
func (w *walker) sms(n *yaml.Node, path string) *callback.SMSGateway {
	g := &callback.SMSGateway{
		Endpoint: callback.Endpoint{Expiry: DefaultSMSExpiry, Timeout: DefaultDeliveryTimeout},
		Method:   DefaultSMSMethod, Headers: map[string]string{}, Body: dispatch.DefaultSMSBody,
	}
	fs := w.endpoint(fields{
		"method": func(v *yaml.Node, p string) {
			if s, ok := w.name(v, p); ok {
				switch m := strings.ToUpper(strings.TrimSpace(s)); m {
				case http.MethodPost, http.MethodPut, http.MethodPatch:
					g.Method = m
				default:
					w.report(deref(v), p, "%q is not an HTTP method that sends a body (POST, PUT or PATCH)", s)
				}
			}
		},
		"headers": func(v *yaml.Node, p string) { w.headers(v, p, g.Headers) },
		"body": func(v *yaml.Node, p string) {
			s, ok := w.name(v, p)
			if !ok {
				return
			}
			if _, err := dispatch.ParseSMSBody(s); err != nil {
				w.report(deref(v), p, "not a Go text/template: %v", err)
				return
			}
			g.Body = s
		},
	}, &g.Endpoint)
	present := w.object(n, path, fs)
	w.require(n, path, present, "url")
	if present == nil || g.URL == "" {
		return nil
	}
	return g
}

var headerNameRE = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// headers reads a mapping of HTTP header names to values (secrets allowed).
func (w *walker) headers(n *yaml.Node, path string, into map[string]string) {
	n = w.node(n)
	if n == nil {
		return
	}
	if n.Kind != yaml.MappingNode {
		w.report(n, path, "must be a mapping of header names to values, not %s", kindName(n))
		return
	}
	for _, p := range w.pairs(n, path, 0) {
		kp := join(path, p.name)
		if !headerNameRE.MatchString(p.name) {
			w.report(p.key, kp, "%q is not an HTTP header name", p.name)
			continue
		}
		if s, ok := w.secret(p.value, kp); ok {
			into[http.CanonicalHeaderKey(p.name)] = s
		}
	}
}

// auth reads the JSON API's bearer tokens; tenants are checked against the
// configured ones by the caller.
func (w *walker) auth(n *yaml.Node, path string, c *Config) []tokenRef {
	var refs []tokenRef
	w.object(n, path, fields{
		"tokens": func(v *yaml.Node, p string) {
			var names []named
			digests := map[[sha256.Size]byte]string{}
			for i, item := range w.list(v, p) {
				ip := index(p, i)
				var (
					t        = access.Token{Permissions: access.AllPermissions}
					nameNode *yaml.Node
					ok       bool
					ref      = tokenRef{path: ip}
				)
				present := w.object(item, ip, fields{
					"name": func(v *yaml.Node, p string) {
						if s, good := w.name(v, p); good {
							t.Name, nameNode = s, deref(v)
						}
					},
					"token":       func(v *yaml.Node, p string) { t.SHA256, ok = w.token(v, p) },
					"permissions": func(v *yaml.Node, p string) { setIf(&t.Permissions)(w.permissions(v, p)) },
					"tenants": func(v *yaml.Node, p string) {
						ref.node = deref(v)
						t.Tenants = w.textList(v, p, func(s string) error {
							if strings.TrimSpace(s) == "" {
								return fmt.Errorf("must not be empty")
							}
							return nil
						})
					},
				})
				w.require(item, ip, present, "name", "token", "tenants")
				if present == nil || t.Name == "" || !ok || len(t.Tenants) == 0 {
					if present != nil && present["tenants"] != nil && len(t.Tenants) == 0 {
						w.report(present["tenants"], join(ip, "tenants"), `name at least one tenant, or "*" for all`)
					}
					continue
				}
				if other, dup := digests[t.SHA256]; dup {
					w.report(deref(item), join(ip, "token"), "the same token as %s: give each client its own", other)
					continue
				}
				digests[t.SHA256] = ip
				c.Tokens = append(c.Tokens, t)
				ref.index = len(c.Tokens) - 1
				refs = append(refs, ref)
				names = append(names, named{t.Name, join(ip, "name"), nameNode})
			}
			w.duplicates(names, "token name")
		},
	})
	return refs
}

// permissions reads a list of permission names (access.Permissions); an
// empty list is refused: a credential that may do nothing is a mistake.
func (w *walker) permissions(n *yaml.Node, path string) (access.Permission, bool) {
	var perms access.Permission
	names := w.textList(n, path, func(s string) error {
		p, ok := access.ParsePermission(s)
		if !ok {
			return fmt.Errorf("%q is not a permission (want %s)", s, access.PermissionNames())
		}
		perms |= p
		return nil
	})
	if names == nil {
		if d := deref(n); d.Kind == yaml.SequenceNode && len(d.Content) == 0 {
			w.report(d, path, "name at least one permission (%s)", access.PermissionNames())
		}
		return 0, false
	}
	return perms, true
}

// tokenRef remembers where a token's tenants were written, to check them
// once the tenants are known.
type tokenRef struct {
	index int
	path  string
	node  *yaml.Node
}

var sha256RE = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// token reads a bearer token and returns its digest: "sha256:<hex>" (the
// file holds no secret), "env:NAME", or the token itself (at least 16
// characters).
func (w *walker) token(n *yaml.Node, path string) ([sha256.Size]byte, bool) {
	var d [sha256.Size]byte
	raw, ok := w.text(n, path)
	if !ok {
		return d, false
	}
	if hexDigest, isDigest := strings.CutPrefix(raw, "sha256:"); isDigest {
		if !sha256RE.MatchString(hexDigest) {
			w.report(deref(n), path, "sha256: must be followed by 64 hex digits (the output of `printf %%s TOKEN | sha256sum`)")
			return d, false
		}
		b, _ := hex.DecodeString(hexDigest)
		copy(d[:], b)
		return d, true
	}
	s, ok := w.secret(n, path)
	if !ok {
		return d, false
	}
	if len(s) < minTokenLength || strings.ContainsAny(s, " \t\r\n") {
		w.report(deref(n), path, "a token must be at least %d characters without spaces (or written as sha256:<hex>)", minTokenLength)
		return d, false
	}
	return sha256.Sum256([]byte(s)), true
}

// checkTokenTenants reports tenants of tokens that are not configured, and
// writes the others in their configured spelling.
func (w *walker) checkTokenTenants(c *Config, refs []tokenRef) {
	for _, ref := range refs {
		t := &c.Tokens[ref.index]
		for i, name := range t.Tenants {
			if name == AllTenants {
				continue
			}
			if tn := c.Settings.Tenant(name); tn != nil {
				t.Tenants[i] = tn.Name
			} else {
				w.report(ref.node, index(join(ref.path, "tenants"), i), "no tenant named %q (or \"*\" for all)", name)
			}
		}
	}
}

// delivery reads the delivery worker's tuning.
func (w *walker) delivery(n *yaml.Node, path string, d *Delivery) {
	w.object(n, path, fields{
		"backoff": func(v *yaml.Node, p string) {
			present := w.object(v, p, fields{
				"initial": func(v *yaml.Node, p string) {
					setIf(&d.BackoffInitial)(w.duration(v, p, minPositiveDuration, 24*time.Hour))
				},
				"max": func(v *yaml.Node, p string) {
					setIf(&d.BackoffMax)(w.duration(v, p, minPositiveDuration, 24*time.Hour))
				},
			})
			if present != nil && d.BackoffMax < d.BackoffInitial {
				w.report(deref(v), p, "max %s is less than initial %s", FormatDuration(d.BackoffMax), FormatDuration(d.BackoffInitial))
			}
		},
	})
}
