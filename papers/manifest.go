package papers

import (
	"bytes"
	"errors"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/meetings"
)

// ChunkerFastCDC names the content-defined chunker the store uses: FastCDC
// as its authors specify it (github.com/PlakarKorp/go-cdc-chunkers,
// "fastcdc-v1.0.0"). With Params.Keyed its Gear table is derived from a key
// of the lineage, so cut points, and so chunk lengths, depend on a secret.
const ChunkerFastCDC = "fastcdc-v1.0.0"

// Bounds of a manifest. They keep one manifest well under codec.MaxMessage
// (16 384 chunks ≈ 0.7 MB of CBOR) and a paper within what a laptop reads.
const (
	// MaxFileSize is the hard ceiling of one version, whatever the hub's
	// setting (its default limit is lower: 200 MB).
	MaxFileSize = 2 << 30
	// MaxChunks bounds the chunk list.
	MaxChunks = 16384
	// MinChunkLen and MaxChunkLen bound the chunker's parameters.
	MinChunkLen = 64
	MaxChunkLen = 16 << 20
)

// ChunkerParams are the chunker's sizes in bytes: no chunk but the last is
// shorter than Min, none is longer than Max, and they average about Avg
// (a power of two). Keyed says that cut points depend on the lineage key.
type ChunkerParams struct {
	Min   int  `cbor:"1,keyasint" json:"min"`
	Avg   int  `cbor:"2,keyasint" json:"avg"`
	Max   int  `cbor:"3,keyasint" json:"max"`
	Keyed bool `cbor:"4,keyasint,omitempty" json:"keyed,omitempty"`
}

// DefaultChunkerParams are the sizes the store starts with: 256 KiB /
// 1 MiB / 4 MiB, keyed. A 200 MB paper is about 200 chunks: few enough that
// a manifest is small and a round trip per chunk is cheap, small enough that
// an appended revision re-sends little.
var DefaultChunkerParams = ChunkerParams{Min: 256 << 10, Avg: 1 << 20, Max: 4 << 20, Keyed: true}

// Valid reports whether the parameters are within bounds and consistent.
func (p ChunkerParams) Valid() bool {
	return p.Min >= MinChunkLen && p.Min < p.Avg && p.Avg < p.Max && p.Max <= MaxChunkLen &&
		p.Avg&(p.Avg-1) == 0
}

// ChunkRef is one chunk of a file, in file order: its ID and plaintext
// length.
type ChunkRef struct {
	_   struct{} `cbor:",toarray"`
	ID  ChunkID  `json:"id"`
	Len int      `json:"len"`
}

// Manifest describes a file as an ordered list of chunks. It is what the
// signed operation carries: the chunks are checked one by one against their
// IDs, and their order, the file's length and its whole-file hash come from
// here.
type Manifest struct {
	Chunker string        `cbor:"1,keyasint" json:"chunker"`
	Params  ChunkerParams `cbor:"2,keyasint" json:"params"`
	Chunks  []ChunkRef    `cbor:"3,keyasint" json:"chunks"`
	Size    int64         `cbor:"4,keyasint" json:"size"`
	SHA256  Digest        `cbor:"5,keyasint" json:"sha256"`
}

// Validate checks a manifest before anything is fetched or read by it: a
// known chunker with valid parameters; at most MaxChunks chunks, each at
// most Params.Max long and, but for the last, at least Params.Min (what the
// chunker guarantees, and what keeps the count honest); lengths that add up
// to Size, and Size within MaxFileSize. The chunk IDs themselves are checked
// by the store against the plaintext. It returns a *meetings.Error whose
// Code is a translation key.
func (m Manifest) Validate() error {
	switch {
	case m.Chunker != ChunkerFastCDC:
		return meetings.NewError("err.manifest.chunker_unknown", "chunker")
	case !m.Params.Valid():
		return meetings.NewError("err.manifest.params_invalid", "params")
	case len(m.Chunks) > MaxChunks:
		e := meetings.NewError("err.manifest.chunks_too_many", "chunks")
		e.Args = map[string]any{"max": MaxChunks}
		return e
	case m.Size < 0 || m.Size > MaxFileSize:
		return tooLarge(MaxFileSize)
	}
	var sum int64
	for i, c := range m.Chunks {
		if c.Len < 1 || c.Len > m.Params.Max || (c.Len < m.Params.Min && i != len(m.Chunks)-1) {
			e := meetings.NewError("err.manifest.chunk_invalid", "chunks")
			e.Args = map[string]any{"index": i}
			return e
		}
		sum += int64(c.Len)
	}
	if sum != m.Size {
		return meetings.NewError("err.manifest.size_mismatch", "size")
	}
	return nil
}

// Offsets returns where each chunk starts in the file, and the file size as
// a last element, so that chunk i spans [off[i], off[i+1]).
func (m Manifest) Offsets() []int64 {
	off := make([]int64, len(m.Chunks)+1)
	for i, c := range m.Chunks {
		off[i+1] = off[i] + int64(c.Len)
	}
	return off
}

// IDs returns the distinct chunk IDs of the manifests, in first-seen order.
func IDs(ms ...Manifest) []ChunkID {
	seen := map[ChunkID]bool{}
	var out []ChunkID
	for _, m := range ms {
		for _, c := range m.Chunks {
			if !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, c.ID)
			}
		}
	}
	return out
}

// Shared returns how many chunks of next (counted with repeats) already
// appear in prev: what a new version reuses of an old one.
func Shared(prev, next Manifest) int {
	have := map[ChunkID]bool{}
	for _, c := range prev.Chunks {
		have[c.ID] = true
	}
	n := 0
	for _, c := range next.Chunks {
		if have[c.ID] {
			n++
		}
	}
	return n
}

// Encode returns the manifest's canonical CBOR bytes.
func (m Manifest) Encode() ([]byte, error) { return codec.Marshal(m) }

// ErrManifestDecode is returned for bytes that are not a manifest at all.
var ErrManifestDecode = meetings.NewError("err.manifest.decode_failed", "")

// errNotCanonical: the bytes decode, but are not the one encoding of what
// they decode to (an undefined for a null, a longer integer form …).
var errNotCanonical = errors.New("papers: manifest is not in canonical form")

// DecodeManifest reads a manifest strictly (codec.Unmarshal) and validates
// it. Only the canonical encoding (what Encode gives) is accepted, so one
// manifest has one byte form, as a signed record needs. Malformed or
// non-canonical bytes give ErrManifestDecode wrapping the reason; a
// well-formed but invalid manifest gives its validation error.
func DecodeManifest(b []byte) (Manifest, error) {
	var m Manifest
	if err := codec.Unmarshal(b, &m); err != nil {
		return Manifest{}, errors.Join(ErrManifestDecode, err)
	}
	if again, err := m.Encode(); err != nil || !bytes.Equal(again, b) {
		return Manifest{}, errors.Join(ErrManifestDecode, errNotCanonical)
	}
	if err := m.Validate(); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// tooLarge is the error for a file over a size limit, carrying the limit.
func tooLarge(max int64) *meetings.Error {
	e := meetings.NewError("err.paper.too_large", "size")
	e.Args = map[string]any{"max": max, "max_mb": max >> 20}
	return e
}

// ErrTooLarge builds the error for a file over limit bytes (a hub setting,
// at most MaxFileSize), so the message can say the limit.
func ErrTooLarge(limit int64) error { return tooLarge(limit) }
