package callback

import (
	"context"
	"fmt"
	"strconv"
	"sync"
)

// queue.modeChanged: a queue's operation mode changes by hand (the mode
// API), in the transaction that stores the manual mode, and by the calendar
// or Smart Purge as time passes, noticed by the Queue Manager's tick and
// written in a transaction of its own. The modes last announced are kept in
// memory, learnt at Start: a change that happens while no node runs is not
// announced (docs/integration.md).

// announcedModes are the modes last announced, per queue.
type announcedModes struct {
	// mu is held while a change is decided and written, so that a manual
	// change and the tick never announce the same change twice.
	mu   sync.Mutex
	seen map[QueueKey]announced
}

type announced struct {
	mode   Mode
	status string
}

// watched reports whether anyone subscribes to t's mode changes.
func watched(t *Tenant) bool { return t.subscribed(EventModeChanged) }

// learnModes records every watched queue's mode, announcing nothing.
func (qm *QueueManager) learnModes(ctx context.Context, tx Tx) error {
	qm.modes.mu.Lock()
	defer qm.modes.mu.Unlock()
	for _, t := range qm.settings.Tenants {
		if !watched(t) {
			continue
		}
		for _, q := range t.Queues {
			mode, why, err := qm.mode(ctx, tx, t, q)
			if err != nil {
				return fmt.Errorf("mode of %s/%s: %w", t.Name, q.Name, err)
			}
			qm.modes.set(keyOf(t, q), announced{mode, why})
		}
	}
	return nil
}

func (a *announcedModes) set(k QueueKey, v announced) {
	if a.seen == nil {
		a.seen = map[QueueKey]announced{}
	}
	a.seen[k] = v
}

// announceMode writes queue.modeChanged in tx when the queue's mode with
// manual mode o (nil: none) differs from the one last announced; the caller
// holds p.modes.mu.
func (qm *QueueManager) announceMode(ctx context.Context, tx Tx, t *Tenant, q *Queue, o *ModeOverride, by string) error {
	if !watched(t) {
		return nil
	}
	mode, why, err := qm.modeWith(ctx, tx, t, q, o)
	if err != nil {
		return err
	}
	k := keyOf(t, q)
	now := announced{mode, why}
	before, known := qm.modes.seen[k]
	if known && before == now {
		return nil
	}
	onCommit(tx, func() { qm.modes.set(k, now) })
	if !known {
		return nil
	}
	seq, err := tx.SequenceNext(ctx, "mode-event")
	if err != nil {
		return err
	}
	e := &ModeAnnouncement{Queue: q.Name, Mode: mode, Status: why, PreviousMode: before.mode, PreviousModeStatus: before.status, By: by}
	if o != nil && why == ModeStatusManual {
		e.Until = o.Until
	}
	qm.log.InfoContext(ctx, "operation mode changed", "tenant", t.Name, "queue", q.Name, "mode", mode, "modeStatus", why,
		"previous", before.mode)
	return qm.write(ctx, tx, t, message{typ: EventModeChanged, key: "mode-" + strconv.FormatInt(seq, 10),
		encode: func(h MessageHeader) ([]byte, error) { return qm.encoder.ModeChanged(h, e) }})
}

// watchModes announces the mode changes that time brought (schedules,
// holidays, Smart Purge, a manual mode's end) to the queues watched.
func (qm *QueueManager) watchModes(ctx context.Context) error {
	for _, t := range qm.settings.Tenants {
		if !watched(t) {
			continue
		}
		for _, q := range t.Queues {
			if err := qm.watchMode(ctx, t, q); err != nil {
				return fmt.Errorf("mode of %s/%s: %w", t.Name, q.Name, err)
			}
		}
	}
	return nil
}

func (qm *QueueManager) watchMode(ctx context.Context, t *Tenant, q *Queue) error {
	qm.modes.mu.Lock()
	defer qm.modes.mu.Unlock()
	mode, why, err := qm.mode(ctx, nil, t, q)
	if err != nil {
		return err
	}
	if qm.modes.seen[keyOf(t, q)] == (announced{mode, why}) {
		return nil
	}
	return qm.inTx(ctx, func(tx Tx) error { return qm.announceMode(ctx, tx, t, q, qm.override(t, q), "") })
}
