package replica

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/ecabinet/ecabinet/store/blob"
)

// FuzzReadChunkFrame: whatever a hub (or something posing as one) sends,
// the frame reader returns a chunk of exactly the announced length no
// longer than any chunk, an absent chunk, or an error; it never panics
// and never reads past the frame.
func FuzzReadChunkFrame(f *testing.F) {
	f.Add([]byte{frameAbsent, 0, 0, 0, 0})
	f.Add(append([]byte{frameChunk, 0, 0, 0, 3}, 'a', 'b', 'c', 'd'))
	f.Add([]byte{frameChunk, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{frameAbsent, 0, 0, 0, 1, 0})
	f.Add([]byte{7, 0, 0, 0, 0})
	f.Add([]byte{frameChunk, 0, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bytes.NewReader(in)
		present, ct, err := readChunkFrame(r, nil)
		if err != nil {
			return
		}
		n := int(binary.BigEndian.Uint32(in[1:5]))
		if present != (in[0] == frameChunk) || len(ct) > blob.MaxCiphertext {
			t.Fatalf("frame %x: present %v, %d bytes", in[:5], present, len(ct))
		}
		if present && (len(ct) != n || !bytes.Equal(ct, in[5:5+n])) {
			t.Fatalf("frame %x: got %d bytes, want the %d announced", in[:5], len(ct), n)
		}
		if rest, _ := io.ReadAll(r); len(rest) != len(in)-frameHeader-len(ct)*btoi(present) {
			t.Fatalf("read past the frame: %d left of %d", len(rest), len(in))
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestReadChunkFrame: the frames a hub sends and the ones none does.
func TestReadChunkFrame(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []byte
		present bool
		body    string
		bad     bool
	}{
		{"absent", []byte{0, 0, 0, 0, 0}, false, "", false},
		{"chunk", append([]byte{1, 0, 0, 0, 3}, "abc"...), true, "abc", false},
		{"absent with a length", []byte{0, 0, 0, 0, 1, 'x'}, false, "", true},
		{"chunk of no bytes", []byte{1, 0, 0, 0, 0}, false, "", true},
		{"unknown kind", []byte{2, 0, 0, 0, 0}, false, "", true},
		{"longer than any chunk", []byte{1, 0x7f, 0xff, 0xff, 0xff}, false, "", true},
		{"cut header", []byte{1, 0}, false, "", true},
		{"cut body", append([]byte{1, 0, 0, 0, 9}, "abc"...), false, "", true},
		{"nothing", nil, false, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			present, ct, err := readChunkFrame(bytes.NewReader(tc.in), nil)
			if tc.bad {
				if err == nil {
					t.Fatalf("accepted: %v, %q", present, ct)
				}
				if len(tc.in) < 5 && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("a cut header: %v, want unexpected EOF", err)
				}
				return
			}
			if err != nil || present != tc.present || (present && string(ct) != tc.body) {
				t.Fatalf("got %v, %q, %v", present, ct, err)
			}
		})
	}
}
