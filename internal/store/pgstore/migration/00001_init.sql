-- The PostgreSQL schema of callback.Store: the same tables, columns and
-- rules as the SQLite engine's eight migrations, in one.
--
-- Times are timestamptz (microseconds); NULL is the zero time.Time.
-- Enumerations are their Go string values. attempts and user_data are the
-- JSON text of callback.Attempts and userdata.List, kept as written (text,
-- not jsonb, which would reorder and reformat them).
--
-- Keys compare and sort byte-wise, as Go compares strings, whatever the
-- database's locale: every key column is COLLATE "C". A nullable time sorts
-- first (NULLS FIRST), as NULL does in SQLite: the zero time is the oldest.

-- +goose Up
CREATE TABLE interactions (
    id                   text COLLATE "C" NOT NULL PRIMARY KEY,
    tenant               text COLLATE "C" NOT NULL,
    segment              text COLLATE "C" NOT NULL,
    queue                text COLLATE "C" NOT NULL,
    type                 text COLLATE "C" NOT NULL,
    state                text COLLATE "C" NOT NULL,
    -- final is State.Final(), written by the store on every insert and
    -- update: SQL cannot call Go, and the partial unique index below needs it.
    final                boolean NOT NULL,
    contact              text COLLATE "C" NOT NULL,
    external_tracking_id text COLLATE "C" NOT NULL,
    source_application   text COLLATE "C" NOT NULL,
    client_id            text NOT NULL,
    appointment_time     timestamptz,
    queued_at            timestamptz,
    due_at               timestamptz,
    hold_reason          text NOT NULL,
    result               text NOT NULL,
    linked_id            text NOT NULL,
    created_at           timestamptz,
    updated_at           timestamptz,
    version              bigint NOT NULL,
    attempts             text NOT NULL,
    user_data            text NOT NULL
);

-- At most one non-final interaction per tenant holds an external tracking
-- id: the index, not a read before the write, refuses the duplicate.
CREATE UNIQUE INDEX interactions_tenant_external_tracking_id
    ON interactions (tenant, external_tracking_id)
    WHERE NOT final AND external_tracking_id <> '';
-- InteractionFind with no filter, oldest first.
CREATE INDEX interactions_created_at ON interactions (created_at NULLS FIRST, id);
-- InteractionCountByState, and a tenant's interactions in some states.
CREATE INDEX interactions_state ON interactions (state);
-- The Callback Double Check: a contact's callbacks in a queue.
CREATE INDEX interactions_tenant_contact_queue_state ON interactions (tenant, contact, queue, state);
-- The licence pools: the interactions of some states by source application.
CREATE INDEX interactions_tenant_state_source ON interactions (tenant, state, source_application);
-- The bandwidth: the interactions created since a time.
CREATE INDEX interactions_tenant_created_at ON interactions (tenant, created_at);
-- A queue's interactions in the order of their places (InteractionFind
-- ByPlace), read page by page at a cost that does not grow with the queue.
CREATE INDEX interactions_queue_place ON interactions
    (tenant, queue, state, type, (COALESCE(queued_at, created_at)) NULLS FIRST, created_at NULLS FIRST, id);
-- The scheduled callbacks due (InteractionFind AppointmentBy).
CREATE INDEX interactions_queue_appointment ON interactions (tenant, queue, state, type, appointment_time)
    WHERE appointment_time IS NOT NULL;

-- Each interaction's history. seq is assigned increasing in append order.
CREATE TABLE records (
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    interaction_id text COLLATE "C" NOT NULL REFERENCES interactions (id),
    -- The interaction's tenant and queue at the time of the change.
    tenant         text COLLATE "C" NOT NULL,
    queue          text COLLATE "C" NOT NULL,
    at             timestamptz,
    from_state     text NOT NULL,
    to_state       text NOT NULL,
    event          text NOT NULL,
    reason         text NOT NULL,
    method         text NOT NULL,
    request_id     text NOT NULL,
    detail         text NOT NULL
);

CREATE INDEX records_interaction_id ON records (interaction_id, seq);
-- RecordFind of a tenant since a time (of one queue or of all).
CREATE INDEX records_tenant_at_queue ON records (tenant, at, queue);
-- RecordFind since a time over every tenant (the Queue Manager's replay).
CREATE INDEX records_at ON records (at);

-- Named sequences: a row updated in the caller's transaction, so that a
-- rollback takes the value back and committed values have no gaps.
CREATE TABLE sequences (
    name  text COLLATE "C" NOT NULL PRIMARY KEY,
    value bigint NOT NULL
);

-- A manual operation mode per queue (callback.ModeOverride).
CREATE TABLE queue_modes (
    tenant text COLLATE "C" NOT NULL,
    queue  text COLLATE "C" NOT NULL,
    mode   text NOT NULL,
    set_at timestamptz,
    until  timestamptz,
    set_by text NOT NULL,
    PRIMARY KEY (tenant, queue)
);

-- The durable launch queue (callback.Launch): written with the
-- interaction's Launch transition, leased to dialers, kept once
-- acknowledged.
CREATE TABLE launches (
    key            text COLLATE "C" NOT NULL PRIMARY KEY,
    interaction_id text COLLATE "C" NOT NULL REFERENCES interactions (id),
    attempt        bigint NOT NULL,
    tenant         text COLLATE "C" NOT NULL,
    queue          text COLLATE "C" NOT NULL,
    first_party    text NOT NULL,
    created_at     timestamptz,
    -- The current lease: '' and NULL when never claimed.
    lease_owner    text NOT NULL,
    lease_expires  timestamptz,
    deliveries     bigint NOT NULL,
    acked_at       timestamptz
);

-- LaunchClaim: the launches not yet acknowledged, per tenant, oldest first.
-- Partial, so that the acknowledged launches cost a claim nothing.
CREATE INDEX launches_unacked ON launches (tenant, created_at NULLS FIRST, key) WHERE acked_at IS NULL;
-- LaunchFind by tenant and queue, oldest first.
CREATE INDEX launches_tenant_queue ON launches (tenant, queue, created_at NULLS FIRST, key);
-- LaunchFind by interaction, and the foreign key.
CREATE INDEX launches_interaction_id ON launches (interaction_id);

-- The durable outbox (callback.OutboxMessage).
CREATE TABLE outbox (
    -- Assigned increasing in insertion order, never reused.
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant         text COLLATE "C" NOT NULL,
    destination    text COLLATE "C" NOT NULL,
    key            text COLLATE "C" NOT NULL,
    type           text NOT NULL,
    interaction_id text COLLATE "C" NOT NULL,
    precondition   text NOT NULL,
    payload        bytea NOT NULL,
    created_at     timestamptz,
    -- When it is due: NULL (the zero time) is due at once and first.
    next_at        timestamptz,
    expires_at     timestamptz,
    state          text NOT NULL CHECK (state IN ('pending', 'delivered', 'expired', 'cancelled')),
    attempts       bigint NOT NULL,
    -- The current lease: '' and NULL when never claimed or released.
    lease_owner    text NOT NULL,
    lease_expires  timestamptz,
    last_error     text NOT NULL,
    settled_at     timestamptz,
    UNIQUE (tenant, destination, key)
);

-- OutboxClaim: the pending messages, earliest due first. Partial, so that
-- the settled messages cost a claim nothing.
CREATE INDEX outbox_due ON outbox (next_at NULLS FIRST, id) WHERE state = 'pending';
-- OutboxFind by tenant (the deliveries API), in ID order.
CREATE INDEX outbox_tenant_id ON outbox (tenant, id);
-- OutboxFind by interaction.
CREATE INDEX outbox_interaction_id ON outbox (interaction_id);

-- +goose Down
DROP TABLE outbox;
DROP TABLE launches;
DROP TABLE queue_modes;
DROP TABLE sequences;
DROP TABLE records;
DROP TABLE interactions;
