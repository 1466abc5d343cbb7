package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

// writeConfig writes a config whose database lives in dir.
func writeConfig(tb testing.TB, dir string) string {
	tb.Helper()
	path := filepath.Join(dir, "cnsbot.yaml")
	cfg := fmt.Sprintf("database:\n  path: %q\nhttp:\n  listen: \"\"\nlog:\n  level: warn\n", filepath.Join(dir, "cnsbot.db"))
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// demoTemplate is a database holding the demo data, made once per test
// binary by `cnsbot demo`: loading 130,000 reports takes seconds, and minutes
// under -race, so each shell test copies it instead of loading its own.
var demoTemplate struct {
	once sync.Once
	dir  string
	err  error
}

// withDemoDatabase puts a copy of the demo database where the config of
// dir (writeConfig) looks for it.
func withDemoDatabase(tb testing.TB, dir string) {
	tb.Helper()
	demoTemplate.once.Do(func() {
		if demoTemplate.dir, demoTemplate.err = os.MkdirTemp("", "cnsbot-demo-"); demoTemplate.err != nil {
			return
		}
		cfg := writeConfig(tb, demoTemplate.dir)
		// The demo's 130,000 inserts take minutes in a -race test binary
		// and seconds in a plain build of the command: build it when the go
		// tool is here, load in process otherwise.
		bin := filepath.Join(demoTemplate.dir, "cnsbot")
		if _, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err == nil {
			if out, err := exec.Command(bin, "demo", "-config", cfg).CombinedOutput(); err != nil {
				demoTemplate.err = fmt.Errorf("cnsbot demo: %w\n%s", err, out)
			}
			return
		}
		var out syncBuffer
		m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out}
		demoTemplate.err = m.Run(context.Background(), []string{"demo", "-config", cfg})
		if cerr := m.Close(); demoTemplate.err == nil {
			demoTemplate.err = cerr
		}
		if demoTemplate.err != nil {
			demoTemplate.err = fmt.Errorf("%w\n%s", demoTemplate.err, out.String())
		}
	})
	if demoTemplate.err != nil {
		tb.Fatalf("demo database: %v", demoTemplate.err)
	}
	for _, name := range []string{"cnsbot.db", "cnsbot.db-wal"} {
		data, err := os.ReadFile(filepath.Join(demoTemplate.dir, name))
		if os.IsNotExist(err) && name != "cnsbot.db" {
			continue
		} else if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
}

func countMembers(tb testing.TB, dbPath string) int {
	tb.Helper()
	db := sqlite.NewDB(dbPath)
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	_, n, err := sqlite.NewMemberService(db).FindMembers(context.Background(), cnsbot.MemberFilter{Limit: 1})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// A 1,000-row members file with 3 bad rows imports nothing and names
// exactly those 3 lines; fixed, it imports all 1,000.
func TestImportMembersAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir)
	units, _ := writeFixture(t, dir)
	ctx := context.Background()
	if out, err := runMain(t, ctx, "import", "-config", cfg, "units", units); err != nil {
		t.Fatalf("import units: %v\n%s", err, out)
	}
	bad := map[int]string{101: "phone", 502: "unit", 900: "role"} // file line numbers (header = 1)
	write := func(withBad bool) string {
		var b strings.Builder
		b.WriteString("full_name,phone,unit_code,role\n")
		for i := 0; i < 1000; i++ {
			line := i + 2
			phone, unit, role := fmt.Sprintf("0913%06d", i), "02866-01", "member"
			if withBad {
				switch bad[line] {
				case "phone":
					phone = "12ab"
				case "unit":
					unit = "99999"
				case "role":
					role = "boss"
				}
			}
			fmt.Fprintf(&b, "Thành viên %d,%s,%s,%s\n", i, phone, unit, role)
		}
		path := filepath.Join(dir, fmt.Sprintf("members-%v.csv", withBad))
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	out, err := runMain(t, ctx, "import", "-config", cfg, "members", write(true))
	if err == nil {
		t.Fatalf("import with bad rows succeeded:\n%s", out)
	}
	lines := regexp.MustCompile(`(?m)^line (\d+)`).FindAllStringSubmatch(out, -1)
	var got []string
	for _, l := range lines {
		got = append(got, l[1])
	}
	if want := []string{"101", "502", "900"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("reported lines %v, want %v\n%s", got, want, out)
	}
	if n := countMembers(t, filepath.Join(dir, "cnsbot.db")); n != 0 {
		t.Fatalf("%d members written, want none", n)
	}
	if out, err := runMain(t, ctx, "import", "-config", cfg, "members", write(false)); err != nil {
		t.Fatalf("import good file: %v\n%s", err, out)
	}
	if n := countMembers(t, filepath.Join(dir, "cnsbot.db")); n != 1000 {
		t.Fatalf("%d members written, want 1000", n)
	}
}

// The shell on the demo data: a person registers as the demo member by
// sharing the persona's phone and reads the help, in Vietnamese; the menu
// of the "/" button is printed from the same table.
func TestShellRegistersDemoMember(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo data")
	}
	out := runShell(t, "/start\n#1\n0912000005\n/trogiup\n/thoat\n")
	for _, want := range []string{"[#1] 📱 Gửi số điện thoại", "Đăng ký thành công", "Sùng Thị Mỷ", "/trogiup — ", "/huy — ",
		"☰ /baocao /cuatoi /tiendo /chuabaocao /start /trogiup /huy /ngonngu"} {
		if !strings.Contains(out, want) {
			t.Fatalf("shell output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Xin lỗi") {
		t.Fatalf("shell apologised:\n%s", out)
	}
}

// runShell runs `cnsbot shell` on a copy of the demo database with input
// typed at its prompt and returns what it printed.
func runShell(tb testing.TB, input string, args ...string) string {
	tb.Helper()
	dir := tb.TempDir()
	cfg := writeConfig(tb, dir)
	withDemoDatabase(tb, dir)
	var out syncBuffer
	m := &Main{Stdin: strings.NewReader(input), Stdout: &out, Stderr: &out}
	err := m.Run(context.Background(), append([]string{"shell", "-config", cfg}, args...))
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatalf("shell: %v\n%s", err, out.String())
	}
	return out.String()
}

// At the report's "type the number" step a typed 1 is the value, not a
// press of the first button: buttons are pressed with #N.
func TestShellNumberIsText(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo data")
	}
	out := runShell(t, "/baocao\n#1\n1\n/thoat\n", "-as", "member")
	if !strings.Contains(out, "Đã ghi:") || !strings.Contains(out, ": 1 người") {
		t.Fatalf("typing 1 at the number step did not record 1:\n%s", out)
	}
}

// export invites lists the members not yet registered with their codes and
// the deep links that register them.
func TestExportInvites(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir)
	units, members := writeFixture(t, dir)
	ctx := context.Background()
	for _, args := range [][]string{{"import", "-config", cfg, "units", units}, {"import", "-config", cfg, "members", members}} {
		if out, err := runMain(t, ctx, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	path := filepath.Join(dir, "invites.csv")
	if out, err := runMain(t, ctx, "export", "-config", cfg, "invites", "-bot", "cnsbot_laocai_bot", "-o", path); err != nil {
		t.Fatalf("export invites: %v\n%s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.HasPrefix(text, "\ufeffHọ và tên,") || strings.Count(text, "https://t.me/cnsbot_laocai_bot?start=") != 2 ||
		!strings.Contains(text, "Sùng Thị Mỷ,0912345678,02866-01,member") {
		t.Fatalf("invites.csv:\n%s", text)
	}
	// An existing file is not overwritten.
	if _, err := runMain(t, ctx, "export", "-config", cfg, "invites", "-o", path); err == nil {
		t.Fatal("export invites overwrote an existing file")
	}
}

// export reports takes -config before or after its kind.
func TestExportReportsCLI(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir)
	ctx := context.Background()
	for i, args := range [][]string{
		{"export", "-config", cfg, "reports", "-o", filepath.Join(dir, "a.csv")},
		{"export", "reports", "-config", cfg, "-o", filepath.Join(dir, "b.xlsx")},
	} {
		if out, err := runMain(t, ctx, args...); err != nil {
			t.Fatalf("%d %v: %v\n%s", i, args, err, out)
		}
	}
}
