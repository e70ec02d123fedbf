package blob

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ecabinet/ecabinet/papers"
)

// stored returns a store holding a 1 MiB paper in small chunks, its key,
// manifest and bytes.
func stored(t *testing.T) (*Store, papers.LineageKey, papers.Manifest, []byte) {
	t.Helper()
	s := newStore(t, small)
	k := key(9)
	data := noise(9, 1<<20)
	return s, k, put(t, s, k, data), data
}

// wantCorrupt checks that err is ErrChunkCorrupt naming id.
func wantCorrupt(t *testing.T, err error, id papers.ChunkID) {
	t.Helper()
	var ce *ChunkError
	if !errors.Is(err, ErrChunkCorrupt) || !errors.As(err, &ce) || ce.ID != id || code(err) != "err.paper.chunk_corrupt" {
		t.Fatalf("error %v, want ErrChunkCorrupt for chunk %s", err, id)
	}
}

// refetch simulates the downloader: the chunk comes again from a second
// store holding the same paper (as the hub would serve it) and goes through
// PutChunk.
func refetch(t *testing.T, s *Store, k papers.LineageKey, data []byte, miss []papers.ChunkRef) {
	t.Helper()
	hub := newStore(t, small)
	put(t, hub, k, data)
	for _, c := range miss {
		ct, err := hub.Chunks().Get(t.Context(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.PutChunk(k, c.ID, ct); err != nil {
			t.Fatal(err)
		}
	}
}

// Tampering: one flipped byte anywhere in a chunk file (format byte, nonce,
// body, tag) fails the read with an error naming the chunk; the chunk is
// dropped, reported missing, and fetched again.
func TestTamper_GivenAFlippedByte_ThenReadFailsNamingTheChunkAndItCanBeRefetched(t *testing.T) {
	for _, at := range []int{0, 5, Overhead + 1000, -1} {
		// the format byte, the nonce, the body, the tag
		s, k, m, data := stored(t)
		victim := m.Chunks[1]
		p := s.dir.path(victim.ID)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		i := at
		if i < 0 {
			i = len(b) - 1
		}
		b[i] ^= 0x20
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err = readAll(t, s, k, m)
		wantCorrupt(t, err, victim.ID)
		if _, err := os.Stat(filepath.Join(s.dir.Root(), "quarantine", victim.ID.String())); err != nil {
			t.Fatalf("byte %d: the bad chunk is not in quarantine: %v", i, err)
		}
		miss, err := s.Missing(m)
		if err != nil || len(miss) != 1 || miss[0] != victim {
			t.Fatalf("byte %d: Missing = %v, %v", i, miss, err)
		}
		refetch(t, s, k, data, miss)
		if got, err := readAll(t, s, k, m); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("byte %d: after refetch: %v", i, err)
		}
		if n, _, err := s.Sweep([]papers.Manifest{m}); n != 1 || err != nil {
			t.Fatalf("byte %d: Sweep removed %d, %v; want the quarantined chunk", i, n, err)
		}
	}
}

// A chunk file put under another chunk's name does not open: the name is
// bound in the associated data and recomputed from the plaintext.
func TestTamper_GivenSwappedChunkFiles_ThenCorrupt(t *testing.T) {
	s, k, m, _ := stored(t)
	a, b := m.Chunks[0].ID, m.Chunks[1].ID
	ca, _ := os.ReadFile(s.dir.path(a))
	if err := os.WriteFile(s.dir.path(b), ca, 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := s.Open(k, m)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.ReadAt(make([]byte, 10), m.Offsets()[1])
	wantCorrupt(t, err, b)
}

// A whole-file hash that does not match fails the read that completes it
// (and Verify), though every chunk opens.
func TestReader_GivenAWrongWholeFileHash_ThenContentMismatch(t *testing.T) {
	s, k, m, _ := stored(t)
	m.SHA256[0] ^= 1
	if _, err := readAll(t, s, k, m); !errors.Is(err, ErrContentMismatch) || code(err) != "err.paper.content_mismatch" {
		t.Fatalf("read = %v", err)
	}
	r, _ := s.Open(k, m)
	if err := r.Verify(); !errors.Is(err, ErrContentMismatch) || r.Verified() {
		t.Fatalf("Verify = %v", err)
	}
}

// Crash safety: a temp file left by a kill and a truncated chunk file do not
// count; the temp file is removed at open, the truncated chunk is reported
// missing, fails a read as corrupt, and is fetched again.
func TestCrash_GivenALeftoverTempFileAndATruncatedChunk_ThenNeitherCounts(t *testing.T) {
	s, k, m, data := stored(t)
	root := s.dir.Root()
	leftover := filepath.Join(root, "tmp", "chunk-123456")
	if err := os.WriteFile(leftover, data[:1000], 0o600); err != nil {
		t.Fatal(err)
	}
	victim := m.Chunks[2]
	if err := os.Truncate(s.dir.path(victim.ID), 1000); err != nil {
		t.Fatal(err)
	}
	s2, err := OpenStore(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("leftover temp file still there: %v", err)
	}
	miss, err := s2.Missing(m)
	if err != nil || len(miss) != 1 || miss[0] != victim {
		t.Fatalf("Missing = %v, %v", miss, err)
	}
	if u, _ := s2.Usage(m); u.Complete() || u.Present != len(papers.IDs(m))-1 {
		t.Fatalf("Usage = %+v", u)
	}
	r, _ := s2.Open(k, m)
	_, err = r.ReadAt(make([]byte, 1), m.Offsets()[2])
	wantCorrupt(t, err, victim.ID)
	refetch(t, s2, k, data, miss)
	if got, err := readAll(t, s2, k, m); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("after refetch: %v", err)
	}
	if u, _ := s2.Usage(m); !u.Complete() {
		t.Fatalf("Usage after refetch = %+v", u)
	}
}

func TestPutChunk_GivenBadCiphertext_ThenRefusedAndNothingWritten(t *testing.T) {
	src, k, m, _ := stored(t)
	id := m.Chunks[0].ID
	ct, err := src.Chunks().Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(ct)
	flipped[len(flipped)/2] ^= 1
	tests := []struct {
		name string
		key  papers.LineageKey
		id   papers.ChunkID
		ct   []byte
	}{
		{"given a flipped byte", k, id, flipped},
		{"given another lineage's key", key(10), id, ct},
		{"given another chunk's name", k, m.Chunks[1].ID, ct},
		{"given a truncated chunk", k, id, ct[:len(ct)-1]},
		{"given nothing", k, id, nil},
		{"given an unknown format", k, id, append([]byte{2}, ct[1:]...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t, small)
			wantCorrupt(t, s.PutChunk(tt.key, tt.id, tt.ct), tt.id)
			if f := files(t, s.dir.Root()); len(f) != 0 {
				t.Fatalf("files written: %v", f)
			}
		})
	}
	s := newStore(t, small)
	if err := s.PutChunk(k, id, ct); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Has(id); !ok || err != nil {
		t.Fatalf("Has after PutChunk = %v, %v", ok, err)
	}
	if err := s.PutChunk(papers.LineageKey{}, id, ct); err == nil {
		t.Fatal("the zero key was accepted")
	}
}

func TestUsageRemoveSweep(t *testing.T) {
	s := newStore(t, small)
	k := key(11)
	v1 := noise(11, 1<<20)
	m1 := put(t, s, k, v1)
	m2 := put(t, s, k, append(bytes.Clone(v1), noise(12, 128<<10)...))
	other := put(t, s, key(12), noise(13, 300<<10))
	shared := papers.Shared(m1, m2)
	if shared < len(m1.Chunks)-2 {
		t.Fatalf("only %d shared chunks", shared)
	}
	u, err := s.Usage(m1, m2)
	if err != nil || !u.Complete() || u.Chunks != len(papers.IDs(m1, m2)) || u.Bytes != u.Size {
		t.Fatalf("Usage = %+v, %v", u, err)
	}
	// Dropping version 1 while keeping version 2 frees only what version 2
	// does not use.
	freed, err := s.Remove([]papers.Manifest{m1}, []papers.Manifest{m2})
	if err != nil {
		t.Fatal(err)
	}
	var want int64
	for _, c := range m1.Chunks[:] {
		if papers.Shared(papers.Manifest{Chunks: []papers.ChunkRef{c}}, m2) == 0 {
			want += int64(c.Len) + Overhead
		}
	}
	if freed != want {
		t.Fatalf("freed %d, want %d", freed, want)
	}
	if miss, _ := s.Missing(m2); len(miss) != 0 {
		t.Fatalf("version 2 lost chunks: %v", miss)
	}
	// Sweeping with only the other paper live frees the rest.
	n, _, err := s.Sweep([]papers.Manifest{other})
	if err != nil || n != len(papers.IDs(m2)) {
		t.Fatalf("Sweep removed %d, %v; want %d", n, err, len(papers.IDs(m2)))
	}
	if u, _ := s.Usage(m2); u.Present != 0 || u.Bytes != 0 {
		t.Fatalf("after sweep: %+v", u)
	}
	if _, err := readAll(t, s, key(12), other); err != nil {
		t.Fatalf("the live paper: %v", err)
	}
	_, err = readAll(t, s, k, m2)
	if !errors.Is(err, ErrChunkMissing) || code(err) != "err.paper.chunk_missing" {
		t.Fatalf("reading a freed paper: %v", err)
	}
}

func TestDir_GivenTheHubsView_ThenPutGetHasDelete(t *testing.T) {
	ctx := t.Context()
	src, _, m, _ := stored(t)
	d, err := OpenDir(filepath.Join(t.TempDir(), "hub"))
	if err != nil {
		t.Fatal(err)
	}
	var cs ChunkStore = d
	id := m.Chunks[0].ID
	if ok, err := cs.Has(ctx, id); ok || err != nil {
		t.Fatalf("Has before Put = %v, %v", ok, err)
	}
	if _, err := cs.Get(ctx, id); !errors.Is(err, ErrChunkMissing) {
		t.Fatalf("Get before Put = %v", err)
	}
	ct, _ := src.Chunks().Get(ctx, id)
	if err := cs.Put(ctx, id, ct); err != nil {
		t.Fatal(err)
	}
	got, err := cs.Get(ctx, id)
	if err != nil || !bytes.Equal(got, ct) {
		t.Fatalf("Get = %d bytes, %v", len(got), err)
	}
	if err := cs.Put(ctx, id, []byte("not a chunk")); !errors.Is(err, ErrChunkCorrupt) {
		t.Fatalf("Put of garbage = %v", err)
	}
	if err := cs.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := cs.Delete(ctx, id); err != nil {
		t.Fatalf("second Delete = %v", err)
	}
	if ok, _ := cs.Has(ctx, id); ok {
		t.Fatal("Has after Delete")
	}
	// A planted file larger than any chunk is not read into memory.
	if err := os.MkdirAll(filepath.Dir(d.path(id)), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.path(id), make([]byte, MaxCiphertext+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Get(ctx, id); !errors.Is(err, ErrChunkCorrupt) {
		t.Fatalf("Get of an oversized file = %v", err)
	}
}

// A reader given the wrong key (a mistake in the caller) fails as corrupt
// but deletes nothing: the chunk waits in quarantine.
func TestReader_GivenTheWrongKey_ThenCorruptAndTheChunkKept(t *testing.T) {
	s, _, m, _ := stored(t)
	_, err := readAll(t, s, key(99), m)
	wantCorrupt(t, err, m.Chunks[0].ID)
	if _, err := os.Stat(filepath.Join(s.dir.Root(), "quarantine", m.Chunks[0].ID.String())); err != nil {
		t.Fatalf("not kept: %v", err)
	}
}

// A manifest that gives a sound chunk the wrong length is the manifest's
// fault: the read fails with ErrContentMismatch and the chunk stays.
func TestReader_GivenAWrongLengthInTheManifest_ThenMismatchAndTheChunkStays(t *testing.T) {
	s, k, m, _ := stored(t)
	m.Chunks[0].Len++
	m.Chunks[1].Len--
	_, err := readAll(t, s, k, m)
	var ce *ChunkError
	if !errors.Is(err, ErrContentMismatch) || !errors.As(err, &ce) || ce.ID != m.Chunks[0].ID {
		t.Fatalf("read = %v", err)
	}
	if ok, _ := s.Has(m.Chunks[0].ID); !ok {
		t.Fatal("a sound chunk was moved away")
	}
}
