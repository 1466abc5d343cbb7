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
	"sync"
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

	// Synchronous is SQLite's synchronous setting, NORMAL (the default) or
	// FULL. In WAL mode NORMAL loses nothing when the process dies and may
	// lose the last commits on a power cut or kernel crash; FULL syncs the
	// WAL at every commit and loses nothing then either (README, "Delivery
	// guarantees"; BenchmarkSynchronous for what it costs).
	Synchronous string

	// stmts caches prepared statements by their SQL text: the bot runs the
	// same few queries for every update, and parsing SQL anew each time was
	// a fifth of its CPU.
	stmts sync.Map // string → *sql.Stmt

	// writer admits one writing transaction of this process at a time.
	// SQLite allows one writer anyway; queueing here, in Go, replaces
	// SQLite's busy handler, which sleeps and polls, by a plain handoff.
	// busy_timeout still arbitrates between processes.
	writer chan struct{}

	// Group commit (see Write).
	wmu      sync.Mutex
	wqueue   []*writeReq
	wrunning bool
}

// NewDB returns a DB for the file at path. Call Open before use.
func NewDB(path string) *DB {
	db := &DB{Path: path, Now: time.Now, writer: make(chan struct{}, 1)}
	db.ctx, db.cancel = context.WithCancel(context.Background())
	return db
}

// DSN returns the data source name for the file at path. The pragmas are in
// the DSN, not run once after opening, so that every connection the pool
// opens later gets them too (foreign_keys in particular is per connection).
func DSN(path string) string { return dsn(path, "NORMAL") }

func dsn(path, synchronous string) string {
	if synchronous == "" {
		synchronous = "NORMAL"
	}
	return "file:" + path +
		"?_pragma=foreign_keys(1)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=busy_timeout(5000)" +
		"&_pragma=synchronous(" + synchronous + ")" +
		// Statement journals of big batches stay in memory; temp_store
		// cannot change once a connection has used temporary storage, so
		// it is set here, for every connection, not per transaction.
		"&_pragma=temp_store(MEMORY)" +
		"&_txlock=immediate"
}

// maxConns bounds the pool: enough for parallel readers on 2–8 cores.
const maxConns = 16

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
	if db.db, err = sql.Open("sqlite", dsn(db.Path, db.Synchronous)); err != nil {
		return fmt.Errorf("open db: %w", err)
	}
	// database/sql keeps 2 idle connections by default and closes the rest
	// after each burst; a new SQLite connection runs the pragmas and reads
	// the schema again, which cost a fifth of the bot's CPU under load.
	// Readers run in parallel in WAL mode; writers queue on the file lock.
	db.db.SetMaxOpenConns(maxConns)
	db.db.SetMaxIdleConns(maxConns)
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
	db.stmts.Range(func(k, s any) bool {
		s.(*sql.Stmt).Close()
		db.stmts.Delete(k)
		return true
	})
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
// row it writes has the same timestamp. A Tx is used by one goroutine.
type Tx struct {
	*sql.Tx
	db       *DB
	now      time.Time
	released bool

	// figuresPending says reports were inserted whose figures are added at
	// commit: those with ids above figuresAfter.
	figuresPending bool
	figuresAfter   int64
}

// lockWrite waits for this process's write turn, or for ctx to end.
func (db *DB) lockWrite(ctx context.Context) error {
	select {
	case db.writer <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (db *DB) unlockWrite() { <-db.writer }

// Commit adds the figures of the reports the transaction inserted, commits
// and gives up the write turn. When the figures fail nothing is committed.
func (tx *Tx) Commit() error {
	defer tx.release()
	if tx.figuresPending {
		tx.figuresPending = false
		if err := addFigures(tx.db.ctx, tx, tx.figuresAfter); err != nil {
			tx.Tx.Rollback()
			return fmt.Errorf("add figures: %w", err)
		}
	}
	return tx.Tx.Commit()
}

// Rollback aborts the transaction (a no-op after Commit) and gives up the
// write turn.
func (tx *Tx) Rollback() error {
	defer tx.release()
	return tx.Tx.Rollback()
}

func (tx *Tx) release() {
	if !tx.released {
		tx.released = true
		tx.db.unlockWrite()
	}
}

// BeginTx starts a transaction. Because of _txlock=immediate it takes the
// write lock at once, so two writers queue on busy_timeout instead of
// failing at their first write.
func (db *DB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	if err := db.lockWrite(ctx); err != nil {
		return nil, fmt.Errorf("begin tx: %w", err)
	}
	tx, err := db.db.BeginTx(ctx, opts)
	if err != nil {
		db.unlockWrite()
		return nil, fmt.Errorf("begin tx: %w", err)
	}
	return &Tx{Tx: tx, db: db, now: db.now()}, nil
}

// stmt returns the prepared statement of query, preparing it once.
func (db *DB) stmt(query string) (*sql.Stmt, error) {
	if s, ok := db.stmts.Load(query); ok {
		return s.(*sql.Stmt), nil
	}
	// db.ctx, not the caller's: the statement outlives the request.
	s, err := db.db.PrepareContext(db.ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.stmts.LoadOrStore(query, s); loaded {
		s.Close()
		return prev.(*sql.Stmt), nil
	}
	return s, nil
}

// pool returns the queryer that runs statements on the connection pool
// through the statement cache.
func (db *DB) pool() queryer { return cachedPool{db} }

type cachedPool struct{ db *DB }

func (p cachedPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := p.db.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (p cachedPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := p.db.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

func (p cachedPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := p.db.stmt(query)
	if err != nil {
		// A *sql.Row cannot be built with an error; the unprepared query
		// fails the same way and carries it.
		return p.db.db.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// ExecContext runs query in the transaction through the statement cache.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

// QueryContext runs query in the transaction through the statement cache.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

// QueryRowContext runs query in the transaction through the statement cache.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return tx.Tx.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// PrepareContext returns the cached statement of query bound to the
// transaction; it is closed with the transaction.
func (tx *Tx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	s, err := tx.db.stmt(query)
	if err != nil {
		return nil, err
	}
	return tx.Tx.StmtContext(ctx, s), nil
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

// writeReq is one caller's part of a group-committed transaction.
type writeReq struct {
	fn   func(*Tx) error
	err  error
	done chan struct{}
}

// Write runs fn in a write transaction shared with the other Write calls
// that arrive meanwhile (group commit): under load, one WAL commit serves
// many callers instead of one each. Each fn runs inside its own savepoint,
// so an fn that fails rolls back its own writes only and gets its error;
// the others commit. fn must not keep the Tx.
//
// When ctx ends before the batch commits, Write returns ctx's error but fn
// may still be committed with its batch; writes through Write must
// therefore be idempotent (a claim, a report with an idempotency key).
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	r := &writeReq{fn: fn, done: make(chan struct{})}
	db.wmu.Lock()
	db.wqueue = append(db.wqueue, r)
	if !db.wrunning {
		db.wrunning = true
		go db.writeLoop()
	}
	db.wmu.Unlock()
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// maxWriteBatch bounds one group commit so that no caller waits behind an
// unbounded batch.
const maxWriteBatch = 256

func (db *DB) writeLoop() {
	for {
		db.wmu.Lock()
		n := min(len(db.wqueue), maxWriteBatch)
		batch := db.wqueue[:n:n]
		db.wqueue = db.wqueue[n:]
		if n == 0 {
			db.wrunning = false
			db.wqueue = nil
			db.wmu.Unlock()
			return
		}
		db.wmu.Unlock()
		db.writeBatch(batch)
		for _, r := range batch {
			close(r.done)
		}
	}
}

func (db *DB) writeBatch(batch []*writeReq) {
	fail := func(err error) {
		for _, r := range batch {
			if r.err == nil {
				r.err = err
			}
		}
	}
	tx, err := db.BeginTx(db.ctx, nil)
	if err != nil {
		fail(err)
		return
	}
	defer tx.Rollback()
	for _, r := range batch {
		if _, err := tx.ExecContext(db.ctx, "SAVEPOINT w"); err != nil {
			fail(err)
			return
		}
		if r.err = r.fn(tx); r.err != nil {
			if _, err := tx.ExecContext(db.ctx, "ROLLBACK TO w"); err != nil {
				fail(err)
				return
			}
		}
		if _, err := tx.ExecContext(db.ctx, "RELEASE w"); err != nil {
			fail(err)
			return
		}
	}
	if err := tx.Commit(); err != nil {
		fail(err)
	}
}
