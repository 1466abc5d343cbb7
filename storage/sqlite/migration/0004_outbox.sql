-- 0004: the outbox. Every mass message (broadcast, schedule run, reminder) is
-- stored here before it is sent, so a crash or restart loses nothing; the
-- sender in package bot claims due messages, sends them within Telegram's
-- limits and marks each one. Instants are UTC text like everywhere else.

CREATE TABLE outbox_batches (
	id             INTEGER PRIMARY KEY,
	kind           TEXT NOT NULL CHECK (kind <> ''),
	title          TEXT NOT NULL DEFAULT '',
	created_by     INTEGER REFERENCES members (id),
	report_chat_id INTEGER,
	report_locale  TEXT NOT NULL DEFAULT '',
	created_at     TEXT NOT NULL,
	done_at        TEXT
);
-- The batches still open, looked at when the sender starts.
CREATE INDEX outbox_batches_open_idx ON outbox_batches (id) WHERE done_at IS NULL;

CREATE TABLE outbox_messages (
	id              INTEGER PRIMARY KEY,
	batch_id        INTEGER NOT NULL REFERENCES outbox_batches (id),
	chat_id         INTEGER NOT NULL CHECK (chat_id <> 0),
	member_id       INTEGER REFERENCES members (id),
	is_group        INTEGER NOT NULL DEFAULT 0 CHECK (is_group IN (0, 1)),
	text            TEXT NOT NULL CHECK (text <> ''),
	status          TEXT NOT NULL DEFAULT 'queued'
		CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'blocked')),
	-- attempts counts the calls that got an answer (a 429 is not counted:
	-- it is Telegram's flood control, not the message's fault).
	attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	next_attempt_at TEXT NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      TEXT NOT NULL,
	sent_at         TEXT
);
-- Claiming: the queued messages whose time has come, oldest first.
CREATE INDEX outbox_messages_due_idx ON outbox_messages (status, next_attempt_at, id);
-- A batch's counts and whether it is finished.
CREATE INDEX outbox_messages_batch_idx ON outbox_messages (batch_id, status);
