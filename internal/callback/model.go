package callback

import (
	"strings"
	"time"

	"github.com/holdline/holdline/internal/contact"
	"github.com/holdline/holdline/internal/license"
	"github.com/holdline/holdline/internal/schedule"
)

// Settings is the whole configuration the domain runs on: the tenants with
// their segments and queues. The config package builds it from YAML; tests
// and the simulator may build it in Go (NewTenant, NewSegment, NewQueue);
// Validate (settings.go) holds every rule it must meet. Whoever builds
// settings validates them (config does, for every file); New does not, so
// that tests can run the platform on shapes no file can express (a tenant
// without segments) to check the answers to them.
type Settings struct {
	Tenants []*Tenant
}

// Tenant is one site or installation ("VHTLab", "Portree").
type Tenant struct {
	// Name is the tenant's name; requests match it case-insensitively.
	Name string
	// Location is the tenant's time zone, used for business hours and schedules.
	Location *time.Location
	// Contacts are the numbering profile and blocking rules for callback numbers.
	Contacts contact.Rules
	// Integration names the telephony integration whose user-data conventions apply.
	Integration Integration
	// Licenses is the tenant's licence entitlement; nil means no licence configuration (109034).
	Licenses *license.Config
	// DefaultSourceApplication is recorded when a request names none (default "Conversation Bridge").
	DefaultSourceApplication string
	// CallInfos are the result codes ModifyInteraction's Result action accepts.
	CallInfos []CallInfo
	// SystemVariables are returned by GetSystemVariables, in order.
	SystemVariables []Variable
	// Segments are the tenant's segments.
	Segments []*Segment
	// Queues are the tenant's queues.
	Queues []*Queue
	// Webhooks receive the tenant's events (events.go), each filtered.
	Webhooks []*Webhook
	// Notifications are the customer notifications of the tenant's callbacks.
	Notifications Notifications
}

// Segment labels one kind of interaction arriving at a queue.
type Segment struct {
	// Name is the segment's name; requests match it case-insensitively.
	Name string
	// Queue is the name of the queue the segment feeds.
	Queue string
	// CountryCode is the calling code used as the default region for contacts ("1").
	CountryCode string
	// SourceApplications, when not empty, are the only source applications
	// (case-sensitive) allowed to create interactions on this segment.
	SourceApplications []string
}

// Queue is the unit the Queue Manager runs: a holding queue of live callers
// and a virtual queue of pending callbacks.
type Queue struct {
	// Name is the queue's name.
	Name string
	// Mode is the operation mode when no schedule or manual change applies (default Normal).
	Mode Mode
	// ModeSchedule are weekly mode changes, applied in the tenant's time zone.
	ModeSchedule []ModeChange
	// HolidayMode is the mode on holidays (default AfterHours).
	HolidayMode Mode
	// QueueMode is Predictive (customer first, default) or AgentPriority.
	QueueMode QueueMode
	// TurnOnThreshold is the EWT a caller must face before an IVR offer is made (default 2 min).
	TurnOnThreshold time.Duration
	// SmartPurge switches Normal to Purge ahead of closing so the virtual queue drains in time.
	SmartPurge SmartPurge
	// SmartCallBlockThreshold blocks callers whose EWT exceeds it; 0 disables.
	SmartCallBlockThreshold time.Duration
	// CallbackDoubleCheck refuses a second pending callback for the same contact (default on).
	CallbackDoubleCheck bool
	// SecondChance lets callers on hold accept a callback later, keeping their place.
	SecondChance SecondChance
	// BusinessHours are the weekly open hours in the tenant's time zone.
	BusinessHours schedule.Week
	// Holidays are days the queue is closed.
	Holidays schedule.Holidays
	// Appointments are the scheduled-callback settings.
	Appointments Appointments
	// Retries are the outreach retry limits.
	Retries Retries
	// EWT are the wait-time estimator settings.
	EWT EWTSettings
	// Launch are the launch timing settings.
	Launch LaunchSettings
	// Skills are the ACD skills (queues) the IVR transfers callers to.
	Skills Skills
	// Dialer, when set, receives the queue's launches pushed (signed POSTs
	// from the outbox); nil leaves them to dialers that claim them.
	Dialer *Endpoint
	// Variables are the IVR queue variables that no structured setting owns,
	// with the defaults of the variable table and the configured overrides.
	Variables map[string]string
}

// ModeChange switches a queue to Mode at a time of the week.
type ModeChange struct {
	Day  time.Weekday
	At   schedule.TimeOfDay
	Mode Mode
}

// SmartPurge settings.
type SmartPurge struct {
	// Enabled turns Smart Purge on.
	Enabled bool
	// DrainMargin is extra time kept before closing (default 5 min).
	DrainMargin time.Duration
}

// SecondChance settings (SECONDCHANCE_ENABLED, SECONDCHANCE_THRESHOLD).
type SecondChance struct {
	Enabled   bool
	Threshold time.Duration
}

// Appointments are a queue's scheduled-callback settings.
type Appointments struct {
	// Enabled allows scheduled callbacks (else 107007).
	Enabled bool
	// SlotLength is the length of one bookable slot (5-120 min, default 15).
	SlotLength time.Duration
	// Capacity is the number of callbacks one slot takes (default 10).
	Capacity int
	// HorizonDays is how many days ahead may be booked (default 7).
	HorizonDays int
}

// Retries are the outreach limits of a queue (§7).
type Retries struct {
	Busy             int           // BUSYATTEMPTS, default 3
	NoAnswer         int           // NOANSATTEMPTS, default 3
	AnsweringMachine int           // MAXANSMACHATTEMPTS, default 2
	TryAgain         int           // TRYAGAINATTEMPTS, default 3
	Total            int           // MAXATTEMPTS, default 5
	Wait             time.Duration // retry wait, default 5 min
}

// EWTSettings configure a queue's wait-time estimator.
type EWTSettings struct {
	// Estimator is the algorithm (default QueueLength).
	Estimator Estimator
	// DefaultHandleTime seeds the service rate until enough answers are seen (default 300 s).
	DefaultHandleTime time.Duration
	// DefaultAgents seeds the number of agents serving the queue (default 1).
	DefaultAgents int
	// MultiplicationFactor scales the migration estimators, in percent (0-200, default 100).
	MultiplicationFactor int
	// Median uses the median instead of the mean of samples (migration estimators).
	Median bool
	// MinAnswers is how many answers are measured before the seed is dropped (default 30).
	MinAnswers int
	// Smoothing is the time constant of the measured rates (default 15 min).
	Smoothing time.Duration
}

// LaunchSettings are a queue's launch timing settings.
type LaunchSettings struct {
	// Lead is the time to dial and confirm a customer before an agent is expected (default 30 s).
	Lead time.Duration
	// OutboundStartTimeout counts a launch as failed when no outcome arrives in time (default 60 s).
	OutboundStartTimeout time.Duration
	// DoNotCall is a daily window, in the customer's local time, in which
	// no callback is dialled; the zero value is none.
	DoNotCall DoNotCall
}

// DoNotCall is a daily window of local time, [From, To), that may span
// midnight (21:00-08:00). From == To means no window.
type DoNotCall struct {
	From schedule.TimeOfDay
	To   schedule.TimeOfDay
}

// Contains reports whether the local time of day tod falls in the window.
func (d DoNotCall) Contains(tod schedule.TimeOfDay) bool {
	switch {
	case d.From == d.To:
		return false
	case d.From < d.To:
		return tod >= d.From && tod < d.To
	}
	return tod >= d.From || tod < d.To
}

// Skills are the ACD skills the IVR routes callers to.
type Skills struct {
	Holding        Skill
	Callback       Skill
	UnderThreshold Skill
}

// Skill is an ACD skill (queue) id and the device callers are transferred to.
type Skill struct {
	ID     string
	Device string
}

// CallInfo is a result code accepted by ModifyInteraction's Result action.
type CallInfo struct {
	Code string
	Type CallInfoType
}

// Variable is a name/value pair (system or queue variable).
type Variable struct {
	Name  string
	Value string
}

// Tenant returns the tenant named name (case-insensitively), or nil.
func (s *Settings) Tenant(name string) *Tenant {
	for _, t := range s.Tenants {
		if strings.EqualFold(t.Name, name) {
			return t
		}
	}
	return nil
}

// Segment returns the tenant's segment named name (case-insensitively), or nil.
func (t *Tenant) Segment(name string) *Segment {
	for _, s := range t.Segments {
		if strings.EqualFold(s.Name, name) {
			return s
		}
	}
	return nil
}

// Queue returns the tenant's queue named name (case-insensitively), or nil.
func (t *Tenant) Queue(name string) *Queue {
	for _, q := range t.Queues {
		if strings.EqualFold(q.Name, name) {
			return q
		}
	}
	return nil
}

// SourceApplicationOrDefault returns app, or the tenant's default when app is empty.
func (t *Tenant) SourceApplicationOrDefault(app string) string {
	if app != "" {
		return app
	}
	if t.DefaultSourceApplication != "" {
		return t.DefaultSourceApplication
	}
	return DefaultSourceApplication
}

// DefaultSourceApplication is recorded when neither the request nor the tenant names one.
const DefaultSourceApplication = "Conversation Bridge"
