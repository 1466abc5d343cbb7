-- 0003: leaders' figures. Aggregates of the live (not revoked) reports, kept
-- up to date in the transaction of every report write (see figures.go), so that
-- a province-wide answer reads a few thousand aggregate rows instead of
-- millions of reports. They hold derived data only: RebuildFigures recomputes
-- them from reports with the statements between the backfill markers below.

-- unit_day_totals holds, for every unit AND each of its ancestors, the sum (total)
-- and the number (n) of live report values per indicator and day: the figure of
-- a subtree is a lookup of its root's rows. Rows with n = 0 are deleted.
CREATE TABLE unit_day_totals (
	unit_id      INTEGER NOT NULL,
	date         TEXT NOT NULL, -- YYYY-MM-DD
	indicator_id INTEGER NOT NULL,
	total        REAL NOT NULL,
	n            INTEGER NOT NULL,
	PRIMARY KEY (unit_id, date, indicator_id)
) WITHOUT ROWID;

-- unit_month_totals is unit_day_totals summed per calendar month, so that a
-- year is 12 rows per indicator instead of 365.
CREATE TABLE unit_month_totals (
	unit_id      INTEGER NOT NULL,
	month        TEXT NOT NULL, -- YYYY-MM
	indicator_id INTEGER NOT NULL,
	total        REAL NOT NULL,
	n            INTEGER NOT NULL,
	PRIMARY KEY (unit_id, month, indicator_id)
) WITHOUT ROWID;

-- team_day holds per team and day the number of live reports and when the
-- earliest of them was created (UTC text, as reports.created_at).
CREATE TABLE team_day (
	team_id          INTEGER NOT NULL,
	date             TEXT NOT NULL,
	reports          INTEGER NOT NULL,
	first_created_at TEXT NOT NULL,
	PRIMARY KEY (team_id, date)
) WITHOUT ROWID;

-- team_month is team_day per calendar month.
CREATE TABLE team_month (
	team_id          INTEGER NOT NULL,
	month            TEXT NOT NULL,
	reports          INTEGER NOT NULL,
	first_created_at TEXT NOT NULL,
	PRIMARY KEY (team_id, month)
) WITHOUT ROWID;

-- Revoking a team's earliest report of a day looks for the next earliest.
CREATE INDEX reports_team_id_date_idx ON reports (team_id, date);

-- backfill:begin
INSERT INTO unit_day_totals (unit_id, date, indicator_id, total, n)
WITH RECURSIVE anc (unit_id, ancestor_id) AS (
	SELECT id, id FROM units
	UNION ALL
	SELECT anc.unit_id, u.parent_id FROM anc JOIN units u ON u.id = anc.ancestor_id WHERE u.parent_id IS NOT NULL
)
SELECT a.ancestor_id, r.date, r.indicator_id, SUM(r.value), COUNT(*)
FROM reports r JOIN anc a ON a.unit_id = r.unit_id
WHERE r.revoked_at IS NULL
GROUP BY a.ancestor_id, r.date, r.indicator_id;

INSERT INTO unit_month_totals (unit_id, month, indicator_id, total, n)
SELECT unit_id, substr(date, 1, 7), indicator_id, SUM(total), SUM(n)
FROM unit_day_totals
GROUP BY unit_id, substr(date, 1, 7), indicator_id;

INSERT INTO team_day (team_id, date, reports, first_created_at)
SELECT team_id, date, COUNT(*), MIN(created_at)
FROM reports
WHERE team_id IS NOT NULL AND revoked_at IS NULL
GROUP BY team_id, date;

INSERT INTO team_month (team_id, month, reports, first_created_at)
SELECT team_id, substr(date, 1, 7), SUM(reports), MIN(first_created_at)
FROM team_day
GROUP BY team_id, substr(date, 1, 7);
-- backfill:end
