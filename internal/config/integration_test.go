package config

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
)

// env is a fake environment for decodeWith.
func env(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func TestIntegrationKeysCheck(t *testing.T) {
	t.Parallel()
	top := func(s string) []byte { return append(doc("", ""), s...) }
	for _, tc := range []struct {
		name string
		data []byte
		want []string
	}{
		{"dialer", doc("dialer: {url: 'http://d:9/x', secret: s, expiry: 2m, timeout: 3s}", ""), nil},
		{"dialer url", doc("dialer: {url: 'ftp://d/x'}", "dialer: {secret: s}"), []string{
			`tenants[0].dialer.url: "ftp://d/x" is not an http or https URL`,
			"tenants[0].queues[0].dialer.url: is required",
		}},
		{"dialer timeout beyond the lease", doc("dialer: {url: 'http://d', timeout: 5m, expiry: 0s}", ""), []string{
			"tenants[0].dialer.timeout: 5m is out of range (1s to 1m)",
			"tenants[0].dialer.expiry: 0s is out of range (at least 1s)",
		}},
		{"webhooks", doc("webhooks:\n  - {name: crm, url: 'https://c/h', events: [callback.completed, Queue.ModeChanged]}\n  - {name: CRM, url: 'https://c/h'}\n  - {name: 'a b', url: 'https://c'}\n  - {name: x, url: 'https://c', events: [callback.done]}\n  - {url: 'https://c'}", ""), []string{
			`tenants[0].webhooks[1].name: duplicate webhook name "CRM" (already used by tenants[0].webhooks[0]; names are matched case-insensitively)`,
			`tenants[0].webhooks[2].name: "a b" is not a webhook name (letters, digits, '.', '_' and '-')`,
			`tenants[0].webhooks[3].events[0]: "callback.done" is not an event type (one of callback.registered, callback.launched, callback.connected, callback.completed, callback.failed, callback.cancelled, callback.rescheduled, queue.modeChanged, notification.confirmation, notification.reminder, notification.finalAttempt)`,
			"tenants[0].webhooks[4].name: is required",
		}},
		{"notifications", doc("notifications: {reminder: 0s, sms: {url: 'http://s', method: GET, body: '{{.Nope'}}", ""), []string{
			`tenants[0].notifications.sms.method: "GET" is not an HTTP method that sends a body (POST, PUT or PATCH)`,
			`tenants[0].notifications.sms.body: not a Go text/template: template: sms:1: unclosed action`,
		}},
		{"sms headers", doc("notifications: {sms: {url: 'http://s', headers: {'Bad Header': x, X-Key: [1]}}}", ""), []string{
			`tenants[0].notifications.sms.headers.Bad Header: "Bad Header" is not an HTTP header name`,
			"tenants[0].notifications.sms.headers.X-Key: must be a single value, not a list",
		}},
		{"secret from an unset variable", doc("dialer: {url: 'http://d', secret: 'env:NOPE'}", ""), []string{
			`tenants[0].dialer.secret: the environment variable NOPE (named by "env:NOPE") is not set`,
		}},
		{"tokens", top("auth:\n  tokens:\n    - {name: a, token: 'sha256:" + hex64 + "', tenants: [t]}\n    - {name: b, token: short, tenants: ['*']}\n    - {name: c, token: 'sha256:xyz', tenants: [T]}\n    - {name: d, token: 'a-long-enough-token', tenants: [Nowhere]}\n    - {name: e, token: 'a-long-enough-token', tenants: [T]}\n    - {name: f, token: 'another-long-token', tenants: []}\n    - {name: a, token: 'yet-another-long-token', tenants: [T]}\n"), []string{
			"auth.tokens[1].token: a token must be at least 16 characters without spaces (or written as sha256:<hex>)",
			"auth.tokens[2].token: sha256: must be followed by 64 hex digits (the output of `printf %s TOKEN | sha256sum`)",
			`auth.tokens[3].tenants[0]: no tenant named "Nowhere" (or "*" for all)`,
			"auth.tokens[4].token: the same token as auth.tokens[3]: give each client its own",
			`auth.tokens[5].tenants: name at least one tenant, or "*" for all`,
			`auth.tokens[6].name: duplicate token name "a" (already used by auth.tokens[0]; names are matched case-insensitively)`,
		}},
		{"token keys required", top("auth: {tokens: [{name: a}]}\n"), []string{"auth.tokens[0].token: is required", "auth.tokens[0].tenants: is required"}},
		{"backoff", top("delivery: {backoff: {initial: 1m, max: 30s}}\n"), []string{"delivery.backoff: max 30s is less than initial 1m"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, issues := decodeWith(tc.data, nil, env(nil))
			if got := issueStrings(issues); !slices.Equal(got, tc.want) {
				t.Errorf("issues:\n got  %q\n want %q", got, tc.want)
			}
		})
	}
}

const hex64 = "5b2b5e5a9c8a9e3c1f8d7e6b4a39281706f5e4d3c2b1a0998877665544332211"

func TestIntegrationKeysLoad(t *testing.T) {
	t.Parallel()
	data := append(doc(`dialer: {url: 'http://tenant-dialer/l', secret: 'env:DIALER_SECRET'}
webhooks:
  - {name: crm, url: 'https://crm/h', events: [callback.completed]}
notifications:
  finalAttempt: false
  sms: {url: 'https://sms/m', headers: {authorization: 'env:SMS_KEY'}}`, ""),
		[]byte(`      - name: R
        skills: {holding: {id: hold-R}}
        dialer: {url: 'http://queue-dialer/l', expiry: 5m}
auth:
  tokens:
    - {name: plain, token: 'a-long-enough-token', tenants: [t]}
    - {name: hashed, token: 'sha256:`+hex64+`', tenants: ['*'], permissions: [READ]}
    - {name: fromenv, token: 'env:TOKEN', tenants: [T], permissions: [change, contacts]}
delivery: {backoff: {initial: 2s, max: 1m}}
`)...)
	c, issues := decodeWith(data, nil, env(map[string]string{"DIALER_SECRET": "s3cret", "SMS_KEY": "Bearer k", "TOKEN": "token-from-the-environment"}))
	if len(issues) > 0 {
		t.Fatalf("issues: %q", issueStrings(issues))
	}
	tn := c.Settings.Tenants[0]
	q, r := tn.Queue("Q"), tn.Queue("R")
	if q.Dialer == nil || q.Dialer.URL != "http://tenant-dialer/l" || q.Dialer.Secret != "s3cret" ||
		q.Dialer.Expiry != callback.DefaultDialerExpiry || q.Dialer.Timeout != callback.DefaultDeliveryTimeout {
		t.Errorf("queue Q's dialer (the tenant's): %+v", q.Dialer)
	}
	if r.Dialer == nil || r.Dialer.URL != "http://queue-dialer/l" || r.Dialer.Secret != "" || r.Dialer.Expiry != 5*time.Minute {
		t.Errorf("queue R's dialer (its own, replacing the tenant's): %+v", r.Dialer)
	}
	if len(tn.Webhooks) != 1 || tn.Webhooks[0].Expiry != callback.DefaultWebhookExpiry || !tn.Webhooks[0].Wants(callback.EventCompleted) || tn.Webhooks[0].Wants(callback.EventFailed) {
		t.Errorf("webhooks: %+v", tn.Webhooks)
	}
	n := tn.Notifications
	if !n.Confirmation || n.Reminder != callback.DefaultReminder || n.FinalAttempt || n.SMS == nil || n.SMS.Method != "POST" ||
		n.SMS.Headers["Authorization"] != "Bearer k" || n.SMS.Expiry != callback.DefaultSMSExpiry || n.SMS.Body == "" {
		t.Errorf("notifications: %+v %+v", n, n.SMS)
	}
	want := []access.Token{
		{Name: "plain", SHA256: sha256.Sum256([]byte("a-long-enough-token")), Tenants: []string{"T"}, Permissions: access.AllPermissions},
		{Name: "hashed", Tenants: []string{"*"}, Permissions: access.Read},
		{Name: "fromenv", SHA256: sha256.Sum256([]byte("token-from-the-environment")), Tenants: []string{"T"}, Permissions: access.Change | access.Contacts},
	}
	copy(want[1].SHA256[:], mustHex(t, hex64))
	if !slices.EqualFunc(c.Tokens, want, func(a, b access.Token) bool {
		return a.Name == b.Name && a.SHA256 == b.SHA256 && slices.Equal(a.Tenants, b.Tenants) && a.Permissions == b.Permissions
	}) {
		t.Errorf("tokens:\n got  %+v\n want %+v", c.Tokens, want)
	}
	if c.Delivery != (Delivery{Backoff: callback.Backoff{Initial: 2 * time.Second, Max: time.Minute}}) {
		t.Errorf("delivery: %+v", c.Delivery)
	}
}

func TestDemoHasNoTokensAndNoIntegrations(t *testing.T) {
	t.Parallel()
	c := DemoConfig()
	if len(c.Tokens) != 0 || c.Delivery != newDelivery() {
		t.Fatalf("demo: %+v", c)
	}
	for _, tn := range c.Settings.Tenants {
		if len(tn.Webhooks) != 0 || tn.Notifications.SMS != nil {
			t.Errorf("demo tenant %s has integrations", tn.Name)
		}
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
