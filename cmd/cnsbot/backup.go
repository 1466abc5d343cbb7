package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// runBackup is `cnsbot backup -o FILE.db`: an online, consistent copy of the
// configured database (VACUUM INTO; the bot may keep running), checked
// with PRAGMA integrity_check. It never overwrites a file.
//
// Like every command it opens the database through openApp, which applies
// pending migrations: back up with the binary that is installed, before
// replacing it by a newer one.
func (m *Main) runBackup(ctx context.Context, args []string) error {
	fs, configPath := m.flagSet("backup")
	out := fs.String("o", "", "new `FILE` to write the copy to (refused if it exists)")
	a, err := m.openFromFlags(fs, configPath, args)
	if err != nil {
		return err
	}
	if *out == "" || fs.NArg() != 0 {
		fs.Usage()
		return errors.New("backup: -o FILE.db is required, and nothing else")
	}
	start := time.Now()
	if err := a.DB.Backup(ctx, *out); err != nil {
		return err
	}
	fi, err := os.Stat(*out)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(m.Stdout, "%s → %s: %s, integrity ok (%s)\n", a.Config.Database.Path, *out,
		formatSize(fi.Size()), time.Since(start).Round(time.Millisecond))
	return nil
}

// formatSize renders a byte count for people: 4.2 MB, 812 KB, 96 B.
func formatSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
