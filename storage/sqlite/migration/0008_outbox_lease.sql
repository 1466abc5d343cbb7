-- 0008: one sender per database. The process that holds the 'outbox' lease
-- is the only one that claims and sends (package bot); it renews the lease
-- while it runs, and another process takes it over only once it expired or
-- its owner is known dead (package lease).
--
-- A table rather than columns on outbox_messages: the lease exists while
-- nothing is sending too (an idle sender still holds it, so a second
-- process does not start sending beside it when the next batch arrives),
-- and renewing it is one small row every few seconds, not every claimed
-- message. Its name is the role, so the other roles that need one process
-- at a time can take their own row.
CREATE TABLE leases (
	name        TEXT PRIMARY KEY,
	owner       TEXT NOT NULL CHECK (owner <> ''),
	acquired_at TEXT NOT NULL,
	expires_at  TEXT NOT NULL
);

-- While a message is sending: the owner that claimed it. NULL otherwise,
-- and on the messages a version before this one left sending.
ALTER TABLE outbox_messages ADD COLUMN owner TEXT;
