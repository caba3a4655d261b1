package callback

import (
	"context"
	"fmt"
	"strings"

	"github.com/holdline/holdline/internal/status"
)

// The operations of an outbound attempt: the dialer reporting the customer
// connected, or the attempt failed (retried or final, behaviour.md §7), and
// the external tracking id of the outbound call.

// Final results of a callback whose retries are exhausted.
const (
	ResultMaxBusy             = "Outreach max busy"
	ResultMaxNoAnswer         = "Outreach max no answer"
	ResultMaxAnsweringMachine = "Outreach max answering machine"
	ResultMaxTotalAttempts    = "Outreach - Max Total Attempts"
)

// retryRule is one row of behaviour.md §7: which limit a reason counts
// against and the final result when it is reached. Reasons without a row
// count against the total only.
type retryRule struct {
	limit  func(Retries) int
	result string
}

var retryRules = map[AttemptFailReason]retryRule{
	FailBusy:             {func(r Retries) int { return r.Busy }, ResultMaxBusy},
	FailNoAnswer:         {func(r Retries) int { return r.NoAnswer }, ResultMaxNoAnswer},
	FailAnsweringMachine: {func(r Retries) int { return r.AnsweringMachine }, ResultMaxAnsweringMachine},
	FailTryAgain:         {func(r Retries) int { return r.TryAgain }, ResultMaxTotalAttempts},
}

// CountFailure adds a failed attempt with reason to a and decides: retry, or
// final with the result to record. A limit is the number of failures of its
// kind after which the callback fails for good (0: the first one); the total
// limit (MAXATTEMPTS) applies to every reason.
func CountFailure(limits Retries, a Attempts, reason AttemptFailReason) (next Attempts, final bool, result string) {
	next = Attempts{Total: a.Total + 1, ByReason: map[AttemptFailReason]int{}}
	for k, v := range a.ByReason {
		next.ByReason[k] = v
	}
	next.ByReason[reason]++
	if rule, ok := retryRules[reason]; ok && next.ByReason[reason] >= rule.limit(limits) {
		return next, true, rule.result
	}
	if next.Total >= limits.Total {
		return next, true, ResultMaxTotalAttempts
	}
	return next, false, ""
}

// OutboundConnected records a launched callback reaching the customer
// (InteractionOutboundConnected).
func (lc *Lifecycle) OutboundConnected(ctx context.Context, tenant, id string) (*Interaction, error) {
	return lc.apply(ctx, tenant, id, &op{event: EvConnected})
}

// OutboundAttemptFailed records a failed outbound attempt
// (InteractionOutboundAttemptFailed): the callback waits the retry wait and
// is launched again, or fails with its final result. A request with no
// data at all is 109029; a missing or unknown reason 108027.
func (lc *Lifecycle) OutboundAttemptFailed(ctx context.Context, tenant, id, reason string) (*Interaction, error) {
	if strings.TrimSpace(tenant+id+reason) == "" {
		return nil, status.Errorf(status.DataRequired, "Tenant, InteractionId and Reason are required")
	}
	t, err := lc.tenant(tenant)
	if err != nil {
		return nil, err
	}
	if id, err = checkID(id); err != nil {
		return nil, err
	}
	r, err := enumArg(AttemptFailReasons, reason, "Reason", status.ReasonRequired, status.ReasonRequired)
	if err != nil {
		return nil, err
	}
	var it *Interaction
	err = lc.inTx(ctx, func(tx Tx) error {
		found, err := lc.load(ctx, tx, t, id)
		if err != nil {
			return err
		}
		it, err = lc.qm.failAttempt(ctx, tx, t, found, r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("attempt failed %s: %w", id, err)
	}
	return it, nil
}

// AssociateExternalTrackingID links an interaction to the id the routing
// system gives its call (AssociateInteractionWithExternalTrackingID). A
// missing or malformed id is 108041; one another live interaction holds, 108042.
func (lc *Lifecycle) AssociateExternalTrackingID(ctx context.Context, tenant, id, externalID string) (*Interaction, error) {
	ext := strings.TrimSpace(externalID)
	return lc.apply(ctx, tenant, id, &op{
		event: EvUpdate,
		args: func(*Tenant) (string, error) {
			if ext == "" {
				return "", status.Errorf(status.ExternalTrackingIDMissing, "an ExternalTrackingId is required")
			}
			return "ExternalTrackingId", checkExternalID(ext)
		},
		change: func(tx Tx, t *Tenant, it *Interaction) (string, error) {
			return "external tracking id " + ext, lc.setExternalID(ctx, tx, t, it, ext)
		},
	})
}

// setExternalID gives it the external tracking id ext, unless another
// non-final interaction of the tenant holds it.
func (lc *Lifecycle) setExternalID(ctx context.Context, tx Tx, t *Tenant, it *Interaction, ext string) error {
	other, err := tx.InteractionGetByExternalID(ctx, ExternalID{Tenant: t.Name, ID: ext})
	switch {
	case err == nil && other.ID != it.ID:
		return status.Errorf(status.DuplicateExternalTrackingIDFound, "external tracking id %q is already held by interaction %s", ext, other.ID)
	case err != nil && !isNotFound(err):
		return err
	}
	it.ExternalTrackingID = ext
	return nil
}
