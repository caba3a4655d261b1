package callback

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/holdline/holdline/internal/status"
)

// Which operation mode a queue is in now (behaviour.md §3), decided in this
// order:
//
//  1. a manual mode (the mode API, like the original's EyeQueue), until its
//     own end or the next scheduled change, whichever comes first;
//  2. the holiday mode on a holiday (explicit date or national calendar);
//  3. the latest weekly mode change at or before now;
//  4. the configured default mode;
//
// and then Smart Purge: a queue in Normal mode with Smart Purge enabled
// switches to Purge when now + EWT + drain margin reaches today's close, so
// the virtual queue is empty at closing, and stays in Purge until the next
// open brings the scheduled mode back. ModeStatus says which rule applied:
// Manual, Holiday, Scheduled, SmartPurge, or empty for the default.

// The ModeStatus values.
const (
	ModeStatusDefault    = ""
	ModeStatusManual     = "Manual"
	ModeStatusHoliday    = "Holiday"
	ModeStatusScheduled  = "Scheduled"
	ModeStatusSmartPurge = "SmartPurge"
)

func keyOf(t *Tenant, q *Queue) QueueKey { return QueueKey{t.Name, q.Name} }

// overrides caches the manual modes, which the store holds durably.
type overrides struct {
	mu sync.RWMutex
	m  map[QueueKey]ModeOverride
}

func (o *overrides) get(k QueueKey) (ModeOverride, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	v, ok := o.m[k]
	return v, ok
}

func (o *overrides) set(k QueueKey, v *ModeOverride) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.m == nil {
		o.m = map[QueueKey]ModeOverride{}
	}
	if v == nil {
		delete(o.m, k)
		return
	}
	o.m[k] = *v
}

// scheduledMode is the mode the calendar gives q at now, its ModeStatus, and
// when that mode began (zero for the default mode).
func scheduledMode(t *Tenant, q *Queue, now time.Time) (Mode, string, time.Time) {
	local := now.In(t.Location)
	if q.Holidays.ClosedAt(now, t.Location) {
		midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, t.Location)
		return q.HolidayMode, ModeStatusHoliday, midnight
	}
	var (
		best  *ModeChange
		since time.Time
	)
	for back := 0; back <= 7 && best == nil; back++ {
		day := time.Date(local.Year(), local.Month(), local.Day()-back, 0, 0, 0, 0, t.Location)
		for i := range q.ModeSchedule {
			c := &q.ModeSchedule[i]
			if c.Day != day.Weekday() {
				continue
			}
			// The local time of day, also on the days the clocks change
			// (midnight plus c.At minutes would be an hour off then).
			at := time.Date(day.Year(), day.Month(), day.Day(), int(c.At)/60, int(c.At)%60, 0, 0, t.Location)
			if at.After(now) || (best != nil && !at.After(since)) {
				continue
			}
			best, since = c, at
		}
	}
	if best == nil {
		return q.Mode, ModeStatusDefault, time.Time{}
	}
	return best.Mode, ModeStatusScheduled, since
}

// baseMode is the mode a manual change or the calendar gives q at now (rules
// 1-4, before Smart Purge), its ModeStatus, and when that mode began (zero
// for the default mode).
func (qm *QueueManager) baseMode(t *Tenant, q *Queue, now time.Time) (Mode, string, time.Time) {
	return baseModeWith(t, q, now, qm.override(t, q))
}

// override is the manual mode cached for q, or nil.
func (qm *QueueManager) override(t *Tenant, q *Queue) *ModeOverride {
	if o, ok := qm.overrides.get(keyOf(t, q)); ok {
		return &o
	}
	return nil
}

// baseModeWith is baseMode with o as the queue's manual mode (nil: none).
func baseModeWith(t *Tenant, q *Queue, now time.Time, o *ModeOverride) (Mode, string, time.Time) {
	mode, why, since := scheduledMode(t, q, now)
	if o != nil && !o.SetAt.Before(since) && (o.Until.IsZero() || now.Before(o.Until)) {
		return o.Mode, ModeStatusManual, o.SetAt
	}
	return mode, why, since
}

// mode decides the queue's operation mode now. tx may be nil; it is only
// needed for Smart Purge, which reads the queue's EWT.
func (qm *QueueManager) mode(ctx context.Context, tx Tx, t *Tenant, q *Queue) (Mode, string, error) {
	return qm.modeWith(ctx, tx, t, q, qm.override(t, q))
}

// modeWith is mode with o as the queue's manual mode (nil: none).
func (qm *QueueManager) modeWith(ctx context.Context, tx Tx, t *Tenant, q *Queue, o *ModeOverride) (Mode, string, error) {
	now := qm.now(tx)
	mode, why, _ := baseModeWith(t, q, now, o)
	if mode != ModeNormal || why == ModeStatusManual || !q.SmartPurge.Enabled {
		return mode, why, nil
	}
	if !qm.openAt(t, q, now) {
		// Closed: the purge that began before closing lasts until the
		// next open brings the scheduled mode back.
		return ModePurge, ModeStatusSmartPurge, nil
	}
	closeAt, ok := q.BusinessHours.CloseAfter(now, t.Location, q.Holidays.Closed)
	if !ok {
		return mode, why, nil // open for more than a week on end (24/7): never closes
	}
	var ewt time.Duration
	read := func(tx Tx) (err error) {
		ewt, err = qm.queueEWT(ctx, tx, t, q)
		return err
	}
	var err error
	if tx != nil {
		err = read(tx)
	} else {
		err = qm.inView(ctx, read)
	}
	if err != nil {
		return mode, why, err
	}
	if !now.Add(ewt + q.SmartPurge.DrainMargin).Before(closeAt) {
		return ModePurge, ModeStatusSmartPurge, nil
	}
	return mode, why, nil
}

// ModeInfo is a queue's operation mode now, why, and the manual mode set on
// it if one is in force.
type ModeInfo struct {
	Mode       Mode
	ModeStatus string
	Manual     *ModeOverride
}

// ModeOf reports the operation mode of a queue now (console, queue API).
func (qm *QueueManager) ModeOf(ctx context.Context, tenant, queue string) (*ModeInfo, error) {
	t, q, err := qm.queue(tenant, queue)
	if err != nil {
		return nil, err
	}
	mode, why, err := qm.mode(ctx, nil, t, q)
	if err != nil {
		return nil, err
	}
	out := &ModeInfo{Mode: mode, ModeStatus: why}
	if o, ok := qm.overrides.get(keyOf(t, q)); ok && why == ModeStatusManual {
		out.Manual = &o
	}
	return out, nil
}

// MaxModeDuration is how far ahead a manual mode's end may be set: a year.
const MaxModeDuration = 366 * 24 * time.Hour

// SetMode switches a queue to mode by hand, durably, until until (zero: until
// cleared or the next scheduled change). by names who did it, for the log.
func (qm *QueueManager) SetMode(ctx context.Context, tenant, queue, mode string, until time.Time, by string) (*ModeInfo, error) {
	t, q, err := qm.queue(tenant, queue)
	if err != nil {
		return nil, err
	}
	m, ok := Parse(Modes, mode)
	if !ok {
		return nil, status.Errorf(status.InvalidOperationModeReturned, "%q is not an operation mode (one of %s)", mode, joinValues(Modes))
	}
	now := qm.Now()
	switch {
	case until.IsZero():
	case !until.After(now):
		return nil, status.Errorf(status.InvalidDateTime, "until %s is not in the future", until.UTC().Format(time.RFC3339))
	case until.After(now.Add(MaxModeDuration)):
		return nil, status.Errorf(status.InvalidDateTime, "until %s is more than %d days ahead: a manual mode lasts at most that long (leave until out to keep it until cleared)",
			until.UTC().Format(time.RFC3339), MaxModeDuration/(24*time.Hour))
	}
	o := &ModeOverride{Tenant: t.Name, Queue: q.Name, Mode: m, SetAt: now, Until: until.UTC(), By: by}
	qm.modes.mu.Lock()
	defer qm.modes.mu.Unlock()
	err = qm.inTx(ctx, func(tx Tx) error {
		if err := tx.QueueModeSet(ctx, o); err != nil {
			return err
		}
		onCommit(tx, func() { qm.overrides.set(keyOf(t, q), o) })
		return qm.announceMode(ctx, tx, t, q, o, by)
	})
	if err != nil {
		return nil, fmt.Errorf("set mode of %s/%s: %w", t.Name, q.Name, err)
	}
	qm.log.InfoContext(ctx, "operation mode set", "tenant", t.Name, "queue", q.Name, "mode", m, "until", until, "by", by)
	return qm.ModeOf(ctx, t.Name, q.Name)
}

// ClearMode removes a queue's manual mode: the schedule applies again.
func (qm *QueueManager) ClearMode(ctx context.Context, tenant, queue, by string) (*ModeInfo, error) {
	t, q, err := qm.queue(tenant, queue)
	if err != nil {
		return nil, err
	}
	qm.modes.mu.Lock()
	defer qm.modes.mu.Unlock()
	err = qm.inTx(ctx, func(tx Tx) error {
		if err := tx.QueueModeClear(ctx, QueueKey{Tenant: t.Name, Queue: q.Name}); err != nil {
			return err
		}
		onCommit(tx, func() { qm.overrides.set(keyOf(t, q), nil) })
		return qm.announceMode(ctx, tx, t, q, nil, by)
	})
	if err != nil {
		return nil, fmt.Errorf("clear mode of %s/%s: %w", t.Name, q.Name, err)
	}
	qm.log.InfoContext(ctx, "manual operation mode cleared", "tenant", t.Name, "queue", q.Name, "by", by)
	return qm.ModeOf(ctx, t.Name, q.Name)
}
