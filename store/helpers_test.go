package store

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ecabinet/ecabinet/codec"
)

// Tests open profiles dozens of times; Argon2id at the real parameters (3
// passes over 64 MiB) costs ~0.3-2 s each, more under -race. Profiles made
// with createCheap wrap their data key with these parameters instead, so
// only the tests that are about the real KDF pay for it.
var (
	testPass    = []byte("mật khẩu thử nghiệm")
	cheapParams = keyfile{Version: 1, Time: 1, MemKiB: 8, Threads: 1}
)

// cheapWrap is wrapKey with cheapParams.
func cheapWrap(t testing.TB, pass, dataKey []byte) keyfile {
	t.Helper()
	return cheapWrapWith(t, pass, dataKey, randBytes(16), randBytes(12))
}

// cheapWrapWith is cheapWrap with a given salt and nonce, for a keyfile
// that is the same bytes in every process.
func cheapWrapWith(t testing.TB, pass, dataKey, salt, nonce []byte) keyfile {
	t.Helper()
	k := cheapParams
	k.Salt, k.Nonce = salt, nonce
	aead, err := newGCM(kek(pass, k))
	if err != nil {
		t.Fatal(err)
	}
	k.Wrapped = aead.Seal(nil, k.Nonce, dataKey, keyfileAAD)
	return k
}

// createCheap makes a profile as Create does (lock, database, schema meta,
// keyfile last), with the data key wrapped under cheapParams.
func createCheap(t testing.TB, dir string, pass []byte) *Store {
	t.Helper()
	dataKey := randBytes(32)
	return createWithKeyfile(t, dir, dataKey, cheapWrap(t, pass, dataKey))
}

// createWithKeyfile makes a profile as Create does, with the given data key
// and keyfile.
func createWithKeyfile(t testing.TB, dir string, dataKey []byte, k keyfile) *Store {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	lock, err := lockProfile(dir)
	if err != nil {
		t.Fatal(err)
	}
	if Exists(dir) {
		unlockProfile(lock)
		t.Fatalf("createCheap: %s already holds a profile", dir)
	}
	s, err := openWithKey(dir, lock, dataKey)
	if err != nil {
		unlockProfile(lock)
		t.Fatal(err)
	}
	if err := s.Update(func(tx *Tx) error { return tx.PutMeta(MetaSchema, uint64(SchemaVersion)) }); err != nil {
		s.Close()
		t.Fatal(err)
	}
	if err := writeKeyfile(dir, k); err != nil {
		s.Close()
		t.Fatal(err)
	}
	return s
}

// closedProfile makes a cheap profile in a new directory and closes it.
func closedProfile(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "profile")
	mustClose(t, createCheap(t, dir, testPass))
	return dir
}

func mustOpen(t testing.TB, dir string, pass []byte) *Store {
	t.Helper()
	s, err := Open(dir, pass)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func mustClose(t testing.TB, s *Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func hwm(t testing.TB, s *Store) uint64 {
	t.Helper()
	var n uint64
	if err := s.View(func(tx *Tx) error { return tx.GetMeta(MetaHWM, &n) }); err != nil && err != ErrNotFound {
		t.Fatal(err)
	}
	return n
}

func has(t testing.TB, s *Store, key []byte) bool {
	t.Helper()
	var ok bool
	if err := s.View(func(tx *Tx) (err error) { ok, err = tx.Has(key); return err }); err != nil {
		t.Fatal(err)
	}
	return ok
}

// payload is the 400-byte record the tests journal under seq.
func payload(seq uint64) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("rec%05d|", seq)), 45)[:400]
}

var (
	keyA = bytes.Repeat([]byte{0xa1}, 32)
	keyB = bytes.Repeat([]byte{0xb2}, 32)
)

// writeJournal creates a journal at path under key with records 1..n.
func writeJournal(t testing.TB, path string, key []byte, n int) (ends []int64) {
	t.Helper()
	j, _, err := openJournal(path, key)
	if err != nil {
		t.Fatal(err)
	}
	defer j.close()
	for seq := uint64(1); seq <= uint64(n); seq++ {
		if err := j.append(seq, payload(seq)); err != nil {
			t.Fatal(err)
		}
	}
	return append([]int64(nil), j.offsets...)
}

func mustOpenJournal(t testing.TB, path string, key []byte) (*journal, JournalReport) {
	t.Helper()
	j, rep, err := openJournal(path, key)
	if err != nil {
		t.Fatalf("openJournal: %v", err)
	}
	t.Cleanup(func() { j.close() })
	return j, rep
}

// checkRecords asserts that after(0) returns exactly the sequences want,
// each with payload(seq) unless data overrides it.
func checkRecords(t testing.TB, j *journal, want []uint64, data map[uint64][]byte) {
	t.Helper()
	recs, err := j.after(0)
	if err != nil {
		t.Fatalf("after(0): %v", err)
	}
	var got []uint64
	for _, r := range recs {
		got = append(got, r.Seq)
		w := payload(r.Seq)
		if d, ok := data[r.Seq]; ok {
			w = d
		}
		if !bytes.Equal(r.Data, w) {
			t.Fatalf("record %d holds %q, want %q", r.Seq, r.Data, w)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("journal sequences = %v, want %v", got, want)
	}
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func codecUnmarshal(b []byte, v any) error { return codec.Unmarshal(b, v) }
