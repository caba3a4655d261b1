package main

import (
	"os"
	"runtime/debug"
)

// The garbage collector's defaults for a server. Go's default (GOGC=100)
// collects whenever the heap has doubled; a request of Holdline allocates a
// few kilobytes that die with it, so under load the collector would take a
// tenth of the CPU to keep a heap of a few megabytes small. serve lets the
// heap grow twice over its live size instead, under a soft limit that makes
// the collector work harder before the process nears its memory budget.
// (GOGC=400 saved more CPU, but under a flood of 1 MiB bodies the heap then
// reached 130 MB over its start: the attack corpus's bound is 100.) GOGC
// and GOMEMLIMIT in the environment still decide when set
// (docs/configuration.md).
const (
	serveGCPercent   = 200
	serveMemoryLimit = 768 << 20
)

// tuneGC applies the server's collector settings the environment leaves
// unset.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(serveGCPercent)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
}
