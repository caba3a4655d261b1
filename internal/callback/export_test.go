package callback

// LoseCounts makes the in-memory counts lose track, as a change they could
// not follow would (qm_counts.go): reads count in the store from then on.
func (qm *QueueManager) LoseCounts() { qm.counts.apply(&moves{unknown: true}) }
