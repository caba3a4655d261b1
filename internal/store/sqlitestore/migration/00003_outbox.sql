-- The durable outbox (callback.OutboxMessage): events, notifications and
-- pushed launches, written in the transaction of the change that causes
-- them, leased to the delivery worker, settled once delivered, expired or
-- cancelled, and kept.
--
-- Same encodings as 00001: times are INTEGER Unix nanoseconds in UTC, NULL
-- for the zero time.Time; enumerations are their Go string values.

-- +goose Up

CREATE TABLE outbox (
    -- The rowid: assigned increasing, never reused (AUTOINCREMENT), so the
    -- ID order is the insertion order even after old rows are removed.
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant         TEXT    NOT NULL,
    destination    TEXT    NOT NULL,
    key            TEXT    NOT NULL,
    type           TEXT    NOT NULL,
    interaction_id TEXT    NOT NULL,
    precondition   TEXT    NOT NULL,
    payload        BLOB    NOT NULL,
    created_at     INTEGER,
    -- When it is due: NULL (the zero time) is due at once and first.
    next_at        INTEGER,
    expires_at     INTEGER,
    state          TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'expired', 'cancelled')),
    attempts       INTEGER NOT NULL,
    -- The current lease: '' and NULL when never claimed or released.
    lease_owner    TEXT    NOT NULL,
    lease_expires  INTEGER,
    last_error     TEXT    NOT NULL,
    settled_at     INTEGER,
    UNIQUE (tenant, destination, key)
) STRICT;

-- OutboxClaim: the pending messages, earliest due first. Partial, so that
-- the settled messages, nearly all of them, cost a claim nothing: the claim
-- names it (INDEXED BY) and repeats "state = 'pending'".
CREATE INDEX outbox_due ON outbox (next_at, id) WHERE state = 'pending';
-- OutboxFind by tenant (the deliveries API), in ID order.
CREATE INDEX outbox_tenant_id ON outbox (tenant, id);
-- OutboxFind by interaction.
CREATE INDEX outbox_interaction_id ON outbox (interaction_id);

-- +goose Down
DROP TABLE outbox;
