-- 0001: the records schema. Instants are UTC text (2006-01-02T15:04:05.000000000Z);
-- dates are YYYY-MM-DD text in Asia/Ho_Chi_Minh. Never edit this file once applied:
-- add 0002_... instead.

CREATE TABLE units (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE CHECK (code <> ''),
	parent_id  INTEGER REFERENCES units (id),
	level      TEXT NOT NULL DEFAULT '',
	name       TEXT NOT NULL CHECK (name <> ''),
	full_name  TEXT NOT NULL DEFAULT '',
	search_key TEXT NOT NULL DEFAULT '', -- folded name and full name, for matching typed text
	valid_from TEXT NOT NULL DEFAULT '' CHECK (valid_from = '' OR valid_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	valid_to   TEXT NOT NULL DEFAULT '' CHECK (valid_to = '' OR valid_to GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	-- path lists the ids from the root down to this unit: /1/5/23/. A subtree is
	-- an indexed range scan: path >= '/1/5/' AND path < '/1/50'.
	path       TEXT NOT NULL DEFAULT '',
	CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX units_parent_id_idx ON units (parent_id);
CREATE INDEX units_path_idx ON units (path);
CREATE INDEX units_search_key_idx ON units (search_key);

CREATE TABLE unit_successors (
	from_unit_id INTEGER NOT NULL REFERENCES units (id),
	to_unit_id   INTEGER NOT NULL REFERENCES units (id),
	since        TEXT NOT NULL DEFAULT '' CHECK (since = '' OR since GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	PRIMARY KEY (from_unit_id, to_unit_id),
	CHECK (from_unit_id <> to_unit_id)
);
CREATE INDEX unit_successors_to_idx ON unit_successors (to_unit_id);

CREATE TABLE teams (
	id         INTEGER PRIMARY KEY,
	unit_id    INTEGER NOT NULL UNIQUE REFERENCES units (id),
	name       TEXT NOT NULL CHECK (name <> ''),
	created_at TEXT NOT NULL
);

CREATE TABLE members (
	id          INTEGER PRIMARY KEY,
	full_name   TEXT NOT NULL CHECK (full_name <> ''),
	phone       TEXT NOT NULL UNIQUE CHECK (phone GLOB '0[0-9]*' AND length(phone) BETWEEN 10 AND 11),
	unit_id     INTEGER NOT NULL REFERENCES units (id),
	team_id     INTEGER REFERENCES teams (id),
	role        TEXT NOT NULL CHECK (role IN ('member', 'team_lead', 'leader', 'admin')),
	telegram_id INTEGER UNIQUE,
	locale      TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'blocked', 'left')),
	invite_code TEXT UNIQUE,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX members_unit_id_idx ON members (unit_id);
CREATE INDEX members_team_id_idx ON members (team_id);

CREATE TABLE indicators (
	id                INTEGER PRIMARY KEY,
	code              TEXT NOT NULL UNIQUE CHECK (code <> ''),
	name_vi           TEXT NOT NULL CHECK (name_vi <> ''),
	name_en           TEXT NOT NULL DEFAULT '',
	unit              TEXT NOT NULL DEFAULT '',
	kind              TEXT NOT NULL CHECK (kind IN ('activity', 'sector')),
	aggregation       TEXT NOT NULL CHECK (aggregation IN ('sum', 'last')),
	direction         TEXT NOT NULL CHECK (direction IN ('higher', 'lower', 'done')),
	aliases           TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases) AND json_type(aliases) = 'array'),
	numerator_label   TEXT NOT NULL DEFAULT '',
	denominator_label TEXT NOT NULL DEFAULT '',
	min_value         REAL,
	max_value         REAL,
	position          INTEGER NOT NULL DEFAULT 0,
	CHECK (min_value IS NULL OR max_value IS NULL OR min_value <= max_value)
);

CREATE TABLE targets (
	id           INTEGER PRIMARY KEY,
	indicator_id INTEGER NOT NULL REFERENCES indicators (id),
	unit_id      INTEGER NOT NULL REFERENCES units (id),
	period       TEXT NOT NULL CHECK (
		period GLOB '[0-9][0-9][0-9][0-9]' OR
		period GLOB '[0-9][0-9][0-9][0-9]-H[12]' OR
		period GLOB '[0-9][0-9][0-9][0-9]-Q[1-4]' OR
		period GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]' OR
		period GLOB '[0-9][0-9][0-9][0-9]-W[0-5][0-9]'),
	value        REAL NOT NULL,
	UNIQUE (indicator_id, unit_id, period)
);
CREATE INDEX targets_unit_id_idx ON targets (unit_id);

CREATE TABLE reports (
	id               INTEGER PRIMARY KEY,
	member_id        INTEGER REFERENCES members (id),
	team_id          INTEGER REFERENCES teams (id),
	unit_id          INTEGER NOT NULL REFERENCES units (id),
	date             TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	indicator_id     INTEGER NOT NULL REFERENCES indicators (id),
	value            REAL NOT NULL,
	numerator        REAL,
	denominator      REAL,
	note             TEXT NOT NULL DEFAULT '',
	evidence_file_id TEXT NOT NULL DEFAULT '',
	source           TEXT NOT NULL CHECK (source IN ('chat', 'quick', 'freetext', 'import')),
	idempotency_key  TEXT UNIQUE,
	created_at       TEXT NOT NULL,
	updated_at       TEXT NOT NULL,
	revoked_at       TEXT
);
CREATE INDEX reports_unit_id_date_idx ON reports (unit_id, date);
CREATE INDEX reports_member_id_date_idx ON reports (member_id, date);
CREATE INDEX reports_indicator_id_date_idx ON reports (indicator_id, date);

CREATE TABLE report_changes (
	id         INTEGER PRIMARY KEY,
	report_id  INTEGER NOT NULL REFERENCES reports (id),
	action     TEXT NOT NULL CHECK (action IN ('create', 'correct', 'revoke')),
	old_value  REAL,
	new_value  REAL,
	changed_by INTEGER REFERENCES members (id),
	changed_at TEXT NOT NULL
);
CREATE INDEX report_changes_report_id_idx ON report_changes (report_id);

CREATE TABLE join_requests (
	id          INTEGER PRIMARY KEY,
	telegram_id INTEGER NOT NULL,
	chat_id     INTEGER NOT NULL,
	phone       TEXT NOT NULL CHECK (phone GLOB '0[0-9]*' AND length(phone) BETWEEN 10 AND 11),
	full_name   TEXT NOT NULL CHECK (full_name <> ''),
	unit_id     INTEGER NOT NULL REFERENCES units (id),
	locale      TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
	decided_by  INTEGER REFERENCES members (id),
	member_id   INTEGER REFERENCES members (id),
	created_at  TEXT NOT NULL,
	decided_at  TEXT
);
-- One open request per Telegram user.
CREATE UNIQUE INDEX join_requests_pending_idx ON join_requests (telegram_id) WHERE status = 'pending';
CREATE INDEX join_requests_unit_id_idx ON join_requests (unit_id);

CREATE TABLE processed_updates (
	update_id    INTEGER PRIMARY KEY,
	processed_at TEXT NOT NULL
);
CREATE INDEX processed_updates_processed_at_idx ON processed_updates (processed_at);
