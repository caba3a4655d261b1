-- The first schema of the embedded store.
--
-- Times are INTEGER Unix nanoseconds in UTC; NULL is the zero time.Time,
-- so that the Unix epoch itself stays a real instant. Enumerations are their
-- Go string values. attempts and user_data are JSON (callback.Attempts and
-- userdata.List as they marshal themselves).

-- +goose Up
CREATE TABLE interactions (
    id                   TEXT    NOT NULL PRIMARY KEY,
    tenant               TEXT    NOT NULL,
    segment              TEXT    NOT NULL,
    queue                TEXT    NOT NULL,
    type                 TEXT    NOT NULL,
    state                TEXT    NOT NULL,
    -- final is State.Final(), written by the store on every insert and update:
    -- SQL cannot call Go, and the partial unique index below needs it.
    final                INTEGER NOT NULL CHECK (final IN (0, 1)),
    contact              TEXT    NOT NULL,
    external_tracking_id TEXT    NOT NULL,
    source_application   TEXT    NOT NULL,
    client_id            TEXT    NOT NULL,
    appointment_time     INTEGER,
    queued_at            INTEGER,
    due_at               INTEGER,
    hold_reason          TEXT    NOT NULL,
    result               TEXT    NOT NULL,
    linked_id            TEXT    NOT NULL,
    created_at           INTEGER,
    updated_at           INTEGER,
    version              INTEGER NOT NULL,
    attempts             TEXT    NOT NULL,
    user_data            TEXT    NOT NULL
) STRICT;

CREATE INDEX interactions_tenant_contact ON interactions (tenant, contact);
CREATE INDEX interactions_tenant_queue_state ON interactions (tenant, queue, state);
CREATE INDEX interactions_state ON interactions (state);
CREATE INDEX interactions_created_at ON interactions (created_at, id);

-- At most one non-final interaction per tenant holds an external tracking id.
-- The index, not a read before the write, is what refuses the duplicate, so
-- it holds under any concurrency.
CREATE UNIQUE INDEX interactions_tenant_external_tracking_id
    ON interactions (tenant, external_tracking_id)
    WHERE final = 0 AND external_tracking_id <> '';

CREATE TABLE records (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    interaction_id TEXT    NOT NULL REFERENCES interactions (id),
    at             INTEGER,
    from_state     TEXT    NOT NULL,
    to_state       TEXT    NOT NULL,
    event          TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    method         TEXT    NOT NULL,
    request_id     TEXT    NOT NULL,
    detail         TEXT    NOT NULL
) STRICT;

CREATE INDEX records_interaction_id ON records (interaction_id);

CREATE TABLE sequences (
    name  TEXT    NOT NULL PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE sequences;
DROP TABLE records;
DROP TABLE interactions;
