package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// fill writes n records of about 1 KiB under "rec/<i>", the text of each
// containing marker, some over Badger's value threshold (value log) and
// some under (LSM tree), so that both kinds are backed up.
func fill(t testing.TB, s *Store, from, n int, marker string) {
	t.Helper()
	for i := from; i < from+n; i += 100 {
		err := s.Update(func(tx *Tx) error {
			for j := i; j < min(i+100, from+n); j++ {
				v := []byte(fmt.Sprintf("%s %d ", marker, j))
				if j%10 == 0 {
					v = append(v, bytes.Repeat([]byte("x"), 8<<10)...)
				}
				if err := tx.PutRaw(Key("rec", fmt.Sprintf("%08d", j)), v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func backupOf(t testing.TB, s *Store) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := s.Backup(&b); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	return b.Bytes()
}

func records(t testing.TB, s *Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	if err := s.View(func(tx *Tx) error {
		return tx.Each([]byte("rec/"), func(k, v []byte) error { out[string(k)] = string(v); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBackup_ConsistentWhileWritingAndRestores: a backup taken while
// another goroutine commits is one snapshot: every record committed before
// it started is in it, each batch is in it whole or not at all, and the
// restored profile opens with the same passphrase and holds exactly that.
func TestBackup_ConsistentWhileWritingAndRestores(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "src")
	s := createCheap(t, dir, testPass)
	defer s.Close()
	fill(t, s, 0, 3000, "bản ghi")
	before := records(t, s)

	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // commits batches of 100 while the backup runs
		defer wg.Done()
		for i := 3000; !stop.Load() && i < 100000; i += 100 {
			fill(t, s, i, 100, "bản ghi")
		}
	}()
	b := backupOf(t, s)
	stop.Store(true)
	wg.Wait()

	if bytes.Contains(b, []byte("bản ghi")) || bytes.Contains(b, bytes.Repeat([]byte("x"), 64)) {
		t.Fatal("the backup holds plaintext")
	}
	if err := CheckBackupComplete(bytes.NewReader(b)); err != nil {
		t.Fatalf("CheckBackupComplete: %v", err)
	}
	to := filepath.Join(t.TempDir(), "restored")
	if err := Restore(to, testPass, bytes.NewReader(b)); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	r := mustOpen(t, to, testPass)
	defer r.Close()
	got := records(t, r)
	for k, v := range before {
		if got[k] != v {
			t.Fatalf("record %s committed before the backup: restored %q", k, got[k])
		}
	}
	if len(got)%100 != 0 {
		t.Fatalf("restored %d records: a batch is cut in two", len(got))
	}
	for i := 0; i < len(got); i++ {
		if _, ok := got[string(Key("rec", fmt.Sprintf("%08d", i)))]; !ok {
			t.Fatalf("restored %d records but not record %d: not one snapshot", len(got), i)
		}
	}
	var schema uint64
	if err := r.View(func(tx *Tx) error { return tx.GetMeta(MetaSchema, &schema) }); err != nil || schema != SchemaVersion {
		t.Fatalf("schema %d, %v", schema, err)
	}
}

// TestRestore_Refuses: what cannot be restored is refused with the error
// that says why, and leaves no profile behind.
func TestRestore_Refuses(t *testing.T) {
	s := createCheap(t, filepath.Join(t.TempDir(), "src"), testPass)
	fill(t, s, 0, 500, "nội dung")
	b := backupOf(t, s)
	mustClose(t, s)
	saltAt := len(backupMagic) + 4 + int(binary.BigEndian.Uint32(b[len(backupMagic):]))
	flip := func(i int) []byte {
		c := append([]byte(nil), b...)
		c[i] ^= 0x01
		return c
	}
	cases := []struct {
		name string
		data []byte
		pass []byte
		want error
	}{
		{"wrong passphrase", b, []byte("not the passphrase"), ErrWrongPassphrase},
		{"empty file", nil, testPass, ErrCorruptBackup},
		{"not a backup", []byte("ECJOURN1 something else entirely"), testPass, ErrCorruptBackup},
		{"cut in the middle", b[:len(b)/2], testPass, ErrCorruptBackup},
		{"last frame missing", b[:len(b)-21], testPass, ErrCorruptBackup},
		{"a byte changed in the data", flip(len(b) / 2), testPass, ErrCorruptBackup},
		{"the salt changed", flip(saltAt + 3), testPass, ErrCorruptBackup},
		{"bytes after the end", append(append([]byte(nil), b...), 0), testPass, ErrCorruptBackup},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			to := filepath.Join(t.TempDir(), "restored")
			err := Restore(to, c.pass, bytes.NewReader(c.data))
			if !errors.Is(err, c.want) {
				t.Fatalf("Restore = %v, want %v", err, c.want)
			}
			if Exists(to) {
				t.Fatal("a refused restore left a profile")
			}
			if _, err := os.Stat(filepath.Join(to, "db")); err == nil {
				t.Fatal("a refused restore left a database")
			}
		})
	}
	t.Run("over an existing profile", func(t *testing.T) {
		to := closedProfile(t)
		keyBefore := readFile(t, filepath.Join(to, "keyfile"))
		if err := Restore(to, testPass, bytes.NewReader(b)); !errors.Is(err, ErrProfileExists) {
			t.Fatalf("Restore = %v, want ErrProfileExists", err)
		}
		if !bytes.Equal(readFile(t, filepath.Join(to, "keyfile")), keyBefore) {
			t.Fatal("the existing profile's keyfile changed")
		}
	})
	t.Run("cut copies are told from whole ones without the key", func(t *testing.T) {
		for _, n := range []int{0, 10, len(b) / 3, len(b) - 1} {
			if err := CheckBackupComplete(bytes.NewReader(b[:n])); !errors.Is(err, ErrCorruptBackup) {
				t.Errorf("first %d bytes: %v, want ErrCorruptBackup", n, err)
			}
		}
	})
}

// FuzzRestore: no input makes Restore or CheckBackupComplete panic, and
// only the backup itself restores; everything else leaves no profile.
func FuzzRestore(f *testing.F) {
	// Fixed keys, so that every fuzz worker's seed is the same backup.
	k := cheapWrapWith(f, testPass, keyA, bytes.Repeat([]byte{1}, 16), bytes.Repeat([]byte{2}, 12))
	s := createWithKeyfile(f, filepath.Join(fuzzDir(f), "src"), keyA, k)
	fill(f, s, 0, 20, "fuzz")
	var buf bytes.Buffer
	if err := s.Backup(&buf); err != nil {
		f.Fatal(err)
	}
	mustClose(f, s)
	orig := buf.Bytes()
	f.Add(orig)
	f.Add(orig[:len(orig)-1])
	f.Add(orig[:40])
	f.Add([]byte("ECBACKU1\x00\x00\x00\x01\xa0"))
	f.Add([]byte{})
	root := fuzzDir(f)
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, data []byte) {
		complete := CheckBackupComplete(bytes.NewReader(data)) == nil
		to := filepath.Join(root, fmt.Sprint(n.Add(1)))
		defer os.RemoveAll(to)
		err := Restore(to, testPass, bytes.NewReader(data))
		if err == nil {
			if !complete {
				t.Fatal("restored from a backup CheckBackupComplete calls incomplete")
			}
			return
		}
		if Exists(to) {
			t.Fatalf("a refused restore (%v) left a profile", err)
		}
	})
}
