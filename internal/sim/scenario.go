package sim

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Scenario is one named simulation, as data: the load, the agents, what callers and dialled
// customers do, and the queue's configuration. Scenarios() lists the catalogue.
type Scenario struct {
	// Name is what `holdline sim --scenario` takes.
	Name string
	// Title says in a line what it models.
	Title string
	// Seed is the default seed of its random streams.
	Seed uint64
	// Hours is how long callers arrive; the run then goes on until every caller's wait is known
	// (the drain), at most DrainHours more.
	Hours float64
	// Warmup is the first hours, whose callers are not measured (the queue and the measured rates
	// start empty).
	Warmup float64
	// Start is the local time of day the run starts ("08:00"), on Monday 2 March 2026, in UTC.
	Start string

	// Arrivals is the arrival rate of callers.
	Arrivals Rate
	// Service is the distribution of handle times.
	Service Dist
	// Patience is the mean (exponential) patience of a holding caller in seconds; 0 is infinite.
	Patience float64
	// Shifts are the agents: each shift's agents are staffed from From to To.
	Shifts []Shift

	// Callers are what callers do with a callback offer.
	Callers Callers
	// Dialer is what happens when a callback is dialled.
	Dialer Dialer
	// Queue is the queue's configuration on the platform.
	Queue QueueConfig
	// Tick is how often (virtual time) the Queue Manager's Tick runs and the dialer claims launches.
	Tick time.Duration
}

// Shift is a group of agents with the same hours.
type Shift struct {
	// From and To are hours into the run; To 0 keeps them to the end of the run, drain included.
	// An agent whose shift ends during a call leaves when the call ends.
	From, To float64
	// Agents is how many agents work the shift.
	Agents int
	// Ramp staggers the shift: its agents log in one by one, evenly over Ramp minutes from From
	// (unless From is the run's start, when they are all in), and log out the same way from To (0:
	// all at once).
	Ramp float64
}

// Callers say how callers answer the IVR's callback offer.
type Callers struct {
	// Accept is the share of callers offered a callback (OfferTreatment 1) who take one.
	Accept float64
	// Scheduled is the share of those who book a slot (one of the next four free ones, at random)
	// rather than ask for an ASAP callback.
	Scheduled float64
}

// Dialer is what happens to an outbound attempt: an outcome drawn with these probabilities (the
// rest connects), reported after a duration drawn for the outcome.
type Dialer struct {
	Busy, NoAnswer, AnsweringMachine float64
	// Connect is the range of seconds from the launch to the customer answering and confirming
	// (uniform); the others are the seconds to detect the failure.
	Connect                            [2]float64
	BusyAfter, NoAnswerAfter, AMDAfter float64
}

// QueueConfig is the part of the queue's configuration a scenario sets; the rest is the
// configuration's defaults (docs/queue-manager.md).
type QueueConfig struct {
	// TurnOnThreshold is the EWT above which the IVR offers a callback.
	TurnOnThreshold time.Duration
	// Open and Close are the business hours of every weekday ("08:00", "18:00"); empty is 24/7.
	Open, Close string
	// SmartPurge switches Normal to Purge ahead of closing, DrainMargin before it.
	SmartPurge  bool
	DrainMargin time.Duration
	// Outbound is the tenant's outbound (dialling) licence count.
	Outbound int
	// Estimator is the queue's EWT estimator (default QueueLength).
	Estimator string
}

// DrainHours bounds the run after the arrivals stop.
const DrainHours = 3.0

// epoch is the date every run starts on: a Monday.
var epoch = time.Date(2026, time.March, 2, 0, 0, 0, 0, time.UTC)

// startTime is the run's start instant.
func (s *Scenario) startTime() (time.Time, error) {
	if s.Start == "" {
		return epoch.Add(8 * time.Hour), nil
	}
	tod, err := time.Parse("15:04", s.Start)
	if err != nil {
		return time.Time{}, fmt.Errorf("scenario %s: start %q is not HH:MM", s.Name, s.Start)
	}
	return epoch.Add(time.Duration(tod.Hour())*time.Hour + time.Duration(tod.Minute())*time.Minute), nil
}

// agentsAt is the number of agents staffed at t seconds into the run (before the end).
func (s *Scenario) agentsAt(t float64) int {
	n := 0
	for _, sh := range s.Shifts {
		if t >= sh.From*3600 && (sh.To == 0 || t < sh.To*3600) {
			n += sh.Agents
		}
	}
	return n
}

// stationary reports whether the load and the staffing are constant (the bias criterion applies).
func (s *Scenario) stationary() bool {
	return len(s.Shifts) == 1 && s.Arrivals.Amplitude == 0 && len(s.Arrivals.Steps) == 0 && !s.callbacks()
}

// callbacks reports whether callers are ever offered a callback they take.
func (s *Scenario) callbacks() bool { return s.Callers.Accept > 0 }

// yaml is the platform's configuration for the scenario: one tenant, one segment, one queue.
func (s *Scenario) yaml() string {
	q := s.Queue
	var b strings.Builder
	outbound := q.Outbound
	if outbound == 0 {
		outbound = 100
	}
	fmt.Fprintf(&b, `tenants:
  - name: %s
    timeZone: UTC
    numbering: {profile: extension}
    licenses: {inbound: 100000, nonVoice: 100000, outbound: %d, scheduled: true}
    segments:
      - {name: %s, queue: %s}
    queues:
      - name: %s
        turnOnThreshold: %ds
`, simTenant, outbound, simSegment, simQueue, simQueue, int(q.TurnOnThreshold.Seconds()))
	if q.Open != "" {
		b.WriteString("        businessHours:\n")
		for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
			fmt.Fprintf(&b, "          %s: [\"%s-%s\"]\n", d, q.Open, q.Close)
		}
	}
	if q.SmartPurge {
		margin := q.DrainMargin
		if margin == 0 {
			margin = 5 * time.Minute
		}
		fmt.Fprintf(&b, "        smartPurge: {enabled: true, drainMargin: %ds}\n", int(margin.Seconds()))
	}
	estimator := q.Estimator
	if estimator == "" {
		estimator = "QueueLength"
	}
	agents := max(s.agentsAt(0), 1)
	fmt.Fprintf(&b, `        appointments: {enabled: true, slotLength: 15m, capacity: 10, horizonDays: 7}
        ewt: {estimator: %s, defaultHandleTime: %ds, defaultAgents: %d}
        skills:
          holding: {id: "%s", device: "%s"}
          callback: {id: "%s", device: "%s"}
          underThreshold: {id: "%s", device: "%s"}
`, estimator, max(int(s.Service.Mean+0.5), 1), agents, holdSkill, holdSkill, cbSkill, cbSkill, holdSkill, holdSkill)
	return b.String()
}

// The names the simulated site uses on the platform.
const (
	simTenant   = "Sim"
	simSegment  = "Sales"
	simQueue    = "Sales"
	holdSkill   = "2000"
	cbSkill     = "2001"
	ivrApp      = "VXML Interaction Server"
	dialerOwner = "sim-dialer"
)

// noCallbacksTick is the Queue Manager's tick in the scenarios where nobody takes a callback: it
// has nothing to launch, so ticking every second would only spend the run's time on empty queries
// (in production it ticks every second).
const noCallbacksTick = time.Minute

// perHour is the arrival rate, per hour, of offered load rho on s agents of handle time aht.
func perHour(rho float64, s int, aht float64) float64 { return rho * float64(s) / aht * 3600 }

// Scenarios returns the catalogue, in its order: the five scenarios of ewt.md, a business day with
// callbacks, and an end of day with Smart Purge.
func Scenarios() []Scenario {
	exp300 := Dist{Kind: Exponential, Mean: 300}
	dial := Dialer{Connect: [2]float64{15, 35}, BusyAfter: 5, NoAnswerAfter: 30, AMDAfter: 20}
	failing := dial
	failing.Busy, failing.NoAnswer, failing.AnsweringMachine = 0.05, 0.06, 0.04
	return []Scenario{
		{
			Name: "mm100-95", Title: "M/M/100, ρ = 0.95, AHT 300 s", Seed: 1, Hours: 4, Warmup: 0.5,
			Arrivals: Rate{PerHour: perHour(0.95, 100, 300)}, Service: exp300,
			Shifts: []Shift{{Agents: 100}}, Dialer: dial, Tick: noCallbacksTick,
		},
		{
			Name: "mm100-98", Title: "M/M/100, ρ = 0.98, AHT 300 s", Seed: 1, Hours: 8, Warmup: 1,
			Arrivals: Rate{PerHour: perHour(0.98, 100, 300)}, Service: exp300,
			Shifts: []Shift{{Agents: 100}}, Dialer: dial, Tick: noCallbacksTick,
		},
		{
			Name: "mm10-90", Title: "M/M/10, ρ = 0.90, AHT 300 s", Seed: 1, Hours: 100, Warmup: 2,
			Arrivals: Rate{PerHour: perHour(0.90, 10, 300)}, Service: exp300,
			Shifts: []Shift{{Agents: 10}}, Dialer: dial, Tick: noCallbacksTick,
		},
		{
			Name: "erlanga-110", Title: "M/M/100+M, ρ = 1.10, mean patience 300 s", Seed: 1, Hours: 12, Warmup: 0.5,
			Arrivals: Rate{PerHour: perHour(1.10, 100, 300)}, Service: exp300, Patience: 300,
			Shifts: []Shift{{Agents: 100}}, Dialer: dial, Tick: noCallbacksTick,
		},
		{
			Name: "sinusoid", Title: "M(t)/M/100+M, mean ρ = 1.0, ±20 % sinusoid over 4 h, patience 300 s", Seed: 1, Hours: 8, Warmup: 0.5,
			Arrivals: Rate{PerHour: perHour(1.0, 100, 300), Amplitude: 0.2, Period: 4}, Service: exp300, Patience: 300,
			Shifts: []Shift{{Agents: 100}}, Dialer: dial, Tick: noCallbacksTick,
		},
		{
			Name: "day", Title: "business day 08:00-16:00: shifts, lunch peak, 30 % take a callback (1 in 4 a slot), dial failures", Seed: 1,
			Hours: 8, Start: "08:00",
			// Offered load 3 % above the staffing, period by period (AHT 300 s: 12 calls an hour per
			// agent), 12 % above it at the lunch peak; the load rises once a shift has logged in and
			// falls before one logs out, as a workforce plan has it; patience keeps the queue stable.
			Arrivals: Rate{PerHour: 1236, Steps: []Step{{2 + 1.0/3, 2350.0 / 1236}, {4 + 1.0/3, 2957.0 / 1236}, {5, 1483.0 / 1236}, {6, 1112.0 / 1236}}},
			Service:  Dist{Kind: LogNormal, Mean: 300, CV: 1}, Patience: 400,
			// 100 early (08-13), 90 late (10-16 and on), 30 covering lunch (12-14); agents log in
			// and out over 20 minutes from the shift times.
			Shifts:  []Shift{{From: 0, To: 5, Agents: 100, Ramp: 20}, {From: 2, Agents: 90, Ramp: 20}, {From: 4, To: 6, Agents: 30, Ramp: 20}},
			Callers: Callers{Accept: 0.30, Scheduled: 0.25}, Dialer: failing,
			Queue: QueueConfig{TurnOnThreshold: 45 * time.Second, Outbound: 100}, Tick: time.Second,
		},
		{
			Name: "close", Title: "end of day 15:00-18:00, close at 18:00 with Smart Purge, 30 % take a callback", Seed: 1,
			Hours: 3, Warmup: 0.5, Start: "15:00",
			Arrivals: Rate{PerHour: perHour(1.1, 100, 300)}, Service: exp300, Patience: 300,
			Shifts:  []Shift{{Agents: 100}},
			Callers: Callers{Accept: 0.30, Scheduled: 0.10}, Dialer: dial,
			Queue: QueueConfig{TurnOnThreshold: 45 * time.Second, Open: "08:00", Close: "18:00", SmartPurge: true, DrainMargin: 5 * time.Minute, Outbound: 100},
			Tick:  time.Second,
		},
	}
}

// ScenarioNames lists the catalogue's names, in order.
func ScenarioNames() []string {
	var out []string
	for _, s := range Scenarios() {
		out = append(out, s.Name)
	}
	return out
}

// Lookup returns the scenario of the catalogue named name.
func Lookup(name string) (Scenario, error) {
	all := Scenarios()
	i := slices.IndexFunc(all, func(s Scenario) bool { return s.Name == name })
	if i < 0 {
		return Scenario{}, fmt.Errorf("no scenario %q (have %s)", name, strings.Join(ScenarioNames(), ", "))
	}
	return all[i], nil
}

// closeAt is the seconds into the run at which the queue closes on the first day, or +Inf.
func (s *Scenario) closeAt() (float64, bool) {
	if s.Queue.Close == "" {
		return 0, false
	}
	start, err := s.startTime()
	if err != nil {
		return 0, false
	}
	c, err := time.Parse("15:04", s.Queue.Close)
	if err != nil {
		return 0, false
	}
	at := epoch.Add(time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute)
	return at.Sub(start).Seconds(), true
}
