package blob

import (
	"bytes"
	"crypto/rand"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/ecabinet/ecabinet/papers"
)

// opens is the reference the downloader's tag check must agree with: the
// chunk's form, then XChaCha20-Poly1305's Open.
func opens(l *lineage, id papers.ChunkID, ct []byte) bool {
	if checkForm(ct) != nil {
		return false
	}
	_, err := l.aead.Open(nil, ct[1:1+chacha20poly1305.NonceSizeX], ct[1+chacha20poly1305.NonceSizeX:], l.ad(id))
	return err == nil
}

// TestVerifyTag_AgreesWithOpen: authenticate, which checks a chunk's
// Poly1305 tag without decrypting it, accepts a chunk exactly when
// chacha20poly1305's Open does, on chunks of random keys, nonces and
// lengths (around the 16-byte pad boundaries and long ones) and on every
// way of tampering with one: each byte flipped in turn, cut, lengthened,
// under another name, in another lineage.
func TestVerifyTag_AgreesWithOpen(t *testing.T) {
	other, _ := newLineage(key(99))
	for _, n := range []int{1, 15, 16, 17, 31, 32, 33, 100, 4095, 4096, 65537, 1 << 20} {
		var k papers.LineageKey
		rand.Read(k[:])
		l, err := newLineage(k)
		if err != nil {
			t.Fatal(err)
		}
		plain := make([]byte, n)
		rand.Read(plain)
		id := l.chunkID(plain)
		ct := l.seal(nil, id, plain)
		check := func(what string, id papers.ChunkID, ct []byte, lin *lineage, want bool) {
			t.Helper()
			ref := opens(lin, id, ct)
			got := lin.authenticate(id, ct) == nil
			if got != ref || got != want {
				t.Fatalf("%d bytes, %s: authenticate %v, Open %v, want %v", n, what, got, ref, want)
			}
		}
		check("genuine", id, ct, l, true)
		// Every byte flipped (for the long ones, a spread of them: the
		// nonce, the body's start and end, the tag).
		step := 1
		if len(ct) > 5000 {
			step = len(ct) / 61
		}
		for i := 0; i < len(ct); i += step {
			for _, i := range []int{i, len(ct) - 1 - i} {
				bad := bytes.Clone(ct)
				bad[i] ^= 1 << (i % 8)
				check("byte flipped", id, bad, l, false)
			}
		}
		check("cut by one", id, ct[:len(ct)-1], l, false)
		check("tag cut", id, ct[:len(ct)-16], l, false)
		check("lengthened", id, append(bytes.Clone(ct), 0), l, false)
		wrong := id
		wrong[31] ^= 0x80
		check("another name", wrong, ct, l, false)
		check("another lineage", id, ct, other, false)
	}
}

// FuzzVerifyTag: on any bytes, under the genuine name or another, the tag
// check without decryption says what Open says, and accepts only the
// genuine chunk.
func FuzzVerifyTag(f *testing.F) {
	l, err := newLineage(key(32))
	if err != nil {
		f.Fatal(err)
	}
	plain := noise(32, 3000)
	id := l.chunkID(plain)
	good := l.sealNonce(nil, id, plain, [24]byte{4, 5, 6}) // the same bytes in every fuzz worker
	f.Add(good, false)
	f.Add(good, true)
	f.Add(good[:Overhead+1], false)
	f.Add(append(bytes.Clone(good), 0), false)
	f.Add([]byte{formatV1}, false)
	f.Add([]byte{}, false)
	f.Fuzz(func(t *testing.T, ct []byte, otherName bool) {
		name := id
		if otherName {
			name[0] ^= 1
		}
		got := l.authenticate(name, ct) == nil
		if ref := opens(l, name, ct); got != ref {
			t.Fatalf("authenticate %v, Open %v on %d bytes", got, ref, len(ct))
		}
		if genuine := !otherName && bytes.Equal(ct, good); got != genuine {
			t.Fatalf("accepted %v, genuine %v", got, genuine)
		}
	})
}
