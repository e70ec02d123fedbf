package blob

import (
	"bytes"
	"context"
	"testing"
)

// TestBatch: chunks taken in through a batch are checked like PutChunk's
// (a mangled one is refused and not written), are whole on disk as soon as
// PutChunk returns, and read back after Flush.
func TestBatch(t *testing.T) {
	src, dst := newStore(t, Options{}), newStore(t, Options{})
	k := key(1)
	data := noise(3, 3<<20)
	m := put(t, src, k, data)
	b := dst.NewBatch()
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
			if ok, _ := dst.Has(c.ID); ok {
				t.Fatal("a refused chunk was written")
			}
		}
		if err := b.PutChunk(k, c.ID, ct); err != nil {
			t.Fatal(err)
		}
	}
	if miss, err := dst.Missing(m); err != nil || len(miss) != 0 {
		t.Fatalf("missing after the batch: %d, %v", len(miss), err)
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, dst, k, m)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back: %v", err)
	}
}
