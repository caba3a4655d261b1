package ewt

import (
	"fmt"
	"time"
)

// Kind names an estimation algorithm. The values are the configuration words of behaviour.md §5 (the
// same strings as callback.Estimator), so the mapping is a conversion.
type Kind string

// The estimators.
const (
	// QueueLength quotes Σ_{i=0..n} 1/(r + iθ) from the measured service rate r and abandonment rate θ:
	// the exact mean wait in M/M/s+M and the most accurate predictor known. The default.
	QueueLength Kind = "QueueLength"
	// RollingHistory quotes the per-call wait time of the calls answered in the last RollingWindow,
	// times the position (the original product's rolling history).
	RollingHistory Kind = "RollingHistory"
	// AgentAdjustedHistory quotes the per-call wait time of a static array of the latest answers,
	// DefaultAgents × SamplesMultiplier long, pre-filled with the default (the original's default).
	AgentAdjustedHistory Kind = "AgentAdjustedHistory"
	// AgentWeighting is AgentAdjustedHistory with the array sized by the agents staffed now.
	AgentWeighting Kind = "AgentWeighting"
)

// Defaults of Config, the original product's where it had one (domain.md §2.3).
const (
	DefaultHandleTime            = 300 * time.Second // Config.DefaultHandleTime
	DefaultAgents                = 1                 // Config.DefaultAgents
	DefaultMinAnswers            = 30                // Config.MinAnswers
	DefaultSmoothing             = 15 * time.Minute  // Config.Smoothing
	DefaultSmoothingAnswers      = 250               // Config.SmoothingAnswers
	DefaultAgentSmoothingAnswers = 2000              // Config.AgentSmoothingAnswers
	DefaultMultiplicationFactor  = 100               // Config.MultiplicationFactor (not applied to a zero value)
	DefaultMinSamples            = 2                 // Config.MinSamples
	DefaultMaxSamples            = 5120              // Config.MaxSamples
	DefaultSamplesMultiplier     = 2                 // Config.SamplesMultiplier
	DefaultRollingWindow         = 15 * time.Minute  // Config.RollingWindow
)

// Limits of the original product's sample-array parameters.
const (
	maxSamplesLimit      = 36161
	maxSamplesMultiplier = 42740
)

// MaxMultiplicationFactor is the largest Config.MultiplicationFactor, in
// percent; the domain's table of setting ranges states it for queues.
const MaxMultiplicationFactor = 200

// Config configures the estimation of one queue; callback.EWTSettings map onto it (Estimator,
// DefaultHandleTime, DefaultAgents, MultiplicationFactor, Median), the other fields keep their
// defaults unless a queue needs tuning. Zero fields take the documented default, except
// MultiplicationFactor, where 0 % is a valid setting.
type Config struct {
	// Estimator is the algorithm; default QueueLength.
	Estimator Kind
	// DefaultHandleTime is the average handle time that seeds the service rate until MinAnswers
	// answers are measured, and the default per-call wait time of the migration estimators
	// (DefaultHandleTime / DefaultAgents); default 300 s.
	DefaultHandleTime time.Duration
	// DefaultAgents is the agent count of the seed when the ACD reports no staffing, and sizes the
	// AgentAdjustedHistory array; default 1.
	DefaultAgents int
	// MinAnswers is the number of measured departures after which the measured service rate replaces
	// the seed (Avaya documents full accuracy after about 30); default 30.
	MinAnswers int
	// Smoothing is the time constant of the exponentially weighted measurements: data an interval
	// Smoothing old weighs 1/e. Shorter follows staffing and handle-time changes faster, longer is
	// less noisy; default 15 min.
	Smoothing time.Duration
	// SmoothingAnswers stretches Smoothing for slow queues: the time constant is the longer of
	// Smoothing and SmoothingAnswers / r (r the service rate), so the memory always spans about this
	// many answers. Fewer make a noisy rate whose errors also correlate with the queue length and bias
	// the quotes up; default 250 (no stretch at 100 agents with 5-min calls, about 2 h at 10).
	SmoothingAnswers int
	// AgentSmoothingAnswers is the memory, in answers, of what describes the calls and the callers
	// rather than the staffing: the per-agent service rate (used once the ACD reports staffing, so
	// that staffing changes still show at once) and the abandonment rate. Their time constant is
	// the longer of Smoothing and AgentSmoothingAnswers / r. A short memory makes the rate's noise
	// correlate with the queue length — a run of slow answers is what builds a queue — and biases
	// the quotes up; default 2000 (100 min at 100 agents with 5-min calls, 17 h at 10).
	AgentSmoothingAnswers int
	// MultiplicationFactor scales the migration estimators' quotes, in percent (0-200). Unlike the
	// other fields its zero value is taken literally (quotes of 0) because 0 is a valid setting of the
	// original; DefaultMultiplicationFactor is 100. QueueLength ignores it.
	MultiplicationFactor int
	// Median makes the migration estimators use the median of their samples instead of the mean
	// (recommended by the original for low-volume queues); default false.
	Median bool
	// MinSamples is the smallest array size of AgentAdjustedHistory and AgentWeighting (2-36161);
	// default 2.
	MinSamples int
	// MaxSamples is the largest array size (MinSamples-36161); default 5120.
	MaxSamples int
	// SamplesMultiplier is the number of array slots per agent (2-42740): DefaultAgents ×
	// SamplesMultiplier for AgentAdjustedHistory, staffed agents × SamplesMultiplier for
	// AgentWeighting; default 2.
	SamplesMultiplier int
	// RollingWindow is the age of the answers RollingHistory uses; default 15 min.
	RollingWindow time.Duration
	// SampleExpiry drops samples older than this from every migration estimator (their slots count
	// as the default again); default 0, never.
	SampleExpiry time.Duration
}

// withDefaults returns c with every zero field (but MultiplicationFactor) set to its default.
func (c Config) withDefaults() Config {
	if c.Estimator == "" {
		c.Estimator = QueueLength
	}
	if c.DefaultHandleTime == 0 {
		c.DefaultHandleTime = DefaultHandleTime
	}
	if c.DefaultAgents == 0 {
		c.DefaultAgents = DefaultAgents
	}
	if c.MinAnswers == 0 {
		c.MinAnswers = DefaultMinAnswers
	}
	if c.Smoothing == 0 {
		c.Smoothing = DefaultSmoothing
	}
	if c.SmoothingAnswers == 0 {
		c.SmoothingAnswers = DefaultSmoothingAnswers
	}
	if c.AgentSmoothingAnswers == 0 {
		c.AgentSmoothingAnswers = DefaultAgentSmoothingAnswers
	}
	if c.MinSamples == 0 {
		c.MinSamples = DefaultMinSamples
	}
	if c.MaxSamples == 0 {
		c.MaxSamples = max(DefaultMaxSamples, c.MinSamples)
	}
	if c.SamplesMultiplier == 0 {
		c.SamplesMultiplier = DefaultSamplesMultiplier
	}
	if c.RollingWindow == 0 {
		c.RollingWindow = DefaultRollingWindow
	}
	return c
}

// Validate reports the first field of c (after defaults) that is out of range, by name, so the
// lead can refuse a queue's settings before building its Tracker.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case c.Estimator != QueueLength && c.Estimator != RollingHistory && c.Estimator != AgentAdjustedHistory && c.Estimator != AgentWeighting:
		return fmt.Errorf("ewt: Estimator %q is not one of QueueLength, RollingHistory, AgentAdjustedHistory, AgentWeighting", c.Estimator)
	case c.DefaultHandleTime < 0:
		return fmt.Errorf("ewt: DefaultHandleTime %v is negative", c.DefaultHandleTime)
	case c.DefaultAgents < 0:
		return fmt.Errorf("ewt: DefaultAgents %d is negative", c.DefaultAgents)
	case c.MinAnswers < 0:
		return fmt.Errorf("ewt: MinAnswers %d is negative", c.MinAnswers)
	case c.Smoothing < 0:
		return fmt.Errorf("ewt: Smoothing %v is negative", c.Smoothing)
	case c.SmoothingAnswers < 0:
		return fmt.Errorf("ewt: SmoothingAnswers %d is negative", c.SmoothingAnswers)
	case c.AgentSmoothingAnswers < 0:
		return fmt.Errorf("ewt: AgentSmoothingAnswers %d is negative", c.AgentSmoothingAnswers)
	case c.MultiplicationFactor < 0 || c.MultiplicationFactor > MaxMultiplicationFactor:
		return fmt.Errorf("ewt: MultiplicationFactor %d is out of range (0 to %d)", c.MultiplicationFactor, MaxMultiplicationFactor)
	case c.MinSamples < 2 || c.MinSamples > maxSamplesLimit:
		return fmt.Errorf("ewt: MinSamples %d is out of range (2 to %d)", c.MinSamples, maxSamplesLimit)
	case c.MaxSamples < c.MinSamples || c.MaxSamples > maxSamplesLimit:
		return fmt.Errorf("ewt: MaxSamples %d is out of range (MinSamples %d to %d)", c.MaxSamples, c.MinSamples, maxSamplesLimit)
	case c.SamplesMultiplier < 2 || c.SamplesMultiplier > maxSamplesMultiplier:
		return fmt.Errorf("ewt: SamplesMultiplier %d is out of range (2 to %d)", c.SamplesMultiplier, maxSamplesMultiplier)
	case c.RollingWindow < 0:
		return fmt.Errorf("ewt: RollingWindow %v is negative", c.RollingWindow)
	case c.SampleExpiry < 0:
		return fmt.Errorf("ewt: SampleExpiry %v is negative", c.SampleExpiry)
	}
	return nil
}

// mustValidate panics on an invalid Config: the Config is built by the program from validated
// settings, so an invalid one is a bug.
func (c Config) mustValidate() {
	if err := c.Validate(); err != nil {
		panic(err)
	}
}

// sampleSize is the array size of AgentAdjustedHistory and AgentWeighting for the given agents:
// agents × SamplesMultiplier, bounded by MinSamples and MaxSamples.
func (c Config) sampleSize(agents int) int {
	n := min(agents, c.MaxSamples) * c.SamplesMultiplier // min first: no overflow
	return max(c.MinSamples, min(n, c.MaxSamples))
}

// defaultPCWT is the per-call wait time, in seconds per position, that fills empty sample slots:
// DefaultHandleTime / DefaultAgents (the original's "Default Calculation").
func (c Config) defaultPCWT() float64 {
	return c.DefaultHandleTime.Seconds() / float64(c.DefaultAgents)
}
