package config

import (
	"math"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/contact"
	"github.com/holdline/holdline/internal/license"
	"github.com/holdline/holdline/internal/schedule"
)

// Defaults of the configuration. Every value a file may leave out is listed
// here or, for the numbering and licence sections, in the contact and license
// packages; newTenant, newSegment, newQueue and newLicenses below are the one
// place they are applied, and example.yaml states each of them ("Default:"),
// which a test checks.
const (
	// DefaultTimeZone is a tenant's time zone when it names none.
	DefaultTimeZone = "UTC"
	// DefaultProfile is a tenant's numbering profile: real sites dial E.164 numbers.
	DefaultProfile = contact.E164
	// DefaultIntegration is a tenant's telephony integration: no user-data conventions.
	DefaultIntegration = callback.IntegrationNone
	// DefaultCountryCode is a segment's calling code, the default region of its contacts.
	DefaultCountryCode = "1"

	// DefaultMode is a queue's operation mode when no schedule or manual change applies.
	DefaultMode = callback.ModeNormal
	// DefaultHolidayMode is a queue's operation mode on holidays.
	DefaultHolidayMode = callback.ModeAfterHours
	// DefaultQueueMode calls the customer first (Predictive).
	DefaultQueueMode = callback.QueueModePredictive
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

	// DefaultEstimator is the EWT algorithm.
	DefaultEstimator = callback.EstimatorQueueLength
	// DefaultHandleTime seeds the EWT service rate until enough answers are seen.
	DefaultHandleTime = 300 * time.Second
	// DefaultAgents seeds the number of agents serving a queue.
	DefaultAgents = 1
	// DefaultMultiplicationFactor scales the migration estimators, in percent.
	DefaultMultiplicationFactor = 100
	// DefaultStatistic is how the migration estimators summarise samples.
	DefaultStatistic = StatisticAverage
	// DefaultMinAnswers is how many answers are measured before the EWT seed is dropped.
	DefaultMinAnswers = 30
	// DefaultSmoothing is the time constant of the measured EWT rates.
	DefaultSmoothing = 15 * time.Minute

	// DefaultLaunchLead is the time to dial and confirm a customer before an agent is expected.
	DefaultLaunchLead = 30 * time.Second
	// DefaultOutboundStartTimeout counts a launch without an outcome as a failed attempt.
	DefaultOutboundStartTimeout = 60 * time.Second
)

// Statistic is how the EWT migration estimators summarise their samples
// (the ewt.statistic key).
type Statistic string

// The statistics.
const (
	StatisticAverage Statistic = "average"
	StatisticMedian  Statistic = "median"
)

// Statistics lists every statistic.
var Statistics = []Statistic{StatisticAverage, StatisticMedian}

// Limits of the values the schema accepts; example.yaml states them.
const (
	minSlotLength        = 5 * time.Minute
	maxSlotLength        = 120 * time.Minute
	maxCount             = 1_000_000 // licences, capacities, agents, limits
	maxRetries           = 999
	maxHorizonDays       = 365
	maxMultiplication    = 200
	minNumberLength      = 1
	maxNumberLength      = 32
	minPositiveDuration  = time.Second
	noMaxDuration        = time.Duration(math.MaxInt64)
	maxCountryCodeDigits = 3
)

// newTenant returns a tenant with every default applied. Licences stay nil:
// a tenant without a licences section has no licence configuration (109034).
func newTenant() *callback.Tenant {
	loc, err := time.LoadLocation(DefaultTimeZone)
	if err != nil {
		loc = time.UTC // cannot happen: "UTC" needs no database
	}
	return &callback.Tenant{
		Location: loc,
		Contacts: contact.Rules{
			Profile:   DefaultProfile,
			MinLength: contact.DefaultMinLength,
			MaxLength: contact.DefaultMaxLength,
		},
		Integration:              DefaultIntegration,
		DefaultSourceApplication: callback.DefaultSourceApplication,
		Notifications:            newNotifications(),
	}
}

// newLicenses returns a licence configuration with every default applied.
func newLicenses() *license.Config {
	return &license.Config{
		MinimumThreshold:  license.DefaultMinimumThreshold,
		BandwidthPeriod:   license.DefaultBandwidthPeriod,
		VoiceApplications: []string{license.DefaultVoiceApplication},
	}
}

// newSegment returns a segment with every default applied.
func newSegment() *callback.Segment {
	return &callback.Segment{CountryCode: DefaultCountryCode}
}

// newQueue returns a queue with every default applied: open 24/7, no
// holidays, and every free IVR variable at its table default.
func newQueue() *callback.Queue {
	q := &callback.Queue{
		Mode:                    DefaultMode,
		HolidayMode:             DefaultHolidayMode,
		QueueMode:               DefaultQueueMode,
		TurnOnThreshold:         DefaultTurnOnThreshold,
		SmartPurge:              callback.SmartPurge{Enabled: DefaultSmartPurge, DrainMargin: DefaultDrainMargin},
		SmartCallBlockThreshold: DefaultSmartCallBlockThreshold,
		CallbackDoubleCheck:     DefaultCallbackDoubleCheck,
		SecondChance:            callback.SecondChance{Enabled: DefaultSecondChance, Threshold: DefaultSecondChanceThreshold},
		BusinessHours:           schedule.AlwaysOpen(),
		Appointments: callback.Appointments{
			Enabled:     DefaultAppointments,
			SlotLength:  DefaultSlotLength,
			Capacity:    DefaultSlotCapacity,
			HorizonDays: DefaultHorizonDays,
		},
		Retries: callback.Retries{
			Busy:             DefaultRetryBusy,
			NoAnswer:         DefaultRetryNoAnswer,
			AnsweringMachine: DefaultRetryAnsweringMachine,
			TryAgain:         DefaultRetryTryAgain,
			Total:            DefaultRetryTotal,
			Wait:             DefaultRetryWait,
		},
		EWT: callback.EWTSettings{
			Estimator:            DefaultEstimator,
			DefaultHandleTime:    DefaultHandleTime,
			DefaultAgents:        DefaultAgents,
			MultiplicationFactor: DefaultMultiplicationFactor,
			Median:               DefaultStatistic == StatisticMedian,
			MinAnswers:           DefaultMinAnswers,
			Smoothing:            DefaultSmoothing,
		},
		Launch: callback.LaunchSettings{
			Lead:                 DefaultLaunchLead,
			OutboundStartTimeout: DefaultOutboundStartTimeout,
		},
		Variables: map[string]string{},
	}
	for _, v := range callback.VariableTable() {
		if !v.IsBound() {
			q.Variables[v.Name] = v.Default
		}
	}
	return q
}
