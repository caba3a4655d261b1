package sim

import "container/heap"

// event is one thing that happens at a virtual time: seconds since the start of the run. Events at
// the same time happen in the order they were scheduled.
type event struct {
	at  float64
	seq uint64
	fn  func()
}

// eventQueue is a min-heap of events by time, then scheduling order.
type eventQueue []*event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(*event)) }
func (q *eventQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return e
}

// scheduler hands out events in time order.
type scheduler struct {
	q   eventQueue
	seq uint64
}

// at schedules fn at time t.
func (s *scheduler) at(t float64, fn func()) {
	s.seq++
	heap.Push(&s.q, &event{at: t, seq: s.seq, fn: fn})
}

// pop returns the next event, or nil when none is left.
func (s *scheduler) pop() *event {
	if len(s.q) == 0 {
		return nil
	}
	return heap.Pop(&s.q).(*event)
}
