package blob

import (
	"bytes"
	"testing"

	"github.com/ecabinet/ecabinet/papers"
)

// FuzzOpenChunk feeds arbitrary ciphertext, under a real chunk's name or a
// mangled one, to the decryption every read and download goes through (both
// forms: into a new buffer, and in place as the Reader does): it never
// panics, and it accepts only the genuine chunk, returning its plaintext.
func FuzzOpenChunk(f *testing.F) {
	l, err := newLineage(key(30))
	if err != nil {
		f.Fatal(err)
	}
	plain := noise(30, 3000)
	id := l.chunkID(plain)
	good := l.sealNonce(nil, id, plain, [24]byte{1, 2, 3}) // the same bytes in every fuzz worker
	f.Add(good, false)
	f.Add(good[:Overhead], false)
	f.Add([]byte{formatV1}, true)
	f.Add(append(bytes.Clone(good), 0), false)
	f.Add([]byte{}, false)
	f.Fuzz(func(t *testing.T, ct []byte, otherName bool) {
		name := id
		if otherName {
			name[0] ^= 1
		}
		got, err := l.open(nil, name, ct)
		inPlace, ierr := l.openInPlace(name, bytes.Clone(ct)) // what the Reader uses
		if (err == nil) != (ierr == nil) || !bytes.Equal(got, inPlace) {
			t.Fatalf("open and openInPlace disagree: %v / %v", err, ierr)
		}
		genuine := !otherName && bytes.Equal(ct, good)
		switch {
		case genuine && (err != nil || !bytes.Equal(got, plain)):
			t.Fatalf("the genuine chunk: %v", err)
		case !genuine && err == nil:
			t.Fatalf("accepted %d forged bytes as chunk %s", len(ct), name)
		}
	})
}

// FuzzPutChunk checks the download path on mangled chunks: PutChunk writes
// only a chunk that opens, and whatever it accepted reads back as the
// original plaintext.
func FuzzPutChunk(f *testing.F) {
	k := key(31)
	l, _ := newLineage(k)
	plain := noise(31, 5000)
	id := l.chunkID(plain)
	good := l.seal(nil, id, plain)
	f.Add(uint16(0), byte(0), uint16(0))
	f.Add(uint16(30), byte(0x80), uint16(0))
	f.Add(uint16(0), byte(0), uint16(7))
	s := newStore(f, Options{})
	f.Fuzz(func(t *testing.T, at uint16, flip byte, cut uint16) {
		ct := bytes.Clone(good)
		ct[int(at)%len(ct)] ^= flip
		ct = ct[:len(ct)-int(cut)%len(ct)]
		err := s.PutChunk(k, id, ct)
		if err == nil {
			m := papers.Manifest{Chunker: papers.ChunkerFastCDC, Params: papers.DefaultChunkerParams,
				Chunks: []papers.ChunkRef{{ID: id, Len: len(plain)}}, Size: int64(len(plain))}
			m.SHA256 = sha(plain)
			got, rerr := readAll(t, s, k, m)
			if rerr != nil || !bytes.Equal(got, plain) {
				t.Fatalf("accepted chunk reads back wrong: %v", rerr)
			}
		} else if flip == 0 && cut%uint16(len(good)) == 0 {
			t.Fatalf("the genuine chunk was refused: %v", err)
		}
		s.dir.remove(id) //nolint:errcheck // next run starts empty
	})
}

// FuzzBatchPutChunk is FuzzPutChunk for the downloader's path, a Batch:
// it accepts only a chunk whose AEAD tag opens under the lineage and name,
// commits it at Flush, and what it committed reads back as the original
// plaintext.
func FuzzBatchPutChunk(f *testing.F) {
	k := key(32)
	l, _ := newLineage(k)
	plain := noise(32, 5000)
	id := l.chunkID(plain)
	good := l.seal(nil, id, plain)
	f.Add(uint16(0), byte(0), uint16(0), false)
	f.Add(uint16(30), byte(0x80), uint16(0), false)
	f.Add(uint16(0), byte(0), uint16(7), false)
	f.Add(uint16(0), byte(0), uint16(0), true)
	s := newStore(f, Options{})
	f.Fuzz(func(t *testing.T, at uint16, flip byte, cut uint16, otherName bool) {
		ct := bytes.Clone(good)
		ct[int(at)%len(ct)] ^= flip
		ct = ct[:len(ct)-int(cut)%len(ct)]
		name := id
		if otherName {
			name[31] ^= 1
		}
		b := s.NewBatch()
		err := b.PutChunk(k, name, ct)
		n, _, ferr := b.Flush()
		if ferr != nil {
			t.Fatal(ferr)
		}
		genuine := !otherName && flip == 0 && cut%uint16(len(good)) == 0
		switch {
		case err == nil && !genuine:
			t.Fatalf("accepted a mangled chunk (flip %#x at %d, cut %d, other name %v)", flip, at, cut, otherName)
		case err != nil && genuine:
			t.Fatalf("the genuine chunk was refused: %v", err)
		case (err == nil) != (n == 1):
			t.Fatalf("PutChunk: %v, but Flush committed %d", err, n)
		}
		if err == nil {
			m := papers.Manifest{Chunker: papers.ChunkerFastCDC, Params: papers.DefaultChunkerParams,
				Chunks: []papers.ChunkRef{{ID: id, Len: len(plain)}}, Size: int64(len(plain))}
			m.SHA256 = sha(plain)
			got, rerr := readAll(t, s, k, m)
			if rerr != nil || !bytes.Equal(got, plain) {
				t.Fatalf("committed chunk reads back wrong: %v", rerr)
			}
		}
		s.dir.remove(id) //nolint:errcheck // next run starts empty
	})
}
