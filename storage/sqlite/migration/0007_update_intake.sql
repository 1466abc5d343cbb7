-- 0007: the update intake. Every Telegram update is "in progress" from the
-- moment it is received — a polled batch is stored here, raw JSON and all,
-- before the next getUpdates confirms it to Telegram; a webhook delivery is
-- claimed here when no Redis is configured — and "done" once its effects are
-- committed and its replies sent. An update in progress belongs to a
-- process (owner, see package lease) with a lease; one whose process died
-- is handled again (polling: from its body; webhook: Telegram redelivers).
-- This replaces processed_updates, which only said "seen" and so dropped
-- the redelivery of an update whose handler had died.

CREATE TABLE telegram_updates (
	update_id   INTEGER PRIMARY KEY,
	chat_id     INTEGER NOT NULL DEFAULT 0, -- the per-chat order key
	body        TEXT,                        -- the update's JSON while pending (polling); NULL once done
	state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
	owner       TEXT NOT NULL DEFAULT '',
	lease_until TEXT,
	-- attempts counts the handlings started; an update whose handling kills
	-- the process every time is given up (failed) after a few.
	attempts    INTEGER NOT NULL DEFAULT 1 CHECK (attempts >= 0),
	received_at TEXT NOT NULL,
	done_at     TEXT
);
-- What is still in progress, oldest first.
CREATE INDEX telegram_updates_pending_idx ON telegram_updates (owner, update_id) WHERE state = 'pending';
-- Pruning what is finished.
CREATE INDEX telegram_updates_done_at_idx ON telegram_updates (done_at) WHERE state <> 'pending';

INSERT INTO telegram_updates (update_id, state, received_at, done_at)
	SELECT update_id, 'done', processed_at, processed_at FROM processed_updates;
DROP TABLE processed_updates;
