package store

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// TestClose_GivenWritersInFlight_ThenWaitsForThemAndRefusesLaterOnes: a
// background job still writing when the profile closes (a paper being
// indexed as the window shuts) must neither crash the process — Badger
// panics on a Sync after its Close — nor lose a write it reported done.
func TestClose_GivenWritersInFlight_ThenWaitsForThemAndRefusesLaterOnes(t *testing.T) {
	dir := t.TempDir()
	s := createCheap(t, dir, testPass)
	const writers, each = 4, 200
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done []string // keys whose Update returned nil
	)
	start := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range each {
				k := fmt.Sprintf("w%d/%03d", w, i)
				err := s.Update(func(tx *Tx) error { return tx.Put(Key("test", k), i) })
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("write %s: %v", k, err)
					return
				}
				mu.Lock()
				done = append(done, k)
				mu.Unlock()
			}
		}()
	}
	close(start)
	// Close while the writers run: after a few commits have landed.
	for {
		mu.Lock()
		n := len(done)
		mu.Unlock()
		if n >= writers {
			break
		}
		runtime.Gosched()
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	wg.Wait()
	if err := s.Update(func(tx *Tx) error { return tx.Put(Key("test", "late"), 1) }); !errors.Is(err, ErrClosed) {
		t.Fatalf("update after close: %v, want ErrClosed", err)
	}
	if err := s.View(func(*Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("view after close: %v, want ErrClosed", err)
	}
	if len(done) == writers*each {
		t.Fatalf("every write finished before Close: the test did not close mid-flight")
	}
	r, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, k := range done {
		var v int
		if err := r.View(func(tx *Tx) error { return tx.Get(Key("test", k), &v) }); err != nil {
			t.Fatalf("write %s reported done is lost: %v", k, err)
		}
	}
}
