package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"cnsbot"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// timeFormat is how instants are stored: UTC, fixed width, so that text
// order is time order and range queries (pruning) can use an index.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

// DB is the records database: one SQLite file opened through a connection
// pool on which every connection carries the same pragmas.
type DB struct {
	db     *sql.DB
	ctx    context.Context // cancelled by Close
	cancel func()

	// Path is the database file; its directory is created by Open.
	Path string

	// Now returns the current time; tests replace it. Defaults to time.Now.
	Now func() time.Time
}

// NewDB returns a DB for the file at path. Call Open before use.
func NewDB(path string) *DB {
	db := &DB{Path: path, Now: time.Now}
	db.ctx, db.cancel = context.WithCancel(context.Background())
	return db
}

// DSN returns the data source name for the file at path. The pragmas are in
// the DSN, not run once after opening, so that every connection the pool
// opens later gets them too (foreign_keys in particular is per connection).
func DSN(path string) string {
	return "file:" + path +
		"?_pragma=foreign_keys(1)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=busy_timeout(5000)" +
		"&_pragma=synchronous(NORMAL)" +
		// Statement journals of big batches stay in memory; temp_store
		// cannot change once a connection has used temporary storage, so
		// it is set here, for every connection, not per transaction.
		"&_pragma=temp_store(MEMORY)" +
		"&_txlock=immediate"
}

// Open creates the file's directory if missing, opens the database and
// applies pending migrations.
func (db *DB) Open() (err error) {
	if db.Path == "" {
		return fmt.Errorf("open db: path required")
	}
	if db.Path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(db.Path), 0o700); err != nil {
			return fmt.Errorf("open db: %w", err)
		}
	}
	if db.db, err = sql.Open("sqlite", DSN(db.Path)); err != nil {
		return fmt.Errorf("open db: %w", err)
	}
	// One connection first, alone: it switches the file to WAL before any
	// concurrent connection could race on the journal mode.
	if err := db.db.PingContext(db.ctx); err != nil {
		db.db.Close()
		return fmt.Errorf("open db: %w", err)
	}
	if _, err := db.Migrate(db.ctx); err != nil {
		db.db.Close()
		return fmt.Errorf("open db: %w", err)
	}
	return nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.cancel()
	if db.db != nil {
		return db.db.Close()
	}
	return nil
}

// Migrate applies the embedded migrations not yet recorded in
// schema_migrations, in name order, each in its own transaction, and returns
// the names it applied.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name       TEXT PRIMARY KEY,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		ok, err := db.migrateFile(ctx, name)
		if err != nil {
			return applied, fmt.Errorf("migrate %s: %w", name, err)
		} else if ok {
			applied = append(applied, filepath.Base(name))
		}
	}
	return applied, nil
}

// migrateFile applies one migration unless already recorded.
func (db *DB) migrateFile(ctx context.Context, name string) (bool, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()

	base := filepath.Base(name)
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, base).Scan(&n); err != nil {
		return false, err
	} else if n != 0 {
		return false, nil
	}
	buf, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, string(buf)); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
		base, formatTime(tx.now)); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// Tx is a database transaction carrying the instant it began, so that every
// row it writes has the same timestamp.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time
}

// BeginTx starts a transaction. Because of _txlock=immediate it takes the
// write lock at once, so two writers queue on busy_timeout instead of
// failing at their first write.
func (db *DB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	tx, err := db.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("begin tx: %w", err)
	}
	return &Tx{Tx: tx, db: db, now: db.now()}, nil
}

// SQL returns the underlying pool for callers (tests, maintenance commands)
// that need raw access.
func (db *DB) SQL() *sql.DB { return db.db }

// now returns the injected clock's time in UTC.
func (db *DB) now() time.Time {
	if db.Now == nil {
		return time.Now().UTC()
	}
	return db.Now().UTC()
}

// queryer is what both *sql.DB and *sql.Tx offer; read helpers take it so
// they run inside a transaction or on the pool.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// formatTime renders an instant for storage.
func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// parseTime reads an instant written by formatTime.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// nullTime reads a nullable instant.
func nullTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// nullInt64 stores 0 as NULL: ids and Telegram ids are never 0.
func nullInt64(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// nullString stores "" as NULL, for UNIQUE columns that allow many blanks.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullFloat stores a nil pointer as NULL.
func nullFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// floatPtr reads a nullable REAL.
func floatPtr(v sql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	f := v.Float64
	return &f
}

// translate turns driver errors into application errors by code: no rows is
// ENOTFOUND, a UNIQUE or PRIMARY KEY violation ECONFLICT, a CHECK, NOT NULL
// or FOREIGN KEY violation EINVALID. Other errors pass through unchanged.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		e := cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found")
		e.Err = err
		return e
	}
	var serr *sqlite.Error
	if errors.As(err, &serr) {
		var e *cnsbot.Error
		switch serr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			e = cnsbot.Errorf(cnsbot.ECONFLICT, "error.conflict")
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL,
			sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			e = cnsbot.Errorf(cnsbot.EINVALID, "error.invalid")
		default:
			return err
		}
		e.Err = err
		return e
	}
	return err
}
