package sim

import (
	"strconv"
	"time"

	"github.com/holdline/holdline/internal/ewt"
)

// The estimators compared on every caller's arrival, all on the same sample path.
const (
	estHoldline       = iota // what the platform announces: GetSegmentState's EWT (and EWT95)
	estOracle                // QL with the true rates: Σ_{i=0..n} 1/(sμ + iθ)
	estHOL                   // head of line: how long the first caller in line has waited so far
	estLES                   // last to enter service: the wait of the last caller an agent took
	estAsterisk              // Asterisk's holdtime: (3·avg + new)/4 over answered callers' waits
	estRolling15             // mean wait of the callers answered in the last 15 min
	estRollingHistory        // the original product's RollingHistory (an ewt.Tracker)
	numEstimators
)

// EstimatorNames are the estimators' names in the results, in order.
var EstimatorNames = [numEstimators]string{"holdline", "oracle-ql", "hol", "les", "asterisk-ewma", "rolling-15min", "rolling-history"}

// quote is what one estimator tells one caller: the mean wait and the 95 % "less than" quote, in
// seconds.
type quote struct{ mean, p95 float64 }

// rollingWindow is the window of the rolling mean.
const rollingWindow = 15 * 60.0

// delayHistory keeps what the delay-history estimators remember: they see the holding queue as an
// ACD's statistics show it (answered callers and their waits), not the callback queue.
type delayHistory struct {
	les  float64 // the wait of the last caller to enter service
	ewma float64 // Asterisk's holdtime, starting at 0 as Asterisk's does

	window  []answered // answers of the last rollingWindow, oldest first from head
	head    int
	winSum  float64
	rolling *ewt.Tracker // RollingHistory, fed the physical line like the platform's tracker
}

type answered struct{ at, wait float64 }

func newDelayHistory(sc *Scenario) *delayHistory {
	return &delayHistory{rolling: ewt.NewTracker(ewt.Config{
		Estimator:            ewt.RollingHistory,
		DefaultHandleTime:    time.Duration(max(sc.Service.Mean, 1)) * time.Second,
		DefaultAgents:        max(sc.agentsAt(0), 1),
		MultiplicationFactor: ewt.DefaultMultiplicationFactor,
	})}
}

func trackerID(c *call) string { return strconv.Itoa(c.n) }

// joined: c entered the physical line (holding or callback queue).
func (h *delayHistory) joined(now time.Time, c *call) { h.rolling.Joined(now, trackerID(c)) }

// answeredHold: an agent took c from the holding queue at t, after waiting wait.
func (h *delayHistory) answeredHold(now time.Time, t float64, c *call) {
	wait := t - c.arrival
	h.les = wait
	h.ewma = (3*h.ewma + wait) / 4
	h.window = append(h.window, answered{t, wait})
	h.winSum += wait
	h.rolling.Answered(now, trackerID(c))
}

// answeredCallback: an agent took a reconnected callback customer.
func (h *delayHistory) answeredCallback(now time.Time, c *call) {
	h.rolling.Answered(now, trackerID(c))
}

// abandoned: c hung up while holding.
func (h *delayHistory) abandoned(now time.Time, c *call) { h.rolling.Abandoned(now, trackerID(c)) }

func (h *delayHistory) staffing(now time.Time, staffed, free int) {
	h.rolling.Staffing(now, staffed, free)
}

// rollingMean is the mean wait of the callers answered in the window before t (0 when none).
func (h *delayHistory) rollingMean(t float64) float64 {
	for h.head < len(h.window) && h.window[h.head].at <= t-rollingWindow {
		h.winSum -= h.window[h.head].wait
		h.head++
	}
	if h.head > 4096 && h.head > len(h.window)/2 {
		h.window = append(h.window[:0], h.window[h.head:]...)
		h.head = 0
	}
	n := len(h.window) - h.head
	if n == 0 {
		return 0
	}
	return max(h.winSum/float64(n), 0)
}

// quoteOthers fills every estimator but Holdline's for c, who finds c.ahead interactions ahead.
// The delay-history estimators have no quantile: their 95 % quote is their mean times the QL
// model's Erlang(n+1) ratio of P95 to mean, as Holdline's migration estimators do.
func (m *model) quoteOthers(c *call) {
	n := c.ahead
	ratio := ewt.P95Ratio(n + 1)
	scaled := func(mean float64) quote { return quote{mean, mean * ratio} }
	c.quotes[estOracle] = m.oracle(n)
	c.quotes[estHOL] = scaled(m.headOfLine())
	c.quotes[estLES] = scaled(m.hist.les)
	c.quotes[estAsterisk] = scaled(m.hist.ewma)
	c.quotes[estRolling15] = scaled(m.hist.rollingMean(m.now))
	e := m.hist.rolling.Estimate(m.at(m.now), n)
	c.quotes[estRollingHistory] = quote{e.Mean.Seconds(), e.P95.Seconds()}
}

// oracle is the QL predictor with the true rates: staffed agents × 1/mean handle time, and
// 1/mean patience; 0 for a caller who finds a free agent and nobody ahead.
func (m *model) oracle(n int) quote {
	if n == 0 && len(m.idle) > 0 {
		return quote{}
	}
	mean, p95 := ewt.QueueLengthQuote(float64(m.staffed)*m.mu, m.theta, n)
	return quote{mean, p95}
}

// headOfLine is how long the first caller still holding has waited (0 when nobody holds).
func (m *model) headOfLine() float64 {
	for i := m.head; i < len(m.line); i++ {
		if c := m.line[i]; c.waiting {
			return m.now - c.arrival
		}
	}
	return 0
}
