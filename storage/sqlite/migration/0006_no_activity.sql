-- 0006: "no activity" declarations. A team that did nothing on a day says so
-- ("tuần này không có hoạt động"); the declaration counts as a report of the
-- team for reporting rates, reminders and escalation (TeamActivity) and adds
-- no figure to any indicator, so it lives apart from reports and their
-- aggregates. idempotency_key makes a second tap on Gửi save nothing twice.

CREATE TABLE no_activity (
	id              INTEGER PRIMARY KEY,
	member_id       INTEGER NOT NULL REFERENCES members (id),
	author_id       INTEGER REFERENCES members (id), -- NULL: the member
	team_id         INTEGER NOT NULL REFERENCES teams (id),
	unit_id         INTEGER NOT NULL REFERENCES units (id),
	date            TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	note            TEXT NOT NULL DEFAULT '',
	source          TEXT NOT NULL CHECK (source IN ('chat', 'quick', 'freetext')),
	idempotency_key TEXT UNIQUE,
	created_at      TEXT NOT NULL
);
CREATE INDEX no_activity_team_id_date_idx ON no_activity (team_id, date);
