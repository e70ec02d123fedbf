package instance

import (
	"testing"
	"time"
)

func TestSignalReachesRunningInstance(t *testing.T) {
	dir := t.TempDir()
	if Signal(dir) {
		t.Fatal("signal answered with nothing running")
	}
	shown := make(chan struct{}, 1)
	l, err := Listen(dir, func() { shown <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	if !Signal(dir) {
		t.Fatal("running instance did not answer")
	}
	select {
	case <-shown:
	case <-time.After(5 * time.Second):
		t.Fatal("onShow never ran")
	}
	if _, err := Listen(dir, func() {}); err == nil {
		t.Fatal("a second listener on the same profile was allowed")
	}
	l.Close()
	if Signal(dir) {
		t.Fatal("signal answered after close")
	}
}
