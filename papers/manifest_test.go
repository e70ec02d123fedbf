package papers_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/ecabinet/ecabinet/papers"
)

func TestManifestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *papers.Manifest)
		want   string
	}{
		{"given a valid manifest then ok", func(m *papers.Manifest) {}, ""},
		{"given an empty file then ok", func(m *papers.Manifest) { m.Chunks, m.Size = nil, 0 }, ""},
		{"given an unknown chunker then refused", func(m *papers.Manifest) { m.Chunker = "rabin" }, "err.manifest.chunker_unknown"},
		{"given min ≥ avg then invalid", func(m *papers.Manifest) { m.Params.Min = m.Params.Avg }, "err.manifest.params_invalid"},
		{"given avg not a power of two then invalid", func(m *papers.Manifest) { m.Params.Avg = 1000_000 }, "err.manifest.params_invalid"},
		{"given max over the bound then invalid", func(m *papers.Manifest) { m.Params.Max = papers.MaxChunkLen + 1 }, "err.manifest.params_invalid"},
		{"given min under the bound then invalid", func(m *papers.Manifest) { m.Params.Min = 63 }, "err.manifest.params_invalid"},
		{"given a zero-length chunk then invalid", func(m *papers.Manifest) { m.Chunks[2].Len, m.Size = 0, m.Size-1000 }, "err.manifest.chunk_invalid"},
		{"given a chunk over max then invalid", func(m *papers.Manifest) {
			m.Chunks[0].Len += 4 << 20
			m.Size += 4 << 20
		}, "err.manifest.chunk_invalid"},
		{"given a short chunk that is not the last then invalid", func(m *papers.Manifest) {
			m.Chunks[0], m.Chunks[2] = m.Chunks[2], m.Chunks[0]
		}, "err.manifest.chunk_invalid"},
		{"given lengths that do not add up then mismatch", func(m *papers.Manifest) { m.Size-- }, "err.manifest.size_mismatch"},
		{"given a negative size then too large", func(m *papers.Manifest) { m.Size = -1 }, "err.paper.too_large"},
		{"given a size over the ceiling then too large", func(m *papers.Manifest) { m.Size = papers.MaxFileSize + 1 }, "err.paper.too_large"},
		{"given too many chunks then refused", func(m *papers.Manifest) {
			m.Chunks = make([]papers.ChunkRef, papers.MaxChunks+1)
		}, "err.manifest.chunks_too_many"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := manifest(7, 3)
			tt.change(&m)
			if got := code(t, m.Validate()); got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestManifest_GivenAValidManifest_WhenEncodedAndDecoded_ThenEqual(t *testing.T) {
	m := manifest(1, 5)
	b, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := papers.DecodeManifest(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, m)
	}
}

func TestDecodeManifest_GivenBadBytes_ThenDecodeError(t *testing.T) {
	m := manifest(1, 2)
	good, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	bad := m
	bad.Size++
	invalid, err := bad.Encode()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"given nothing then decode failed", nil, "err.manifest.decode_failed"},
		{"given a truncated manifest then decode failed", good[:len(good)-3], "err.manifest.decode_failed"},
		{"given trailing bytes then decode failed", append(append([]byte{}, good...), 0), "err.manifest.decode_failed"},
		{"given a CBOR integer then decode failed", []byte{0x01}, "err.manifest.decode_failed"},
		{"given a 31-byte chunk ID then decode failed", shortID(t, good), "err.manifest.decode_failed"},
		{"given a well-formed invalid manifest then its validation error", invalid, "err.manifest.size_mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := papers.DecodeManifest(tt.in)
			if got := code(t, err); got != tt.want {
				t.Errorf("DecodeManifest = %q (%v), want %q", got, err, tt.want)
			}
			if tt.want == "err.manifest.decode_failed" && !errors.Is(err, papers.ErrManifestDecode) {
				t.Errorf("error %v is not ErrManifestDecode", err)
			}
		})
	}
}

// shortID rewrites the first chunk ID of an encoded manifest as a 31-byte
// string (CBOR 0x58 0x20 → 0x58 0x1f, one byte dropped).
func shortID(t *testing.T, enc []byte) []byte {
	t.Helper()
	for i := 0; i+1 < len(enc); i++ {
		if enc[i] == 0x58 && enc[i+1] == 0x20 {
			out := append([]byte{}, enc[:i]...)
			out = append(out, 0x58, 0x1f)
			return append(out, enc[i+3:]...)
		}
	}
	t.Fatal("no 32-byte string in the manifest")
	return nil
}

func TestManifestOffsetsIDsShared(t *testing.T) {
	a := manifest(1, 3)
	b := manifest(1, 3)
	b.Chunks = append(b.Chunks[:2:2], manifest(2, 2).Chunks...) // keeps 2 of a's chunks, adds 2
	if got, want := a.Offsets(), []int64{0, 1 << 20, 2 << 20, 2<<20 + 1000}; !reflect.DeepEqual(got, want) {
		t.Errorf("Offsets = %v, want %v", got, want)
	}
	if got := papers.Shared(a, b); got != 2 {
		t.Errorf("Shared = %d, want 2", got)
	}
	if got := len(papers.IDs(a, b, a)); got != 5 {
		t.Errorf("IDs counts %d distinct, want 5", got)
	}
}

func TestChunkID_GivenItsString_WhenParsed_ThenSame(t *testing.T) {
	id := manifest(3, 1).Chunks[0].ID
	got, err := papers.ParseChunkID(id.String())
	if err != nil || got != id {
		t.Fatalf("ParseChunkID(%s) = %v, %v", id, got, err)
	}
	for _, bad := range []string{"", "zz", id.String()[:63], id.String() + "0", "g" + id.String()[1:]} {
		if _, err := papers.ParseChunkID(bad); err == nil {
			t.Errorf("ParseChunkID(%q) accepted", bad)
		}
	}
}
