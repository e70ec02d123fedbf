// Package testproc starts the server processes that tests need beside them
// (PostgreSQL, an S3 server) so that nothing outlives the test binary: each
// is a direct child of the test process, tied to it by the parent-death
// signal on Linux, stopped by its PID, its temporary directory removed. It
// also picks free loopback ports and decides, in one place for every such
// server, whether a test that cannot reach one fails or, when a developer
// said so explicitly, skips.
package testproc

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Off is the value of a server's environment variable (ECABINET_TEST_PG,
// ECABINET_TEST_S3) with which a developer without that server asks for its
// tests to be skipped. `make test` and CI never set it: there a server that
// cannot be started fails the tests, because a skipped check is a defect.
const Off = "off"

// FreePort returns a loopback TCP port that was free a moment ago: the
// kernel's choice for 127.0.0.1:0, closed again so the server can bind it.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Proc is a started server process.
type Proc struct {
	Name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error // the exit status, once done is closed
	log  *os.File
}

// Start runs name with args as a child whose output goes to logPath. With
// asUser (the PostgreSQL tools refuse to run as root) and when this process
// is root, the child runs as that user. On Linux the child is killed if the
// test process dies first.
func Start(name, logPath, asUser string, args ...string) (*Proc, error) {
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	attr, err := sysProcAttr(asUser)
	if err != nil {
		log.Close()
		return nil, err
	}
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Proc{Name: name, cmd: cmd, done: make(chan struct{}), log: log}
	go func() {
		p.err = cmd.Wait()
		log.Close()
		close(p.done)
	}()
	return p, nil
}

// Exited reports whether the process has ended, and how.
func (p *Proc) Exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// Stop asks the process to end with sig, waits up to grace, then kills it
// and (on Linux) every process it started, and waits for it to be gone.
func (p *Proc) Stop(sig syscall.Signal, grace time.Duration) {
	if ok, _ := p.Exited(); ok {
		return
	}
	p.cmd.Process.Signal(sig) //nolint:errcheck // it may just have exited
	select {
	case <-p.done:
		return
	case <-time.After(grace):
	}
	killGroup(p.cmd.Process) // with whatever it started
	<-p.done
}

// WaitReady calls ready until it succeeds, the process exits (an error
// that quotes the end of its log) or timeout passes.
func (p *Proc) WaitReady(logPath string, timeout time.Duration, ready func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := ready()
		if err == nil {
			return nil
		}
		if ok, werr := p.Exited(); ok {
			return fmt.Errorf("%s exited (%v) before it was ready; its log:\n%s", p.Name, werr, Tail(logPath, 2000))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s: %v; its log:\n%s", p.Name, timeout, err, Tail(logPath, 2000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Tail returns the last n bytes of a file, for error messages.
func Tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}

// Setting reads a server's environment variable: off reports an explicit
// request to skip (Off); value is anything else set there.
func Setting(env string) (value string, off bool) {
	v := strings.TrimSpace(os.Getenv(env))
	return v, strings.EqualFold(v, Off)
}

// ErrOff is returned by the servers' Start when their variable says Off.
var ErrOff = errors.New("turned off by the environment")

// Run runs a command to its end as Start would start it, returning an error
// that quotes the end of its log when it fails.
func Run(name, logPath, asUser string, args ...string) error {
	p, err := Start(name, logPath, asUser, args...)
	if err != nil {
		return err
	}
	<-p.done
	if p.err != nil {
		return fmt.Errorf("%s: %w; its log:\n%s", name, p.err, Tail(logPath, 2000))
	}
	return nil
}
