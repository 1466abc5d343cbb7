// Package sqlite is cnsbot's records store: the unit tree, teams, the roster,
// indicators, targets, reports with their audit trail, join requests and the
// log of handled Telegram updates, kept in one SQLite file through
// modernc.org/sqlite (pure Go, no cgo). Leaders' figures (FigureService)
// read aggregate tables that every report write keeps up to date in its own
// transaction (figures.go), never the raw reports.
//
// It implements the service interfaces of the root cnsbot package and
// translates driver errors into cnsbot.Error codes at its boundary, so no
// caller ever sees a modernc type. Only cmd/ imports it; handlers talk to the
// root interfaces. The schema lives in embedded migrations
// (migration/0001_init.sql, ...) applied in order by Open or Migrate.
package sqlite
