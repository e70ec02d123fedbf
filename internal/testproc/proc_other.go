//go:build !linux

package testproc

import (
	"errors"
	"os"
	"syscall"
)

// sysProcAttr: outside Linux there is no parent-death signal; the test's
// cleanup stops the server. Running as another user is not supported.
func sysProcAttr(asUser string) (*syscall.SysProcAttr, error) {
	if asUser != "" && os.Geteuid() == 0 {
		return nil, errors.New("testproc: running a server as another user is supported on Linux only")
	}
	return nil, nil
}

// Lookup is supported on Linux only.
func Lookup(string) (uint32, uint32, error) {
	return 0, 0, errors.New("testproc: user lookup is supported on Linux only")
}

// killGroup kills p.
func killGroup(p *os.Process) {
	p.Kill() //nolint:errcheck // it may be gone already
}
