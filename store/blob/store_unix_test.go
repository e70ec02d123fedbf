//go:build !windows

package blob

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ecabinet/ecabinet/papers"
)

// fullAfter lets n bytes through, then fails as a full disk does.
type fullAfter struct {
	w io.Writer
	n *int
}

func (f fullAfter) Write(p []byte) (int, error) {
	if len(p) > *f.n {
		k := *f.n
		*f.n = 0
		f.w.Write(p[:k]) //nolint:errcheck // the partial write a full disk makes
		return k, &os.PathError{Op: "write", Path: "chunk", Err: syscall.ENOSPC}
	}
	*f.n -= len(p)
	return f.w.Write(p)
}

func TestPut_GivenTheDiskFillsUpMidway_ThenDiskFullAndNothingCounts(t *testing.T) {
	s := newStore(t, small)
	k := key(1)
	old := put(t, s, k, noise(7, 300<<10)) // an earlier paper stays whole
	budget := 1 << 20
	s.dir.wrapWrite = func(w io.Writer) io.Writer { return fullAfter{w, &budget} }
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
	budget = 100
	s.dir.wrapWrite = func(w io.Writer) io.Writer { return fullAfter{w, &budget} }
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
}

func TestPermissions_GivenAnyUmask_ThenFiles0600AndDirs0700(t *testing.T) {
	for _, mask := range []int{0, 0o022, 0o277} {
		old := syscall.Umask(mask)
		s := newStore(t, Options{})
		put(t, s, key(1), noise(1, 2<<20))
		syscall.Umask(old)
		err := filepath.Walk(s.dir.Root(), func(p string, fi os.FileInfo, err error) error {
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
