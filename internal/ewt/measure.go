package ewt

import "math"

// measure holds the exponentially weighted sums behind the service and abandonment rates. Every
// quantity added at time u weighs e^{−(now−u)/τ} at time now; a rate is the ratio of two sums, the
// exponential-distribution MLE with censoring (events counted / time exposed).
type measure struct {
	departures float64 // answers during exposure
	exposure   float64 // seconds during which every agent was known busy and someone waited

	agentDepartures float64 // departures during exposure while the ACD reported staffed agents
	agentExposure   float64 // the same exposure in agent-seconds (weighted by staffed agents)

	abandons float64 // abandons of waiting callers
	waitArea float64 // ∫ n(t) dt, caller-seconds of waiting

	answers      int // departures measured, unweighted (MinAnswers counts these)
	agentAnswers int // departures measured while staffing was known, unweighted
	abandonCount int // abandons measured, unweighted
}

// accrue advances the sums by dt seconds during which exposure was open or not, `agents` agents were
// staffed (0 when unknown) and `waiting` callers waited. The total rate's sums decay with the time
// constant tau (seconds); the per-agent rate's and the abandonment rate's, which describe the agents'
// calls and the callers' patience rather than the staffing, with the longer slow.
func (m *measure) accrue(dt, tau, slow float64, open bool, agents, waiting float64) {
	if dt <= 0 {
		return
	}
	w, ws := math.Exp(-dt/tau), math.Exp(-dt/slow)
	m.departures *= w
	m.exposure *= w
	m.agentDepartures *= ws
	m.agentExposure *= ws
	m.abandons *= ws
	m.waitArea *= ws
	// ∫_0^dt e^{−(dt−u)/τ} du: the weighted length of the interval just ended.
	g, gs := -tau*math.Expm1(-dt/tau), -slow*math.Expm1(-dt/slow)
	if open {
		m.exposure += g
		m.agentExposure += agents * gs
	}
	m.waitArea += waiting * gs
}

// depart records one departure of the busy system (an answer during exposure).
func (m *measure) depart(staffingKnown bool) {
	m.departures++
	m.answers++
	if staffingKnown {
		m.agentDepartures++
		m.agentAnswers++
	}
}

// abandon records one abandon of a waiting caller.
func (m *measure) abandon() {
	m.abandons++
	m.abandonCount++
}

// totalRate is the measured departure rate of the busy system (answers per second): the
// departures over the exposure plus one pseudo-departure in 1/r0 seconds, r0 an earlier estimate.
// That is the posterior mean under a gamma prior worth one departure; it changes nothing noticeable
// while the memory holds many departures, and keeps the rate finite and sensible when it holds
// almost none: after a long idle spell (the sums decay to 0 and the rate returns to r0), or when
// answers share a timestamp right after one.
func (m *measure) totalRate(r0 float64) float64 {
	return (m.departures + 1) / (m.exposure + 1/r0)
}

// agentRate is the answer rate per staffed agent, with the same pseudo-departure at mu0.
func (m *measure) agentRate(mu0 float64) float64 {
	return (m.agentDepartures + 1) / (m.agentExposure + 1/mu0)
}

// abandonRate is θ, abandons per second per waiting caller: 0 until an abandon is measured, then the
// abandons over the caller-seconds of waiting plus 1/r of them (r the service rate), which bounds θ
// by r when a caller abandons right after a long idle spell, and is negligible otherwise.
func (m *measure) abandonRate(r float64) float64 {
	if m.abandons <= 0 {
		return 0
	}
	return m.abandons / (m.waitArea + 1/r)
}
