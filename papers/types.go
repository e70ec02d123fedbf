package papers

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// Marking is how a paper is classified for its readers.
type Marking string

// The markings. A confidential paper carries its reader's name when it is
// exported, and the UI marks it on every page.
const (
	MarkingNormal       Marking = "normal"
	MarkingConfidential Marking = "confidential"
)

// Valid reports whether m is one of the known markings.
func (m Marking) Valid() bool { return m == MarkingNormal || m == MarkingConfidential }

// Owner says what a paper belongs to: an agenda item of a meeting, or a
// ballot. Exactly one of the two is set.
type Owner struct {
	MeetingID    string `cbor:"1,keyasint,omitempty" json:"meeting_id,omitempty"`
	AgendaItemID string `cbor:"2,keyasint,omitempty" json:"agenda_item_id,omitempty"`
	BallotID     string `cbor:"3,keyasint,omitempty" json:"ballot_id,omitempty"`
}

// IsBallot reports whether the paper belongs to a ballot.
func (o Owner) IsBallot() bool { return o.BallotID != "" }

// Rule is how a paper's distribution list is made.
type Rule string

// The distribution rules.
const (
	// RuleOwner gives the paper to everyone its owner reaches: the meeting's
	// participants, or the ballot's eligible members. It follows the owner:
	// a participant added later receives the paper too.
	RuleOwner Rule = "owner"
	// RuleNamed gives the paper only to the members named in Distribution.
	RuleNamed Rule = "named"
)

// Distribution is who receives a paper, besides the secretariat, who always
// does. The zero value is RuleOwner.
type Distribution struct {
	Rule Rule `cbor:"1,keyasint,omitempty" json:"rule,omitempty"`
	// Members are the member IDs under RuleNamed; empty under RuleOwner.
	Members []string `cbor:"2,keyasint,omitempty" json:"members,omitempty"`
}

// Version is one file of a paper. Versions are numbered from 1; the highest
// number is the current one. Its size and whole-file hash are those of its
// manifest (Size, SHA256), so they cannot disagree.
type Version struct {
	Number    int    `cbor:"1,keyasint" json:"number"`
	FileName  string `cbor:"2,keyasint" json:"file_name"`
	MediaType string `cbor:"3,keyasint" json:"media_type"`
	// Pages is the page count of a PDF; 0 for other media types.
	Pages    int       `cbor:"4,keyasint,omitempty" json:"pages,omitempty"`
	Manifest Manifest  `cbor:"5,keyasint" json:"manifest"`
	AddedBy  string    `cbor:"6,keyasint" json:"added_by"`
	AddedAt  time.Time `cbor:"7,keyasint" json:"added_at"`
}

// Size is the file's length in bytes.
func (v Version) Size() int64 { return v.Manifest.Size }

// SHA256 is the SHA-256 of the whole file.
func (v Version) SHA256() Digest { return v.Manifest.SHA256 }

// Paper is a document attached to an agenda item or a ballot (tài liệu):
// all its versions share one lineage key, from which the chunk store derives
// the keys that encrypt and name their chunks.
type Paper struct {
	ID            string       `cbor:"1,keyasint" json:"id"`
	Title         string       `cbor:"2,keyasint" json:"title"`
	Owner         Owner        `cbor:"3,keyasint" json:"owner"`
	Marking       Marking      `cbor:"4,keyasint" json:"marking"`
	ExportAllowed bool         `cbor:"5,keyasint,omitempty" json:"export_allowed"`
	Distribution  Distribution `cbor:"6,keyasint" json:"distribution"`
	Versions      []Version    `cbor:"7,keyasint" json:"versions"`
	Recalled      bool         `cbor:"8,keyasint,omitempty" json:"recalled,omitempty"`
	RecalledAt    time.Time    `cbor:"9,keyasint,omitempty" json:"recalled_at,omitzero"`
	// Lineage is the secret of the paper's chunks. It travels only inside
	// the operation that creates the paper, which reaches only its audience,
	// and is never printed: the JSON form leaves it out.
	Lineage LineageKey `cbor:"10,keyasint" json:"-"`
	// Rev counts the edits applied; an edit names the revision it was based on.
	Rev uint64 `cbor:"11,keyasint" json:"rev"`
}

// hash32 is the shape shared by keys, chunk IDs and digests: 32 bytes that
// encode as a CBOR byte string of exactly that length and as hex in JSON.
type hash32 [32]byte

func (h hash32) marshal() []byte { return h[:] }

func (h *hash32) unmarshal(what string, b []byte) error {
	if len(b) != len(h) {
		return fmt.Errorf("papers: %s is %d bytes, want %d", what, len(b), len(h))
	}
	copy(h[:], b)
	return nil
}

func (h *hash32) unmarshalText(what string, b []byte) error {
	if len(b) != 2*len(h) {
		return fmt.Errorf("papers: %s is %d hex digits, want %d", what, len(b), 2*len(h))
	}
	_, err := hex.Decode(h[:], b)
	return err
}

// LineageKey is the random 256-bit secret of one paper lineage (all the
// versions of one paper).
type LineageKey [32]byte

// NewLineageKey draws a fresh lineage key from the system's random source.
func NewLineageKey() (LineageKey, error) {
	var k LineageKey
	if _, err := rand.Read(k[:]); err != nil {
		return k, fmt.Errorf("papers: new lineage key: %w", err)
	}
	return k, nil
}

// IsZero reports whether the key was never set.
func (k LineageKey) IsZero() bool { return k == LineageKey{} }

// MarshalBinary encodes the key as its 32 bytes (a CBOR byte string).
func (k LineageKey) MarshalBinary() ([]byte, error) { return hash32(k).marshal(), nil }

// UnmarshalBinary accepts exactly 32 bytes.
func (k *LineageKey) UnmarshalBinary(b []byte) error {
	return (*hash32)(k).unmarshal("lineage key", b)
}

// String never shows the key, so that a log line or %v cannot leak it.
func (k LineageKey) String() string { return "papers.LineageKey(…)" }

// GoString keeps %#v from printing the key's bytes.
func (k LineageKey) GoString() string { return k.String() }

// ChunkID names a chunk: HMAC-SHA256 of its plaintext under the lineage's ID
// key, so the name says nothing about the content to anyone without the key.
type ChunkID [32]byte

// String is the ID in lowercase hex.
func (id ChunkID) String() string { return hex.EncodeToString(id[:]) }

// MarshalBinary encodes the ID as its 32 bytes (a CBOR byte string).
func (id ChunkID) MarshalBinary() ([]byte, error) { return hash32(id).marshal(), nil }

// UnmarshalBinary accepts exactly 32 bytes.
func (id *ChunkID) UnmarshalBinary(b []byte) error {
	return (*hash32)(id).unmarshal("chunk ID", b)
}

// MarshalText encodes the ID as hex (JSON, command output).
func (id ChunkID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText accepts 64 hex digits.
func (id *ChunkID) UnmarshalText(b []byte) error {
	return (*hash32)(id).unmarshalText("chunk ID", b)
}

// ParseChunkID reads an ID written by String.
func ParseChunkID(s string) (ChunkID, error) {
	var id ChunkID
	err := id.UnmarshalText([]byte(s))
	return id, err
}

// Digest is a SHA-256 of a whole file.
type Digest [32]byte

// String is the digest in lowercase hex.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// MarshalBinary encodes the digest as its 32 bytes (a CBOR byte string).
func (d Digest) MarshalBinary() ([]byte, error) { return hash32(d).marshal(), nil }

// UnmarshalBinary accepts exactly 32 bytes.
func (d *Digest) UnmarshalBinary(b []byte) error { return (*hash32)(d).unmarshal("digest", b) }

// MarshalText encodes the digest as hex (JSON, command output).
func (d Digest) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText accepts 64 hex digits.
func (d *Digest) UnmarshalText(b []byte) error { return (*hash32)(d).unmarshalText("digest", b) }
