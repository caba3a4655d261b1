-- +goose Up
-- Lookups whose cost must not grow with the number of waiting callbacks:
-- the Callback Double Check finds a contact's callbacks in a queue (tenant,
-- contact, queue, state, not a scan of the queue); the licence pools count
-- the interactions of some states (tenant, state, source application, not a
-- scan of the tenant); the bandwidth counts the interactions created since
-- a time (tenant, created_at).
DROP INDEX interactions_tenant_contact;
CREATE INDEX interactions_tenant_contact_queue_state ON interactions (tenant, contact, queue, state);
CREATE INDEX interactions_tenant_state_source ON interactions (tenant, state, source_application);
CREATE INDEX interactions_tenant_created_at ON interactions (tenant, created_at);

-- +goose Down
DROP INDEX interactions_tenant_created_at;
DROP INDEX interactions_tenant_state_source;
DROP INDEX interactions_tenant_contact_queue_state;
CREATE INDEX interactions_tenant_contact ON interactions (tenant, contact);
