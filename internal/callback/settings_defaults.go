package callback

import (
	"time"

	"github.com/holdline/holdline/internal/contact"
	"github.com/holdline/holdline/internal/ewt"
	"github.com/holdline/holdline/internal/license"
	"github.com/holdline/holdline/internal/schedule"
	"github.com/holdline/holdline/internal/smstemplate"
)

// The defaults of the settings. NewTenant, NewSegment, NewQueue and the
// constructors of the integrations below are the one place they are applied:
// the configuration starts every tenant, segment and queue it reads from
// them, and tests and the simulator build settings with them in Go. The
// example configuration states each default ("Default:"), which a test of
// internal/config checks. The numbering and licence defaults are the contact
// and license packages'.
const (
	// DefaultTimeZone is a tenant's time zone when it names none.
	DefaultTimeZone = "UTC"
	// DefaultProfile is a tenant's numbering profile: real sites dial E.164 numbers.
	DefaultProfile = contact.E164
	// DefaultIntegration is a tenant's telephony integration: no user-data conventions.
	DefaultIntegration = IntegrationNone
	// DefaultCountryCode is a segment's calling code, the default region of its contacts.
	DefaultCountryCode = "1"

	// DefaultMode is a queue's operation mode when no schedule or manual change applies.
	DefaultMode = ModeNormal
	// DefaultHolidayMode is a queue's operation mode on holidays.
	DefaultHolidayMode = ModeAfterHours
	// DefaultQueueMode calls the customer first (Predictive).
	DefaultQueueMode = QueueModePredictive
	// DefaultTurnOnThreshold is the EWT a caller must face before the IVR offers a callback.
	DefaultTurnOnThreshold = 2 * time.Minute
	// DefaultSmartPurge leaves Smart Purge off.
	DefaultSmartPurge = false
	// DefaultDrainMargin is the extra time Smart Purge keeps before closing.
	DefaultDrainMargin = 5 * time.Minute
	// DefaultSmartCallBlockThreshold is 0: Smart Call Block is off.
	DefaultSmartCallBlockThreshold = time.Duration(0)
	// DefaultCallbackDoubleCheck refuses a second pending callback for one contact.
	DefaultCallbackDoubleCheck = true
	// DefaultSecondChance leaves the second-chance offer to callers on hold off.
	DefaultSecondChance = false
	// DefaultSecondChanceThreshold is the wait on hold after which the second chance is offered.
	DefaultSecondChanceThreshold = 120 * time.Second

	// DefaultAppointments allows scheduled callbacks.
	DefaultAppointments = true
	// DefaultSlotLength is the length of one bookable appointment slot.
	DefaultSlotLength = 15 * time.Minute
	// DefaultSlotCapacity is how many callbacks one slot takes.
	DefaultSlotCapacity = 10
	// DefaultHorizonDays is how many days ahead appointments may be booked.
	DefaultHorizonDays = 7

	// DefaultRetryBusy is the BUSYATTEMPTS limit.
	DefaultRetryBusy = 3
	// DefaultRetryNoAnswer is the NOANSATTEMPTS limit.
	DefaultRetryNoAnswer = 3
	// DefaultRetryAnsweringMachine is the MAXANSMACHATTEMPTS limit.
	DefaultRetryAnsweringMachine = 2
	// DefaultRetryTryAgain is the TRYAGAINATTEMPTS limit.
	DefaultRetryTryAgain = 3
	// DefaultRetryTotal is the MAXATTEMPTS limit (all reasons together).
	DefaultRetryTotal = 5
	// DefaultRetryWait is the delay before a failed callback is tried again.
	DefaultRetryWait = 5 * time.Minute

	// DefaultEstimator is the EWT algorithm. The estimator's own defaults
	// (internal/ewt) are the queue's.
	DefaultEstimator = EstimatorQueueLength
	// DefaultHandleTime seeds the EWT service rate until enough answers are seen.
	DefaultHandleTime = ewt.DefaultHandleTime
	// DefaultAgents seeds the number of agents serving a queue.
	DefaultAgents = ewt.DefaultAgents
	// DefaultMultiplicationFactor scales the migration estimators, in percent.
	DefaultMultiplicationFactor = ewt.DefaultMultiplicationFactor
	// DefaultMedian summarises the migration estimators' samples by their mean.
	DefaultMedian = false
	// DefaultMinAnswers is how many answers are measured before the EWT seed is dropped.
	DefaultMinAnswers = ewt.DefaultMinAnswers
	// DefaultSmoothing is the time constant of the measured EWT rates.
	DefaultSmoothing = ewt.DefaultSmoothing

	// DefaultLaunchLead is the time to dial and confirm a customer before an agent is expected.
	DefaultLaunchLead = 30 * time.Second
	// DefaultOutboundStartTimeout counts a launch without an outcome as a failed attempt.
	DefaultOutboundStartTimeout = 60 * time.Second
)

// Defaults of the integrations (endpoints and notifications).
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
	DefaultSMSMethod = "POST"
)

// NewTenant returns a tenant named name with every default applied: UTC,
// the E.164 numbering profile, no integration, the default notifications
// and no segments or queues. Licences stay nil: a tenant without a licence
// configuration refuses callbacks (109034).
func NewTenant(name string) *Tenant {
	return &Tenant{
		Name:     name,
		Location: time.UTC, // DefaultTimeZone
		Contacts: contact.Rules{
			Profile:   DefaultProfile,
			MinLength: contact.DefaultMinLength,
			MaxLength: contact.DefaultMaxLength,
		},
		Integration:              DefaultIntegration,
		DefaultSourceApplication: DefaultSourceApplication,
		Notifications:            NewNotifications(),
	}
}

// NewLicenses returns a licence configuration with every default applied
// and no licences.
func NewLicenses() *license.Config {
	return &license.Config{
		MinimumThreshold:  license.DefaultMinimumThreshold,
		BandwidthPeriod:   license.DefaultBandwidthPeriod,
		VoiceApplications: []string{license.DefaultVoiceApplication},
	}
}

// NewSegment returns a segment named name that feeds the queue named queue,
// with every default applied.
func NewSegment(name, queue string) *Segment {
	return &Segment{Name: name, Queue: queue, CountryCode: DefaultCountryCode}
}

// NewQueue returns a queue named name with every default applied: open
// 24/7, no holidays, and every free IVR variable at its table default.
func NewQueue(name string) *Queue {
	q := &Queue{
		Name:                    name,
		Mode:                    DefaultMode,
		HolidayMode:             DefaultHolidayMode,
		QueueMode:               DefaultQueueMode,
		TurnOnThreshold:         DefaultTurnOnThreshold,
		SmartPurge:              SmartPurge{Enabled: DefaultSmartPurge, DrainMargin: DefaultDrainMargin},
		SmartCallBlockThreshold: DefaultSmartCallBlockThreshold,
		CallbackDoubleCheck:     DefaultCallbackDoubleCheck,
		SecondChance:            SecondChance{Enabled: DefaultSecondChance, Threshold: DefaultSecondChanceThreshold},
		BusinessHours:           schedule.AlwaysOpen(),
		Appointments: Appointments{
			Enabled:     DefaultAppointments,
			SlotLength:  DefaultSlotLength,
			Capacity:    DefaultSlotCapacity,
			HorizonDays: DefaultHorizonDays,
		},
		Retries: Retries{
			Busy:             DefaultRetryBusy,
			NoAnswer:         DefaultRetryNoAnswer,
			AnsweringMachine: DefaultRetryAnsweringMachine,
			TryAgain:         DefaultRetryTryAgain,
			Total:            DefaultRetryTotal,
			Wait:             DefaultRetryWait,
		},
		EWT: EWTSettings{
			Estimator:            DefaultEstimator,
			DefaultHandleTime:    DefaultHandleTime,
			DefaultAgents:        DefaultAgents,
			MultiplicationFactor: DefaultMultiplicationFactor,
			Median:               DefaultMedian,
			MinAnswers:           DefaultMinAnswers,
			Smoothing:            DefaultSmoothing,
		},
		Launch: LaunchSettings{
			Lead:                 DefaultLaunchLead,
			OutboundStartTimeout: DefaultOutboundStartTimeout,
		},
		Variables: map[string]string{},
	}
	for _, v := range VariableTable() {
		if !v.IsBound() {
			q.Variables[v.Name] = v.Default
		}
	}
	return q
}

// NewNotifications returns the notification settings with every default
// applied and no SMS gateway.
func NewNotifications() Notifications {
	return Notifications{Confirmation: DefaultConfirmation, Reminder: DefaultReminder, FinalAttempt: DefaultFinalAttempt}
}

// NewDialer returns a dialer push endpoint at url with the default expiry
// and timeout.
func NewDialer(url string) *Endpoint {
	return &Endpoint{URL: url, Expiry: DefaultDialerExpiry, Timeout: DefaultDeliveryTimeout}
}

// NewWebhook returns a subscription named name of the endpoint at url to
// every event type, with the default expiry and timeout.
func NewWebhook(name, url string) *Webhook {
	return &Webhook{Name: name, Endpoint: Endpoint{URL: url, Expiry: DefaultWebhookExpiry, Timeout: DefaultDeliveryTimeout}}
}

// NewSMSGateway returns an SMS gateway at url with the default method,
// body template, expiry and timeout, and no headers.
func NewSMSGateway(url string) *SMSGateway {
	return &SMSGateway{
		Endpoint: Endpoint{URL: url, Expiry: DefaultSMSExpiry, Timeout: DefaultDeliveryTimeout},
		Method:   DefaultSMSMethod, Headers: map[string]string{}, Body: smstemplate.Default,
	}
}
