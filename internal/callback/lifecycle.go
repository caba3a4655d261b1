package callback

import (
	"context"
	"time"

	"github.com/holdline/holdline/internal/ewt"
)

// Lifecycle is the interactions' side of the platform: the requests that
// create interactions and move them through the state machine — the PTK's
// and the REST API's verbs, and what an IVR asks before and around a call
// (a segment's state, its variables, appointment slots). It asks the Queue
// Manager for what only it knows (queueAnswers).
type Lifecycle struct {
	*core
	qm queueAnswers
}

// queueAnswers is what the Lifecycle asks of the Queue Manager, inside the
// request's transaction: the operation mode now, the waits it estimates,
// and the retry rule a failed attempt goes through.
type queueAnswers interface {
	mode(ctx context.Context, tx Tx, t *Tenant, q *Queue) (Mode, string, error)
	joinEstimate(ctx context.Context, tx Tx, t *Tenant, q *Queue) (ewt.Estimate, error)
	queueEWT(ctx context.Context, tx Tx, t *Tenant, q *Queue) (time.Duration, error)
	remainingWait(ctx context.Context, tx Tx, t *Tenant, q *Queue, it *Interaction) (time.Duration, error)
	failAttempt(ctx context.Context, tx Tx, t *Tenant, it *Interaction, r AttemptFailReason) (*Interaction, error)
	// counted runs fn without a transaction while the figures it asks for
	// are in memory; licencesInUse is one of them.
	counted(ctx context.Context, fn func(tx Tx) error) error
	licencesInUse(ctx context.Context, tx Tx, t *Tenant, app string) (licenceUse, error)
}
