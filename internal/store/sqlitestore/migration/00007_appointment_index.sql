-- +goose Up
-- The scheduled callbacks of a queue by appointment time: the Queue
-- Manager reads those due (InteractionFind AppointmentBy), not every one
-- booked for the weeks ahead.
CREATE INDEX interactions_queue_appointment ON interactions (tenant, queue, state, type, appointment_time);

-- +goose Down
DROP INDEX interactions_queue_appointment;
