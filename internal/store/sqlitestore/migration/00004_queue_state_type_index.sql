-- The Queue Manager counts a queue's waiting interactions by state and type
-- on every GetSegmentState (the EWT of a caller joining now): with the type
-- in the index, those counts read the index alone, not one row per callback.

-- +goose Up
DROP INDEX interactions_tenant_queue_state;
CREATE INDEX interactions_tenant_queue_state_type ON interactions (tenant, queue, state, type);

-- +goose Down
DROP INDEX interactions_tenant_queue_state_type;
CREATE INDEX interactions_tenant_queue_state ON interactions (tenant, queue, state);
