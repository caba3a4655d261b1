package ewt

import (
	"math"
	"time"
)

// Tracker follows one queue's physical waiting line (callers on hold and reconnected callback
// customers waiting for an agent) and measures what estimation needs: the service rate of the busy
// system, the abandonment rate of waiting callers and, for the migration estimators, per-call wait
// time samples. Not safe for concurrent use (the caller locks).
//
// The service rate is measured without the bias of counting every answer. A caller who finds a free
// agent is answered at once, and counting that answer as a departure of the busy system would
// inflate the rate badly (at ρ = 0.95 half the callers never wait). Exposure time therefore runs only
// while it is known that every agent is busy and someone waits: it opens at an answer after which
// the line is still non-empty, or when a caller joins (or the ACD reports) while the ACD reports no
// agent available, and closes when the line empties or the ACD reports a free agent. Each answer
// during exposure is one departure. By memorylessness the rate is departures / exposure, the MLE
// with censoring (plus one pseudo-departure that only matters when the memory is nearly empty).
//
// The sums decay exponentially with wall time (time constant Config.Smoothing, stretched for slow
// queues by Config.SmoothingAnswers). Every id that joins must leave by Answered, Abandoned or Left;
// one that never does stays counted in the line.
type Tracker struct {
	cfg  Config
	line map[string]waiter // the waiting line by interaction id

	started bool
	last    time.Time // time of the latest event (events earlier than it count as at it)
	open    bool      // exposure is running: every agent is known busy and someone waits

	staffingKnown      bool
	staffed, available int

	m measure
	// lastTotal and lastAgent anchor the rates' pseudo-departure: the seeds at first, then the
	// rates measured just before the latest departure that found at least anchorDepartures
	// weighted departures in memory.
	lastTotal, lastAgent float64

	hist history // per-call wait time samples (migration estimators only)
}

// anchorDepartures is the weighted departures the memory must hold for its rate to become the
// anchor of the pseudo-departure.
const anchorDepartures = 10

// waiter is one interaction in the waiting line.
type waiter struct {
	joined   time.Time
	position int // 1 + the number waiting when it joined
}

// Snapshot is what a Tracker has measured, for the console and for tests.
type Snapshot struct {
	// Waiting is the number in the waiting line.
	Waiting int
	// ServiceRate is r, the rate (answers per second) at which the busy system answers waiting
	// callers, as QueueLength uses it now: the seed, the measured total rate, or staffed agents ×
	// the measured per-agent rate.
	ServiceRate float64
	// AbandonRate is θ, abandons per second per waiting caller (0 until an abandon is measured).
	AbandonRate float64
	// Answers is the number of departures of the busy system measured so far.
	Answers int
	// Abandons is the number of abandons measured so far.
	Abandons int
	// Seeded reports that ServiceRate is still the seed (fewer than MinAnswers answers measured).
	Seeded bool
	// StaffingKnown reports that an ACD adapter has pushed staffing; Staffed and Available are its
	// latest figures.
	StaffingKnown      bool
	Staffed, Available int
}

// NewTracker returns a Tracker for cfg, whose zero fields take their defaults. It panics if cfg is
// invalid (Config.Validate tells why): configs are built by the program from validated settings.
func NewTracker(cfg Config) *Tracker {
	cfg = cfg.withDefaults()
	cfg.mustValidate()
	aht := cfg.DefaultHandleTime.Seconds()
	return &Tracker{
		cfg:       cfg,
		line:      make(map[string]waiter),
		lastTotal: float64(cfg.DefaultAgents) / aht,
		lastAgent: 1 / aht,
	}
}

// Joined records that id entered the waiting line. A second Joined for an id already waiting is
// ignored, so replays are harmless.
func (t *Tracker) Joined(now time.Time, id string) {
	if _, ok := t.line[id]; ok {
		return
	}
	t.advance(now)
	t.line[id] = waiter{joined: t.last, position: len(t.line) + 1}
	if t.allBusy() {
		t.open = true
	}
}

// Answered records that an agent took id: a departure of the busy system when exposure is open.
// Unknown ids are ignored (after a restart, events may precede the replayed history).
func (t *Tracker) Answered(now time.Time, id string) {
	w, ok := t.line[id]
	if !ok {
		return
	}
	t.advance(now)
	delete(t.line, id)
	if t.open {
		// The anchors move to the rates just before this departure, when those rest on enough
		// data: an anchor derived from almost nothing would compound (answers sharing a timestamp
		// after an idle spell would multiply the rate at each step).
		perAgent := t.staffingKnown && t.staffed > 0
		if t.m.departures >= anchorDepartures {
			t.lastTotal = t.m.totalRate(t.lastTotal)
		}
		if perAgent && t.m.agentDepartures >= anchorDepartures {
			t.lastAgent = t.m.agentRate(t.lastAgent)
		}
		t.m.depart(perAgent)
	}
	// Someone still waits right after an answer, so every agent is busy: unless the ACD reports a
	// free agent, the next interval until an answer is a full one.
	t.open = len(t.line) > 0 && !t.freeAgent()
	if t.cfg.Estimator != QueueLength {
		wait := max(t.last.Sub(w.joined), 0).Seconds()
		t.hist.add(sample{at: t.last, pcwt: wait / float64(w.position)}, t.retain())
	}
}

// Abandoned records that id hung up while waiting. Unknown ids are ignored.
func (t *Tracker) Abandoned(now time.Time, id string) {
	if t.remove(now, id) {
		t.m.abandon()
	}
}

// Left records that id left the line otherwise: converted to a callback, cancelled or transferred.
// It is not an abandon. Unknown ids are ignored.
func (t *Tracker) Left(now time.Time, id string) {
	t.remove(now, id)
}

// Staffing records the ACD's statistics, when an adapter pushes them: agents staffed on the queue and
// agents available now. Once known, the service rate is measured per staffed agent and multiplied by
// the agents staffed now, so a staffing change moves the estimate at once; a free agent means a
// caller with nobody ahead waits 0. Negative figures count as 0; with 0 staffed the estimate falls
// back to the total rate measured so far (or the DefaultAgents seed), nothing better being known.
func (t *Tracker) Staffing(now time.Time, staffed, available int) {
	t.advance(now)
	t.staffingKnown = true
	t.staffed, t.available = max(staffed, 0), max(available, 0)
	switch {
	case t.available > 0:
		t.open = false // a free agent: no longer known that all are busy (censored, no departure)
	case len(t.line) > 0:
		t.open = true
	}
}

// Snapshot returns what the Tracker has measured as of now.
func (t *Tracker) Snapshot(now time.Time) Snapshot {
	m := t.measureAt(now)
	r, seeded := t.serviceRate(&m)
	return Snapshot{
		Waiting:       len(t.line),
		ServiceRate:   r,
		AbandonRate:   m.abandonRate(r),
		Answers:       m.answers,
		Abandons:      m.abandonCount,
		Seeded:        seeded,
		StaffingKnown: t.staffingKnown,
		Staffed:       t.staffed,
		Available:     t.available,
	}
}

// remove takes id off the line (abandon or leave) and reports whether it was there. When the line
// empties, exposure closes: the interval since the last departure is censored, no departure.
func (t *Tracker) remove(now time.Time, id string) bool {
	if _, ok := t.line[id]; !ok {
		return false
	}
	t.advance(now)
	delete(t.line, id)
	if len(t.line) == 0 {
		t.open = false
	}
	return true
}

// allBusy reports whether the ACD says no agent is free (false when no ACD reports).
func (t *Tracker) allBusy() bool {
	return t.staffingKnown && t.available == 0
}

// freeAgent reports whether the ACD says an agent is free (false when no ACD reports).
func (t *Tracker) freeAgent() bool {
	return t.staffingKnown && t.available > 0
}

// advance accrues the measurements up to now with the state that held since the last event. Events
// out of order (now before the last event) count as happening at the last event.
func (t *Tracker) advance(now time.Time) {
	if !t.started {
		t.started, t.last = true, now
		return
	}
	if !now.After(t.last) {
		return
	}
	t.m.accrue(now.Sub(t.last).Seconds(), t.tau(), t.slowTau(), t.open, float64(t.staffed), float64(len(t.line)))
	t.last = now
}

// measureAt returns the measurements as they would stand at now, without changing the Tracker: the
// exposure running since the last event counts (censored), so a stall lowers the rate as it lasts.
func (t *Tracker) measureAt(now time.Time) measure {
	m := t.m
	if t.started && now.After(t.last) {
		m.accrue(now.Sub(t.last).Seconds(), t.tau(), t.slowTau(), t.open, float64(t.staffed), float64(len(t.line)))
	}
	return m
}

// serviceRate is r for QueueLength and whether it is the seed. With staffing known it is staffed now
// × the per-agent rate; otherwise the total rate; until MinAnswers departures are measured it is the
// seed agents / DefaultHandleTime, with agents the staffed count when known.
func (t *Tracker) serviceRate(m *measure) (float64, bool) {
	if t.staffingKnown && t.staffed > 0 && m.agentAnswers >= t.cfg.MinAnswers {
		return float64(t.staffed) * m.agentRate(t.lastAgent), false
	}
	if m.answers >= t.cfg.MinAnswers {
		return m.totalRate(t.lastTotal), false
	}
	agents := t.cfg.DefaultAgents
	if t.staffingKnown && t.staffed > 0 {
		agents = t.staffed
	}
	return float64(agents) / t.cfg.DefaultHandleTime.Seconds(), true
}

// tau is the time constant of the measurements, in seconds: Smoothing, stretched for slow queues so
// that the memory spans SmoothingAnswers answers at the rate in use. A queue of 10 agents with 5-min
// calls answers only 30 callers in 15 min, and a rate measured from so few is too noisy to quote
// from; one of 100 agents answers 300 and is not stretched.
func (t *Tracker) tau() float64 {
	tau := t.cfg.Smoothing.Seconds()
	if r, _ := t.serviceRate(&t.m); r > 0 {
		tau = math.Max(tau, float64(t.cfg.SmoothingAnswers)/r)
	}
	return tau
}

// slowTau is the time constant of the per-agent rate and the abandonment rate: the longer of
// Smoothing and the time of AgentSmoothingAnswers answers at the rate in use.
func (t *Tracker) slowTau() float64 {
	tau := t.cfg.Smoothing.Seconds()
	if r, _ := t.serviceRate(&t.m); r > 0 {
		tau = math.Max(tau, float64(t.cfg.AgentSmoothingAnswers)/r)
	}
	return tau
}
