package sqlitestore

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
)

// TestLookupsUseTheirIndex checks the query plans of the lookups whose cost
// must not grow with the tenant: without statistics SQLite prefers to walk
// a tenant's interactions in created_at order over sorting a few, which
// made every scheduled registration's slot count read the whole tenant
// (issue #11, one million callbacks).
func TestLookupsUseTheirIndex(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	booked := []callback.State{callback.StatePendingCallback, callback.StateLaunched}
	for _, tc := range []struct {
		name  string
		p     callback.InteractionFindParams
		index string
	}{
		{"Callback Double Check", callback.InteractionFindParams{Tenant: "T", Queue: "Q", Contact: "7001", States: booked}, "interactions_tenant_contact_queue_state"},
		{"a queue's booked callbacks", callback.InteractionFindParams{Tenant: "T", Queue: "Q", States: booked,
			Types: []callback.InteractionType{callback.TypeAppointment}}, "interactions_queue_place"},
		{"a queue's first pending, in place order", callback.InteractionFindParams{Tenant: "T", Queue: "Q",
			States: []callback.State{callback.StatePendingCallback}, ByPlace: true, Limit: 64}, "interactions_queue_place"},
		{"a queue's appointments due", callback.InteractionFindParams{Tenant: "T", Queue: "Q",
			States: []callback.State{callback.StatePendingCallback}, Types: []callback.InteractionType{callback.TypeAppointment},
			AppointmentBy: time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)}, "interactions_queue_appointment"},
		{"a tenant's launches in flight", callback.InteractionFindParams{Tenant: "T",
			States: []callback.State{callback.StateLaunched}}, "interactions_state"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			where, args, err := interactionWhere(&tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if where, args, err = placed(&tc.p, where, args); err != nil {
				t.Fatal(err)
			}
			// InteractionFind's order: the one that tempts the planner.
			order := " ORDER BY created_at, id"
			if tc.p.ByPlace {
				order = " ORDER BY " + placeExpr + ", created_at, id"
			}
			checkPlan(t, s, interactionSelect+indexFor(&tc.p)+where+order, args, tc.index)
		})
	}
}

// The Queue Manager's replay at start reads the last two hours of history,
// not a million callbacks' histories in seq order.
func TestRecentHistoryUsesItsIndex(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	since := time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		p     callback.RecordFindParams
		index string
	}{
		{"every tenant's", callback.RecordFindParams{Since: since}, "records_at"},
		{"a tenant's", callback.RecordFindParams{Tenant: "T", Since: since}, "records_tenant_at_queue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			query, args, err := recordFindQuery(&tc.p)
			if err != nil {
				t.Fatal(err)
			}
			checkPlan(t, s, query, args, tc.index)
		})
	}
}

// checkPlan fails t unless SQLite's plan for query searches index.
func checkPlan(t *testing.T, s *Store, query string, args []any, index string) {
	t.Helper()
	rows, err := s.db.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "INDEX "+index+" ") {
		t.Errorf("plan %q, want a search of %s", got, index)
	}
}
