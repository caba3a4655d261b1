package config

import (
	"net/http"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
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
	// Store is the database the server runs on (store.go).
	Store Store
}

// Delivery tunes the outbox worker (internal/dispatch).
type Delivery struct {
	// Backoff bounds the retry delays: the delay after the n-th failed
	// attempt is random in [0, min(max, initial·2^(n-1))].
	Backoff callback.Backoff
}

// AllTenants in a token's tenants grants every tenant.
const AllTenants = access.AllTenants

// minTokenLength is the shortest token written in clear.
const minTokenLength = 16

// newDelivery returns the delivery tuning with every default applied.
func newDelivery() Delivery { return Delivery{Backoff: callback.DefaultBackoff()} }

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
	if err := callback.CheckURL(s); err != nil {
		w.report(deref(n), path, "%v", err)
		return "", false
	}
	return s, true
}

// endpoint adds the keys every receiver has (url, secret, expiry, timeout)
// to fs, reading them into e, which holds its defaults.
func (w *walker) endpoint(fs fields, e *callback.Endpoint) fields {
	fs["url"] = func(v *yaml.Node, p string) { setIf(&e.URL)(w.httpURL(v, p)) }
	fs["secret"] = func(v *yaml.Node, p string) { setIf(&e.Secret)(w.secret(v, p)) }
	fs["expiry"] = func(v *yaml.Node, p string) { setIf(&e.Expiry)(w.duration(v, p)) }
	fs["timeout"] = func(v *yaml.Node, p string) { setIf(&e.Timeout)(w.duration(v, p)) }
	return fs
}

// dialer reads a dialer push endpoint; nil when the section is not a mapping
// or lacks its url (required here: a tenant's dialer is copied to its queues,
// where the domain would not find the tenant's key).
func (w *walker) dialer(n *yaml.Node, path string) *callback.Endpoint {
	e := callback.NewDialer("")
	present := w.object(n, path, w.endpoint(fields{}, e))
	w.require(n, path, present, "url")
	if present == nil || e.URL == "" {
		return nil
	}
	return e
}

// webhooks reads a tenant's event subscriptions, one for each item (so the
// domain's paths are the file's).
func (w *walker) webhooks(n *yaml.Node, path string) []*callback.Webhook {
	var out []*callback.Webhook
	for i, item := range w.list(n, path) {
		wh := callback.NewWebhook("", "")
		ip, before := index(path, i), len(w.issues)
		fs := w.endpoint(fields{
			"name": func(v *yaml.Node, p string) {
				s, ok := w.name(v, p)
				if !ok {
					return
				}
				if err := callback.CheckWebhookName(s); err != nil {
					w.report(deref(v), p, "%v", err)
					return
				}
				wh.Name = s
			},
			"events": func(v *yaml.Node, p string) {
				for j, item := range w.list(v, p) {
					if typ, ok := enum(w, item, index(p, j), callback.EventTypes, "an event type"); ok {
						wh.Events = append(wh.Events, typ)
					}
				}
			},
		}, &wh.Endpoint)
		w.object(item, ip, fs)
		if len(w.issues) > before {
			// A name whose subscription is broken is not a name (nor a duplicate).
			wh.Name = ""
			w.unread[ip] = true
		}
		out = append(out, wh)
	}
	return out
}

// notifications reads a tenant's customer notifications.
func (w *walker) notifications(n *yaml.Node, path string, c *callback.Notifications) {
	w.object(n, path, fields{
		"confirmation": func(v *yaml.Node, p string) { setIf(&c.Confirmation)(w.boolean(v, p)) },
		"reminder":     func(v *yaml.Node, p string) { setIf(&c.Reminder)(w.duration(v, p)) },
		"finalAttempt": func(v *yaml.Node, p string) { setIf(&c.FinalAttempt)(w.boolean(v, p)) },
		"sms":          func(v *yaml.Node, p string) { c.SMS = w.sms(v, p) },
	})
}

// sms reads the generic HTTP SMS gateway.
func (w *walker) sms(n *yaml.Node, path string) *callback.SMSGateway {
	g := callback.NewSMSGateway("")
	fs := w.endpoint(fields{
		"method": func(v *yaml.Node, p string) {
			s, ok := w.name(v, p)
			if !ok {
				return
			}
			m, err := callback.CheckSMSMethod(s)
			if err != nil {
				w.report(deref(v), p, "%v", err)
				return
			}
			g.Method = m
		},
		"headers": func(v *yaml.Node, p string) { w.headers(v, p, g.Headers) },
		"body": func(v *yaml.Node, p string) {
			s, ok := w.name(v, p)
			if !ok {
				return
			}
			if err := callback.CheckSMSBody(s); err != nil {
				w.report(deref(v), p, "%v", err)
				return
			}
			g.Body = s
		},
	}, &g.Endpoint)
	if w.object(n, path, fs) == nil {
		return nil
	}
	return g
}

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
		if err := callback.CheckHeaderName(p.name); err != nil {
			w.report(p.key, kp, "%v", err)
			continue
		}
		if s, ok := w.secret(p.value, kp); ok {
			into[http.CanonicalHeaderKey(p.name)] = s
		}
	}
}

// delivery reads the delivery worker's tuning; the domain checks that max
// is not below initial (callback.Backoff.Validate).
func (w *walker) delivery(n *yaml.Node, path string, d *Delivery) {
	w.object(n, path, fields{
		"backoff": func(v *yaml.Node, p string) {
			w.object(v, p, fields{
				"initial": func(v *yaml.Node, p string) { setIf(&d.Backoff.Initial)(w.duration(v, p)) },
				"max":     func(v *yaml.Node, p string) { setIf(&d.Backoff.Max)(w.duration(v, p)) },
			})
		},
	})
}
