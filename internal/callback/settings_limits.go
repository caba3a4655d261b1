package callback

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/ewt"
)

// The one table of the allowed ranges of the numeric settings. Settings.Validate
// checks every value against it, the configuration reads every number through
// it (so a value out of range is reported on its line), and a test holds the
// "Allowed:" lines of the example configuration (docs/configuration.md) to it.

// Unit is what the number of a setting counts.
type Unit string

// The units.
const (
	// UnitCount is a whole number (licences, attempts, days, percent).
	UnitCount Unit = "count"
	// UnitDuration is a time.Duration, in whole seconds.
	UnitDuration Unit = "duration"
)

// NoMax is the Max of a range without an upper bound.
const NoMax = math.MaxInt64

// manyCount bounds the counts that have no meaningful maximum (licences,
// capacities, agents): large enough for any site, small enough to rule out
// overflow. Messages say "at least" for them.
const manyCount = 1_000_000

// Range is the allowed values of one numeric setting: [Min, Max], in Unit.
type Range struct {
	Min, Max int64
	Unit     Unit
	// Step, when not 0, is what every value must be a whole multiple of
	// (an appointment slot is whole minutes).
	Step int64
}

// count returns a count range [lo, hi].
func count(lo, hi int64) Range { return Range{Min: lo, Max: hi, Unit: UnitCount} }

// dur returns a duration range [lo, hi].
func dur(lo, hi time.Duration) Range {
	return Range{Min: int64(lo), Max: int64(hi), Unit: UnitDuration}
}

// MaxEndpointTimeout keeps one delivery attempt shorter than the lease of the
// message it delivers, so a slow endpoint cannot have its message claimed twice.
const MaxEndpointTimeout = DefaultOutboxLease / 2

// settingRanges is the table, by schema path: the configuration's keys with the
// list indexes removed, as Settings.Validate reports them.
var settingRanges = map[string]Range{
	"tenants[].numbering.minLength":                  count(1, 32),
	"tenants[].numbering.maxLength":                  count(1, 32),
	"tenants[].licenses.inbound":                     count(0, manyCount),
	"tenants[].licenses.nonVoice":                    count(0, manyCount),
	"tenants[].licenses.outbound":                    count(0, manyCount),
	"tenants[].licenses.minimumThreshold":            count(0, manyCount),
	"tenants[].licenses.bandwidthLimit":              count(0, manyCount),
	"tenants[].licenses.bandwidthPeriod":             dur(time.Second, NoMax),
	"tenants[].notifications.reminder":               dur(0, NoMax),
	"tenants[].queues[].turnOnThreshold":             dur(0, NoMax),
	"tenants[].queues[].smartPurge.drainMargin":      dur(0, NoMax),
	"tenants[].queues[].smartCallBlockThreshold":     dur(0, NoMax),
	"tenants[].queues[].secondChance.threshold":      dur(0, NoMax),
	"tenants[].queues[].appointments.slotLength":     {Min: int64(5 * time.Minute), Max: int64(2 * time.Hour), Unit: UnitDuration, Step: int64(time.Minute)},
	"tenants[].queues[].appointments.capacity":       count(1, manyCount),
	"tenants[].queues[].appointments.horizonDays":    count(1, 365),
	"tenants[].queues[].retries.busy":                count(0, 999),
	"tenants[].queues[].retries.noAnswer":            count(0, 999),
	"tenants[].queues[].retries.answeringMachine":    count(0, 999),
	"tenants[].queues[].retries.tryAgain":            count(0, 999),
	"tenants[].queues[].retries.total":               count(0, 999),
	"tenants[].queues[].retries.wait":                dur(0, NoMax),
	"tenants[].queues[].ewt.defaultHandleTime":       dur(time.Second, NoMax),
	"tenants[].queues[].ewt.defaultAgents":           count(1, manyCount),
	"tenants[].queues[].ewt.multiplicationFactor":    count(0, ewt.MaxMultiplicationFactor),
	"tenants[].queues[].ewt.minAnswers":              count(1, 100_000),
	"tenants[].queues[].ewt.smoothing":               dur(time.Minute, 24*time.Hour),
	"tenants[].queues[].launch.lead":                 dur(0, NoMax),
	"tenants[].queues[].launch.outboundStartTimeout": dur(time.Second, NoMax),
	"delivery.backoff.initial":                       dur(time.Second, 24*time.Hour),
	"delivery.backoff.max":                           dur(time.Second, 24*time.Hour),
}

// Every receiver of the outbox has an expiry and a timeout of the same ranges.
func init() {
	for _, e := range []string{"tenants[].dialer", "tenants[].queues[].dialer", "tenants[].webhooks[]", "tenants[].notifications.sms"} {
		settingRanges[e+".expiry"] = dur(time.Second, NoMax)
		settingRanges[e+".timeout"] = dur(time.Second, MaxEndpointTimeout)
	}
}

// RangeOf returns the allowed range of the numeric setting at path, a schema
// path ("tenants[].queues[].retries.busy") or a path with list indexes
// ("tenants[0].queues[2].retries.busy"); false when the setting has none.
func RangeOf(path string) (Range, bool) {
	r, ok := settingRanges[SchemaPath(path)]
	return r, ok
}

// RangeKeys lists the schema paths of the table, sorted.
func RangeKeys() []string {
	keys := make([]string, 0, len(settingRanges))
	for k := range settingRanges {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// SchemaPath removes the list indexes of a settings path:
// "tenants[0].queues[2].name" is "tenants[].queues[].name".
func SchemaPath(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		b.WriteByte(path[i])
		if path[i] == '[' {
			for i+1 < len(path) && path[i+1] >= '0' && path[i+1] <= '9' {
				i++
			}
		}
	}
	return b.String()
}

// Check returns nil when v is in the range, else an error that says what is allowed.
func (r Range) Check(v int64) error {
	if v > r.Max && r.unbounded() {
		// A count whose ceiling only rules out overflow: name the ceiling,
		// not the "at least" its range is otherwise described by.
		return fmt.Errorf("%s is out of range (at most %s)", r.format(v), r.format(r.Max))
	}
	if v < r.Min || v > r.Max {
		return fmt.Errorf("%s is out of range (%s)", r.format(v), r.bounds())
	}
	if r.Step > 0 && v%r.Step != 0 {
		return fmt.Errorf("%s must be a whole number of %s", r.format(v), r.stepName())
	}
	return nil
}

// Allowed describes the range as the example configuration states it
// ("1 to 32", "0 or more", "1s or more", "5m to 2h, whole minutes").
func (r Range) Allowed() string {
	s := r.format(r.Min) + " or more"
	if !r.unbounded() {
		s = r.format(r.Min) + " to " + r.format(r.Max)
	}
	if r.Step > 0 {
		s += ", whole " + r.stepName()
	}
	return s
}

// bounds describes the range in an out-of-range message ("1 to 32", "at least 1s").
func (r Range) bounds() string {
	if r.unbounded() {
		return "at least " + r.format(r.Min)
	}
	return r.format(r.Min) + " to " + r.format(r.Max)
}

func (r Range) unbounded() bool {
	return r.Max == NoMax || (r.Unit == UnitCount && r.Max >= manyCount)
}

func (r Range) stepName() string {
	if r.Unit == UnitDuration && r.Step == int64(time.Minute) {
		return "minutes"
	}
	return r.format(r.Step) + "s"
}

// format renders a value of the range's unit.
func (r Range) format(v int64) string {
	if r.Unit == UnitDuration {
		return FormatDuration(time.Duration(v))
	}
	return fmt.Sprint(v)
}

// FormatDuration renders a duration the way the configuration writes it: Go
// syntax without zero trailing units ("2m", "1h30m", "90s" as "1m30s").
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
