package blob

import (
	"bytes"
	"testing"
)

// TestBatch_GivenAChunkInAChunkBuffer_ThenItGoesStraightToTheDisk: what
// makes the download fast on a VM, where filling fresh page-cache pages is
// the costliest step: a chunk fetched into a ChunkBuffer is written with
// direct I/O, all but its tail (under a block), which goes through the
// page cache; a chunk in an unaligned buffer takes the page cache whole.
// Both read back intact after Flush. On a file system without direct I/O
// the Dir notes it and every chunk takes the page cache.
func TestBatch_GivenAChunkInAChunkBuffer_ThenItGoesStraightToTheDisk(t *testing.T) {
	src, dst := newStore(t, Options{}), newStore(t, Options{})
	k := key(5)
	m := put(t, src, k, noise(5, 3<<20))
	b := dst.NewBatch()
	var wantDirect int64
	for i, c := range m.Chunks {
		ct, err := src.Chunks().Get(t.Context(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var buf []byte
		if i%2 == 0 {
			buf = ChunkBuffer(len(ct))
			wantDirect += int64(len(ct) &^ (dioAlign - 1))
		} else {
			raw := make([]byte, len(ct)+dioAlign+1)
			buf = raw[1:][:len(ct)] // never aligned: raw's start is, or the next byte is not
			if aligned(buf) {
				buf = raw[2:][:len(ct)]
			}
		}
		if !aligned(buf) != (i%2 == 1) {
			t.Fatalf("chunk %d: buffer alignment %v", i, aligned(buf))
		}
		copy(buf, ct)
		if err := b.PutChunk(k, c.ID, buf); err != nil {
			t.Fatal(err)
		}
	}
	if n, _, err := b.Flush(); err != nil || n != len(m.Chunks) {
		t.Fatalf("Flush: %d, %v", n, err)
	}
	got := dst.dir.directBytes.Load()
	if dst.dir.noDirect.Load() {
		if got != 0 {
			t.Fatalf("no direct I/O here, yet %d bytes written direct", got)
		}
		t.Log("this file system refuses direct I/O: every chunk went through the page cache")
	} else if got != wantDirect || wantDirect == 0 {
		t.Fatalf("%d bytes written direct, want %d (the aligned chunks but their tails)", got, wantDirect)
	}
	for _, c := range m.Chunks {
		a, _ := src.Chunks().Get(t.Context(), c.ID)
		b, err := dst.Chunks().Get(t.Context(), c.ID)
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("chunk %s read back: %v, equal %v", c.ID, err, bytes.Equal(a, b))
		}
	}
	if data, err := readAll(t, dst, k, m); err != nil || !bytes.Equal(data, noise(5, 3<<20)) {
		t.Fatalf("the paper read back: %v", err)
	}
}

// TestChunkBuffer: any length, aligned, with room for the length asked.
func TestChunkBuffer(t *testing.T) {
	for _, n := range []int{0, 1, 4095, 4096, 4097, 1 << 20, 4<<20 + Overhead} {
		b := ChunkBuffer(n)
		if len(b) != n || (n > 0 && !aligned(b)) {
			t.Errorf("ChunkBuffer(%d): len %d, aligned %v", n, len(b), aligned(b))
		}
	}
}
