// Package chunkstoretest is the contract every blob.ChunkStore keeps, as
// tests each implementation runs against its real backing (a directory, a
// real S3 server): put, get, has and delete of real encrypted chunks;
// storing again; refusing what is not a chunk; a missing chunk is
// blob.ErrChunkMissing naming it; damaged stored bytes are
// blob.ErrChunkCorrupt, never returned as sound.
package chunkstoretest

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store/blob"
)

// Harness opens the implementation under test.
type Harness struct {
	// Open returns a new, empty store.
	Open func(t *testing.T) blob.ChunkStore
	// Damage changes chunk id's stored bytes behind the store's back, in
	// the way the store promises to detect on Get without a key (Dir: a
	// file cut short; S3: a changed byte its recorded hash catches).
	Damage func(t *testing.T, s blob.ChunkStore, id papers.ChunkID)
}

// Run runs the contract.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(t *testing.T, h Harness, s blob.ChunkStore)
	}{
		{"PutGetHas", putGetHas},
		{"MissingChunkIsErrChunkMissing", missing},
		{"PutAgainReplaces", putAgain},
		{"ConcurrentPutsOfOneChunk", concurrentPuts},
		{"NotAChunkIsRefused", notAChunk},
		{"DamagedChunkIsErrChunkCorrupt", damaged},
		{"Delete", deleteChunk},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, h, h.Open(t)) })
	}
}

// Chunk is a real chunk: its ID and ciphertext.
type Chunk struct {
	ID papers.ChunkID
	CT []byte
}

// Chunks cuts n pseudo-random bytes from seed into encrypted chunks under a
// lineage key from seed, with a real blob.Store, and returns them. Two
// calls with the same seeds give the same IDs and different ciphertexts
// (fresh nonces), as two devices uploading the same paper would.
func Chunks(t testing.TB, seed uint64, n int) []Chunk {
	t.Helper()
	s, err := blob.OpenStore(filepath.Join(t.TempDir(), "src"), blob.Options{Params: papers.ChunkerParams{Min: 4 << 10, Avg: 16 << 10, Max: 64 << 10, Keyed: true}})
	if err != nil {
		t.Fatal(err)
	}
	var key papers.LineageKey
	binary.LittleEndian.PutUint64(key[:], seed)
	var rs [32]byte
	binary.LittleEndian.PutUint64(rs[:], seed)
	data := make([]byte, n)
	rand.NewChaCha8(rs).Read(data) //nolint:errcheck // never fails
	m, err := s.Put(key, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var out []Chunk
	for _, ref := range m.Chunks {
		ct, err := s.Chunks().Get(context.Background(), ref.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Chunk{ref.ID, ct})
	}
	if len(out) < 2 {
		t.Fatalf("only %d chunks from %d bytes", len(out), n)
	}
	return out
}

func ctx() context.Context { return context.Background() }

func mustPut(t *testing.T, s blob.ChunkStore, c Chunk) {
	t.Helper()
	if err := s.Put(ctx(), c.ID, c.CT); err != nil {
		t.Fatalf("put %s: %v", c.ID, err)
	}
}

func mustGet(t *testing.T, s blob.ChunkStore, id papers.ChunkID) []byte {
	t.Helper()
	ct, err := s.Get(ctx(), id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return ct
}

func has(t *testing.T, s blob.ChunkStore, id papers.ChunkID) bool {
	t.Helper()
	ok, err := s.Has(ctx(), id)
	if err != nil {
		t.Fatalf("has %s: %v", id, err)
	}
	return ok
}

func putGetHas(t *testing.T, _ Harness, s blob.ChunkStore) {
	cs := Chunks(t, 1, 100<<10)
	for _, c := range cs[1:] {
		mustPut(t, s, c)
	}
	for i, c := range cs {
		if got, want := has(t, s, c.ID), i > 0; got != want {
			t.Errorf("Has(chunk %d) = %v, want %v", i, got, want)
		}
		if i > 0 && !bytes.Equal(mustGet(t, s, c.ID), c.CT) {
			t.Errorf("chunk %d: got other bytes than were put", i)
		}
	}
}

// wantKind checks that err is a *blob.ChunkError of kind about id.
func wantKind(t *testing.T, err error, kind error, id papers.ChunkID) {
	t.Helper()
	var ce *blob.ChunkError
	if !errors.Is(err, kind) || !errors.As(err, &ce) || ce.ID != id {
		t.Errorf("error %v; want %v about chunk %s", err, kind, id)
	}
}

func missing(t *testing.T, _ Harness, s blob.ChunkStore) {
	c := Chunks(t, 2, 40<<10)[0]
	if has(t, s, c.ID) {
		t.Error("an empty store has a chunk")
	}
	_, err := s.Get(ctx(), c.ID)
	wantKind(t, err, blob.ErrChunkMissing, c.ID)
}

func putAgain(t *testing.T, _ Harness, s blob.ChunkStore) {
	first, second := Chunks(t, 3, 40<<10)[0], Chunks(t, 3, 40<<10)[0]
	if first.ID != second.ID || bytes.Equal(first.CT, second.CT) {
		t.Fatal("test setup: want one chunk ID with two ciphertexts")
	}
	mustPut(t, s, first)
	mustPut(t, s, first)
	if !bytes.Equal(mustGet(t, s, first.ID), first.CT) {
		t.Error("after putting the same bytes twice: other bytes")
	}
	mustPut(t, s, second)
	if !bytes.Equal(mustGet(t, s, first.ID), second.CT) {
		t.Error("a second ciphertext under the same ID did not replace the first")
	}
}

func concurrentPuts(t *testing.T, _ Harness, s blob.ChunkStore) {
	a, b := Chunks(t, 4, 40<<10)[0], Chunks(t, 4, 40<<10)[0]
	var wg sync.WaitGroup
	for _, c := range []Chunk{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Put(ctx(), c.ID, c.CT); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got := mustGet(t, s, a.ID)
	if !bytes.Equal(got, a.CT) && !bytes.Equal(got, b.CT) {
		t.Error("after concurrent puts the chunk is neither ciphertext whole")
	}
}

func notAChunk(t *testing.T, _ Harness, s blob.ChunkStore) {
	c := Chunks(t, 5, 40<<10)[0]
	bad := map[string][]byte{
		"empty":          {},
		"too short":      c.CT[:10],
		"unknown format": append([]byte{0xff}, c.CT[1:]...),
		"too long":       make([]byte, blob.MaxCiphertext+1),
	}
	for name, ct := range bad {
		err := s.Put(ctx(), c.ID, ct)
		wantKind(t, err, blob.ErrChunkCorrupt, c.ID)
		if has(t, s, c.ID) {
			t.Errorf("%s: stored anyway", name)
		}
	}
}

func damaged(t *testing.T, h Harness, s blob.ChunkStore) {
	cs := Chunks(t, 6, 40<<10)
	mustPut(t, s, cs[0])
	mustPut(t, s, cs[1])
	h.Damage(t, s, cs[0].ID)
	ct, err := s.Get(ctx(), cs[0].ID)
	wantKind(t, err, blob.ErrChunkCorrupt, cs[0].ID)
	if ct != nil {
		t.Error("damaged bytes returned beside the error")
	}
	if !bytes.Equal(mustGet(t, s, cs[1].ID), cs[1].CT) {
		t.Error("the undamaged chunk changed")
	}
	mustPut(t, s, cs[0]) // a fresh upload repairs it
	if !bytes.Equal(mustGet(t, s, cs[0].ID), cs[0].CT) {
		t.Error("putting the chunk again did not repair it")
	}
}

func deleteChunk(t *testing.T, _ Harness, s blob.ChunkStore) {
	cs := Chunks(t, 7, 40<<10)
	mustPut(t, s, cs[0])
	mustPut(t, s, cs[1])
	for range 2 { // deleting an absent chunk is not an error
		if err := s.Delete(ctx(), cs[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	if has(t, s, cs[0].ID) {
		t.Error("deleted chunk still there")
	}
	_, err := s.Get(ctx(), cs[0].ID)
	wantKind(t, err, blob.ErrChunkMissing, cs[0].ID)
	if !has(t, s, cs[1].ID) {
		t.Error("deleting one chunk removed another")
	}
}
