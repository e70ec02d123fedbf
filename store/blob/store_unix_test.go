//go:build !windows

package blob

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/ecabinet/ecabinet/papers"
)

// disk is the free space of a pretend disk, shared by every chunk file
// Put's workers write.
type disk struct {
	mu   sync.Mutex
	free int
}

// fullAfter lets writes through while the disk has room, then fails as a
// full disk does, after the partial write it makes.
type fullAfter struct {
	w io.Writer
	d *disk
}

func (f fullAfter) Write(p []byte) (int, error) {
	f.d.mu.Lock()
	k := min(len(p), f.d.free)
	f.d.free -= k
	f.d.mu.Unlock()
	if _, err := f.w.Write(p[:k]); err != nil {
		return 0, err
	}
	if k < len(p) {
		return k, &os.PathError{Op: "write", Path: "chunk", Err: syscall.ENOSPC}
	}
	return k, nil
}

func TestPut_GivenTheDiskFillsUpMidway_ThenDiskFullAndNothingCounts(t *testing.T) {
	s := newStore(t, small)
	k := key(1)
	old := put(t, s, k, noise(7, 300<<10)) // an earlier paper stays whole
	d := &disk{free: 1 << 20}
	s.dir.wrapWrite = func(w io.Writer) io.Writer { return fullAfter{w, d} }
	_, err := s.Put(k, bytes.NewReader(noise(1, 3<<20)))
	if !errors.Is(err, ErrDiskFull) || code(err) != "err.paper.disk_full" {
		t.Fatalf("Put = %v (%s)", err, code(err))
	}
	var ce *ChunkError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), ce.ID.String()) {
		t.Fatalf("error %v does not name its chunk", err)
	}
	s.dir.wrapWrite = nil
	if got := files(t, s.dir.Root()); len(got) != len(papers.IDs(old)) {
		t.Fatalf("after a failed import %d files, want the earlier paper's %d", len(got), len(papers.IDs(old)))
	}
	if _, err := readAll(t, s, k, old); err != nil {
		t.Fatalf("the earlier paper: %v", err)
	}

	// A verified download that meets a full disk fails the same way.
	other := newStore(t, small)
	m := put(t, other, k, noise(8, 100<<10))
	ct, err := other.Chunks().Get(t.Context(), m.Chunks[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	d.free = 100
	s.dir.wrapWrite = func(w io.Writer) io.Writer { return fullAfter{w, d} }
	if err := s.PutChunk(k, m.Chunks[0].ID, ct); !errors.Is(err, ErrDiskFull) {
		t.Fatalf("PutChunk = %v", err)
	}
	s.dir.wrapWrite = nil
	if miss, _ := s.Missing(m); len(miss) != len(papers.IDs(m)) || miss[0].ID != m.Chunks[0].ID {
		t.Fatalf("a half-written chunk counts: missing %v", miss)
	}
	if f, _ := os.ReadDir(s.dir.tmpDir()); len(f) != 0 {
		t.Fatalf("temp files left: %v", f)
	}

	// And so does the downloader's path, a batch: nothing is left to commit.
	d.free = 100
	s.dir.wrapWrite = func(w io.Writer) io.Writer { return fullAfter{w, d} }
	b := s.NewBatch()
	if err := b.PutChunk(k, m.Chunks[0].ID, ct); !errors.Is(err, ErrDiskFull) {
		t.Fatalf("Batch.PutChunk = %v", err)
	}
	s.dir.wrapWrite = nil
	if n, _, err := b.Flush(); n != 0 || err != nil {
		t.Fatalf("Flush after a full disk: %d, %v", n, err)
	}
	if f, _ := os.ReadDir(s.dir.tmpDir()); len(f) != 0 {
		t.Fatalf("temp files left by the batch: %v", f)
	}
}

func TestPermissions_GivenAnyUmask_ThenFiles0600AndDirs0700(t *testing.T) {
	for _, mask := range []int{0, 0o022, 0o277} {
		old := syscall.Umask(mask)
		s := newStore(t, Options{})
		m := put(t, s, key(1), noise(1, 2<<20))
		dl := newStore(t, Options{}) // and through the downloader's batch
		b := dl.NewBatch()
		for _, c := range m.Chunks {
			ct, _ := s.Chunks().Get(t.Context(), c.ID)
			if err := b.PutChunk(key(1), c.ID, ct); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := b.Flush(); err != nil {
			t.Fatal(err)
		}
		syscall.Umask(old)
		for _, root := range []string{s.dir.Root(), dl.dir.Root()} {
			err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
				if err != nil {
					return err
				}
				want := os.FileMode(0o600)
				if fi.IsDir() {
					want = 0o700
				}
				if fi.Mode().Perm() != want {
					t.Errorf("umask %o: %s is %o, want %o", mask, p, fi.Mode().Perm(), want)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}
