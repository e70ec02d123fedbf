package blob

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
)

// small are chunker sizes a sixteenth of the defaults, so that tests of
// many chunks move little data (the race detector makes every byte slow).
var small = Options{Params: papers.ChunkerParams{Min: 16 << 10, Avg: 64 << 10, Max: 256 << 10, Keyed: true}}

// key returns a lineage key made from seed.
func key(seed byte) papers.LineageKey {
	var k papers.LineageKey
	for i := range k {
		k[i] = seed ^ byte(i*7+1)
	}
	return k
}

// noise returns n pseudo-random bytes from seed: incompressible, like the
// compressed streams that make up most of a PDF.
func noise(seed uint64, n int) []byte {
	b := make([]byte, n)
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	r := rand.NewChaCha8(s)
	r.Read(b)
	return b
}

// newStore opens a store in a fresh temporary directory.
func newStore(t testing.TB, opts Options) *Store {
	t.Helper()
	s, err := OpenStore(filepath.Join(t.TempDir(), "papers"), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// put stores data and fails the test on error.
func put(t testing.TB, s *Store, k papers.LineageKey, data []byte) papers.Manifest {
	t.Helper()
	m, err := s.Put(k, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// readAll opens m and reads it sequentially to the end.
func readAll(t testing.TB, s *Store, k papers.LineageKey, m papers.Manifest) ([]byte, error) {
	t.Helper()
	r, err := s.Open(k, m)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out bytes.Buffer
	_, err = out.ReadFrom(r)
	return out.Bytes(), err
}

// files lists the regular files under dir, relative paths.
func files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// code returns the translation key an error carries, or "".
func code(err error) string {
	var e *meetings.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// sha is the SHA-256 of b as a papers.Digest.
func sha(b []byte) papers.Digest { return sha256.Sum256(b) }
