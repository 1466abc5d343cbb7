// Package lease names the process that holds something — an update being
// handled, a user's lock, an outbox message being sent — so that a process
// started after a crash can tell that the holder is gone and take over at
// once, instead of waiting for a lease to run out.
//
// An owner is "host/pidns/pid/nonce": the host name, the PID namespace (so
// two containers that share a host name never judge each other's PIDs), the
// process id and a random nonce drawn at start (so a restarted process that
// got the same PID — PID 1 in a container, always — is not taken for the one
// it replaces). A holder on another host, or one whose PID namespace cannot
// be read, is judged by its lease's expiry alone.
package lease

import (
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Self is this process's owner name, fixed at start.
var Self = newOwner()

func newOwner() string {
	host, _ := os.Hostname()
	ns, _ := os.Readlink("/proc/self/ns/pid")
	var b [8]byte
	_, _ = crand.Read(b[:])
	return clean(host) + "/" + clean(ns) + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(b[:])
}

// clean keeps the separator out of a part.
func clean(s string) string { return strings.ReplaceAll(s, "/", "_") }

// Dead reports whether owner is known to be gone: a process of this host and
// PID namespace whose PID no longer runs, or this PID with another nonce (an
// earlier incarnation). False when it may be alive — or cannot be judged
// from here; the lease's expiry decides then.
func Dead(owner string) bool {
	if owner == "" || owner == Self {
		return false
	}
	parts := strings.Split(owner, "/")
	self := strings.Split(Self, "/")
	if len(parts) != 4 || parts[0] != self[0] || parts[1] == "" || parts[1] != self[1] {
		return false
	}
	pid, err := strconv.Atoi(parts[2])
	if err != nil || pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		return true // same PID, other nonce: the process this one replaced
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
