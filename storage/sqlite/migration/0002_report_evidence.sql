-- Attaching an evidence photo to a report is audited like a correction:
-- report_changes gains the action 'evidence' and the file it attached.
CREATE TABLE report_changes_new (
	id               INTEGER PRIMARY KEY,
	report_id        INTEGER NOT NULL REFERENCES reports (id),
	action           TEXT NOT NULL CHECK (action IN ('create', 'correct', 'revoke', 'evidence')),
	old_value        REAL,
	new_value        REAL,
	evidence_file_id TEXT,
	changed_by       INTEGER REFERENCES members (id),
	changed_at       TEXT NOT NULL
);
INSERT INTO report_changes_new (id, report_id, action, old_value, new_value, changed_by, changed_at)
	SELECT id, report_id, action, old_value, new_value, changed_by, changed_at FROM report_changes;
DROP TABLE report_changes;
ALTER TABLE report_changes_new RENAME TO report_changes;
CREATE INDEX report_changes_report_id_idx ON report_changes (report_id);
