package store

import (
	"os"
	"path/filepath"
	"testing"
)

// A process killed between creating a write-ahead or value log file and
// sizing it leaves an empty file; Badger refuses to open a directory that
// holds one ("Create a new file"). The profile must open anyway, with
// everything committed before.
func TestOpen_GivenEmptyLogFileLeftByAKill_ThenProfileOpens(t *testing.T) {
	for _, name := range []string{"00042.mem", "000042.vlog"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "profile")
			s := createCheap(t, dir, testPass)
			if err := s.Update(func(tx *Tx) error { return tx.Put(SeqKey("op", 1), uint64(1)) }); err != nil {
				t.Fatal(err)
			}
			mustClose(t, s)
			empty := filepath.Join(dir, "db", name)
			if err := os.WriteFile(empty, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			s = mustOpen(t, dir, testPass)
			defer mustClose(t, s)
			if !has(t, s, SeqKey("op", 1)) {
				t.Fatal("a record committed before the kill is gone")
			}
			if err := s.Update(func(tx *Tx) error { return tx.Put(SeqKey("op", 2), uint64(2)) }); err != nil {
				t.Fatalf("write after reopening: %v", err)
			}
		})
	}
}
