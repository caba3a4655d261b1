package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"

	"github.com/holdline/holdline/internal/callback"
)

// What the reference dialer answers for each attempt: a script of outcomes,
// or outcomes drawn at random with their probabilities.

// outcome is what happens to one dialled attempt.
type outcome string

// The outcomes and the failure reason each reports.
var outcomeReasons = map[outcome]callback.AttemptFailReason{
	"answer": "", "abandon": "", "silent": "",
	"busy": callback.FailBusy, "noanswer": callback.FailNoAnswer, "machine": callback.FailAnsweringMachine,
	"tryagain": callback.FailTryAgain, "rejected": callback.FailRejected, "error": callback.FailError,
}

func parseOutcome(s string) (outcome, error) {
	o := outcome(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := outcomeReasons[o]; !ok {
		return "", fmt.Errorf("unknown outcome %q (answer, abandon, silent, busy, noanswer, machine, tryagain, rejected, error)", s)
	}
	return o, nil
}

// picker chooses the outcome of each attempt.
type picker struct {
	mu     sync.Mutex
	script []outcome
	random []weighted
	rng    *rand.Rand
}

type weighted struct {
	o outcome
	p float64
}

func newPicker(script, random string, seed uint64) (*picker, error) {
	pk := &picker{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} //nolint:gosec // simulated outcomes
	if script != "" && random != "" {
		return nil, errors.New("--script and --random exclude each other")
	}
	for _, s := range strings.Split(script, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		o, err := parseOutcome(s)
		if err != nil {
			return nil, fmt.Errorf("--script: %w", err)
		}
		pk.script = append(pk.script, o)
	}
	total := 0.0
	for _, kv := range strings.Split(random, ",") {
		if strings.TrimSpace(kv) == "" {
			continue
		}
		name, value, ok := strings.Cut(kv, "=")
		o, err := parseOutcome(name)
		if err != nil || !ok {
			return nil, fmt.Errorf("--random %q: want outcome=probability: %w", kv, err)
		}
		p, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || p < 0 || p > 1 {
			return nil, fmt.Errorf("--random %q: the probability must be between 0 and 1", kv)
		}
		total += p
		pk.random = append(pk.random, weighted{o, p})
	}
	if total > 1+1e-9 {
		return nil, fmt.Errorf("--random: the probabilities add up to %.3f, more than 1", total)
	}
	return pk, nil
}

// pick chooses the outcome of attempt n (from 1) of a callback.
func (pk *picker) pick(attempt int) outcome {
	if len(pk.script) > 0 {
		return pk.script[min(max(attempt, 1), len(pk.script))-1]
	}
	if len(pk.random) == 0 {
		return "answer"
	}
	pk.mu.Lock()
	x := pk.rng.Float64()
	pk.mu.Unlock()
	for _, w := range pk.random {
		if x < w.p {
			return w.o
		}
		x -= w.p
	}
	return "answer"
}
