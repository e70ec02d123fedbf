package testproc

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// sysProcAttr ties the child to this process (SIGKILL when it dies: a
// crashed or timed-out test leaves no server behind) and, as root, switches
// to asUser.
func sysProcAttr(asUser string) (*syscall.SysProcAttr, error) {
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if asUser == "" || os.Geteuid() != 0 {
		return attr, nil
	}
	uid, gid, err := Lookup(asUser)
	if err != nil {
		return nil, err
	}
	attr.Credential = &syscall.Credential{Uid: uid, Gid: gid}
	return attr, nil
}

// Lookup returns a user's uid and primary gid.
func Lookup(name string) (uid, gid uint32, err error) {
	u, err := user.Lookup(name)
	if err != nil {
		return 0, 0, fmt.Errorf("user %s (needed to run the server as non-root): %w", name, err)
	}
	id, err1 := strconv.ParseUint(u.Uid, 10, 32)
	g, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("user %s: odd uid/gid %q/%q", name, u.Uid, u.Gid)
	}
	return uint32(id), uint32(g), nil
}

// killGroup kills p's process group (Start made p its leader), so that
// nothing p started outlives it.
func killGroup(p *os.Process) {
	syscall.Kill(-p.Pid, syscall.SIGKILL) //nolint:errcheck // it may be gone already
}
