-- 0005: reminder schedules and their runs. A run row is the claim of one slot:
-- UNIQUE (schedule_id, slot) makes a slot fire once across restarts and across
-- bot processes sharing the file (see schedules.go).

CREATE TABLE schedules (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
	cron       TEXT NOT NULL CHECK (cron <> ''), -- five fields, Asia/Ho_Chi_Minh
	audience   TEXT NOT NULL CHECK (audience IN ('members', 'silent_teams', 'leaders', 'group', 'escalation')),
	unit_id    INTEGER REFERENCES units (id), -- NULL: the whole tree
	chat_id    INTEGER,                       -- the group of audience 'group'
	message    TEXT NOT NULL DEFAULT '',
	paused     INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
	source     TEXT NOT NULL CHECK (source IN ('config', 'chat')),
	updated_at TEXT NOT NULL,
	CHECK (audience <> 'group' OR chat_id IS NOT NULL)
);

-- slot is the UTC instant the cron named, in the fixed-width format of every
-- stored instant, so that one instant has one text. A manual run ("run now")
-- uses its minute plus 1ns, which no cron slot can be.
CREATE TABLE schedule_runs (
	id          INTEGER PRIMARY KEY,
	schedule_id INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
	slot        TEXT NOT NULL,
	started_at  TEXT NOT NULL,
	finished_at TEXT, -- NULL: claimed, not (yet) finished
	batch_id    INTEGER,
	recipients  INTEGER NOT NULL DEFAULT 0,
	error       TEXT NOT NULL DEFAULT '',
	UNIQUE (schedule_id, slot)
);
CREATE INDEX schedule_runs_started_at_idx ON schedule_runs (started_at);
