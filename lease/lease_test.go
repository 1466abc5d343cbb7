package lease

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func TestDead(t *testing.T) {
	parts := strings.Split(Self, "/")
	if len(parts) != 4 {
		t.Fatalf("Self = %q, want host/pidns/pid/nonce", Self)
	}
	if parts[1] == "" {
		t.Skip("no /proc/self/ns/pid here: every holder is judged by its lease")
	}
	// A child that has exited: its PID no longer runs.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	exited := strings.Join([]string{parts[0], parts[1], strconv.Itoa(cmd.Process.Pid), "00"}, "/")
	parent := strings.Join([]string{parts[0], parts[1], strconv.Itoa(os.Getppid()), "00"}, "/")
	for _, c := range []struct {
		owner string
		dead  bool
	}{
		{Self, false},
		{"", false},
		{exited, true},
		{parent, false}, // alive
		{strings.Join([]string{parts[0], parts[1], parts[2], "other"}, "/"), true}, // this PID, an earlier start
		{strings.Join([]string{"otherhost", parts[1], strconv.Itoa(cmd.Process.Pid), "00"}, "/"), false},
		{strings.Join([]string{parts[0], "pid:[1]", strconv.Itoa(cmd.Process.Pid), "00"}, "/"), false},
		{"garbage", false},
	} {
		if got := Dead(c.owner); got != c.dead {
			t.Errorf("Dead(%q) = %v, want %v", c.owner, got, c.dead)
		}
	}
}
