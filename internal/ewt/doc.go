// Package ewt estimates how long a caller will wait for an agent in one queue (behaviour.md §5,
// docs/ewt.md in the shared docs).
//
// A Tracker is fed the queue's events in virtual time — callers joining the waiting line, being
// answered, abandoning or leaving it, and optional ACD staffing statistics — and answers Estimate
// for a caller with a given number of interactions ahead. It never reads the wall clock: every
// method takes now, so the simulator and the tests run the same code as the server.
//
// The default estimator, QueueLength, is the queue-length predictor that the literature shows to be
// the best available one (Whitt 1999; Ibrahim & Whitt 2009): a caller with n ahead waits a sum of
// n+1 exponential intervals whose rates the Tracker measures from the events. The migration
// estimators (RollingHistory, AgentAdjustedHistory, AgentWeighting) reproduce the original
// product's per-call-wait-time sample arrays for customers who want the numbers they had before.
//
// The package is pure: no I/O, no goroutines, no locks. A Tracker is not safe for concurrent use.
package ewt
