package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/store/stored"
)

// interactionColumns are the columns of the interactions table, in the order
// interactionArgs writes and scanInteraction reads them.
var interactionColumns = []string{
	"id", "tenant", "segment", "queue", "type", "state", "final", "contact",
	"external_tracking_id", "source_application", "client_id",
	"appointment_time", "queued_at", "due_at", "hold_reason", "result", "linked_id",
	"created_at", "updated_at", "version", "attempts", "user_data",
}

var (
	interactionSelect = "SELECT " + strings.Join(interactionColumns, ", ") + " FROM interactions"
	interactionInsert = "INSERT INTO interactions (" + strings.Join(interactionColumns, ", ") +
		") VALUES (" + placeholders(len(interactionColumns)) + ")"
	// interactionUpdate sets every column but id, guarded by the version read.
	interactionUpdate = "UPDATE interactions SET " + strings.Join(interactionColumns[1:], " = ?, ") +
		" = ? WHERE id = ? AND version = ?"
)

// placeholders is "?, ?, ..." n times.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// interactionArgs are it's column values in interactionColumns order, with
// the given version and final derived from the state.
func interactionArgs(it *callback.Interaction, version int64) ([]any, error) {
	appointment, err := timeValue(it.AppointmentTime)
	if err != nil {
		return nil, fmt.Errorf("appointment time: %w", err)
	}
	queued, err := timeValue(it.QueuedAt)
	if err != nil {
		return nil, fmt.Errorf("queued at: %w", err)
	}
	due, err := timeValue(it.DueAt)
	if err != nil {
		return nil, fmt.Errorf("due at: %w", err)
	}
	created, err := timeValue(it.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("created at: %w", err)
	}
	updated, err := timeValue(it.UpdatedAt)
	if err != nil {
		return nil, fmt.Errorf("updated at: %w", err)
	}
	attempts, err := stored.Attempts(it.Attempts)
	if err != nil {
		return nil, err
	}
	userData, err := stored.UserData(it.UserData)
	if err != nil {
		return nil, err
	}
	return []any{
		it.ID, it.Tenant, it.Segment, it.Queue, string(it.Type), string(it.State), boolInt(it.State.Final()), it.Contact,
		it.ExternalTrackingID, it.SourceApplication, it.ClientID,
		appointment, queued, due, string(it.HoldReason), it.Result, it.LinkedID,
		created, updated, version, attempts, userData,
	}, nil
}

// scanInteraction reads one row of interactionSelect.
func scanInteraction(row scanner) (*callback.Interaction, error) {
	var (
		it                       callback.Interaction
		typ, state, holdReason   string
		final                    int64
		appointment, queued, due sql.NullInt64
		created, updated         sql.NullInt64
		attempts, userData       string
	)
	err := row.Scan(
		&it.ID, &it.Tenant, &it.Segment, &it.Queue, &typ, &state, &final, &it.Contact,
		&it.ExternalTrackingID, &it.SourceApplication, &it.ClientID,
		&appointment, &queued, &due, &holdReason, &it.Result, &it.LinkedID,
		&created, &updated, &it.Version, &attempts, &userData,
	)
	if err != nil {
		return nil, err
	}
	it.Type = callback.InteractionType(typ)
	it.State = callback.State(state)
	it.HoldReason = callback.SendToQueueReason(holdReason)
	it.AppointmentTime = timeOf(appointment)
	it.QueuedAt = timeOf(queued)
	it.DueAt = timeOf(due)
	it.CreatedAt = timeOf(created)
	it.UpdatedAt = timeOf(updated)
	if it.Attempts, err = stored.ParseAttempts(attempts); err != nil {
		return nil, err
	}
	if it.UserData, err = stored.ParseUserData(userData); err != nil {
		return nil, err
	}
	return &it, nil
}

// InteractionGet returns the interaction with id, or ErrNotFound.
func (t *tx) InteractionGet(ctx context.Context, id string) (*callback.Interaction, error) {
	it, err := scanInteraction(t.tx.QueryRowContext(ctx, interactionSelect+" WHERE id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("interaction get %s: %w", id, interpretError(err))
	}
	return it, nil
}

// InteractionGetByExternalID returns the newest non-final interaction of
// tenant carrying externalID, or ErrNotFound. An empty externalID is no
// tracking id and finds nothing.
func (t *tx) InteractionGetByExternalID(ctx context.Context, ref callback.ExternalID) (*callback.Interaction, error) {
	tenant, externalID := ref.Tenant, ref.ID
	if externalID == "" {
		return nil, fmt.Errorf("interaction get by external id %s/%q: %w", tenant, externalID, callback.ErrNotFound)
	}
	// The WHERE repeats the partial unique index's condition so that SQLite
	// uses the index. The index allows one such row; the order is belt and braces.
	it, err := scanInteraction(t.tx.QueryRowContext(ctx, interactionSelect+
		" WHERE tenant = ? AND external_tracking_id = ? AND external_tracking_id <> '' AND final = 0"+
		" ORDER BY created_at DESC, id DESC LIMIT 1",
		tenant, externalID))
	if err != nil {
		return nil, fmt.Errorf("interaction get by external id %s/%q: %w", tenant, externalID, interpretError(err))
	}
	return it, nil
}

// InteractionInsert stores a new interaction and sets it.Version to 1.
func (t *tx) InteractionInsert(ctx context.Context, it *callback.Interaction) error {
	args, err := interactionArgs(it, 1)
	if err != nil {
		return fmt.Errorf("interaction insert %s: %w", it.ID, err)
	}
	if _, err := t.tx.ExecContext(ctx, interactionInsert, args...); err != nil {
		return fmt.Errorf("interaction insert %s: %w", it.ID, interpretError(err))
	}
	it.Version = 1
	return nil
}

// InteractionUpdate stores every field of it (but ID) if the stored version
// is still it.Version, then increments it.Version. A stale version is
// ErrConflict, a missing row ErrNotFound.
func (t *tx) InteractionUpdate(ctx context.Context, it *callback.Interaction) error {
	args, err := interactionArgs(it, it.Version+1)
	if err != nil {
		return fmt.Errorf("interaction update %s: %w", it.ID, err)
	}
	args = append(args[1:], it.ID, it.Version)
	res, err := t.tx.ExecContext(ctx, interactionUpdate, args...)
	if err != nil {
		return fmt.Errorf("interaction update %s: %w", it.ID, interpretError(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("interaction update %s: %w", it.ID, err)
	}
	if n == 0 {
		var stored int64
		err := t.tx.QueryRowContext(ctx, "SELECT version FROM interactions WHERE id = ?", it.ID).Scan(&stored)
		if err != nil {
			return fmt.Errorf("interaction update %s: %w", it.ID, interpretError(err))
		}
		return fmt.Errorf("interaction update %s: version %d is stale, stored is %d: %w", it.ID, it.Version, stored, callback.ErrConflict)
	}
	it.Version++
	return nil
}

// interactionWhere is the WHERE clause (empty, or starting with " WHERE")
// and its arguments selecting the interactions that match every set field
// of p. InteractionFind and InteractionCount share it, so they cannot
// disagree.
func interactionWhere(p *callback.InteractionFindParams) (string, []any, error) {
	// Built in one pass: a registration counts twice with it, inside the
	// committer's serial section.
	var (
		b    strings.Builder
		args = make([]any, 0, 4+len(p.States)+len(p.Types)+len(p.SourceApplications)+3)
	)
	cond := func(c string) {
		if b.Len() == 0 {
			b.WriteString(" WHERE ")
		} else {
			b.WriteString(" AND ")
		}
		b.WriteString(c)
	}
	for _, f := range [...]struct{ column, value string }{
		{"tenant = ?", p.Tenant}, {"segment = ?", p.Segment}, {"queue = ?", p.Queue}, {"contact = ?", p.Contact},
	} {
		if f.value != "" {
			cond(f.column)
			args = append(args, f.value)
		}
	}
	in := func(column string, n int, value func(int) string) {
		if n == 0 {
			return
		}
		cond(column)
		b.WriteString(" IN (")
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('?')
			args = append(args, value(i))
		}
		b.WriteByte(')')
	}
	in("state", len(p.States), func(i int) string { return string(p.States[i]) })
	in("type", len(p.Types), func(i int) string { return string(p.Types[i]) })
	// = and IN compare TEXT with the BINARY collation: exact and case-sensitive.
	in("source_application", len(p.SourceApplications), func(i int) string { return p.SourceApplications[i] })
	for _, c := range [...]struct {
		name, cond string
		t          time.Time
	}{
		// A zero created_at (NULL) matches neither bound.
		{"created since", "created_at >= ?", p.CreatedSince},
		{"created before", "created_at < ?", p.CreatedBefore},
		// No appointment (NULL) never matches.
		{"appointment by", "appointment_time <= ?", p.AppointmentBy},
	} {
		if c.t.IsZero() {
			continue
		}
		v, err := timeValue(c.t)
		if err != nil {
			return "", nil, fmt.Errorf("%s: %w", c.name, err)
		}
		cond(c.cond)
		args = append(args, v)
	}
	if b.Len() == 0 {
		return "", nil, nil
	}
	return b.String(), args, nil
}

// InteractionFind lists the interactions matching every set field of p,
// oldest first (by creation time, then id).
func (t *tx) InteractionFind(ctx context.Context, p *callback.InteractionFindParams) ([]*callback.Interaction, error) {
	if p == nil {
		p = &callback.InteractionFindParams{}
	}
	where, args, err := interactionWhere(p)
	if err != nil {
		return nil, fmt.Errorf("interaction find: %w", err)
	}
	order := " ORDER BY created_at, id"
	if p.ByPlace {
		order = " ORDER BY " + placeExpr + ", created_at, id"
	}
	if where, args, err = placed(p, where, args); err != nil {
		return nil, fmt.Errorf("interaction find: %w", err)
	}
	query := interactionSelect + indexFor(p) + where + order
	if p.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, p.Limit)
	}
	out, err := queryAll(ctx, t, scanInteraction, query, args...)
	if err != nil {
		return nil, fmt.Errorf("interaction find: %w", interpretError(err))
	}
	return out, nil
}

// InteractionCount counts the interactions InteractionFind would list, Limit
// ignored, without reading them.
func (t *tx) InteractionCount(ctx context.Context, p *callback.InteractionFindParams) (int, error) {
	if p == nil {
		p = &callback.InteractionFindParams{}
	}
	where, args, err := interactionWhere(p)
	if err != nil {
		return 0, fmt.Errorf("interaction count: %w", err)
	}
	if where, args, err = placed(p, where, args); err != nil {
		return 0, fmt.Errorf("interaction count: %w", err)
	}
	var n int
	if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM interactions"+indexFor(p)+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("interaction count: %w", interpretError(err))
	}
	return n, nil
}

// InteractionCountByState counts interactions per state over the whole
// store; states with no interaction are absent.
func (t *tx) InteractionCountByState(ctx context.Context) (map[callback.State]int, error) {
	rows, err := t.tx.QueryContext(ctx, "SELECT state, COUNT(*) FROM interactions GROUP BY state")
	if err != nil {
		return nil, fmt.Errorf("interaction count by state: %w", interpretError(err))
	}
	defer func() { _ = rows.Close() }()
	out := map[callback.State]int{}
	for rows.Next() {
		var (
			state string
			n     int
		)
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("interaction count by state: %w", err)
		}
		out[callback.State(state)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("interaction count by state: %w", interpretError(err))
	}
	return out, nil
}

// placeExpr is an interaction's place in its virtual queue, as the index
// interactions_queue_place (migration 00005) holds it.
const placeExpr = "COALESCE(queued_at, created_at)"

// placed adds the After and Before conditions of p to a WHERE clause.
func placed(p *callback.InteractionFindParams, where string, args []any) (string, []any, error) {
	if !p.ByPlace {
		if p.After != nil || p.Before != nil {
			return "", nil, errors.New("the After and Before cursors need ByPlace")
		}
		return where, args, nil
	}
	for _, c := range []struct {
		it *callback.Interaction
		op string
	}{{p.After, ">"}, {p.Before, "<"}} {
		if c.it == nil {
			continue
		}
		cond, cargs, err := placeCompared(c.it, c.op)
		if err != nil {
			return "", nil, err
		}
		where = andWhere(where, cond)
		args = append(args, cargs...)
	}
	return where, args, nil
}

// placeCompared is the condition "placed after (>) or before (<) it", in
// the order (place, created_at, id).
func placeCompared(it *callback.Interaction, op string) (string, []any, error) {
	place := it.QueuedAt
	if place.IsZero() {
		place = it.CreatedAt
	}
	pv, err := timeValue(place)
	if err != nil {
		return "", nil, fmt.Errorf("place of %s: %w", it.ID, err)
	}
	cv, err := timeValue(it.CreatedAt)
	if err != nil {
		return "", nil, fmt.Errorf("place of %s: %w", it.ID, err)
	}
	return "(" + placeExpr + ", created_at, id) " + op + " (?, ?, ?)", []any{pv, cv, it.ID}, nil
}

// andWhere adds cond to a WHERE clause that may be empty.
func andWhere(where, cond string) string {
	if where == "" {
		return " WHERE " + cond
	}
	return where + " AND " + cond
}

// indexFor names the index of a lookup by contact or by queue: without
// statistics, SQLite would rather read a tenant's interactions in
// created_at order than sort a contact's or a queue's few, and the Callback
// Double Check would cost a scan of the tenant at every registration, the
// slot count of a scheduled one (the queue's booked callbacks) another. A
// lookup of the appointments due is left to the planner, which takes the
// appointment index for it. A whole tenant's interactions in given states
// are read by state.
func indexFor(p *callback.InteractionFindParams) string {
	switch {
	case p.Tenant != "" && p.Contact != "":
		return " INDEXED BY interactions_tenant_contact_queue_state"
	case p.Tenant != "" && p.Queue != "" && p.AppointmentBy.IsZero():
		return " INDEXED BY interactions_queue_place"
	case p.Tenant != "" && p.Queue == "" && len(p.States) > 0 && len(p.SourceApplications) == 0 && p.Limit == 0 && p.AppointmentBy.IsZero():
		// A tenant's interactions in some states, all of them (the
		// launches in flight the Queue Manager expires every second):
		// those states' entries, not the tenant in created_at order past a
		// million pending callbacks. (A licence count, by source
		// application, has an index of its own.)
		return " INDEXED BY interactions_state"
	}
	return ""
}
