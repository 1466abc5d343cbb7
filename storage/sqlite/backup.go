package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Backup writes a consistent copy of the live database to the new file at
// path with VACUUM INTO, then opens the copy and checks it with PRAGMA
// integrity_check.
//
// VACUUM INTO reads the database in one read transaction: in WAL mode it
// sees one snapshot (every transaction committed before it began, none
// after) and neither blocks nor waits for the writers of this or another
// process, so it runs while the bot runs. The copy is a compacted, ordinary
// database file with no -wal to go with it.
//
// Backup refuses to overwrite: the file is created exclusively, and it is
// removed again if the copy or its check fails.
func (db *DB) Backup(ctx context.Context, path string) (err error) {
	if path == "" {
		return errors.New("backup: path required")
	}
	// O_EXCL: an existing file, even one created a moment ago by someone
	// else, is refused. VACUUM INTO accepts an empty file.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("backup: %s already exists; choose a new file name", path)
	} else if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	defer func() {
		if err != nil {
			os.Remove(path)
		}
	}()

	// Not through the writer turn nor the statement cache: a read of the
	// whole file, run once.
	if _, err := db.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup: vacuum into %s: %w", path, err)
	}
	// VACUUM INTO syncs only as the source's synchronous setting says;
	// a backup must be on disk before it is trusted.
	if f, err = os.OpenFile(path, os.O_RDWR, 0); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	serr := f.Sync()
	if cerr := f.Close(); serr == nil {
		serr = cerr
	}
	if serr != nil {
		return fmt.Errorf("backup: sync %s: %w", path, serr)
	}
	if err := CheckIntegrity(ctx, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// CheckIntegrity opens the database file at path read-only and runs PRAGMA
// integrity_check; it returns nil only when SQLite answers "ok".
func CheckIntegrity(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("check %s: %w", path, err)
		}
		problems = append(problems, s)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	if len(problems) == 1 && problems[0] == "ok" {
		return nil
	}
	if len(problems) > 5 {
		problems = append(problems[:5], fmt.Sprintf("… %d more", len(problems)-5))
	}
	return fmt.Errorf("check %s: integrity_check failed: %q", path, problems)
}
