package app

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/instance"
	"github.com/ecabinet/ecabinet/meetings"
)

func TestRun_SecondStartReturns1AndShowsTheFirst(t *testing.T) {
	dir := t.TempDir()
	shown := make(chan struct{}, 1)
	ln, err := instance.Listen(dir, func() { shown <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	a := test.NewTempApp(t)
	if code := Run(a, Config{ProfileDir: dir}); code != 1 {
		t.Errorf("second start: exit code %d, want 1", code)
	}
	select {
	case <-shown:
	default:
		t.Error("the running instance was not asked to show its window")
	}
}

func TestRun_OpensAndClosesTheProfile(t *testing.T) {
	dir := t.TempDir()
	p, err := core.Create(dir, testPass, meetings.Member{Name: "Thư ký", Role: meetings.RoleSecretary})
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	a := test.NewTempApp(t)
	// The test app's run loop returns at once, so this is a start and an
	// immediate quit while the profile is still opening: Run must still
	// return 0 and leave the profile closed (openable again).
	if code := Run(a, Config{ProfileDir: dir, Passphrase: testPass, Lang: langEN}); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	setLanguage(langVI)
	p, err = core.Open(dir, testPass)
	if err != nil {
		t.Fatalf("the profile was left open or locked: %v", err)
	}
	p.Close()
}
