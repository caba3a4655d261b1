package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

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
		") VALUES (" + placeholders(1, len(interactionColumns)) + ")"
	// interactionUpdate sets every column but id, guarded by the version
	// read: $1 is the id, $2 the version read, $3... the columns.
	interactionUpdate = "UPDATE interactions SET (" + strings.Join(interactionColumns[1:], ", ") +
		") = (" + placeholders(3, len(interactionColumns)-1) + ") WHERE id = $1 AND version = $2"
)

// interactionArgs are it's column values in interactionColumns order, with
// the given version and final derived from the state.
func interactionArgs(it *callback.Interaction, version int64) ([]any, error) {
	times := make([]any, 0, 5)
	for _, f := range []struct {
		name string
		t    time.Time
	}{
		{"appointment time", it.AppointmentTime}, {"queued at", it.QueuedAt}, {"due at", it.DueAt},
		{"created at", it.CreatedAt}, {"updated at", it.UpdatedAt},
	} {
		v, err := timeValue(f.t)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		times = append(times, v)
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
		it.ID, it.Tenant, it.Segment, it.Queue, string(it.Type), string(it.State), it.State.Final(), it.Contact,
		it.ExternalTrackingID, it.SourceApplication, it.ClientID,
		times[0], times[1], times[2], string(it.HoldReason), it.Result, it.LinkedID,
		times[3], times[4], version, attempts, userData,
	}, nil
}

// scanInteraction reads one row of interactionSelect.
func scanInteraction(row scanner) (*callback.Interaction, error) {
	var (
		it                       callback.Interaction
		typ, state, holdReason   string
		final                    bool
		appointment, queued, due pgtype.Timestamptz
		created, updated         pgtype.Timestamptz
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
	it, err := scanInteraction(t.q.QueryRow(ctx, interactionSelect+" WHERE id = $1", id))
	if err != nil {
		return nil, fmt.Errorf("interaction get %s: %w", id, interpretError(err))
	}
	return it, nil
}

// InteractionGetByExternalID returns the newest non-final interaction of
// ref.Tenant carrying ref.ID, or ErrNotFound. An empty id is no tracking
// id and finds nothing.
func (t *tx) InteractionGetByExternalID(ctx context.Context, ref callback.ExternalID) (*callback.Interaction, error) {
	if ref.ID == "" {
		return nil, fmt.Errorf("interaction get by external id %s/%q: %w", ref.Tenant, ref.ID, callback.ErrNotFound)
	}
	// The WHERE repeats the partial unique index's condition, so that the
	// planner may use it. The index allows one such row; the order is belt
	// and braces.
	it, err := scanInteraction(t.q.QueryRow(ctx, interactionSelect+
		" WHERE tenant = $1 AND external_tracking_id = $2 AND external_tracking_id <> '' AND NOT final"+
		" ORDER BY created_at DESC NULLS LAST, id DESC LIMIT 1",
		ref.Tenant, ref.ID))
	if err != nil {
		return nil, fmt.Errorf("interaction get by external id %s/%q: %w", ref.Tenant, ref.ID, interpretError(err))
	}
	return it, nil
}

// InteractionInsert stores a new interaction and sets it.Version to 1. A
// duplicate id or a live duplicate external tracking id is ErrConflict
// (the primary key or the partial unique index refuses it).
func (t *tx) InteractionInsert(ctx context.Context, it *callback.Interaction) error {
	args, err := interactionArgs(it, 1)
	if err != nil {
		return fmt.Errorf("interaction insert %s: %w", it.ID, err)
	}
	if _, err := t.q.Exec(ctx, interactionInsert, args...); err != nil {
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
	args = append([]any{it.ID, it.Version}, args[1:]...)
	tag, err := t.q.Exec(ctx, interactionUpdate, args...)
	if err != nil {
		return fmt.Errorf("interaction update %s: %w", it.ID, interpretError(err))
	}
	if tag.RowsAffected() == 0 {
		var stored int64
		if err := t.q.QueryRow(ctx, "SELECT version FROM interactions WHERE id = $1", it.ID).Scan(&stored); err != nil {
			return fmt.Errorf("interaction update %s: %w", it.ID, interpretError(err))
		}
		return fmt.Errorf("interaction update %s: version %d is stale, stored is %d: %w", it.ID, it.Version, stored, callback.ErrConflict)
	}
	it.Version++
	return nil
}

// interactionWhere is the WHERE clause (empty, or starting with " WHERE")
// selecting the interactions that match every set field of p, ByPlace's
// cursors included, with its arguments added to args. InteractionFind and
// InteractionCount share it, so they cannot disagree.
func interactionWhere(p *callback.InteractionFindParams, args *params) (string, error) {
	var c conds
	for _, f := range [...]struct{ column, value string }{
		{"tenant", p.Tenant}, {"segment", p.Segment}, {"queue", p.Queue}, {"contact", p.Contact},
	} {
		if f.value != "" {
			c = append(c, f.column+" = "+args.add(f.value))
		}
	}
	anyOf := func(column string, values []string) {
		if len(values) > 0 {
			c = append(c, column+" = ANY("+args.add(values)+")")
		}
	}
	anyOf("state", stringsOf(p.States))
	anyOf("type", stringsOf(p.Types))
	// Compared in the "C" collation: exact and case-sensitive.
	anyOf("source_application", p.SourceApplications)
	for _, b := range [...]struct {
		name, cond string
		t          time.Time
	}{
		// A zero created_at (NULL) matches neither bound.
		{"created since", "created_at >= ", p.CreatedSince},
		{"created before", "created_at < ", p.CreatedBefore},
		// No appointment (NULL) never matches.
		{"appointment by", "appointment_time <= ", p.AppointmentBy},
	} {
		if b.t.IsZero() {
			continue
		}
		v, err := timeValue(b.t)
		if err != nil {
			return "", fmt.Errorf("%s: %w", b.name, err)
		}
		c = append(c, b.cond+args.add(v))
	}
	if !p.ByPlace {
		if p.After != nil || p.Before != nil {
			return "", errors.New("the After and Before cursors need ByPlace")
		}
		return c.where(), nil
	}
	for _, cur := range []struct {
		it *callback.Interaction
		op string
	}{{p.After, ">"}, {p.Before, "<"}} {
		if cur.it == nil {
			continue
		}
		cond, err := placeCompared(cur.it, cur.op, args)
		if err != nil {
			return "", err
		}
		c = append(c, cond)
	}
	return c.where(), nil
}

// stringsOf converts a slice of string-typed values.
func stringsOf[S ~string](vs []S) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// placeExpr is an interaction's place in its virtual queue, as the index
// interactions_queue_place holds it.
const placeExpr = "COALESCE(queued_at, created_at)"

// placeCompared is the condition "placed after (>) or before (<) it", in
// the order (place, created_at, id).
func placeCompared(it *callback.Interaction, op string, args *params) (string, error) {
	place := it.QueuedAt
	if place.IsZero() {
		place = it.CreatedAt
	}
	pv, err := timeValue(place)
	if err != nil {
		return "", fmt.Errorf("place of %s: %w", it.ID, err)
	}
	cv, err := timeValue(it.CreatedAt)
	if err != nil {
		return "", fmt.Errorf("place of %s: %w", it.ID, err)
	}
	return "(" + placeExpr + ", created_at, id) " + op +
		" (" + args.add(pv) + "::timestamptz, " + args.add(cv) + "::timestamptz, " + args.add(it.ID) + ")", nil
}

// InteractionFind lists the interactions matching every set field of p,
// oldest first (by creation time, then id), or by place with p.ByPlace.
// A zero time (NULL) sorts first, as the oldest.
func (t *tx) InteractionFind(ctx context.Context, p *callback.InteractionFindParams) ([]*callback.Interaction, error) {
	if p == nil {
		p = &callback.InteractionFindParams{}
	}
	var args params
	where, err := interactionWhere(p, &args)
	if err != nil {
		return nil, fmt.Errorf("interaction find: %w", err)
	}
	query := interactionSelect + where + " ORDER BY created_at NULLS FIRST, id"
	if p.ByPlace {
		query = interactionSelect + where + " ORDER BY " + placeExpr + " NULLS FIRST, created_at NULLS FIRST, id"
	}
	if p.Limit > 0 {
		query += " LIMIT " + args.add(p.Limit)
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
	var args params
	where, err := interactionWhere(p, &args)
	if err != nil {
		return 0, fmt.Errorf("interaction count: %w", err)
	}
	var n int
	if err := t.q.QueryRow(ctx, "SELECT count(*) FROM interactions"+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("interaction count: %w", interpretError(err))
	}
	return n, nil
}

// InteractionCountByState counts interactions per state over the whole
// store; states with no interaction are absent.
func (t *tx) InteractionCountByState(ctx context.Context) (map[callback.State]int, error) {
	type count struct {
		state string
		n     int
	}
	counts, err := queryAll(ctx, t, func(s scanner) (count, error) {
		var c count
		return c, s.Scan(&c.state, &c.n)
	}, "SELECT state, count(*) FROM interactions GROUP BY state")
	if err != nil {
		return nil, fmt.Errorf("interaction count by state: %w", interpretError(err))
	}
	out := make(map[callback.State]int, len(counts))
	for _, c := range counts {
		out[callback.State(c.state)] = c.n
	}
	return out, nil
}
