package config

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/dispatch"
	"github.com/holdline/holdline/internal/smstemplate"
	"github.com/holdline/holdline/internal/throttle"
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
	// PTK are the SOAP PTK's credentials; none leaves the SOAP front open.
	PTK []access.Credential
	// Limits are the clients' rates (the trusted proxies are the server
	// section's).
	Limits throttle.Config
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
		Method:   DefaultSMSMethod, Headers: map[string]string{}, Body: smstemplate.Default,
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
			if _, err := smstemplate.Parse(s); err != nil {
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
