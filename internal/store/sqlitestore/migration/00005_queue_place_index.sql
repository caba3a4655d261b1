-- +goose Up
-- A queue's interactions in the order of their places (QueuedAt, else
-- CreatedAt): the Queue Manager reads the first of a queue page by page
-- (InteractionFind ByPlace), at a cost that does not grow with the queue.
CREATE INDEX interactions_queue_place ON interactions (tenant, queue, state, type, COALESCE(queued_at, created_at), created_at, id);

-- +goose Down
DROP INDEX interactions_queue_place;
