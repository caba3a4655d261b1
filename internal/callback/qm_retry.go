package callback

// The retry rule: what a failed attempt of a callback becomes, another
// attempt after the queue's wait or its final result (behaviour.md §7's
// counters are CountFailure's). The dialer's report (Lifecycle) and a
// launch that timed out (the tick) both end here.

import (
	"context"
	"fmt"
)

// failAttempt counts a failed attempt of it and retries or ends it.
func (qm *QueueManager) failAttempt(ctx context.Context, tx Tx, t *Tenant, it *Interaction, r AttemptFailReason) (*Interaction, error) {
	limits := Retries{Total: 1}
	if q := t.Queue(it.Queue); q != nil {
		limits = q.Retries
	}
	attempts, final, result := CountFailure(limits, it.Attempts, r)
	ev := EvAttemptRetry
	if final {
		ev = EvAttemptFinal
	}
	return qm.transitionLoaded(ctx, tx, it, ev, string(r), func(it *Interaction) (string, error) {
		it.Attempts = attempts
		if final {
			it.Result = result
			return fmt.Sprintf("attempt %d failed (%s): %s", attempts.Total, r, result), nil
		}
		it.DueAt = qm.now(tx).Add(limits.Wait)
		return fmt.Sprintf("attempt %d failed (%s); retry at %s", attempts.Total, r, stamp(it.DueAt)), nil
	})
}
