// Package desktopbench measures the desktop app as a person runs it: a real
// window under Xvfb, its resident memory when idle with a year of data,
// against a bare Fyne window measured in the same run.
package desktopbench

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/yeardata"
)

const passphrase = "desktop bench passphrase"

func build(b *testing.B, dir, pkg, name string) string {
	b.Helper()
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", out, pkg)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build %s: %v\n%s", pkg, err, msg)
	}
	return out
}

// startXvfb starts a virtual display and waits until it answers.
func startXvfb(b *testing.B) string {
	b.Helper()
	for n := 90; n < 110; n++ {
		disp := fmt.Sprintf(":%d", n)
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		cmd := exec.Command("Xvfb", disp, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			b.Fatalf("start Xvfb (install it with make test's dependencies): %v", err)
		}
		b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		for i := 0; i < 100; i++ {
			if exec.Command("xdpyinfo", "-display", disp).Run() == nil {
				return disp
			}
			time.Sleep(100 * time.Millisecond)
		}
		b.Fatalf("Xvfb on %s never answered", disp)
	}
	b.Fatal("no free X display")
	return ""
}

// idleRSS starts a program, waits for its window and for it to settle, and
// returns its resident set size in bytes.
func idleRSS(b *testing.B, disp, title string, settle time.Duration, bin string, args ...string) int64 {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+disp, "HOME="+b.TempDir(), "FYNE_THEME=light", "LANG=vi_VN.UTF-8", "ECABINET_PASSPHRASE="+passphrase)
	var logb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logb, &logb
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		search := exec.Command("xdotool", "search", "--name", title)
		search.Env = append(os.Environ(), "DISPLAY="+disp)
		if search.Run() == nil {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("window %q never appeared; log:\n%s", title, logb.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(settle)
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(st), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			kb, _ := strconv.ParseInt(strings.Fields(l)[1], 10, 64)
			return kb * 1024
		}
	}
	b.Fatal("no VmRSS")
	return 0
}

// BenchmarkIdleRSS compares the idle eCabinet window holding a year of data
// (75 meetings × 10 items, 1,670 ballots × 30 answers) with a bare Fyne
// window, both under the same Xvfb. app/bare is the ratio (target ≤ 2).
func BenchmarkIdleRSS(b *testing.B) {
	dir := b.TempDir()
	app := build(b, dir, "github.com/ecabinet/ecabinet", "ecabinet")
	bare := build(b, dir, "github.com/ecabinet/ecabinet/desktopbench/barewindow", "barewindow")
	prof := filepath.Join(dir, "profile")
	p, err := core.Create(prof, []byte(passphrase), meetings.Member{Name: "Văn phòng Chính phủ", Role: meetings.RoleSecretary})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := yeardata.Load(p, yeardata.Year, 1); err != nil {
		b.Fatal(err)
	}
	if err := p.Close(); err != nil {
		b.Fatal(err)
	}
	disp := startXvfb(b)
	var appRSS, bareRSS int64
	for b.Loop() {
		bareRSS += idleRSS(b, disp, "barewindow", 5*time.Second, bare)
		appRSS += idleRSS(b, disp, "eCabinet", 8*time.Second, app, "--profile", prof)
	}
	b.ReportMetric(float64(appRSS)/float64(b.N)/(1<<20), "MiB-app")
	b.ReportMetric(float64(bareRSS)/float64(b.N)/(1<<20), "MiB-bare")
	b.ReportMetric(float64(appRSS)/float64(bareRSS), "app/bare")
}
