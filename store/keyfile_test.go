package store

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"
)

// openRefused asserts that Open fails with one of want, and that it never
// asked Argon2id for more than the bounds allow (what keeps a damaged
// keyfile from making Open run for hours; no clock is asked).
func openRefused(t *testing.T, dir string, pass []byte, want ...error) error {
	t.Helper()
	var mu sync.Mutex
	var asked []keyfile
	derive := kek
	kek = func(pass []byte, k keyfile) []byte {
		mu.Lock()
		asked = append(asked, k)
		mu.Unlock()
		if k.Time > maxKdfTime || k.MemKiB > maxKdfMemKiB || k.Threads > maxKdfThreads {
			return make([]byte, 32) // do not run it: the check below fails the test
		}
		return derive(pass, k)
	}
	defer func() { kek = derive }()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, k := range asked {
			if k.Time > maxKdfTime || k.MemKiB > maxKdfMemKiB || k.Threads > maxKdfThreads {
				t.Errorf("Open ran Argon2id with time %d, %d KiB, %d threads: beyond the bounds, the keyfile's parameters were trusted", k.Time, k.MemKiB, k.Threads)
			}
		}
	}()
	type result struct {
		s   *Store
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := Open(dir, pass)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		if r.err == nil {
			r.s.Close()
			t.Fatalf("Open succeeded, want one of %v", want)
		}
		for _, w := range want {
			if errors.Is(r.err, w) {
				return r.err
			}
		}
		t.Fatalf("Open = %v, want one of %v", r.err, want)
	case <-time.After(waitFor(t)):
		t.Fatalf("Open still running: it hangs")
	}
	return nil
}

// waitFor is how long to wait for something that must end: until shortly
// before the test's deadline. Not a speed limit (a loaded machine may be
// slow); a hang still fails with a message.
func waitFor(t *testing.T) time.Duration {
	if d, ok := t.Deadline(); ok {
		return max(time.Minute, time.Until(d)-30*time.Second)
	}
	return 10 * time.Minute
}

func TestKeyfile_GivenAnyByteFlipped_ThenRefusedNeverOpened(t *testing.T) {
	dir := closedProfile(t)
	path := filepath.Join(dir, "keyfile")
	orig := readFile(t, path)
	for i := range orig {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			b := append([]byte(nil), orig...)
			b[i] ^= mask
			writeFile(t, path, b)
			openRefused(t, dir, testPass, ErrWrongPassphrase, ErrCorruptKeyfile)
		}
	}
	writeFile(t, path, orig)
	mustClose(t, mustOpen(t, dir, testPass))
}

func TestKeyfile_GivenTruncated_ThenCorrupt(t *testing.T) {
	dir := closedProfile(t)
	path := filepath.Join(dir, "keyfile")
	orig := readFile(t, path)
	for n := 0; n < len(orig); n++ {
		writeFile(t, path, orig[:n])
		if err := openRefused(t, dir, testPass, ErrCorruptKeyfile); !errors.Is(err, ErrCorruptKeyfile) {
			t.Fatalf("keyfile cut to %d of %d bytes: Open = %v, want ErrCorruptKeyfile", n, len(orig), err)
		}
	}
	writeFile(t, path, append(append([]byte(nil), orig...), 0))
	openRefused(t, dir, testPass, ErrCorruptKeyfile)
}

func TestKeyfile_GivenImplausibleFields_ThenCorruptWithoutRunningTheKDF(t *testing.T) {
	// A damaged or hostile keyfile must not make Open allocate terabytes or
	// run Argon2id for hours: the real keyfile's MemKiB is encoded as
	// 1a 00 01 00 00, and flipping its second byte asks for 4 TiB.
	dir := closedProfile(t)
	good, err := readKeyfile(dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(k *keyfile)
	}{
		{"given 2^32-1 passes then corrupt", func(k *keyfile) { k.Time = math.MaxUint32 }},
		{"given a flipped MemKiB byte asking for 4 TiB then corrupt", func(k *keyfile) { k.MemKiB = 0xff010000 }},
		{"given 2^32-1 KiB then corrupt", func(k *keyfile) { k.MemKiB = math.MaxUint32 }},
		{"given 1000 passes then corrupt", func(k *keyfile) { k.Time = 1000 }},
		{"given 255 threads then corrupt", func(k *keyfile) { k.Threads = 255 }},
		{"given version 2 then corrupt", func(k *keyfile) { k.Version = 2 }},
		{"given version 0 then corrupt", func(k *keyfile) { k.Version = 0 }},
		{"given 0 passes then corrupt", func(k *keyfile) { k.Time = 0 }},
		{"given 7 KiB then corrupt", func(k *keyfile) { k.MemKiB = 7 }},
		{"given 0 threads then corrupt", func(k *keyfile) { k.Threads = 0 }},
		{"given a 15-byte salt then corrupt", func(k *keyfile) { k.Salt = k.Salt[:15] }},
		{"given an 11-byte nonce then corrupt", func(k *keyfile) { k.Nonce = k.Nonce[:11] }},
		{"given a 13-byte nonce then corrupt", func(k *keyfile) { k.Nonce = append(k.Nonce, 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := good
			k.Salt = append([]byte(nil), good.Salt...)
			k.Nonce = append([]byte(nil), good.Nonce...)
			tt.change(&k)
			if err := writeKeyfile(dir, k); err != nil {
				t.Fatal(err)
			}
			openRefused(t, dir, testPass, ErrCorruptKeyfile)
		})
	}
}

func TestKeyfile_GivenAWrappedKeyOfAnotherLength_ThenCorrupt(t *testing.T) {
	// Authentic (sealed under the right passphrase) but not a 32-byte key.
	dir := closedProfile(t)
	for _, n := range []int{0, 16, 31, 33, 64} {
		if err := writeKeyfile(dir, cheapWrap(t, testPass, make([]byte, n))); err != nil {
			t.Fatal(err)
		}
		if err := openRefused(t, dir, testPass, ErrCorruptKeyfile); err == nil {
			t.Fatalf("%d-byte data key accepted", n)
		}
	}
}

func TestChangePassphrase_GivenOldAndNew_ThenRewrapsOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profile")
	s := createCheap(t, dir, testPass)
	if err := s.CommitJournaled(1, payload(1), func(tx *Tx) error { return tx.Put(Key("k"), "giá trị") }); err != nil {
		t.Fatal(err)
	}
	before, err := readKeyfile(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePassphrase([]byte("not the old one"), []byte("a new passphrase")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("ChangePassphrase with a wrong old passphrase = %v, want ErrWrongPassphrase", err)
	}
	if err := s.ChangePassphrase(testPass, []byte("1234567")); !errors.Is(err, ErrWeakPassphrase) {
		t.Fatalf("ChangePassphrase to 7 bytes = %v, want ErrWeakPassphrase", err)
	}
	if after, _ := readKeyfile(dir); !reflect.DeepEqual(after, before) {
		t.Fatal("a refused ChangePassphrase changed the keyfile")
	}
	newPass := []byte("12345678") // exactly MinPassphraseLen
	if err := s.ChangePassphrase(testPass, newPass); err != nil {
		t.Fatalf("ChangePassphrase: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "keyfile.tmp")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("keyfile.tmp left behind: %v", err)
	}
	// the store in use is unaffected
	if !has(t, s, Key("k")) {
		t.Fatal("open store lost data after ChangePassphrase")
	}
	mustClose(t, s)

	after, err := readKeyfile(dir)
	if err != nil {
		t.Fatal(err)
	}
	if after.Time != kdfTime || after.MemKiB != kdfMemKiB || reflect.DeepEqual(after.Salt, before.Salt) {
		t.Fatalf("new keyfile %+v: want the real KDF parameters and a fresh salt", after)
	}
	openRefused(t, dir, testPass, ErrWrongPassphrase)
	s = mustOpen(t, dir, newPass)
	defer mustClose(t, s)
	var got string
	if err := s.View(func(tx *Tx) error { return tx.Get(Key("k"), &got) }); err != nil || got != "giá trị" {
		t.Fatalf("data after re-wrap = %q, %v", got, err)
	}
	checkRecords(t, s.journal, []uint64{1}, nil)
}
