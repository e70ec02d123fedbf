package papers

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/ecabinet/ecabinet/meetings"
)

// Who can read a member's notes (the notes' key).
//
// Notes reach only their author's own devices, but the hub stores and
// orders every operation, and the organisation's secretariat reads the
// hub's whole log: the store's encryption at rest protects a disk, not
// what the hub itself holds. So a note travels sealed under a key only the
// author's devices hold: the member's note key, a random 256-bit secret
// made by the first device of the member that writes a note. That device
// wraps it for each device of its member the way a paper's lineage key is
// wrapped (wrap.go: X25519 from the device's Ed25519 key, HKDF, ChaCha20-
// Poly1305), under its own label so a note key's wrap can never be taken
// for a paper's, and publishes the wraps (the note.key operation, which
// reaches only the member's devices too).
//
// A device enrolled later has no wrap at first. Nothing that only the
// member's devices share exists to derive a key from (devices share no
// secret, and a passphrase would be one more thing to remember), so the
// member's older devices bring it in: a device that holds the key and sees
// a device of its member without a wrap adds one at its next sync (core's
// ShareNoteKeys). Until one of them has synced, the new device lists the
// notes as locked; nothing is lost. Two devices of the member that each
// made a key while offline both keep theirs: every note names its key
// (NoteKey.ID) and every key is shared the same way.
//
// What the hub learns: that a member has notes, how many, their sizes and
// when they were written; not their paper, page, words or quotes, which
// are all inside the sealed body.

// NoteKey is a member's secret for their notes.
type NoteKey [32]byte

// NewNoteKey draws a fresh key.
func NewNoteKey() (NoteKey, error) {
	var k NoteKey
	if _, err := rand.Read(k[:]); err != nil {
		return k, fmt.Errorf("papers: new note key: %w", err)
	}
	return k, nil
}

// String never shows the key.
func (k NoteKey) String() string { return "papers.NoteKey(…)" }

// GoString keeps %#v from printing the key's bytes.
func (k NoteKey) GoString() string { return k.String() }

// ID names the key without revealing it (a hash under its own label).
func (k NoteKey) ID() string {
	h := sha256.Sum256(append([]byte(noteKeyIDInfo+"\x00"), k[:]...))
	return hex.EncodeToString(h[:8])
}

const (
	noteWrapInfo  = "ecabinet/notes/v1/wrap"
	noteKeyIDInfo = "ecabinet/notes/v1/id"
	noteSealInfo  = "ecabinet/notes/v1/seal"
	noteSealed    = 1 // the version byte of a sealed note
)

// WrapNoteKey seals member's note key to one of their devices.
func WrapNoteKey(k NoteKey, member, device string, pub ed25519.PublicKey) (WrappedKey, error) {
	return wrapSecret(noteWrapInfo, k, member, device, pub)
}

// UnwrapNoteKey opens w, a wrap of member's note key, with the device's
// Ed25519 seed.
func UnwrapNoteKey(w WrappedKey, member string, seed []byte) (NoteKey, error) {
	k, err := w.unwrap(noteWrapInfo, member, seed)
	return NoteKey(k), err
}

// ErrNoteOpen: a sealed note does not open with the key (another key, or
// altered bytes).
var ErrNoteOpen = meetings.NewError("err.note.locked", "")

// SealNote encrypts n for its author: version ‖ 24-byte random nonce ‖
// XChaCha20-Poly1305(n.Encode()), bound to the author and the note's ID so
// a sealed note cannot be passed off as another's.
func SealNote(k NoteKey, author string, n Note) ([]byte, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	plain, err := n.Encode()
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(k[:])
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1+chacha20poly1305.NonceSizeX, 1+chacha20poly1305.NonceSizeX+len(plain)+aead.Overhead())
	out[0] = noteSealed
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, err
	}
	return aead.Seal(out, out[1:], plain, noteAD(author, n.ID)), nil
}

// OpenNote decrypts a sealed note of author with ID id and decodes it.
func OpenNote(k NoteKey, author, id string, sealed []byte) (Note, error) {
	if len(sealed) < 1+chacha20poly1305.NonceSizeX || sealed[0] != noteSealed {
		return Note{}, ErrNoteOpen
	}
	aead, err := chacha20poly1305.NewX(k[:])
	if err != nil {
		return Note{}, err
	}
	plain, err := aead.Open(nil, sealed[1:1+chacha20poly1305.NonceSizeX], sealed[1+chacha20poly1305.NonceSizeX:], noteAD(author, id))
	if err != nil {
		return Note{}, ErrNoteOpen
	}
	n, err := DecodeNote(plain)
	if err != nil {
		return Note{}, err
	}
	if n.ID != id {
		return Note{}, errors.Join(ErrNoteOpen, errors.New("the note's ID is not the one it was sealed under"))
	}
	return n, nil
}

func noteAD(author, id string) []byte {
	return []byte(noteSealInfo + "\x00" + author + "\x00" + id)
}
