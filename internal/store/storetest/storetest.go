// Package storetest is the conformance suite of callback.Store: every engine
// (SQLite now, PostgreSQL later) runs the same tests, from a few lines in its
// own _test.go:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, storetest.Harness{New: newStore, Reopen: reopen})
//	}
//
// The suite knows nothing of any engine. Where engines really differ it asks
// the store, through optional methods, instead of testing for an engine:
//
//   - TimePrecision() time.Duration: the resolution of stored times, used as
//     the tolerance of every time comparison (default DefaultTimePrecision).
//
// Rules the suite relies on, which every engine must also follow:
//
//   - a transaction is exclusive enough that a read followed by a write in
//     one InTx sees no interleaved change (no retries are expected);
//   - once a Tx method has failed, fn returns (an engine may refuse any
//     further statement of that transaction, as PostgreSQL does).
//
// Where the contract's comments leave a choice, the suite settles it, and
// every engine must behave the same way:
//
//   - A time filter's zero time does not filter; a stored zero time matches
//     no time filter (CreatedBefore, CreatedSince, Since): it is "no time".
//   - InteractionCount counts what InteractionFind lists with Limit 0. A
//     Types or SourceApplications slice filters when it has elements (an
//     empty non-nil slice does not filter); SourceApplications compares
//     exactly and case-sensitively, so "" keeps the interactions without one.
//   - RecordFind filters on the record's own Tenant and Queue (the
//     interaction's at the time of the change), not on the interaction's
//     current ones. Since is inclusive, AfterSeq strict.
//   - QueueModeGet and QueueModeList return what is stored whatever its
//     Until: the store has no clock, so whether an override is still in
//     force is the caller's to judge. QueueModeList orders by tenant then
//     queue byte-wise, as Go compares strings (PostgreSQL needs COLLATE "C").
//     Tenant and queue names are case-sensitive keys.
//   - Launches are "oldest first" by CreatedAt, then Key. LaunchInsert
//     stores every field as given, the lease, Deliveries and AckedAt
//     included (a new launch normally has them zero). A lease is unset when
//     LeaseExpires is zero and expired at p.Now when LeaseExpires is not
//     after p.Now. LaunchClaim refuses, with an error that is neither
//     ErrNotFound nor ErrConflict and leasing nothing, a Max below 1, an
//     empty Owner (an empty owner means "unclaimed"), a Lease that is not
//     positive and a zero Now; p.Tenant always filters, even when empty.
//     LaunchAck refuses a zero time the same way; it acknowledges a launch
//     whatever its lease (claimed, expired or never claimed) and leaves the
//     lease as it was.
//   - A store that cannot write (full, failing, unreachable) answers
//     callback.ErrUnavailable, commits nothing of the refused transaction,
//     still serves reads when it can, and writes again once the cause is
//     gone, with everything committed before still there.
//   - Outbox messages are claimed "earliest due first" by NextAt, then ID,
//     a zero NextAt (due at once) before any other (PostgreSQL needs NULLS
//     FIRST); IDs increase in insertion order and are never reused, also
//     across a reopen. (Tenant, Destination, Key) is unique and
//     case-sensitive. OutboxRetry and OutboxDiscard answer ErrConflict for a
//     message that is not pending or whose Attempts is not the one given (a
//     stale claim); OutboxDelivered succeeds from any state, keeping the
//     first SettledAt. Invalid claim or discard parameters, and zero times,
//     are errors that are neither ErrNotFound nor ErrConflict. An empty
//     Payload may read back as nil.
//
// Fixtures set every field of the domain types they feed (the
// FixtureSetsEveryField tests), and every field of the params types is named
// in a FindParamsAreCovered or ParamsAreCovered test: a field added to the
// contract fails the suite until it is stored and tested.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/userdata"
)

// Harness is what an engine gives the suite.
type Harness struct {
	// New returns a fresh, empty store for one test, and registers its
	// Close with t.Cleanup. It is called from parallel tests.
	New func(t *testing.T) callback.Store
	// Reopen closes old and opens the same database again, as a restart
	// does, registering the new store's Close with t.Cleanup. Nil when the
	// engine cannot reopen; the durability tests are then skipped. Close
	// may be called again on old by the cleanup New registered.
	Reopen func(t *testing.T, old callback.Store) callback.Store
	// Fill makes s full, as a full disk does: from then on a transaction
	// that needs more room fails; calling release gives the room back. Nil
	// when the engine cannot be filled on demand; the Unavailable test is
	// then skipped.
	Fill func(t *testing.T, s callback.Store) (release func())
}

// DefaultTimePrecision is the tolerance of time comparisons for a store that
// does not declare its own with a TimePrecision method: the microsecond,
// PostgreSQL's resolution.
const DefaultTimePrecision = time.Microsecond

// timePrecisioner is the optional method a store declares its time
// resolution with.
type timePrecisioner interface {
	TimePrecision() time.Duration
}

// testTimeout bounds every test's context, so a store that deadlocks (a
// transaction never released, say) fails the test instead of hanging it.
const testTimeout = 2 * time.Minute

// Run runs the whole conformance suite against the engine of h. Every test
// runs in parallel with the others, each on its own store from h.New.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("storetest: Harness.New is nil")
	}
	t.Run("Interaction", func(t *testing.T) { t.Parallel(); testInteraction(t, h) })
	t.Run("Record", func(t *testing.T) { t.Parallel(); testRecord(t, h) })
	t.Run("Mode", func(t *testing.T) { t.Parallel(); testMode(t, h) })
	t.Run("Launch", func(t *testing.T) { t.Parallel(); testLaunch(t, h) })
	t.Run("Outbox", func(t *testing.T) { t.Parallel(); testOutbox(t, h) })
	t.Run("Sequence", func(t *testing.T) { t.Parallel(); testSequence(t, h) })
	t.Run("Tx", func(t *testing.T) { t.Parallel(); testTx(t, h) })
	t.Run("View", func(t *testing.T) { t.Parallel(); testView(t, h) })
	t.Run("Concurrency", func(t *testing.T) { t.Parallel(); testConcurrency(t, h) })
	t.Run("Unavailable", func(t *testing.T) { t.Parallel(); testUnavailable(t, h) })
}

// testBundle is what one test works with.
type testBundle struct {
	// ctx ends with the test, or after testTimeout.
	ctx context.Context
	// store is a fresh, empty store.
	store callback.Store
	// prec is the store's time precision.
	prec time.Duration
}

// newBundle opens a fresh store for t.
func newBundle(t *testing.T, h Harness) *testBundle {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancel)
	s := h.New(t)
	return &testBundle{ctx: ctx, store: s, prec: precisionOf(s)}
}

// precisionOf is s's declared time precision, or DefaultTimePrecision.
func precisionOf(s callback.Store) time.Duration {
	if p, ok := s.(timePrecisioner); ok && p.TimePrecision() > 0 {
		return p.TimePrecision()
	}
	return DefaultTimePrecision
}

// inTx runs fn in a transaction of s and fails the test if it fails.
func inTx(t *testing.T, ctx context.Context, s callback.Store, fn func(tx callback.Tx) error) {
	t.Helper()
	if err := s.InTx(ctx, fn); err != nil {
		t.Fatalf("InTx: %v", err)
	}
}

// insert stores each interaction in its own transaction.
func insert(t *testing.T, b *testBundle, its ...*callback.Interaction) {
	t.Helper()
	for _, it := range its {
		inTx(t, b.ctx, b.store, func(tx callback.Tx) error { return tx.InteractionInsert(b.ctx, it) })
	}
}

// get reads one interaction in its own transaction.
func get(t *testing.T, b *testBundle, id string) *callback.Interaction {
	t.Helper()
	var it *callback.Interaction
	inTx(t, b.ctx, b.store, func(tx callback.Tx) (err error) {
		it, err = tx.InteractionGet(b.ctx, id)
		return err
	})
	return it
}

// requireErrorIs fails the test unless errors.Is(err, target).
func requireErrorIs(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want one that is %v", err, target)
	}
}

// requireInteraction fails the test unless got has every field of want.
func requireInteraction(t *testing.T, prec time.Duration, got, want *callback.Interaction) {
	t.Helper()
	if got == nil {
		t.Fatalf("interaction is nil, want %s", want.ID)
	}
	if diffs := diffStruct(reflect.ValueOf(*got), reflect.ValueOf(*want), prec); len(diffs) > 0 {
		t.Fatalf("interaction %s differs from what was stored:\n%s", want.ID, lines(diffs))
	}
}

// requireRecords fails the test unless got and want are the same records in
// the same order, every field equal.
func requireRecords(t *testing.T, prec time.Duration, got, want []callback.Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d:\n got %+v\nwant %+v", len(got), len(want), got, want)
	}
	for i := range want {
		if diffs := diffStruct(reflect.ValueOf(got[i]), reflect.ValueOf(want[i]), prec); len(diffs) > 0 {
			t.Fatalf("record %d differs:\n%s", i, lines(diffs))
		}
	}
}

// requireLaunches fails the test unless got and want are the same launches
// in the same order, every field equal.
func requireLaunches(t *testing.T, prec time.Duration, got, want []callback.Launch) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d launches, want %d:\n got %s\nwant %s", len(got), len(want), launchKeys(got), launchKeys(want))
	}
	for i := range want {
		if diffs := diffStruct(reflect.ValueOf(got[i]), reflect.ValueOf(want[i]), prec); len(diffs) > 0 {
			t.Fatalf("launch %d (%s) differs:\n%s", i, want[i].Key, lines(diffs))
		}
	}
}

// launchKeys are the keys of ls, in order.
func launchKeys(ls []callback.Launch) []string {
	keys := make([]string, len(ls))
	for i, l := range ls {
		keys[i] = l.Key
	}
	return keys
}

// requireModes fails the test unless got and want are the same mode
// overrides in the same order, every field equal.
func requireModes(t *testing.T, prec time.Duration, got, want []callback.ModeOverride) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d mode overrides, want %d:\n got %+v\nwant %+v", len(got), len(want), got, want)
	}
	for i := range want {
		if diffs := diffStruct(reflect.ValueOf(got[i]), reflect.ValueOf(want[i]), prec); len(diffs) > 0 {
			t.Fatalf("mode override %d (%s/%s) differs:\n%s", i, want[i].Tenant, want[i].Queue, lines(diffs))
		}
	}
}

// requireEveryFieldSet fails the test for each field of the struct v left at
// its zero value, but those named in exempt (fields the store assigns). The
// round-trip tests are only as good as their fixtures: this keeps a field
// added to a domain type from going untested.
func requireEveryFieldSet(t *testing.T, v any, exempt ...string) {
	t.Helper()
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		name := rv.Type().Field(i).Name
		if slices.Contains(exempt, name) {
			continue
		}
		if rv.Field(i).IsZero() {
			t.Errorf("the %s fixture leaves %s zero: set it, so the round trip covers its column", rv.Type().Name(), name)
		}
	}
}

// requireFields fails the test unless the struct type T has exactly the
// fields named, in any order: the suite lists the filters it tests, so a
// filter added to a params type fails here until a test covers it.
func requireFields[T any](t *testing.T, names ...string) {
	t.Helper()
	typ := reflect.TypeFor[T]()
	var have []string
	for i := range typ.NumField() {
		have = append(have, typ.Field(i).Name)
	}
	for _, n := range have {
		if !slices.Contains(names, n) {
			t.Errorf("%s.%s is not covered by the suite: add tests for it, then name it here", typ.Name(), n)
		}
	}
	for _, n := range names {
		if !slices.Contains(have, n) {
			t.Errorf("%s has no field %s any more: drop its tests", typ.Name(), n)
		}
	}
}

// requireIDs fails the test unless its are exactly the interactions ids, in order.
func requireIDs(t *testing.T, its []*callback.Interaction, ids ...string) {
	t.Helper()
	got := make([]string, len(its))
	for i, it := range its {
		got[i] = it.ID
	}
	if len(ids) == 0 {
		ids = []string{}
	}
	if !reflect.DeepEqual(got, ids) {
		t.Fatalf("ids = %q, want %q", got, ids)
	}
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	userDataType = reflect.TypeFor[userdata.List]()
)

// diffStruct compares every field of two structs of the same type, so a
// field added to the domain type is compared without touching the suite.
// Times are equal within prec and must be read back in UTC; user data is
// compared by value; an empty map or slice equals a nil one.
func diffStruct(got, want reflect.Value, prec time.Duration) []string {
	var diffs []string
	for i := range want.NumField() {
		name := want.Type().Field(i).Name
		g, w := got.Field(i), want.Field(i)
		switch {
		case g.Type() == timeType:
			if d := diffTime(g.Interface().(time.Time), w.Interface().(time.Time), prec); d != "" {
				diffs = append(diffs, name+": "+d)
			}
		case g.Type() == userDataType:
			if !equalUserData(g.Interface().(userdata.List), w.Interface().(userdata.List)) {
				diffs = append(diffs, fmt.Sprintf("%s: got %s, want %s", name, g.Interface(), w.Interface()))
			}
		case g.Kind() == reflect.Struct:
			for _, d := range diffStruct(g, w, prec) {
				diffs = append(diffs, name+"."+d)
			}
		case (g.Kind() == reflect.Map || g.Kind() == reflect.Slice) && g.Len() == 0 && w.Len() == 0:
		default:
			if !reflect.DeepEqual(g.Interface(), w.Interface()) {
				diffs = append(diffs, fmt.Sprintf("%s: got %#v, want %#v", name, g.Interface(), w.Interface()))
			}
		}
	}
	return diffs
}

// diffTime describes how got differs from want, or is "" when they are the
// same instant within prec and got is in UTC.
func diffTime(got, want time.Time, prec time.Duration) string {
	switch {
	case want.IsZero() && got.IsZero():
		return ""
	case want.IsZero() || got.IsZero():
		return fmt.Sprintf("got %s, want %s (a zero time must round-trip as zero)", got, want)
	case got.Location() != time.UTC:
		return fmt.Sprintf("got %s in %s, want it in UTC", got, got.Location())
	case got.Sub(want).Abs() >= prec:
		return fmt.Sprintf("got %s, want %s within %s", got.Format(time.RFC3339Nano), want.UTC().Format(time.RFC3339Nano), prec)
	}
	return ""
}

// equalUserData reports whether two user-data trees hold the same pairs in
// the same order with the same values.
func equalUserData(a, b userdata.List) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || !equalValue(a[i].Value, b[i].Value) {
			return false
		}
	}
	return true
}

func equalValue(a, b userdata.Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case userdata.String:
		return a.Str == b.Str
	case userdata.Integer:
		return a.Int == b.Int
	case userdata.Binary:
		return bytes.Equal(a.Bin, b.Bin)
	case userdata.ListKind:
		return equalUserData(a.List, b.List)
	}
	return false
}

func lines(ss []string) string {
	var b bytes.Buffer
	for _, s := range ss {
		b.WriteString("  " + s + "\n")
	}
	return b.String()
}
