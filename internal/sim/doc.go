// Package sim is Holdline's discrete-event contact-centre simulator: the benchmark and the demo of
// issue #5 (docs/simulator.md).
//
// A run drives the real Queue Manager — a callback.Platform on a real SQLite store, with a
// clock.Fake as its clock — in virtual time. Around it the package simulates what a site has:
// callers arriving (Poisson, with piecewise or sinusoidal rates) with service times and patience;
// an ACD with agents on shifts, a FIFO holding queue and a priority callback queue, which reports
// Staffing and InteractionQueued/Dequeued as a CTI adapter would; an IVR that asks GetSegmentState,
// makes the offer and converts accepting callers with InteractionRequestContact (ASAP or a slot of
// GetNextAvailableAppointmentTimes); and a dialer that claims launches, dials, and reports the
// customer connected or the attempt failed (busy, no answer, answering machine).
//
// On the same sample path it measures Holdline's announced EWT against the oracle (the queue-length
// predictor with the true rates) and the delay-history estimators the industry uses, and the
// callbacks' punctuality, order, appointments and agent idle time (docs/ewt.md in the shared docs,
// "What the simulator must measure").
//
// Every random source has its own seeded stream, so a scenario and a seed give one sample path:
// the same JSON on every run, and the same arrivals whatever the callers decide. The package never
// reads the wall clock.
package sim
