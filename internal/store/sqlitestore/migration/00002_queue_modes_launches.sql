-- Records know their tenant and queue; manual queue modes; the durable
-- launch queue.
--
-- Same encodings as 00001: times are INTEGER Unix nanoseconds in UTC, NULL
-- for the zero time.Time; enumerations are their Go string values.

-- +goose Up

-- Record.Tenant and Record.Queue: the interaction's at the time of the
-- change, written by RecordAppend from now on. Rows written before this
-- migration take their interaction's tenant and queue as they are now: the
-- tenant of an interaction never changes, its queue rarely does, and a
-- replay by tenant or queue would otherwise miss the whole history.
ALTER TABLE records ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN queue  TEXT NOT NULL DEFAULT '';

UPDATE records SET
    tenant = COALESCE((SELECT i.tenant FROM interactions i WHERE i.id = records.interaction_id), ''),
    queue  = COALESCE((SELECT i.queue  FROM interactions i WHERE i.id = records.interaction_id), '');

-- RecordFind of a tenant since a time, of one queue or of all: the queue
-- comes last so that one index serves both, the queue being checked in the
-- index entry. Every entry ends with the rowid, which is seq.
CREATE INDEX records_tenant_at_queue ON records (tenant, at, queue);
-- RecordFind since a time over every tenant (the Queue Manager's replay).
CREATE INDEX records_at ON records (at);

-- A manual operation mode per queue (callback.ModeOverride).
CREATE TABLE queue_modes (
    tenant TEXT    NOT NULL,
    queue  TEXT    NOT NULL,
    mode   TEXT    NOT NULL,
    set_at INTEGER,
    until  INTEGER,
    set_by TEXT    NOT NULL,
    PRIMARY KEY (tenant, queue)
) STRICT, WITHOUT ROWID;

-- The durable launch queue (callback.Launch): written with the interaction's
-- Launch transition, leased to dialers, kept once acknowledged.
CREATE TABLE launches (
    key            TEXT    NOT NULL PRIMARY KEY,
    interaction_id TEXT    NOT NULL REFERENCES interactions (id),
    attempt        INTEGER NOT NULL,
    tenant         TEXT    NOT NULL,
    queue          TEXT    NOT NULL,
    first_party    TEXT    NOT NULL,
    created_at     INTEGER,
    -- The current lease: '' and NULL when never claimed.
    lease_owner    TEXT    NOT NULL,
    lease_expires  INTEGER,
    deliveries     INTEGER NOT NULL,
    acked_at       INTEGER
) STRICT;

-- LaunchClaim (and LaunchFind with Unacked): the launches not yet
-- acknowledged, per tenant, oldest first; a claim of one queue checks the
-- queue in the table row. Partial, so that the acknowledged launches, nearly
-- all of them, cost a claim nothing: the claim names it (INDEXED BY) and
-- repeats "acked_at IS NULL", so that SQLite always uses it.
CREATE INDEX launches_unacked ON launches (tenant, created_at, key) WHERE acked_at IS NULL;
-- LaunchFind by tenant and queue, oldest first.
CREATE INDEX launches_tenant_queue ON launches (tenant, queue, created_at, key);
-- LaunchFind by interaction, and the foreign key.
CREATE INDEX launches_interaction_id ON launches (interaction_id);

-- +goose Down
DROP TABLE launches;
DROP TABLE queue_modes;
DROP INDEX records_at;
DROP INDEX records_tenant_at_queue;
ALTER TABLE records DROP COLUMN queue;
ALTER TABLE records DROP COLUMN tenant;
