package dispatch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"text/template"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/payload"
	"github.com/holdline/holdline/internal/smstemplate"
	"github.com/holdline/holdline/internal/userdata"
)

// The generic HTTP SMS gateway adapter: a notification is rendered with the
// tenant's body template and sent like any other message.

// Notification is what an SMS body template is executed on.
type Notification struct {
	// Kind is "confirmation", "reminder" or "finalAttempt".
	Kind string
	// Type is the event type ("notification.reminder").
	Type string
	// Key is the idempotency key.
	Key           string
	Tenant        string
	Queue         string
	Segment       string
	InteractionID string
	ClientID      string
	// Contact is the number to text, as normalised (E.164 or an extension).
	Contact string
	// AppointmentTime is the booked time in the tenant's time zone; zero for
	// an ASAP callback.
	AppointmentTime time.Time
	// EWTSeconds is the expected wait before the call (confirmation of an
	// ASAP callback); HasEWT says whether it is known.
	EWTSeconds int64
	HasEWT     bool
	// Attempt is the attempt being made (finalAttempt).
	Attempt int
	// UserData are the callback's top-level string and integer user data.
	UserData map[string]string
	// Text is a ready-made message in English.
	Text string
}

// renderer renders notifications with the tenants' templates, parsed once.
type renderer struct {
	settings *callback.Settings
	mu       sync.Mutex
	parsed   map[string]*template.Template
}

func newRenderer(s *callback.Settings) (*renderer, error) {
	r := &renderer{settings: s, parsed: map[string]*template.Template{}}
	for _, t := range s.Tenants {
		if sms := t.Notifications.SMS; sms != nil {
			if _, err := r.template(sms.Body); err != nil {
				return nil, fmt.Errorf("dispatch: the SMS body of tenant %s: %w", t.Name, err)
			}
		}
	}
	return r, nil
}

func (r *renderer) template(body string) (*template.Template, error) {
	if body == "" {
		body = smstemplate.Default
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.parsed[body]; ok {
		return t, nil
	}
	t, err := smstemplate.Parse(body)
	if err != nil {
		return nil, err
	}
	r.parsed[body] = t
	return t, nil
}

// render executes the gateway's template on the notification m carries.
func (r *renderer) render(m *callback.OutboxMessage, sms *callback.SMSGateway) ([]byte, error) {
	n, err := r.notification(m)
	if err != nil {
		return nil, err
	}
	t, err := r.template(sms.Body)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, n); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// notification reads the template's data from m's payload.
func (r *renderer) notification(m *callback.OutboxMessage) (*Notification, error) {
	var env struct {
		ID     string                    `json:"id"`
		Type   callback.EventType        `json:"type"`
		Tenant string                    `json:"tenant"`
		Data   payload.NotificationEvent `json:"data"`
	}
	if err := json.Unmarshal(m.Payload, &env); err != nil {
		return nil, fmt.Errorf("the notification cannot be read: %w", err)
	}
	cb := env.Data.Callback
	n := &Notification{
		Kind: env.Data.Notification, Type: string(env.Type), Key: env.ID, Tenant: env.Tenant, Queue: cb.Queue,
		Segment: cb.Segment, InteractionID: cb.ID, ClientID: cb.ClientID, Contact: cb.Contact, Attempt: env.Data.Attempt,
		UserData: map[string]string{},
	}
	loc := time.UTC
	if t := r.settings.Tenant(env.Tenant); t != nil && t.Location != nil {
		loc = t.Location
	}
	if cb.AppointmentTime != nil {
		n.AppointmentTime = cb.AppointmentTime.In(loc)
	}
	if env.Data.EWTSeconds != nil {
		n.EWTSeconds, n.HasEWT = *env.Data.EWTSeconds, true
	}
	for _, p := range cb.UserData {
		switch p.Value.Kind {
		case userdata.String:
			n.UserData[p.Key] = p.Value.Str
		case userdata.Integer:
			n.UserData[p.Key] = strconv.FormatInt(p.Value.Int, 10)
		}
	}
	n.Text = defaultText(n)
	return n, nil
}

// defaultText is the ready-made English message of a notification.
func defaultText(n *Notification) string {
	when := n.AppointmentTime.Format("Mon 2 Jan at 15:04 MST")
	switch n.Kind {
	case "confirmation":
		switch {
		case !n.AppointmentTime.IsZero():
			return fmt.Sprintf("%s: your callback is booked for %s.", n.Tenant, when)
		case n.HasEWT && n.EWTSeconds > 60:
			return fmt.Sprintf("%s: your callback is confirmed. We will call you in about %d minutes.", n.Tenant, (n.EWTSeconds+59)/60)
		case n.HasEWT:
			return fmt.Sprintf("%s: your callback is confirmed. We will call you in about a minute.", n.Tenant)
		}
		return fmt.Sprintf("%s: your callback is confirmed. We will call you as soon as an agent is free.", n.Tenant)
	case "reminder":
		return fmt.Sprintf("%s: a reminder that we will call you on %s.", n.Tenant, when)
	case "finalAttempt":
		return fmt.Sprintf("%s: we are calling you now for the last time. Please answer.", n.Tenant)
	}
	return n.Tenant + ": " + n.Kind
}
