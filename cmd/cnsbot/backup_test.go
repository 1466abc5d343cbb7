package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cnsbot/storage/sqlite"
)

// `cnsbot backup -o FILE` copies the configured database: the copy passes
// integrity_check and holds the same members; a second run to the same file
// is refused and leaves the copy alone.
func TestBackup(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir)
	units, members := writeFixture(t, dir)
	ctx := context.Background()
	for _, args := range [][]string{
		{"import", "-config", cfg, "units", units},
		{"import", "-config", cfg, "members", members},
	} {
		if out, err := runMain(t, ctx, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}

	copyPath := filepath.Join(dir, "backup", "cnsbot-copy.db")
	if err := os.Mkdir(filepath.Dir(copyPath), 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := runMain(t, ctx, "backup", "-config", cfg, "-o", copyPath)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if !strings.Contains(out, copyPath) || !strings.Contains(out, "integrity ok") || !strings.Contains(out, "KB") {
		t.Errorf("output %q: want the file, its size and integrity ok", out)
	}
	fi, err := os.Stat(copyPath)
	if err != nil {
		t.Fatal(err)
	} else if fi.Size() == 0 {
		t.Fatal("empty copy")
	}
	if err := sqlite.CheckIntegrity(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	if got, want := countMembers(t, copyPath), countMembers(t, filepath.Join(dir, "cnsbot.db")); got != want || got != 2 {
		t.Errorf("copy holds %d members, the database %d, want 2", got, want)
	}

	// Never overwrite.
	fi, _ = os.Stat(copyPath)
	out, err = runMain(t, ctx, "backup", "-config", cfg, "-o", copyPath)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second backup to the same file: %v\n%s", err, out)
	}
	if fi2, err := os.Stat(copyPath); err != nil || fi2.Size() != fi.Size() || !fi2.ModTime().Equal(fi.ModTime()) {
		t.Errorf("existing copy changed: %v", err)
	}

	// -o is required.
	if out, err := runMain(t, ctx, "backup", "-config", cfg); err == nil || !strings.Contains(err.Error(), "-o FILE.db") {
		t.Errorf("backup without -o: %v\n%s", err, out)
	}
}
