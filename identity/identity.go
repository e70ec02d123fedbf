// Package identity holds a device's signing identity: its Ed25519 key pair
// and the device ID derived from the public key. Every operation a device
// makes, and every ballot answer, is signed with it.
package identity

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
)

// ErrBadSignature is returned when a signature does not verify.
var ErrBadSignature = errors.New("identity: signature does not verify")

// Device is a device's key pair.
type Device struct {
	ID   string
	Pub  ed25519.PublicKey
	priv ed25519.PrivateKey
}

// New creates a fresh device identity.
func New() (*Device, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("identity: generate key: %w", err)
	}
	return &Device{ID: IDOf(pub), Pub: pub, priv: priv}, nil
}

// FromSeed rebuilds a device identity from its stored private seed.
func FromSeed(seed []byte) (*Device, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("identity: seed is %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	return &Device{ID: IDOf(pub), Pub: pub, priv: priv}, nil
}

// Seed returns the private seed to store (encrypted) in the profile.
func (d *Device) Seed() []byte { return d.priv.Seed() }

// Signer returns the private key as a crypto.Signer, for the device's TLS
// client certificate: the key that signs operations also proves the
// device's identity to the hub.
func (d *Device) Signer() crypto.Signer { return d.priv }

// Sign signs msg.
func (d *Device) Sign(msg []byte) []byte { return ed25519.Sign(d.priv, msg) }

// Verify checks sig over msg with pub.
func Verify(pub ed25519.PublicKey, msg, sig []byte) error {
	if len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, msg, sig) {
		return ErrBadSignature
	}
	return nil
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// IDOf derives a device ID from its public key: the first 16 bytes of its
// SHA-256, in lowercase base32. A device cannot choose its ID.
func IDOf(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return strings.ToLower(b32.EncodeToString(h[:16]))
}

// Fingerprint formats a public key's hash in groups of four for people to
// compare on two screens.
func Fingerprint(pub []byte) string {
	h := sha256.Sum256(pub)
	s := strings.ToUpper(b32.EncodeToString(h[:15]))
	var parts []string
	for i := 0; i < len(s); i += 4 {
		parts = append(parts, s[i:min(i+4, len(s))])
	}
	return strings.Join(parts, "-")
}

// NewID returns a random identifier for records (members, meetings, ballots,
// answers): 80 random bits in lowercase base32, 16 characters.
func NewID() string {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return strings.ToLower(b32.EncodeToString(b[:]))
}
