package pdfrender

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// With Options.Spare the engine keeps one fresh instance started ahead:
// Open takes it (no start on the caller's path), Close starts the next,
// and the spare is beyond Instances, so a Document is never kept waiting
// by it. The spare never held a document: each Document still has an
// instance of its own.
func TestEngine_SpareInstanceIsTakenByOpenAndRefilledAfterClose(t *testing.T) {
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{CacheDir: filepath.Join(os.TempDir(), "ecabinet-pdfrender-test-wasm-cache"), Instances: 1, Spare: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	spares := func() int {
		e.mu.Lock()
		defer e.mu.Unlock()
		return len(e.spare)
	}
	if err := e.WaitSpare(ctx); err != nil || spares() != 1 {
		t.Fatalf("a new engine has %d spares (%v), want 1", spares(), err)
	}
	data := makePDF(t, pdfSpec{pages: 2})
	d1, err := e.Open(ctx, &memReader{data: data}, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if n := spares(); n != 0 {
		t.Fatalf("after Open %d spares are left, want the spare taken", n)
	}
	// One instance (Instances: 1) besides the spare: a second Document
	// opens while the first is open.
	d2, err := e.Open(ctx, &memReader{data: data}, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if d1.inst == d2.inst {
		t.Fatal("two documents share an instance")
	}
	for _, d := range []*Document{d1, d2} {
		if _, err := d.Render(ctx, 1, 200); err != nil {
			t.Fatal(err)
		}
		d.Close()
	}
	if err := e.WaitSpare(ctx); err != nil || spares() != 1 {
		t.Fatalf("after Close %d spares (%v), want a new one", spares(), err)
	}
}
