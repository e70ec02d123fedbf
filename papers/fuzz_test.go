package papers_test

import (
	"bytes"
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
