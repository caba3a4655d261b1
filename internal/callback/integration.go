package callback

import (
	"strings"
	"time"
)

// The settings of the platform's outbound integrations: where launches are
// pushed, which webhooks receive which events, and the customer
// notifications. The domain only decides what to send and writes it to the
// outbox; internal/dispatch delivers it (HTTP stays out of the domain).

// Endpoint is a receiver of signed POSTs.
type Endpoint struct {
	// URL is where messages are POSTed.
	URL string
	// Secret signs every message (HMAC-SHA256); empty sends them unsigned.
	Secret string
	// Expiry is how long a message is retried before it is given up.
	Expiry time.Duration
	// Timeout bounds one delivery attempt.
	Timeout time.Duration
}

// Webhook is a subscription of an endpoint to some of a tenant's events.
type Webhook struct {
	// Name identifies the subscription (unique in the tenant).
	Name string
	Endpoint
	// Events are the event types sent; empty sends every type.
	Events []EventType
}

// Wants reports whether the webhook subscribes to typ.
func (w *Webhook) Wants(typ EventType) bool {
	if len(w.Events) == 0 {
		return true
	}
	for _, e := range w.Events {
		if e == typ {
			return true
		}
	}
	return false
}

// Notifications are the messages a customer receives about a callback
// (the cloud product's SMS notifications): they are events of the
// notification.* types, sent to the webhooks that subscribe to them and to
// the SMS gateway.
type Notifications struct {
	// Confirmation is sent when a callback is registered.
	Confirmation bool
	// Reminder, when positive, is how long before its appointment a
	// scheduled callback booked further ahead than that is reminded of.
	Reminder time.Duration
	// FinalAttempt is sent when a callback is launched for its last attempt.
	FinalAttempt bool
	// SMS, when set, is the generic HTTP SMS gateway adapter.
	SMS *SMSGateway
}

// SMSGateway is an HTTP SMS gateway: each notification is rendered with the
// Body template (Go text/template over the notification) and sent with
// Method to URL with Headers.
type SMSGateway struct {
	Endpoint
	// Method is the HTTP method (default POST).
	Method string
	// Headers are added to every request (Content-Type, an API key...).
	Headers map[string]string
	// Body is the Go text/template of the request body.
	Body string
}

// Destination names. A destination is stored with every outbox message and
// resolved against the settings when the message is delivered, so a
// changed URL or secret applies to messages already waiting.
const (
	destDialer  = "dialer/"
	destWebhook = "webhook/"
	// DestinationSMS is the tenant's SMS gateway.
	DestinationSMS = "sms"
)

// DialerDestination is the destination of the launches of queue.
func DialerDestination(queue string) string { return destDialer + queue }

// WebhookDestination is the destination of webhook name.
func WebhookDestination(name string) string { return destWebhook + name }

// Route is a destination resolved against the settings.
type Route struct {
	// Endpoint is where to send.
	Endpoint *Endpoint
	// SMS is set for the SMS gateway: the body is rendered from its template.
	SMS *SMSGateway
	// Webhook is the subscription's name, for webhook destinations.
	Webhook string
}

// Route resolves the destination dest of tenant; false when the settings
// no longer hold it.
func (s *Settings) Route(tenant, dest string) (Route, bool) {
	t := s.Tenant(tenant)
	if t == nil {
		return Route{}, false
	}
	switch {
	case strings.HasPrefix(dest, destDialer):
		if q := t.Queue(strings.TrimPrefix(dest, destDialer)); q != nil && q.Dialer != nil {
			return Route{Endpoint: q.Dialer}, true
		}
	case strings.HasPrefix(dest, destWebhook):
		name := strings.TrimPrefix(dest, destWebhook)
		for _, w := range t.Webhooks {
			if w.Name == name {
				return Route{Endpoint: &w.Endpoint, Webhook: w.Name}, true
			}
		}
	case dest == DestinationSMS:
		if sms := t.Notifications.SMS; sms != nil {
			return Route{Endpoint: &sms.Endpoint, SMS: sms}, true
		}
	}
	return Route{}, false
}
