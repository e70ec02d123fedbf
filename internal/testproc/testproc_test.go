package testproc

import (
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRunQuotesTheLog: a command that fails is an error quoting the end of
// its output, and one that succeeds is not.
func TestRunQuotesTheLog(t *testing.T) {
	log := filepath.Join(t.TempDir(), "log")
	if err := Run("sh", log, "", "-c", "echo fine"); err != nil {
		t.Fatalf("Run(ok) = %v", err)
	}
	err := Run("sh", log, "", "-c", "echo initdb: error: cannot be run as root >&2; exit 3")
	if err == nil || !strings.Contains(err.Error(), "cannot be run as root") || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("Run(failing) = %v; want its status and its log", err)
	}
}

// TestWaitReadyReportsAnEarlyExit: a server that dies before it is ready
// is reported with its log, not waited for until the timeout.
func TestWaitReadyReportsAnEarlyExit(t *testing.T) {
	log := filepath.Join(t.TempDir(), "log")
	p, err := Start("sh", log, "", "-c", "echo could not bind; exit 1")
	if err != nil {
		t.Fatal(err)
	}
	err = p.WaitReady(log, time.Minute, func() error { return net.ErrClosed })
	if err == nil || !strings.Contains(err.Error(), "could not bind") || !strings.Contains(err.Error(), "exited") {
		t.Fatalf("WaitReady = %v; want the exit and the log", err)
	}
}

// TestFreePort: the port can be listened on.
func TestFreePort(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatalf("FreePort gave %d, which cannot be listened on: %v", port, err)
	}
	l.Close()
}

func TestSetting(t *testing.T) {
	for _, tt := range []struct {
		val  string
		off  bool
		want string
	}{{"", false, ""}, {"off", true, "off"}, {" OFF ", true, "OFF"}, {"postgres://x", false, "postgres://x"}} {
		t.Setenv("ECABINET_TEST_X", tt.val)
		v, off := Setting("ECABINET_TEST_X")
		if v != tt.want || off != tt.off {
			t.Errorf("Setting(%q) = %q, %v; want %q, %v", tt.val, v, off, tt.want, tt.off)
		}
	}
}
