package testproc

import (
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStopEndsTheProcess: Stop ends a process that ignores the polite
// signal, by killing it after the grace period, and what it started.
func TestStopEndsTheProcess(t *testing.T) {
	log := filepath.Join(t.TempDir(), "log")
	p, err := Start("sh", log, "", "-c", "trap '' INT; sleep 60 & echo $! ; wait")
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	for deadline := time.Now().Add(30 * time.Second); pid == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the child's pid never appeared in the log")
		}
		pid, _ = strconv.Atoi(strings.TrimSpace(Tail(log, 100)))
	}
	if done, _ := p.Exited(); done {
		t.Fatal("exited at once")
	}
	p.Stop(syscall.SIGINT, 200*time.Millisecond)
	if done, _ := p.Exited(); !done {
		t.Fatal("still running after Stop")
	}
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("the process it started (%d) outlived Stop", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
