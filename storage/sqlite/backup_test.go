package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

// A backup taken while another goroutine keeps writing reports is one
// consistent snapshot: whole batches only, the audit trail and the figures
// agree with the reports, and integrity_check says ok.
func TestDB_Backup(t *testing.T) {
	db := MustOpenDB(t)
	us := MustTree(t, db)
	ind := MustCreateIndicator(t, db, "VNEID")
	m := MustCreateMember(t, db, &cnsbot.Member{FullName: "A", Phone: "0912345678", UnitID: us["V1"].ID, Role: cnsbot.RoleMember})
	s := sqlite.NewReportService(db)
	ctx := context.Background()

	const perBatch = 10
	var written atomic.Int64 // reports committed so far
	batch := func(i int) error {
		rs := make([]*cnsbot.Report, perBatch)
		for j := range rs {
			rs[j] = &cnsbot.Report{MemberID: m.ID, TeamID: m.TeamID, UnitID: us["V1"].ID, Date: "2026-07-20",
				IndicatorID: ind.ID, Value: float64(j + 1), Source: cnsbot.SourceQuick, IdempotencyKey: fmt.Sprintf("b%d:%d", i, j)}
		}
		if err := s.CreateReports(ctx, rs); err != nil {
			return err
		}
		written.Add(perBatch)
		return nil
	}
	for i := 0; i < 200; i++ { // a database that takes a moment to copy
		if err := batch(i); err != nil {
			t.Fatal(err)
		}
	}

	stop, done := make(chan struct{}), make(chan struct{})
	var werr error
	go func() {
		defer close(done)
		for i := 200; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if werr = batch(i); werr != nil {
				return
			}
		}
	}()
	waitFor := func(n int64) {
		for written.Load() < n {
			select {
			case <-done:
				t.Fatalf("writer stopped: %v", werr)
			case <-time.After(time.Millisecond):
			}
		}
	}
	waitFor(2500) // the writer is under way
	before := written.Load()
	path := filepath.Join(t.TempDir(), "copy.db")
	berr := db.Backup(ctx, path)
	after := written.Load()
	waitFor(after + 200) // and goes on writing after the copy
	close(stop)
	<-done
	if berr != nil {
		t.Fatal(berr)
	} else if werr != nil {
		t.Fatal(werr)
	}

	copyDB, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var reports, changes int64
	var sum, total float64
	for _, q := range []struct {
		sql  string
		dest any
	}{
		{`SELECT COUNT(*) FROM reports`, &reports},
		{`SELECT COUNT(*) FROM report_changes WHERE action = 'create'`, &changes},
		{`SELECT COALESCE(SUM(value), 0) FROM reports`, &sum},
		{fmt.Sprintf(`SELECT COALESCE(SUM(total), 0) FROM unit_day_totals WHERE unit_id = %d`, us["P"].ID), &total},
	} {
		if err := copyDB.QueryRow(q.sql).Scan(q.dest); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	t.Logf("copy holds %d reports (before the backup %d, after %d, at the end %d)", reports, before, after, written.Load())
	// One writer, one batch in flight: a batch may be committed (and in the
	// copy) but not yet counted when after is read.
	if reports < before || reports > after+perBatch {
		t.Errorf("copy holds %d reports, want between %d and %d", reports, before, after+perBatch)
	}
	if reports%perBatch != 0 {
		t.Errorf("copy holds %d reports: a batch of %d was cut", reports, perBatch)
	}
	if changes != reports {
		t.Errorf("copy: %d create entries in the audit trail for %d reports", changes, reports)
	}
	if want := float64(reports/perBatch) * 55; sum != want || total != want {
		t.Errorf("copy: sum of values %v, province figure %v, want both %v", sum, total, want)
	}
	var check string
	if err := copyDB.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
	if err := sqlite.CheckIntegrity(ctx, path); err != nil {
		t.Error(err)
	}
	// The copy is a whole database: it opens, with its migrations applied.
	copyDB.Close()
	reopened := sqlite.NewDB(path)
	if err := reopened.Open(); err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	if applied, err := reopened.Migrate(ctx); err != nil || len(applied) != 0 {
		t.Errorf("migrations on the copy: applied %v, %v; want none", applied, err)
	}
}

// Backup never overwrites: an existing file is refused and left as it was.
func TestDB_Backup_RefusesExisting(t *testing.T) {
	db := MustOpenDB(t)
	path := filepath.Join(t.TempDir(), "exists.db")
	if err := os.WriteFile(path, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := db.Backup(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("err = %v, want already exists", err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "precious" {
		t.Fatalf("existing file now %q, %v", b, err)
	}
}

// A backup into a directory that does not exist fails and leaves nothing.
func TestDB_Backup_BadDirectory(t *testing.T) {
	db := MustOpenDB(t)
	path := filepath.Join(t.TempDir(), "missing", "copy.db")
	if err := db.Backup(context.Background(), path); err == nil {
		t.Fatal("backup into a missing directory succeeded")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("stat %s: %v, want not exist", path, err)
	}
}

// CheckIntegrity refuses a file that is not a database.
func TestCheckIntegrity_NotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := sqlite.CheckIntegrity(context.Background(), path); err == nil {
		t.Fatal("CheckIntegrity accepted junk")
	}
}
