// Package e2e runs the real ecabinet binary as separate processes — a hub
// and several device profiles on 127.0.0.1 — the way an organisation and
// its members would, and checks what each one ends up with.
package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/internal/pgtest"
	"github.com/ecabinet/ecabinet/internal/s3test"
)

var (
	bin    string // the ecabinet binary under test
	hubBin string // the server build, cmd/ecabinet-hub, built with CGO_ENABLED=0
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ecabinet-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "ecabinet")
	out, err := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, "github.com/ecabinet/ecabinet").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build ecabinet: %v\n%s", err, out)
		os.Exit(1)
	}
	hubBin = filepath.Join(dir, "ecabinet-hub")
	hb := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", hubBin, "github.com/ecabinet/ecabinet/cmd/ecabinet-hub")
	hb.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := hb.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build ecabinet-hub with CGO_ENABLED=0: %v\n%s", err, out)
		os.Exit(1)
	}
	// PostgreSQL and S3 start only for the tests that ask for them (the
	// scaled-out layout), and stop after the tests.
	code := pgtest.Around(func() int { return s3test.Main(m) })
	os.RemoveAll(dir)
	os.Exit(code)
}

const passphrase = "e2e test passphrase"

// result is one run of the binary.
type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "ECABINET_PASSPHRASE="+passphrase, "LANG=en_US.UTF-8")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return result{code, o.String(), e.String()}
}

// ok runs a command that must succeed and decodes its JSON output into v.
func ok(t *testing.T, v any, args ...string) {
	t.Helper()
	r := run(t, append(args, "--json")...)
	if r.code != 0 {
		t.Fatalf("ecabinet %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
			t.Fatalf("ecabinet %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, r.stdout)
		}
	}
}

// hub is a running `ecabinet hub serve` process.
type hub struct {
	data, addr string
	// args are more flags for hub serve (--log-level debug).
	args []string
	cmd  *exec.Cmd
	log  *logBuffer
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// logBuffer holds a process's output: written by exec's copying goroutine
// while the process runs, read by the test (the hub's chunk log) meanwhile.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (h *hub) start(t *testing.T) {
	t.Helper()
	h.cmd = exec.Command(bin, append([]string{"hub", "serve", "--data", h.data, "--listen", h.addr}, h.args...)...)
	h.cmd.Env = append(os.Environ(), "ECABINET_PASSPHRASE="+passphrase)
	h.log = &logBuffer{}
	h.cmd.Stdout, h.cmd.Stderr = h.log, h.log
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", h.addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("hub never listened on %s:\n%s", h.addr, h.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends the hub: gracefully with SIGTERM (it must exit 0), or with
// SIGKILL as a crash would.
func (h *hub) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if h.cmd == nil {
		return
	}
	h.cmd.Process.Signal(sig)
	err := h.cmd.Wait()
	if sig == syscall.SIGTERM && err != nil {
		t.Fatalf("hub did not shut down cleanly on SIGTERM: %v\n%s", err, h.log)
	}
	h.cmd = nil
}

func (h *hub) url() string { return "https://" + h.addr }

// device is one profile directory, used by one process at a time.
type device struct {
	t   *testing.T
	dir string
}

func (d device) ok(v any, args ...string) {
	d.t.Helper()
	ok(d.t, v, append([]string{"--profile", d.dir}, args...)...)
}
func (d device) run(args ...string) result {
	d.t.Helper()
	return run(d.t, append([]string{"--profile", d.dir}, args...)...)
}

// syncReport is `ecabinet sync --json`.
type syncReport struct {
	Pushed   int `json:"pushed"`
	Accepted int `json:"accepted"`
	Rejected []struct {
		Code   string `json:"code"`
		Reason string `json:"reason"`
	} `json:"rejected"`
	Pulled  int `json:"pulled"`
	Pending int `json:"pending"`
}

func (d device) sync() syncReport {
	d.t.Helper()
	var rep syncReport
	d.ok(&rep, "sync")
	return rep
}

type idJSON struct {
	ID string `json:"id"`
}

type tallyJSON struct {
	Standing string         `json:"standing"`
	Members  int            `json:"members"`
	Counts   map[string]int `json:"counts"`
	History  []struct {
		MemberID string `json:"member_id"`
		Choice   string `json:"choice"`
	} `json:"history"`
}

// waitSignedResult syncs d until it holds the hub's signed result of a
// closed ballot, and fails the test unless that result verifies on d (what
// every replica checks) or when none arrives within wait; logs, if given,
// is shown with the timeout (the hub's log).
func (d device) waitSignedResult(ballotID string, wait time.Duration, logs func() string) {
	d.t.Helper()
	deadline := time.Now().Add(wait)
	for {
		d.sync()
		var tl struct {
			HubResult *struct {
				Verified bool `json:"verified"`
			} `json:"hub_result"`
		}
		d.ok(&tl, "ballot", "tally", "--ballot", ballotID)
		if tl.HubResult != nil {
			if !tl.HubResult.Verified {
				d.t.Fatal("this device does not verify the hub's signed result")
			}
			return
		}
		if time.Now().After(deadline) {
			extra := ""
			if logs != nil {
				extra = logs()
			}
			d.t.Fatalf("the hub never published a signed result\n%s", extra)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// org is an organisation for a test: a hub started on its own data
// directory (stopped when the test ends) and the way its members' devices
// join it.
type org struct {
	t      *testing.T
	root   string
	h      *hub
	invite string // the secretary's invitation from hub init
}

// newOrg initialises and starts a hub named "Văn phòng Chính phủ", with
// hubArgs as more flags of hub serve.
func newOrg(t *testing.T, hubArgs ...string) *org {
	t.Helper()
	o := &org{t: t, root: t.TempDir()}
	o.h = &hub{data: filepath.Join(o.root, "hub"), addr: freeAddr(t), args: hubArgs}
	var init struct {
		Invite string `json:"invite"`
	}
	ok(t, &init, "hub", "init", "--data", o.h.data, "--name", "Văn phòng Chính phủ")
	o.invite = init.Invite
	o.h.start(t)
	t.Cleanup(func() { o.h.stop(t, syscall.SIGTERM) })
	return o
}

// enroll makes a device profile named name that joins with code.
func (o *org) enroll(name, code string) device {
	o.t.Helper()
	d := device{o.t, filepath.Join(o.root, name)}
	ok(o.t, nil, "--profile", d.dir, "enroll", "--hub", o.h.url(), "--invite", code)
	return d
}

// inviteFor asks the running hub for an invitation for member.
func (o *org) inviteFor(member string) string {
	o.t.Helper()
	var inv struct {
		Invite string `json:"invite"`
	}
	ok(o.t, &inv, "hub", "invite", "--data", o.h.data, "--member", member)
	return inv.Invite
}
