package main

import (
	"strings"
	"testing"
)

func TestDialerScriptPicksPerAttempt(t *testing.T) {
	t.Parallel()
	pk, err := newPicker(" Busy, noanswer ,answer", "", 1)
	if err != nil {
		t.Fatal(err)
	}
	for attempt, want := range map[int]outcome{1: "busy", 2: "noanswer", 3: "answer", 9: "answer"} {
		if got := pk.pick(attempt); got != want {
			t.Errorf("attempt %d: %s, want %s", attempt, got, want)
		}
	}
	if pk, _ := newPicker("", "", 1); pk.pick(1) != "answer" {
		t.Error("the default outcome is not answer")
	}
}

func TestDialerRandomIsSeededAndWeighted(t *testing.T) {
	t.Parallel()
	draw := func(seed uint64) []outcome {
		pk, err := newPicker("", "busy=0.2,noanswer=0.1,machine=0.05", seed)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]outcome, 10000)
		for i := range out {
			out[i] = pk.pick(1)
		}
		return out
	}
	a, b, c := draw(7), draw(7), draw(8)
	if strings.Join(outcomeStrings(a), ",") != strings.Join(outcomeStrings(b), ",") {
		t.Fatal("the same seed drew different outcomes")
	}
	if strings.Join(outcomeStrings(a), ",") == strings.Join(outcomeStrings(c), ",") {
		t.Fatal("another seed drew the same outcomes")
	}
	n := map[outcome]int{}
	for _, o := range a {
		n[o]++
	}
	for o, p := range map[outcome]float64{"busy": 0.2, "noanswer": 0.1, "machine": 0.05, "answer": 0.65} {
		if got := float64(n[o]) / float64(len(a)); got < p-0.02 || got > p+0.02 {
			t.Errorf("%s drawn %.3f of the time, want %.2f", o, got, p)
		}
	}
}

func TestDialerRefusesBadOutcomes(t *testing.T) {
	t.Parallel()
	for _, c := range [][2]string{{"busy,hangup", ""}, {"", "busy=0.7,noanswer=0.5"}, {"", "busy"}, {"", "busy=2"}, {"answer", "busy=0.1"}} {
		if _, err := newPicker(c[0], c[1], 1); err == nil {
			t.Errorf("--script %q --random %q was accepted", c[0], c[1])
		}
	}
}

func outcomeStrings(os []outcome) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = string(o)
	}
	return out
}
