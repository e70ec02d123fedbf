package blob

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ecabinet/ecabinet/papers"
)

// TestBatch: chunks taken in through a batch are checked like PutChunk's
// (a mangled one is refused and not written), count only once Flush has
// made them durable, and read back after it. Concurrent PutChunk calls are
// what the downloader makes.
func TestBatch(t *testing.T) {
	src, dst := newStore(t, Options{}), newStore(t, Options{})
	k := key(1)
	data := noise(3, 3<<20)
	m := put(t, src, k, data)
	b := dst.NewBatch()
	var wg sync.WaitGroup
	for i, c := range m.Chunks {
		ct, err := src.Chunks().Get(context.Background(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			bad := bytes.Clone(ct)
			bad[len(bad)-1] ^= 1
			if err := b.PutChunk(k, c.ID, bad); code(err) != ErrChunkCorrupt.Code {
				t.Fatalf("a mangled chunk: %v", err)
			}
			if b.Pending() != 0 {
				t.Fatal("a refused chunk was written")
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := b.PutChunk(k, c.ID, ct); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if miss, err := dst.Missing(m); err != nil || len(miss) != len(m.Chunks) {
		t.Fatalf("before Flush %d of %d chunks are missing (%v); want all", len(miss), len(m.Chunks), err)
	}
	n, size, err := b.Flush()
	if err != nil || n != len(m.Chunks) || size != m.Size+int64(n)*Overhead {
		t.Fatalf("Flush: %d chunks, %d bytes, %v; want %d, %d", n, size, err, len(m.Chunks), m.Size+int64(len(m.Chunks))*Overhead)
	}
	if miss, err := dst.Missing(m); err != nil || len(miss) != 0 {
		t.Fatalf("missing after the batch: %d, %v", len(miss), err)
	}
	if n, _, err := b.Flush(); n != 0 || err != nil {
		t.Fatalf("a second Flush committed %d, %v", n, err)
	}
	got, err := readAll(t, dst, k, m)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back: %v", err)
	}
}

// TestBatch_GivenNoFlush_ThenNothingCountsAndTheTempFilesGo: a process that
// stops between PutChunk and Flush (a kill) leaves only temp files, which
// count for nothing and are removed when the store opens again.
func TestBatch_GivenNoFlush_ThenNothingCountsAndTheTempFilesGo(t *testing.T) {
	src := newStore(t, Options{})
	root := filepath.Join(t.TempDir(), "papers")
	dst, err := OpenStore(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	k := key(2)
	m := put(t, src, k, noise(4, 2<<20))
	b := dst.NewBatch()
	for _, c := range m.Chunks {
		ct, _ := src.Chunks().Get(context.Background(), c.ID)
		if err := b.PutChunk(k, c.ID, ct); err != nil {
			t.Fatal(err)
		}
	}
	tmp, _ := os.ReadDir(filepath.Join(root, "tmp"))
	if len(tmp) != len(m.Chunks) {
		t.Fatalf("%d temp files for %d chunks", len(tmp), len(m.Chunks))
	}
	again, err := OpenStore(root, Options{}) // as after a kill: the batch is never flushed
	if err != nil {
		t.Fatal(err)
	}
	if miss, _ := again.Missing(m); len(miss) != len(m.Chunks) {
		t.Fatalf("%d of %d chunks count without a Flush", len(m.Chunks)-len(miss), len(m.Chunks))
	}
	if tmp, _ := os.ReadDir(filepath.Join(root, "tmp")); len(tmp) != 0 {
		t.Fatalf("%d temp files left after reopening", len(tmp))
	}
}

// TestBatch_GivenAChunkSealedUnderTheWrongName_ThenAcceptedButEveryReadRefusesIt
// pins down what the batch leaves to reads: a chunk sealed by a holder of
// the lineage key as chunk X with content whose keyed hash is not X passes
// the AEAD check and is committed, but reading it fails as corrupt and
// moves it aside, so it counts as missing again. Nobody without the key
// (the hub, another paper's members) can make such a chunk: that is
// TestBatch's mangled chunk and FuzzBatchPutChunk.
func TestBatch_GivenAChunkSealedUnderTheWrongName_ThenAcceptedButEveryReadRefusesIt(t *testing.T) {
	s := newStore(t, Options{})
	k := key(3)
	l, _ := newLineage(k)
	plain, other := noise(5, 4000), noise(6, 4000)
	id := l.chunkID(plain)
	forged := l.seal(nil, id, other) // a key holder's chunk X with other content
	b := s.NewBatch()
	if err := b.PutChunk(k, id, forged); err != nil {
		t.Fatalf("the AEAD check refused a chunk sealed under the key: %v", err)
	}
	if n, _, err := b.Flush(); n != 1 || err != nil {
		t.Fatalf("Flush: %d, %v", n, err)
	}
	m := papers.Manifest{Chunker: papers.ChunkerFastCDC, Params: papers.DefaultChunkerParams,
		Chunks: []papers.ChunkRef{{ID: id, Len: len(plain)}}, Size: int64(len(plain)), SHA256: sha(plain)}
	if _, err := readAll(t, s, k, m); code(err) != ErrChunkCorrupt.Code {
		t.Fatalf("reading the forged chunk: %v, want corrupt", err)
	}
	if miss, _ := s.Missing(m); len(miss) != 1 {
		t.Fatalf("after the failed read %d chunks are missing, want the forged one", len(miss))
	}
}
