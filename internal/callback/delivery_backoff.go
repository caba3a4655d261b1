package callback

import "time"

// The outbox's retry policy. The configuration fills it (delivery.backoff)
// and the delivery worker (internal/dispatch) applies it; this is its one
// owner, with its defaults and its rules.

// Defaults of Backoff.
const (
	// DefaultBackoffInitial is the ceiling of the first retry's delay.
	DefaultBackoffInitial = time.Second
	// DefaultBackoffMax caps the ceiling of any retry's delay.
	DefaultBackoffMax = 10 * time.Minute
)

// Backoff is exponential backoff with full jitter: the delay before retry n
// (after the n-th failed attempt) is uniform in [0, min(Max, Initial·2^(n-1))].
type Backoff struct {
	Initial time.Duration
	Max     time.Duration
}

// DefaultBackoff returns the backoff a configuration without a delivery
// section gets.
func DefaultBackoff() Backoff {
	return Backoff{Initial: DefaultBackoffInitial, Max: DefaultBackoffMax}
}

// Ceiling is the largest delay after the attempts-th failed attempt.
func (b Backoff) Ceiling(attempts int) time.Duration {
	c := b.Initial
	for i := 1; i < attempts && c < b.Max; i++ {
		c *= 2
	}
	return min(c, b.Max)
}

// Delay is the delay after the attempts-th failed attempt: jitter applied to
// the ceiling. jitter returns a duration in [0, d].
func (b Backoff) Delay(attempts int, jitter func(d time.Duration) time.Duration) time.Duration {
	c := b.Ceiling(attempts)
	return min(max(jitter(c), 0), c)
}

// Validate checks both bounds against the table of ranges and that Max is not
// below Initial; paths start at "delivery.backoff".
func (b Backoff) Validate() error {
	var c checker
	c.backoff("delivery.backoff", b)
	return c.err()
}

func (c *checker) backoff(path string, b Backoff) {
	c.duration(join(path, "initial"), b.Initial)
	c.duration(join(path, "max"), b.Max)
	if b.Max < b.Initial {
		c.add(path, "max %s is less than initial %s", FormatDuration(b.Max), FormatDuration(b.Initial))
	}
}
