package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

// now is the fixed clock of test databases.
var now = time.Date(2026, 7, 21, 3, 4, 5, 600, time.UTC)

// MustOpenDB opens a fresh database in a temporary directory, with a fixed
// clock, and closes it when the test ends.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db := sqlite.NewDB(filepath.Join(tb.TempDir(), "data", "cnsbot.db"))
	db.Now = func() time.Time { return now }
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

// MustTree creates a 4-level tree and returns its units by code:
//
//	P
//	├── D1
//	│   └── C1
//	│       ├── V1
//	│       └── V2
//	└── D2
//	    └── C2
//	        └── V3
func MustTree(tb testing.TB, db *sqlite.DB) map[string]*cnsbot.Unit {
	tb.Helper()
	s := sqlite.NewUnitService(db)
	us := make(map[string]*cnsbot.Unit)
	for _, row := range [][3]string{
		{"P", "", "province"},
		{"D1", "P", "district"}, {"D2", "P", "district"},
		{"C1", "D1", "commune"}, {"C2", "D2", "commune"},
		{"V1", "C1", "village"}, {"V2", "C1", "village"}, {"V3", "C2", "village"},
	} {
		u := &cnsbot.Unit{Code: row[0], ParentCode: row[1], Level: row[2], Name: "Unit " + row[0], FullName: "Thôn " + row[0]}
		if err := s.CreateUnit(context.Background(), u); err != nil {
			tb.Fatal(err)
		}
		us[u.Code] = u
	}
	return us
}

// assertCode fails unless err carries the application error code.
func assertCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got, want := cnsbot.ErrorCode(err), code; got != want {
		tb.Fatalf("ErrorCode=%q, want %q (err=%v)", got, want, err)
	}
}

func TestDB_Open(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "a", "b", "cnsbot.db")
		db := sqlite.NewDB(path)
		if err := db.Open(); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		} else if n < 1 {
			t.Fatalf("migrations=%d, want >= 1", n)
		}
		var mode string
		if err := db.SQL().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatal(err)
		} else if got, want := mode, "wal"; got != want {
			t.Fatalf("journal_mode=%q, want %q", got, want)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}

		// Reopening applies nothing again.
		db = sqlite.NewDB(path)
		if err := db.Open(); err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		applied, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		} else if got, want := len(applied), 0; got != want {
			t.Fatalf("applied=%v, want none", applied)
		}
	})

	t.Run("ErrPathRequired", func(t *testing.T) {
		if err := sqlite.NewDB("").Open(); err == nil {
			t.Fatal("expected error")
		}
	})
}

// Every connection of the pool must enforce foreign keys: the pragma is per
// connection, so it has to come from the DSN.
func TestDB_ForeignKeysOnEveryConnection(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	db.SQL().SetMaxIdleConns(8)

	// Hold several connections at once so the pool must open new ones.
	for i := 0; i < 5; i++ {
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()

		var fk, timeout int
		var sync int
		if err := conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			t.Fatal(err)
		} else if got, want := fk, 1; got != want {
			t.Fatalf("conn %d: foreign_keys=%d, want %d", i, got, want)
		}
		if err := conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&timeout); err != nil {
			t.Fatal(err)
		} else if got, want := timeout, 5000; got != want {
			t.Fatalf("conn %d: busy_timeout=%d, want %d", i, got, want)
		}
		if err := conn.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
			t.Fatal(err)
		} else if got, want := sync, 1; got != want { // 1 = NORMAL
			t.Fatalf("conn %d: synchronous=%d, want %d", i, got, want)
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO teams (unit_id, name, created_at) VALUES (999, 'x', 'now')`); err == nil {
			t.Fatalf("conn %d: insert with a dangling foreign key succeeded", i)
		}
	}
	if got := db.SQL().Stats().OpenConnections; got < 5 {
		t.Fatalf("OpenConnections=%d, want >= 5", got)
	}
}
