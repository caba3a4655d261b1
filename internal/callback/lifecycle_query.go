package callback

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/userdata"
)

// The read-only operations: what the IVR asks before it treats a caller
// (GetSegmentState, GetSegmentVariables), what integrators ask to check their
// setup (GetSegments, GetSystemVariables, GetStatus, ValidateContact), and
// FindInteraction.

// Find lists interactions by id or by contact (FindInteraction). Neither, a
// malformed id, an invalid contact or an unknown segment is 108026; an id
// not known is 107002; a contact with no live interaction is 109021.
func (lc *Lifecycle) Find(ctx context.Context, f FindParams) ([]Found, error) {
	t, err := lc.tenant(f.Tenant)
	if err != nil {
		return nil, err
	}
	var options []FindOption
	for _, raw := range f.Options {
		// A value FindInteraction does not know is ignored (the front says so).
		if o, ok := ParseFindOption(raw); ok {
			options = append(options, o)
		}
	}
	id, contact := strings.TrimSpace(f.InteractionID), strings.TrimSpace(f.Contact)
	if id == "" && contact == "" {
		return nil, status.Errorf(status.InvalidSearchParameters, "an InteractionId or a Contact is required")
	}
	var seg *Segment
	if strings.TrimSpace(f.Segment) != "" {
		if seg = t.Segment(strings.TrimSpace(f.Segment)); seg == nil {
			return nil, status.Errorf(status.InvalidSearchParameters, "segment %q is not configured for tenant %q", f.Segment, t.Name)
		}
	}
	if id != "" {
		if id, err = checkID(id); err != nil {
			return nil, status.Wrap(status.InvalidSearchParameters, err, status.Message(err))
		}
	}
	if contact != "" {
		country := ""
		if s := seg; s != nil {
			country = s.CountryCode
		} else if len(t.Segments) > 0 {
			country = t.Segments[0].CountryCode
		}
		if contact, err = t.Contacts.Normalize(contact, country); err != nil {
			return nil, status.Wrap(status.InvalidSearchParameters, err, err.Error())
		}
	}
	var out []Found
	err = lc.inView(ctx, func(tx Tx) error {
		var its []*Interaction
		if id != "" {
			it, err := lc.load(ctx, tx, t, id)
			if err != nil {
				return err
			}
			its = []*Interaction{it}
		} else {
			p := &InteractionFindParams{Tenant: t.Name, Contact: contact, States: nonFinal}
			if seg != nil {
				p.Segment = seg.Name
			}
			if its, err = tx.InteractionFind(ctx, p); err != nil {
				return err
			}
			if len(its) == 0 {
				return status.Errorf(status.ContactNotFound, "no live interaction of tenant %q has contact %s", t.Name, contact)
			}
		}
		for _, it := range its {
			found := Found{Interaction: it}
			q := t.Queue(it.Queue)
			if q != nil && it.Type == TypeASAP && it.State == StatePendingCallback {
				if found.RemainingWait, err = lc.qm.remainingWait(ctx, tx, t, q, it); err != nil {
					return err
				}
			}
			found.Information = findInformation(t, q, found, options)
			out = append(out, found)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find interaction: %w", err)
	}
	return out, nil
}

// findInformation is the values FindInteraction was asked for about f, in
// the order asked.
func findInformation(t *Tenant, q *Queue, f Found, options []FindOption) []Variable {
	var info []Variable
	for _, o := range options {
		v := ""
		switch o {
		case FindStatus:
			v = f.Status()
		case FindScriptNumber:
			if q != nil {
				v = variableValue(q.SegmentVariables(t.Segment(f.Segment)), "SCRIPTNUMBER")
			}
		case FindVoxFile:
			if val, ok := f.UserData.Get("VoxFile"); ok {
				v = val.Str
				if val.Kind != userdata.String {
					v = val.String()
				}
			}
		case FindCallID:
			v = f.ExternalTrackingID
		}
		info = append(info, Variable{string(o), v})
	}
	return info
}

func variableValue(vars []Variable, name string) string {
	for _, v := range vars {
		if v.Name == name {
			return v.Value
		}
	}
	return ""
}

// Segments lists the configured segments of tenant, or of every tenant when
// tenant is empty (GetSegments).
func (lc *Lifecycle) Segments(_ context.Context, tenant string) ([]SegmentInfo, error) {
	tenants := lc.settings.Tenants
	if strings.TrimSpace(tenant) != "" {
		t, err := lc.tenant(tenant)
		if err != nil {
			return nil, err
		}
		tenants = []*Tenant{t}
	}
	var out []SegmentInfo
	for _, t := range tenants {
		for _, s := range t.Segments {
			out = append(out, SegmentInfo{Tenant: t.Name, Segment: s.Name, Queue: s.Queue})
		}
	}
	if len(out) == 0 {
		return nil, status.Errorf(status.SegmentsNotFound, "no segments are configured")
	}
	return out, nil
}

// SegmentState decides what the IVR should do with a caller arriving on a
// segment now (GetSegmentState, behaviour.md §4): the operation mode, the
// EWT, the offer and where to route the caller.
func (lc *Lifecycle) SegmentState(ctx context.Context, tenant, segment, sourceApplication string) (*SegmentState, error) {
	t, err := lc.tenant(tenant)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(segment) == "" {
		return nil, status.Errorf(status.InvalidSegment, "a segment is required")
	}
	seg, q, err := lc.segment(t, segment)
	if err != nil {
		return nil, err
	}
	app := t.SourceApplicationOrDefault(strings.TrimSpace(sourceApplication))
	// The answer comes from memory, but it offers callbacks: while the store
	// refuses work, a caller who took the offer could not register, so the
	// IVR is told 109004 as a registration would be.
	if err := lc.StoreError(); err != nil {
		return nil, fmt.Errorf("segment state %s/%s: %w", t.Name, seg.Name, err)
	}
	var (
		ewt, ewt95 time.Duration
		mode       Mode
		modeStatus string
		use        licenceUse
	)
	// Every figure is in memory (qm_counts.go): nothing per callback is read.
	err = lc.qm.counted(ctx, func(tx Tx) error {
		e, err := lc.qm.joinEstimate(ctx, tx, t, q)
		if err != nil {
			return err
		}
		ewt, ewt95 = e.Mean, e.P95
		if t.Licenses != nil {
			if use, err = lc.qm.licencesInUse(ctx, tx, t, app); err != nil {
				return err
			}
		}
		mode, modeStatus, err = lc.qm.mode(ctx, tx, t, q)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("segment state %s/%s: %w", t.Name, seg.Name, err)
	}
	st := &SegmentState{
		Tenant: t.Name, Segment: seg.Name, Queue: q.Name, Mode: mode, ModeStatus: modeStatus,
		EWT: ewt, EWT95: ewt95, QueueMode: q.QueueMode,
	}
	st.Offer, st.RecommendedDestination, st.Why = lc.offer(t, q, mode, ewt, app, use)
	if lc.log.Enabled(ctx, slog.LevelDebug) {
		lc.log.DebugContext(ctx, "segment state", "tenant", t.Name, "segment", seg.Name, "mode", mode, "ewt", ewt, "offer", st.Offer, "why", st.Why)
	}
	return st, nil
}

// offer is the offer decision of behaviour.md §4.
func (lc *Lifecycle) offer(t *Tenant, q *Queue, mode Mode, ewt time.Duration, app string, use licenceUse) (OfferTreatment, string, OfferReason) {
	caps := mode.Capabilities()
	holding := firstNonEmpty(q.Skills.Holding.Device, q.Skills.Holding.ID)
	under := firstNonEmpty(q.Skills.UnderThreshold.Device, q.Skills.UnderThreshold.ID, holding)
	secs := ewt.Seconds()
	offer, dest := caps.Offer, holding
	why := OfferReason{kind: reasonAboveThreshold, mode: mode, ewt: secs, threshold: q.TurnOnThreshold.Seconds()}
	if secs <= q.TurnOnThreshold.Seconds() {
		offer, dest = caps.OfferUnderThreshold, under
		why.kind = reasonUnderThreshold
	} else if block := q.SmartCallBlockThreshold.Seconds(); block > 0 && secs > block && (offer == OfferCallback || offer == OfferEWTOnly) {
		return OfferBlock, holding, OfferReason{kind: reasonBlocked, ewt: secs, threshold: block}
	}
	// Any offer of callbacks, above the threshold or under it (the
	// scheduled-only modes), needs licences and, for scheduled ones, appointments.
	if offer == OfferCallback || offer == OfferScheduledOnly {
		if t.Licenses == nil {
			return OfferNone, dest, OfferReason{kind: reasonNoLicences, name: t.Name}
		}
		if need := max(t.Licenses.MinimumThreshold, 1); use.free() < need {
			return OfferNone, dest, OfferReason{kind: reasonFewLicences, free: use.free(), need: need, pool: use.pool.name, name: app}
		}
		if offer == OfferScheduledOnly && (!q.Appointments.Enabled || !t.Licenses.Scheduled) {
			return OfferNone, dest, OfferReason{kind: reasonNoAppointments, mode: mode, name: q.Name}
		}
	}
	return offer, dest, why
}

// OfferReason says why the offer decision went the way it did, for logs
// and support. Its sentence is made only when it is read (String): a
// GetSegmentState answers without it.
type OfferReason struct {
	kind           reasonKind
	mode           Mode
	ewt, threshold float64 // seconds
	free, need     int
	// name is the tenant, the source application or the queue the
	// sentence names; pool the licence pool.
	name, pool string
}

type reasonKind int

const (
	reasonAboveThreshold reasonKind = iota
	reasonUnderThreshold
	reasonBlocked
	reasonNoLicences
	reasonFewLicences
	reasonNoAppointments
)

// String is the reason as a sentence.
func (r OfferReason) String() string {
	switch r.kind {
	case reasonUnderThreshold:
		return fmt.Sprintf("EWT %.0fs is at or under the turn-on threshold %.0fs in %s mode", r.ewt, r.threshold, r.mode)
	case reasonBlocked:
		return fmt.Sprintf("EWT %.0fs is above the Smart Call Block threshold %.0fs", r.ewt, r.threshold)
	case reasonNoLicences:
		return fmt.Sprintf("no callback offer: tenant %q has no licence configuration", r.name)
	case reasonFewLicences:
		return fmt.Sprintf("no callback offer: %d %s licences free for %q, %d needed", r.free, r.pool, r.name, r.need)
	case reasonNoAppointments:
		return fmt.Sprintf("%s mode offers scheduled callbacks only, and queue %q takes none", r.mode, r.name)
	}
	return fmt.Sprintf("%s mode, EWT %.0fs above the turn-on threshold %.0fs", r.mode, r.ewt, r.threshold)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// SegmentVariables returns the IVR variables of a segment's queue, all of
// them or those named, and always CountryCode (GetSegmentVariables). Without
// a segment, a tenant with one segment uses it.
func (lc *Lifecycle) SegmentVariables(_ context.Context, tenant, segment string, names []string) (*SegmentVariables, error) {
	t, err := lc.tenant(tenant)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(segment) == "" {
		if len(t.Segments) != 1 {
			return nil, status.Errorf(status.SegmentRequired, "tenant %q has %d segments: name one", t.Name, len(t.Segments))
		}
		segment = t.Segments[0].Name
	}
	seg, q, err := lc.segment(t, segment)
	if err != nil {
		return nil, err
	}
	all := q.SegmentVariables(seg)
	vars := all
	if len(names) > 0 {
		want := map[string]bool{"CountryCode": true}
		for _, n := range names {
			want[strings.TrimSpace(n)] = true
		}
		vars = nil
		for _, v := range all {
			if want[v.Name] {
				vars = append(vars, v)
			}
		}
	}
	return &SegmentVariables{Tenant: t.Name, Segment: seg.Name, Queue: q.Name, Variables: vars}, nil
}

// SystemVariables returns the tenant's system variables (GetSystemVariables).
func (lc *Lifecycle) SystemVariables(_ context.Context, tenant string) ([]Variable, error) {
	t, err := lc.tenant(tenant)
	if err != nil {
		return nil, err
	}
	return t.SystemVariables, nil
}

// Status reports whether the platform can serve requests (GetStatus): it
// returns the names of the tenant asked for, or of every tenant. An unknown
// tenant, or none configured, is 109006; a store that cannot be reached or
// refuses writes 109004 (Ready).
func (lc *Lifecycle) Status(ctx context.Context, tenant string) ([]string, error) {
	var names []string
	if strings.TrimSpace(tenant) != "" {
		t := lc.settings.Tenant(strings.TrimSpace(tenant))
		if t == nil {
			return nil, status.Errorf(status.TenantsNotFound, "tenant %q is not configured", tenant)
		}
		names = []string{t.Name}
	} else {
		for _, t := range lc.settings.Tenants {
			names = append(names, t.Name)
		}
	}
	if len(names) == 0 {
		return nil, status.Errorf(status.TenantsNotFound, "no tenants are configured")
	}
	if err := lc.Ready(ctx); err != nil {
		return nil, err
	}
	return names, nil
}

// ValidateContact checks a contact against the tenant's numbering rules and
// returns it normalised (ValidateContact). The segment's country code is the
// default region; without a segment, the tenant's first segment's.
func (lc *Lifecycle) ValidateContact(_ context.Context, tenant, segment, contact string) (string, error) {
	t, err := lc.tenant(tenant)
	if err != nil {
		return "", err
	}
	var seg *Segment
	if strings.TrimSpace(segment) != "" {
		if seg, _, err = lc.segment(t, segment); err != nil {
			return "", err
		}
	} else if len(t.Segments) > 0 {
		seg = t.Segments[0]
	} else {
		seg = &Segment{}
	}
	return lc.normalizeContact(t, seg, contact)
}

// Get returns the interaction id of tenant with its full history.
func (lc *Lifecycle) Get(ctx context.Context, tenantName, id string) (*Interaction, []Record, error) {
	t, err := lc.tenant(tenantName)
	if err != nil {
		return nil, nil, err
	}
	if id, err = checkID(id); err != nil {
		return nil, nil, err
	}
	var (
		it   *Interaction
		hist []Record
	)
	err = lc.inView(ctx, func(tx Tx) error {
		var err error
		if it, err = lc.load(ctx, tx, t, id); err != nil {
			return err
		}
		hist, err = tx.RecordList(ctx, id)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("get interaction %s: %w", id, err)
	}
	return it, hist, nil
}

// CountByState counts stored interactions per state (for metrics and the console).
func (lc *Lifecycle) CountByState(ctx context.Context) (map[State]int, error) {
	var out map[State]int
	err := lc.inView(ctx, func(tx Tx) error {
		var err error
		out, err = tx.InteractionCountByState(ctx)
		return err
	})
	return out, err
}
