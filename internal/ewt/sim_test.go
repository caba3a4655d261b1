package ewt

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// A small M/M/s(+M) discrete-event simulation that drives a Tracker exactly as the platform does:
// Joined at every arrival (also for callers who find a free agent and are answered at the same
// instant), Answered when an agent takes a caller, Abandoned when a caller's patience runs out and,
// when an ACD adapter is simulated, Staffing(now, s, free agents) whenever the free count changes.
// Service times and patience are exponential, so the next event is drawn from the total rate of the
// competing events (arrival, one of the busy agents finishing, one of the waiting callers giving up).
//
// Abandoned callers stay in the line as ghosts until an agent would have reached them, which gives
// their potential wait (what they would have waited with infinite patience) without disturbing anyone
// else: with FCFS nobody ahead of them is affected by their staying.

// simConfig is one scenario.
type simConfig struct {
	agents   int
	rho      float64 // offered load per agent, λ·AHT/s
	aht      float64 // mean handle time, s
	patience float64 // mean patience, s; 0 = infinite
	hours    float64 // simulated time
	warmup   float64 // hours discarded at the start
	seed     uint64
	acd      bool   // push Staffing as a CTI adapter would
	cfg      Config // the Tracker's configuration
}

// simResult summarises the callers who arrived after the warm-up and got their (potential) wait.
type simResult struct {
	callers    int
	meanQuote  float64 // mean of Estimate.Mean over all callers, s
	meanOracle float64 // mean of the oracle's Mean (QueueLength with the true rates), s
	meanWait   float64 // mean potential wait, s
	pWait      float64 // share of callers who found every agent busy

	waited      int     // callers who found at least one caller waiting (ahead ≥ 1); the rest is over them
	rrmse       float64 // relative RMSE of Mean
	oracleRRMSE float64 // the same for the oracle
	bias        float64 // mean(Ŵ − W), s
	within20    float64 // share with |Ŵ − W| ≤ 0.2·W
	exceed      float64 // share whose wait exceeded P95
	oracleExc   float64 // the same for the oracle's P95

	meanRate  float64 // mean of Snapshot.ServiceRate at all arrivals, /s
	busyRate  float64 // mean of Snapshot.ServiceRate at arrivals who found every agent busy, /s
	meanTheta float64 // mean of Snapshot.AbandonRate at arrivals, /s
	tracker   *Tracker
}

func (r simResult) String() string {
	return fmt.Sprintf("callers %d (%.1f%% found all busy, %d found a queue): mean quote %.2f s, oracle %.2f s, wait %.2f s; "+
		"queued callers: RRMSE %.3f (oracle %.3f, ratio %.3f), bias %+.2f s, within ±20%% %.1f%%, over P95 %.2f%% (oracle %.2f%%); "+
		"rate %.5f/s at all arrivals, %.5f/s at busy arrivals; θ %.6f/s",
		r.callers, 100*r.pWait, r.waited, r.meanQuote, r.meanOracle, r.meanWait,
		r.rrmse, r.oracleRRMSE, r.rrmse/r.oracleRRMSE, r.bias, 100*r.within20, 100*r.exceed, 100*r.oracleExc,
		r.meanRate, r.busyRate, r.meanTheta)
}

// simRecord is one caller.
type simRecord struct {
	ahead        int
	quote, p95   float64
	oracle, oP95 float64
	wait         float64 // potential wait, s
	done         bool    // wait known
	counted      bool    // arrived after the warm-up
}

// simEntry is a caller in the FCFS line; ghosts have abandoned but keep their place.
type simEntry struct {
	id      string
	arrival float64
	rec     int
	ghost   bool
}

var simEpoch = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func simAt(t float64) time.Time { return simEpoch.Add(time.Duration(t * 1e9)) }

// simulate runs one scenario.
func simulate(sc simConfig) simResult {
	rng := rand.New(rand.NewPCG(sc.seed, sc.seed^0x9e3779b97f4a7c15))
	s := sc.agents
	mu := 1 / sc.aht
	lambda := sc.rho * float64(s) * mu
	theta := 0.0
	if sc.patience > 0 {
		theta = 1 / sc.patience
	}
	tr := NewTracker(sc.cfg)
	horizon, warm := sc.hours*3600, sc.warmup*3600

	var (
		t            float64
		busy         int
		line         []simEntry // FCFS; line[head:] is the queue, ghosts included
		head         int
		waiting      int // real callers in the line
		recs         []simRecord
		nextID       int
		rateN, busyN float64
		oracle       = map[int][2]float64{}
		res          = simResult{tracker: tr}
	)
	staffing := func(now time.Time) {
		if sc.acd {
			tr.Staffing(now, s, s-busy)
		}
	}
	staffing(simAt(0))
	for t < horizon {
		total := lambda + float64(busy)*mu + float64(waiting)*theta
		t += rng.ExpFloat64() / total
		now := simAt(t)
		u := rng.Float64() * total
		switch {
		case u < lambda: // an arrival
			id := strconv.Itoa(nextID)
			nextID++
			r := simRecord{ahead: waiting, counted: t >= warm}
			est := tr.Estimate(now, waiting)
			r.quote, r.p95 = est.Mean.Seconds(), est.P95.Seconds()
			if busy == s { // the oracle: QueueLength with the true rates (0 when an agent is free)
				o, ok := oracle[waiting]
				if !ok {
					o[0], o[1] = queueLengthWait(float64(s)*mu, theta, waiting)
					oracle[waiting] = o
				}
				r.oracle, r.oP95 = o[0], o[1]
			}
			if r.counted {
				rate := tr.Snapshot(now)
				res.meanRate += rate.ServiceRate
				res.meanTheta += rate.AbandonRate
				rateN++
				if busy == s {
					res.busyRate += rate.ServiceRate
					busyN++
				}
			}
			recs = append(recs, r)
			tr.Joined(now, id)
			if busy < s { // a free agent: answered at once
				busy++
				tr.Answered(now, id)
				recs[len(recs)-1].done = true
				staffing(now)
				continue
			}
			line = append(line, simEntry{id: id, arrival: t, rec: len(recs) - 1})
			waiting++
		case u < lambda+float64(busy)*mu: // an agent finishes
			for head < len(line) && line[head].ghost { // would have been answered now
				e := line[head]
				recs[e.rec].wait, recs[e.rec].done = t-e.arrival, true
				head++
			}
			if head < len(line) {
				e := line[head]
				head++
				waiting--
				recs[e.rec].wait, recs[e.rec].done = t-e.arrival, true
				tr.Answered(now, e.id)
				continue
			}
			busy--
			staffing(now)
		default: // a waiting caller's patience runs out
			k := rng.IntN(waiting)
			for i := head; i < len(line); i++ {
				if line[i].ghost {
					continue
				}
				if k == 0 {
					line[i].ghost = true
					waiting--
					tr.Abandoned(now, line[i].id)
					break
				}
				k--
			}
		}
		if head > 4096 && head > len(line)/2 { // drop the consumed prefix
			line = append(line[:0], line[head:]...)
			head = 0
		}
	}

	var sumW, sumSq, sumOSq, sumBias float64
	var within, exc, oExc int
	for _, r := range recs {
		if !r.counted || !r.done {
			continue
		}
		res.callers++
		res.meanQuote += r.quote
		res.meanOracle += r.oracle
		res.meanWait += r.wait
		if r.ahead < 1 {
			continue
		}
		res.waited++
		sumW += r.wait
		sumSq += (r.wait - r.quote) * (r.wait - r.quote)
		sumOSq += (r.wait - r.oracle) * (r.wait - r.oracle)
		sumBias += r.quote - r.wait
		if math.Abs(r.quote-r.wait) <= 0.2*r.wait {
			within++
		}
		if r.wait > r.p95 {
			exc++
		}
		if r.wait > r.oP95 {
			oExc++
		}
	}
	n, w := float64(res.callers), float64(res.waited)
	res.meanQuote /= n
	res.meanOracle /= n
	res.meanWait /= n
	res.pWait = busyN / rateN
	res.rrmse = math.Sqrt(sumSq/w) / (sumW / w)
	res.oracleRRMSE = math.Sqrt(sumOSq/w) / (sumW / w)
	res.bias = sumBias / w
	res.within20 = float64(within) / w
	res.exceed = float64(exc) / w
	res.oracleExc = float64(oExc) / w
	res.meanRate /= rateN
	res.busyRate /= busyN
	res.meanTheta /= rateN
	return res
}

// erlangC returns the probability of waiting and the mean wait (s) of M/M/s with offered load a
// Erlangs, by the Erlang-B recursion of ewt.md.
func erlangC(s int, a, aht float64) (c, meanWait float64) {
	b := 1.0
	for k := 1; k <= s; k++ {
		b = a * b / (float64(k) + a*b)
	}
	fs := float64(s)
	c = fs * b / (fs - a*(1-b))
	return c, c * aht / (fs - a)
}
