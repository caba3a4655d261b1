package callback

import (
	"context"

	"github.com/holdline/holdline/internal/license"
	"github.com/holdline/holdline/internal/status"
)

// Licences are counted live (behaviour.md §10), from the store rather than a
// separate ledger, so a count can never drift from the interactions it
// describes:
//
//   - a registration licence is held by every interaction in inbound
//     treatment (CreateInteraction until RequestContact, SendToQueue,
//     Queued, a disconnect or a cancel releases it), in the pool of its
//     source application: inbound for voice applications, non-voice for
//     the others;
//   - AddInteraction registers at once, so it needs a free licence of its
//     pool without keeping it;
//   - dialling licences (outbound concurrency) are held by launched and
//     connected callbacks (see launch.go);
//   - bandwidth: a pool takes at most BandwidthLimit new interactions per
//     BandwidthPeriod.

// pool is one licence pool of a tenant: its size and the source
// applications that draw from it.
type pool struct {
	name  string
	size  int
	voice bool
	apps  []string // the voice applications (the non-voice pool is everything else)
}

// poolsOf are a tenant's two pools: the voice (inbound) one, then the
// non-voice one.
func poolsOf(l *license.Config) [2]pool {
	apps := l.VoiceApplications
	if len(apps) == 0 {
		apps = []string{license.DefaultVoiceApplication}
	}
	return [2]pool{{name: "inbound", size: l.Inbound, voice: true, apps: apps}, {name: "non-voice", size: l.NonVoice, apps: apps}}
}

// poolOf is the pool app draws from.
func poolOf(l *license.Config, app string) pool {
	pools := poolsOf(l)
	if l.IsVoice(app) {
		return pools[0]
	}
	return pools[1]
}

// licenceState is the state in which an interaction holds a registration
// licence.
const licenceState = StateInboundTreatment

// count counts the interactions of tenant matching f that belong to the pool.
func (pl pool) count(ctx context.Context, tx Tx, tenant string, f InteractionFindParams) (int, error) {
	f.Tenant = tenant
	f.SourceApplications = pl.apps
	voice, err := tx.InteractionCount(ctx, &f)
	if err != nil || pl.voice {
		return voice, err
	}
	f.SourceApplications = nil
	all, err := tx.InteractionCount(ctx, &f)
	return all - voice, err
}

// licenceUse is the state of the pool a source application draws from.
type licenceUse struct {
	pool pool
	used int
}

func (u licenceUse) free() int { return max(u.pool.size-u.used, 0) }

// licences counts the registration licences in use in app's pool, in the
// store: it sees tx's own writes.
func (c *core) licences(ctx context.Context, tx Tx, t *Tenant, app string) (licenceUse, error) {
	pl := poolOf(t.Licenses, app)
	used, err := pl.count(ctx, tx, t.Name, InteractionFindParams{States: []State{licenceState}})
	return licenceUse{pool: pl, used: used}, err
}

// takeLicence checks that a new interaction of app can register: a free
// licence in its pool (109005) and room in the pool's bandwidth (109035).
func (c *core) takeLicence(ctx context.Context, tx Tx, t *Tenant, app string) error {
	use, err := c.licences(ctx, tx, t, app)
	if err != nil {
		return err
	}
	if use.free() == 0 {
		return status.Errorf(status.LicenseUnavailable, "all %d %s licences of tenant %q are in use", use.pool.size, use.pool.name, t.Name)
	}
	l := t.Licenses
	if l.BandwidthLimit <= 0 {
		return nil
	}
	period := l.BandwidthPeriod
	if period <= 0 {
		period = license.DefaultBandwidthPeriod
	}
	recent, err := use.pool.count(ctx, tx, t.Name, InteractionFindParams{CreatedSince: c.now(tx).Add(-period)})
	if err != nil {
		return err
	}
	if recent >= l.BandwidthLimit {
		return status.Errorf(status.BandwidthExceeded, "the %s licence group of tenant %q took %d requests in the last %s; its bandwidth is %d",
			use.pool.name, t.Name, recent, period, l.BandwidthLimit)
	}
	return nil
}

// dialling counts the callbacks of tenant holding a dialling licence.
func (c *core) dialling(ctx context.Context, tx Tx, t *Tenant) (int, error) {
	return tx.InteractionCount(ctx, &InteractionFindParams{Tenant: t.Name, States: []State{StateLaunched, StateOutboundConnected}})
}
