-- 0010: the last handlers safe to run twice (issue 11, item 4).
--
-- A batch says what it is about (subject): a reminder of the silent teams
-- names its unit and period, so the rule "one reminder per unit and period
-- an hour" is read from the outbox and holds across restarts. NULL: none.
--
-- A manual schedule run ("run now") carries the key of the button press
-- that started it, so the same press handled again after a crash runs in
-- the slot it claimed instead of finding it taken. Cron runs have none.

ALTER TABLE outbox_batches ADD COLUMN subject TEXT;
CREATE INDEX outbox_batches_subject_idx ON outbox_batches (subject, created_at) WHERE subject IS NOT NULL;

ALTER TABLE schedule_runs ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX schedule_runs_idempotency_key_idx ON schedule_runs (idempotency_key);
