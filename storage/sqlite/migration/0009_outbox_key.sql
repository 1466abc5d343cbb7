-- 0009: a batch queued by an update (a broadcast's Gửi, a reminder's
-- confirm) carries a key made from that update's callback query, so the
-- same update handled again after a crash finds its batch instead of
-- queueing a second one. Batches of the scheduler have none (NULL).

ALTER TABLE outbox_batches ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX outbox_batches_idempotency_key_idx ON outbox_batches (idempotency_key);
