package sim

// This file is longer than most on purpose: it is the discrete-event model
// whole — the calendar of events and the handler of each (arrivals, the IVR,
// the ACD and its agents, the dialer, the Queue Manager's ticks) — which
// reads as one story of a contact centre's day.

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/holdline/holdline/internal/callback"
)

// Options tune a run.
type Options struct {
	// Dir is where the run's SQLite store is created; empty uses a temporary directory, removed
	// after the run.
	Dir string
	// Progress, when set, is called now and then with the share of the run's arrival period done
	// (0 to 1).
	Progress func(done float64)

	// noPlatform runs the model alone, without Holdline (the closed-form tests of the ACD).
	noPlatform bool
}

// call is one caller, from arrival to an agent.
type call struct {
	n        int
	id       string // the platform's interaction id
	arrival  float64
	service  float64 // handle time, s
	patience float64 // s, +Inf for none
	ahead    int     // interactions ahead at arrival (live and virtual)
	quotes   [numEstimators]quote
	measured bool // arrived after the warm-up

	waiting   bool // holding in the line
	ghost     bool // left the line (abandoned, or never joined: took a callback) but keeps its place
	abandoned bool
	// reached is when the caller reached an agent — or, as a ghost, would have with infinite
	// patience at its place: its potential wait W is reached − arrival. NaN until known.
	reached float64
	cb      *callbackReq
}

// callbackReq is a caller's callback, as the simulated IVR and dialer know it.
type callbackReq struct {
	c         *call
	scheduled bool
	appt      float64 // the appointment, s into the run
	state     cbState
	due       float64 // a pending retry's due time
	attempts  int
	first     float64 // the first launch, NaN until launched
	connected int     // the attempt that reached the customer, 0 if none
	launchAt  float64 // the latest launch
	joinedAt  float64 // when the connected customer joined the callback queue
	answered  float64 // when an agent took the reconnected customer, NaN until then
}

type cbState int

const (
	cbPending cbState = iota // waiting to be launched (also waiting out a retry)
	cbDialing                // launched: the dialer is on it
	cbQueued                 // connected, in the callback queue or with an agent
	cbFailed                 // failed for good
)

// agent is one agent of a shift.
type agent struct {
	shift int
	busy  bool
	off   bool // the shift is over: the agent leaves at the end of the current call
}

// model is one run: the ACD and the people around it, in virtual time, optionally around the
// platform.
type model struct {
	ctx   context.Context
	sc    *Scenario
	opt   Options
	rng   streams
	ev    scheduler
	start time.Time
	now   float64 // seconds since start

	horizon, warmup, end float64 // arrivals before horizon; callers measured from warmup; hard stop
	closeAt              float64 // the queue's closing time, +Inf for none
	mu, theta            float64 // true service rate per agent and abandonment rate

	pf *platformSide

	// The ACD.
	idle     []*agent   // free agents on shift
	shifts   [][]*agent // agents by shift
	staffed  int
	line     []*call // the holding FIFO from head: holding callers and ghosts
	head     int
	holders  int
	cbq      []*call // the callback queue (reconnected customers, served first), from cbHead
	cbHead   int
	reported [2]int // the staffing last reported (staffed, free); -1 before the first

	// Callers and callbacks.
	calls       []*call
	byID        map[string]*callbackReq
	pending     []*callbackReq // ASAP callbacks waiting to be launched, in no order
	callbacks   []*callbackReq
	asapOpen    int // ASAP callbacks neither in the callback queue nor failed (they hold a place)
	schedFlight int // scheduled callbacks launched and not yet connected or failed
	dialing     int // callbacks launched and not yet connected or failed

	hist *delayHistory

	// Measures kept as the run goes.
	launches      int
	violations    int
	refusals      int
	idleWaitingCB float64 // agent-seconds idle while callbacks were being dialled
	atClose       int     // ASAP callbacks pending when the queue closed (-1: no close)
	trace         []staffPoint

	done bool
	err  error
}

// staffPoint is the queue's state at one time, for the plots.
type staffPoint struct {
	t                         float64
	staffed, holders, virtual int
}

// Run simulates sc and returns its measures. sc's Seed and Hours are used as given (the command
// overrides them from its flags).
func Run(ctx context.Context, sc Scenario, opt Options) (*Result, error) {
	m, err := simulate(ctx, sc, opt)
	if err != nil {
		return nil, err
	}
	return m.result(), nil
}

// simulate runs sc to its end and returns the finished model.
func simulate(ctx context.Context, sc Scenario, opt Options) (*model, error) {
	if sc.Hours <= 0 {
		return nil, fmt.Errorf("scenario %s: hours %g must be positive", sc.Name, sc.Hours)
	}
	if sc.Warmup >= sc.Hours {
		sc.Warmup = 0
	}
	if sc.Tick <= 0 {
		sc.Tick = callback.DefaultTickInterval
	}
	start, err := sc.startTime()
	if err != nil {
		return nil, err
	}
	m := &model{
		ctx: ctx, sc: &sc, opt: opt, rng: newStreams(sc.Seed), start: start,
		horizon: sc.Hours * 3600, warmup: sc.Warmup * 3600,
		mu: 1 / sc.Service.Mean, closeAt: math.Inf(1),
		byID: map[string]*callbackReq{}, reported: [2]int{-1, -1}, atClose: -1,
		hist: newDelayHistory(&sc),
	}
	m.end = m.horizon + DrainHours*3600
	if sc.Patience > 0 {
		m.theta = 1 / sc.Patience
	}
	if c, ok := sc.closeAt(); ok && c > 0 {
		m.closeAt = c
	}
	if !opt.noPlatform {
		if m.pf, err = newPlatformSide(ctx, &sc, opt.Dir, start); err != nil {
			return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
		}
	}
	m.schedule()
	m.loop()
	if err := m.pf.close(); err != nil && m.err == nil {
		m.err = err
	}
	if m.err != nil {
		return nil, fmt.Errorf("scenario %s at %s: %w", sc.Name, m.at(m.now).Format("15:04:05"), m.err)
	}
	if opt.Progress != nil {
		opt.Progress(1)
	}
	return m, nil
}

// at is the instant t seconds into the run.
func (m *model) at(t float64) time.Time {
	return m.start.Add(time.Duration(math.Round(t * 1e9)))
}

// secs is the instant u as seconds into the run.
func (m *model) secs(u time.Time) float64 { return u.Sub(m.start).Seconds() }

// schedule puts the first events in: the shifts, the first arrival, the ticks, the close.
func (m *model) schedule() {
	m.shifts = make([][]*agent, len(m.sc.Shifts))
	for i, sh := range m.sc.Shifts {
		for k := range sh.Agents {
			stagger := sh.Ramp * 60 * float64(k) / float64(sh.Agents)
			in := sh.From*3600 + stagger
			if sh.From == 0 {
				in = 0 // a shift of the run's start is in when the run starts
			}
			m.ev.at(in, func() { m.shiftStart(i) })
			if sh.To > 0 {
				m.ev.at(sh.To*3600+stagger, func() { m.shiftEnd(i) })
			}
		}
	}
	if first := m.sc.Arrivals.next(m.rng[streamArrivals], 0); first < m.horizon {
		m.ev.at(first, m.arrival)
	}
	if m.closeAt < m.end {
		m.ev.at(m.closeAt, func() { m.atClose = len(m.pending) })
	}
	m.ev.at(0, m.tick)
}

// loop runs the events in time order until the run is over.
func (m *model) loop() {
	for n := 0; !m.done && m.err == nil; n++ {
		e := m.ev.pop()
		if e == nil || e.at > m.end {
			return
		}
		if n%1024 == 0 && m.ctx.Err() != nil {
			m.err = m.ctx.Err()
			return
		}
		m.advance(e.at)
		e.fn()
		m.syncStaffing()
	}
}

// advance moves virtual time to t, accruing the time-integrated measures.
func (m *model) advance(t float64) {
	if lo, hi := max(m.now, m.warmup), min(t, m.horizon); hi > lo {
		m.idleWaitingCB += (hi - lo) * float64(min(len(m.idle), m.dialing))
	}
	m.now = t
	m.pf.set(m.at(t))
}

// fail stops the run with err (the first one wins).
func (m *model) fail(what string, err error) {
	if m.err == nil {
		m.err = wrap(what, err)
	}
}

// ahead counts what a caller arriving now finds ahead of it, as the platform counts it: callers
// holding, reconnected customers in the callback queue, ASAP callbacks keeping their place, and
// scheduled callbacks being dialled.
func (m *model) ahead() int {
	return m.holders + len(m.cbq) - m.cbHead + m.asapOpen + m.schedFlight
}

// --- the ACD ---

// shiftStart staffs one agent of shift i, who takes work at once if there is any.
func (m *model) shiftStart(i int) {
	a := &agent{shift: i}
	m.shifts[i] = append(m.shifts[i], a)
	m.staffed++
	m.agentFree(a)
}

// shiftEnd logs one agent of shift i out: at once if idle, else after the call.
func (m *model) shiftEnd(i int) {
	if len(m.shifts[i]) == 0 {
		return
	}
	a := m.shifts[i][0]
	m.shifts[i] = m.shifts[i][1:]
	a.off = true
	m.staffed--
	if a.busy {
		return
	}
	for j, b := range m.idle {
		if b == a {
			m.idle = append(m.idle[:j], m.idle[j+1:]...)
			break
		}
	}
}

// agentFree gives agent a its next interaction: the callback queue first, then the holding line.
// Ghosts at the head of the line are reached as the agent passes them (they would have been
// taken now).
func (m *model) agentFree(a *agent) {
	a.busy = false
	if a.off {
		return
	}
	if m.cbHead < len(m.cbq) {
		c := m.cbq[m.cbHead]
		m.cbq[m.cbHead] = nil
		m.cbHead++
		m.answer(a, c, true)
		return
	}
	for m.head < len(m.line) {
		c := m.line[m.head]
		m.line[m.head] = nil
		m.head++
		if c.ghost {
			c.reached = m.now
			continue
		}
		m.holders--
		m.compact()
		m.answer(a, c, false)
		return
	}
	m.compact()
	m.idle = append(m.idle, a)
}

// compact drops the consumed prefixes of the queues.
func (m *model) compact() {
	if m.head > 4096 && m.head > len(m.line)/2 {
		m.line = append(m.line[:0], m.line[m.head:]...)
		m.head = 0
	}
	if m.cbHead > 1024 && m.cbHead > len(m.cbq)/2 {
		m.cbq = append(m.cbq[:0], m.cbq[m.cbHead:]...)
		m.cbHead = 0
	}
}

// idleAgent takes a free agent, or nil.
func (m *model) idleAgent() *agent {
	if len(m.idle) == 0 {
		return nil
	}
	a := m.idle[len(m.idle)-1]
	m.idle[len(m.idle)-1] = nil
	m.idle = m.idle[:len(m.idle)-1]
	return a
}

// answer: agent a takes c now, from the callback queue or the holding line.
func (m *model) answer(a *agent, c *call, fromCallbackQueue bool) {
	a.busy = true
	now := m.at(m.now)
	if err := m.pf.dequeued(c.id, callback.DequeueAgentAnswered); err != nil {
		m.fail("InteractionDequeued AgentAnswered", err)
	}
	if fromCallbackQueue {
		c.cb.answered = m.now
		m.hist.answeredCallback(now, c)
	} else {
		c.waiting = false
		c.reached = m.now
		m.hist.answeredHold(now, m.now, c)
	}
	m.ev.at(m.now+c.service, func() { m.agentFree(a) })
}

// syncStaffing is the CTI adapter: it reports staffing whenever the staffed or free count changed.
func (m *model) syncStaffing() {
	s := [2]int{m.staffed, len(m.idle)}
	if s == m.reported {
		return
	}
	m.reported = s
	if err := m.pf.staffing(s[0], s[1]); err != nil {
		m.fail("Staffing", err)
	}
	m.hist.staffing(m.at(m.now), s[0], s[1])
}

// --- callers and the IVR ---

// arrival is a new caller: the IVR creates the interaction and asks for the segment's state, the
// caller hears the offer and the EWT, and takes a callback or holds.
func (m *model) arrival() {
	if next := m.sc.Arrivals.next(m.rng[streamArrivals], m.now); next < m.horizon {
		m.ev.at(next, m.arrival)
	}
	c := &call{n: len(m.calls), arrival: m.now, measured: m.now >= m.warmup, reached: math.NaN(), patience: math.Inf(1)}
	c.service = m.sc.Service.sample(m.rng[streamService])
	if m.sc.Patience > 0 {
		c.patience = m.sc.Patience * m.rng[streamPatience].ExpFloat64()
	}
	m.calls = append(m.calls, c)
	c.ahead = m.ahead()
	m.quoteOthers(c)

	id, st, err := m.pf.arrive()
	if err != nil {
		m.fail("CreateInteraction/GetSegmentState", err)
		return
	}
	c.id = id
	c.quotes[estHoldline] = quote{st.EWT.Seconds(), st.EWT95.Seconds()}

	r := m.rng[streamCallers]
	accept, slot, pick := r.Float64(), r.Float64(), r.IntN(4)
	if st.Offer == callback.OfferCallback && accept < m.sc.Callers.Accept && m.takeCallback(c, slot < m.sc.Callers.Scheduled, pick) {
		return
	}
	m.hold(c)
}

// takeCallback converts c's call into a callback, ASAP or (scheduled) in one of the next free
// slots. A request the platform refuses leaves the caller holding (false).
func (m *model) takeCallback(c *call, scheduled bool, pick int) bool {
	contact := fmt.Sprintf("5%07d", c.n)
	var appt time.Time
	if scheduled {
		slots, err := m.pf.slots(4)
		switch {
		case err == nil:
			appt = slots[pick%len(slots)]
		case refused(err):
			scheduled = false // no slot: the caller asks for ASAP instead
		default:
			m.fail("GetNextAvailableAppointmentTimes", err)
			return false
		}
	}
	if err := m.pf.requestContact(c.id, contact, appt); err != nil {
		if !refused(err) {
			m.fail("InteractionRequestContact", err)
		}
		m.refusals++
		return false
	}
	cb := &callbackReq{c: c, scheduled: scheduled, first: math.NaN(), answered: math.NaN()}
	c.cb = cb
	m.byID[c.id] = cb
	m.callbacks = append(m.callbacks, cb)
	if scheduled {
		cb.appt = m.secs(appt)
	} else {
		m.asapOpen++
		m.pending = append(m.pending, cb)
	}
	// The caller's ghost keeps the place it would have had holding: its potential wait, and the
	// reference an ASAP callback's punctuality is measured against.
	c.ghost = true
	if len(m.idle) > 0 {
		c.reached = m.now
	} else {
		m.line = append(m.line, c)
	}
	return true
}

// hold sends c to the holding queue: an agent takes it at once if one is free.
func (m *model) hold(c *call) {
	if err := m.pf.hold(c.id); err != nil {
		m.fail("InteractionSendToQueue/InteractionQueued", err)
		return
	}
	m.hist.joined(m.at(m.now), c)
	if a := m.idleAgent(); a != nil {
		m.answer(a, c, false)
		return
	}
	c.waiting = true
	m.line = append(m.line, c)
	m.holders++
	if !math.IsInf(c.patience, 1) {
		m.ev.at(m.now+c.patience, func() { m.abandon(c) })
	}
}

// abandon: c's patience ran out while holding; it stays in the line as a ghost.
func (m *model) abandon(c *call) {
	if !c.waiting {
		return
	}
	c.waiting, c.ghost, c.abandoned = false, true, true
	m.holders--
	if err := m.pf.dequeued(c.id, callback.DequeueAbandoned); err != nil {
		m.fail("InteractionDequeued Abandoned", err)
	}
	m.hist.abandoned(m.at(m.now), c)
}

// --- the Queue Manager's clock and the dialer ---

// tick runs the platform's Tick, and the dialer takes the launch orders.
func (m *model) tick() {
	orders, err := m.pf.tick()
	if err != nil {
		m.fail("Tick/ClaimLaunches", err)
		return
	}
	var batch []*callbackReq
	for _, o := range orders {
		cb := m.byID[o.InteractionID]
		if cb == nil || cb.state != cbPending {
			m.fail("ClaimLaunches", fmt.Errorf("launch %s of an interaction the IVR did not convert or that is not pending", o.Key))
			return
		}
		batch = append(batch, cb)
	}
	m.launched(batch)
	if m.opt.Progress != nil {
		m.opt.Progress(min(m.now/m.horizon, 1))
	}
	if len(m.trace) == 0 || m.now-m.trace[len(m.trace)-1].t >= 60 {
		m.trace = append(m.trace, staffPoint{m.now, m.staffed, m.holders, m.asapOpen + len(m.cbq) - m.cbHead + m.schedFlight})
	}
	if m.drained() {
		m.done = true
		return
	}
	m.ev.at(m.now+m.sc.Tick.Seconds(), m.tick)
}

// launched: the dialer took these launches (one tick's, in the platform's order). An ASAP launch
// overtakes if an earlier ASAP callback (by place) was then pending and due, and not in the batch.
func (m *model) launched(batch []*callbackReq) {
	for _, cb := range batch {
		m.launches++
		cb.state = cbDialing
		cb.attempts++
		if math.IsNaN(cb.first) {
			cb.first = m.now
		}
		cb.launchAt = m.now
		m.dialing++
		if cb.scheduled {
			m.schedFlight++
		}
		m.dial(cb)
	}
	keep := m.pending[:0]
	for _, cb := range m.pending {
		if cb.state == cbPending {
			keep = append(keep, cb)
		}
	}
	clear(m.pending[len(keep):])
	m.pending = keep
	for _, cb := range batch {
		if cb.scheduled {
			continue
		}
		for _, o := range m.pending {
			if o.c.arrival < cb.c.arrival && o.due <= m.now {
				m.violations++
				break
			}
		}
	}
}

// dial places one attempt: its outcome is reported after the outcome's duration.
func (m *model) dial(cb *callbackReq) {
	r, d := m.rng[streamDialer], m.sc.Dialer
	u, connect := r.Float64(), uniform(r, d.Connect[0], d.Connect[1])
	var (
		reason callback.AttemptFailReason
		after  = connect
	)
	switch {
	case u < d.Busy:
		reason, after = callback.FailBusy, d.BusyAfter
	case u < d.Busy+d.NoAnswer:
		reason, after = callback.FailNoAnswer, d.NoAnswerAfter
	case u < d.Busy+d.NoAnswer+d.AnsweringMachine:
		reason, after = callback.FailAnsweringMachine, d.AMDAfter
	}
	m.ev.at(m.now+after, func() { m.dialled(cb, reason) })
}

// dialled reports an attempt's outcome: the customer is connected and sent to the callback queue,
// or the attempt failed, and the platform retries it later or gives up.
func (m *model) dialled(cb *callbackReq, reason callback.AttemptFailReason) {
	m.dialing--
	if cb.scheduled {
		m.schedFlight--
	}
	c := cb.c
	if reason != "" {
		it, err := m.pf.failed(c.id, reason)
		if err != nil {
			m.fail("InteractionOutboundAttemptFailed", err)
			return
		}
		if it.State == callback.StatePendingCallback {
			cb.state, cb.due = cbPending, m.secs(it.DueAt)
			if !cb.scheduled {
				m.pending = append(m.pending, cb)
			}
			return
		}
		cb.state = cbFailed
		if !cb.scheduled {
			m.asapOpen--
		}
		return
	}
	if err := m.pf.connected(c.id); err != nil {
		m.fail("InteractionOutboundConnected/SendToQueue/Queued", err)
		return
	}
	cb.state, cb.connected, cb.joinedAt = cbQueued, cb.attempts, m.now
	if !cb.scheduled {
		m.asapOpen--
	}
	m.hist.joined(m.at(m.now), c)
	if a := m.idleAgent(); a != nil {
		m.answer(a, c, true)
		return
	}
	m.cbq = append(m.cbq, c)
}

// drained reports that the run can stop: arrivals are over, nobody (not even a ghost) is in a
// queue, no callback is being dialled, and no callback that can still be launched waits.
func (m *model) drained() bool {
	if m.now < m.horizon || m.head < len(m.line) || m.cbHead < len(m.cbq) || m.dialing > 0 {
		return false
	}
	if m.now >= m.closeAt {
		return true
	}
	for _, cb := range m.callbacks {
		if cb.state == cbPending && (!cb.scheduled || cb.appt <= m.horizon) {
			return false
		}
	}
	return true
}
