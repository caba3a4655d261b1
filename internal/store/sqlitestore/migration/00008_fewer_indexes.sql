-- +goose Up
-- Every index is written by every registration. (tenant, queue, state, type)
-- is the beginning of interactions_queue_place, which serves the same
-- lookups; and only scheduled callbacks have an appointment time, so the
-- appointment index leaves the others out (a query that compares
-- appointment_time implies it is not NULL, and SQLite then uses it).
DROP INDEX interactions_tenant_queue_state_type;
DROP INDEX interactions_queue_appointment;
CREATE INDEX interactions_queue_appointment ON interactions (tenant, queue, state, type, appointment_time)
    WHERE appointment_time IS NOT NULL;

-- +goose Down
DROP INDEX interactions_queue_appointment;
CREATE INDEX interactions_queue_appointment ON interactions (tenant, queue, state, type, appointment_time);
CREATE INDEX interactions_tenant_queue_state_type ON interactions (tenant, queue, state, type);
