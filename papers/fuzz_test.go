package papers_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"reflect"
	"testing"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
)

// FuzzDecodeManifest feeds arbitrary bytes to DecodeManifest: it never
// panics; every error is a translatable *meetings.Error; and whatever it
// accepts is valid, re-encodes to exactly the bytes it was read from (one
// canonical form, as a signed manifest needs) and decodes again to the same
// value.
func FuzzDecodeManifest(f *testing.F) {
	for _, m := range []papers.Manifest{manifest(1, 1), manifest(2, 4), {Chunker: papers.ChunkerFastCDC, Params: papers.DefaultChunkerParams}} {
		b, err := m.Encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0xa0})
	f.Add([]byte{0xa5, 0x01, 0x60, 0x02, 0xa0, 0x03, 0x80, 0x04, 0x00, 0x05, 0x40})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := papers.DecodeManifest(b)
		if err != nil {
			var e *meetings.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not translatable", err)
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("accepted an invalid manifest: %v", err)
		}
		again, err := m.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("accepted a non-canonical encoding:\n in %x\nout %x", b, again)
		}
		m2, err := papers.DecodeManifest(again)
		if err != nil || !reflect.DeepEqual(m, m2) {
			t.Fatalf("second decode: %v\n%+v\n%+v", err, m, m2)
		}
	})
}

// FuzzUnwrap feeds arbitrary wrapped keys to Unwrap: it never panics, and
// whatever opens under the device's seed opens to the paper's key (no
// other key can be made to come out without the ephemeral secret). The
// seed corpus holds a real wrap, checked to open before fuzzing.
func FuzzUnwrap(f *testing.F) {
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	k := papers.LineageKey{9}
	w, err := papers.WrapKey(k, "p", "d", pub)
	if err != nil {
		f.Fatal(err)
	}
	if got, err := w.Unwrap("p", seed); err != nil || got != k {
		f.Fatalf("the real wrap does not open: %v", err)
	}
	f.Add(w.Ephemeral, w.Sealed, "d")
	f.Add([]byte{}, []byte{}, "")
	f.Add(make([]byte, 32), make([]byte, 48), "d")
	f.Fuzz(func(t *testing.T, eph, sealed []byte, dev string) {
		got, err := papers.WrappedKey{Device: dev, Ephemeral: eph, Sealed: sealed}.Unwrap("p", seed)
		if err == nil && got != k {
			t.Fatalf("a wrap opens to a key that was never wrapped: %x %x %q", eph, sealed, dev)
		}
		if err != nil && !errors.Is(err, papers.ErrUnwrap) {
			t.Fatalf("Unwrap error %v is not ErrUnwrap", err)
		}
	})
}

// FuzzDecodeNote feeds arbitrary bytes to DecodeNote: it never panics,
// every error is translatable, and what it accepts is valid and
// re-encodes to the very bytes it was read from.
func FuzzDecodeNote(f *testing.F) {
	for _, n := range []papers.Note{
		{ID: "n1", PaperID: "p1", Version: 1, Kind: papers.NoteText, Text: "ghi chú", Created: t0},
		{ID: "n2", PaperID: "p1", Version: 2, Kind: papers.NoteHighlight, Created: t0, Edited: t0,
			Anchor: papers.Anchor{Page: 3, X: 1, Y: 2, Quote: "đất đai", Before: "Luật ", Rects: []papers.Rect{{X0: 1, Y0: 2, X1: 3, Y1: 4}}}},
	} {
		b, err := n.Encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0xa0})
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := papers.DecodeNote(b)
		if err != nil {
			var e *meetings.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not translatable", err)
			}
			return
		}
		if err := n.Validate(); err != nil {
			t.Fatalf("accepted an invalid note: %v", err)
		}
		again, err := n.Encode()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatal("accepted a non-canonical form")
		}
	})
}

// FuzzOpenNote feeds arbitrary bytes to OpenNote as a sealed note: it never
// panics, every refusal is translatable, and nothing opens but a sealing
// of the corpus's note under the key (a forgery would need the key).
func FuzzOpenNote(f *testing.F) {
	var key papers.NoteKey
	copy(key[:], "a fixed key for the fuzz corpus!")
	note := papers.Note{ID: "n1", PaperID: "p1", Version: 1, Kind: papers.NoteText, Text: "ghi chú", Created: t0}
	// Each fuzzing process seals with a nonce of its own: what opens is
	// any sealing of this note, never bytes someone without the key made.
	sealed, err := papers.SealNote(key, "minister", note)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sealed)
	f.Add([]byte{1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := papers.OpenNote(key, "minister", "n1", b)
		if err != nil {
			var e *meetings.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not translatable", err)
			}
			return
		}
		if !reflect.DeepEqual(n, note) {
			t.Fatalf("opened a note SealNote did not seal: %+v", n)
		}
	})
}
