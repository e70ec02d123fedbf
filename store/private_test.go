//go:build !windows

package store

import (
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// TestOpen_GivenLooseUmaskAndRestoredModes_ThenEveryFilePrivate starts the
// process with umask 0 (Badger's files would be 0666), loosens a closed
// profile as a careless copy would, opens it, writes (Badger makes new
// tables and logs) and closes: every file is 0600 and directory 0700.
func TestOpen_GivenLooseUmaskAndRestoredModes_ThenEveryFilePrivate(t *testing.T) {
	old := unix.Umask(0)
	t.Cleanup(func() { unix.Umask(old); umaskOnce = sync.Once{} })
	umaskOnce = sync.Once{}

	dir := closedProfile(t)
	loose := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		mode := fs.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		loose++
		return nil
	})
	if loose < 5 {
		t.Fatalf("only %d entries in a profile; the test checks nothing", loose)
	}
	s := mustOpen(t, dir, testPass)
	for i := range 200 {
		if err := s.Update(func(tx *Tx) error { return tx.PutRaw(SeqKey("x", uint64(i)), make([]byte, 8<<10)) }); err != nil {
			t.Fatal(err)
		}
	}
	mustClose(t, s)

	seen := map[string]bool{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		info, err := d.Info()
		if err != nil {
			t.Fatal(err)
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if got := info.Mode().Perm(); got != want {
			rel, _ := filepath.Rel(dir, path)
			t.Errorf("%s is %o, want %o", rel, got, want)
		}
		seen[filepath.Ext(path)] = true
		return nil
	})
	// The check must have covered Badger's own files and ours.
	for _, ext := range []string{".sst", ".vlog", ".log"} {
		if !seen[ext] {
			t.Errorf("no %s file was checked (saw %v)", ext, seen)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "keyfile")); err != nil {
		t.Fatal(err)
	}
}
