package papers

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"math/big"

	"golang.org/x/crypto/chacha20poly1305"
)

// Who holds which key (the decision DESIGN.md §6 left open).
//
// The lineage key must not travel in clear inside the operation that
// creates a paper: the hub stores and orders every operation, and it must
// hold paper ciphertext only, never a way to open it. So the key travels
// wrapped, once per recipient DEVICE (not per member: a member has no key
// of their own, only their enrolled devices do, and a device is what opens
// the chunks). Each device's Ed25519 identity key, which every replica
// already knows from its enrollment, is mapped to its X25519 form (the
// birational map RFC 7748 §4.1 gives, as age and libsodium do); the
// secretary's device makes one ephemeral X25519 key per wrap, derives a
// key-encryption key with HKDF-SHA256 from the shared secret, and seals the
// lineage key with ChaCha20-Poly1305 bound to the paper and the device in
// the associated data. The hub sees the wrapped keys of every device on the
// list and can open none; a device that is not on the list gets no wrap.
//
// The price: a device enrolled after a paper was shared, or a member added
// to its list later, cannot open it until a secretary's device wraps the
// key for them; every paper.edit and paper.version made by a secretary's
// device therefore carries wraps for every device on the list then (core
// adds the missing ones), so an edit or a new version is what brings a late
// device in.

// WrappedKey is a paper's lineage key sealed to one device.
type WrappedKey struct {
	_ struct{} `cbor:",toarray"`
	// Device is the ID of the device that can open it.
	Device string
	// Ephemeral is the sender's one-time X25519 public key.
	Ephemeral []byte
	// Sealed is the lineage key under the derived key (32 + 16 bytes).
	Sealed []byte
}

// ErrUnwrap: a wrapped key does not open with this device's key (it was
// made for another device or another paper, or it was altered).
var ErrUnwrap = errors.New("papers: the paper's key does not open with this device's key")

const wrapInfo = "ecabinet/paper/v1/wrap"

// WrapKey seals the lineage key k of paper paperID to the device with the
// given ID and Ed25519 public key.
func WrapKey(k LineageKey, paperID, device string, pub ed25519.PublicKey) (WrappedKey, error) {
	return wrapSecret(wrapInfo, k, paperID, device, pub)
}

// wrapSecret seals a 32-byte secret to a device, bound to info (what kind
// of secret it is) and paperID (whose: a paper, or a member for notes).
func wrapSecret(info string, k [32]byte, paperID, device string, pub ed25519.PublicKey) (WrappedKey, error) {
	xpub, err := x25519Public(pub)
	if err != nil {
		return WrappedKey{}, err
	}
	eph, err := ecdh.X25519().GenerateKey(nil)
	if err != nil {
		return WrappedKey{}, fmt.Errorf("papers: wrap key: %w", err)
	}
	aead, err := wrapAEAD(info, eph, xpub, eph.PublicKey().Bytes(), paperID, device)
	if err != nil {
		return WrappedKey{}, err
	}
	var nonce [chacha20poly1305.NonceSize]byte // a fresh key for every wrap: a fixed nonce is safe
	sealed := aead.Seal(nil, nonce[:], k[:], wrapAD(info, paperID, device))
	return WrappedKey{Device: device, Ephemeral: eph.PublicKey().Bytes(), Sealed: sealed}, nil
}

// Unwrap opens w with the device's Ed25519 private seed (identity.Device.Seed).
func (w WrappedKey) Unwrap(paperID string, seed []byte) (LineageKey, error) {
	k, err := w.unwrap(wrapInfo, paperID, seed)
	return LineageKey(k), err
}

func (w WrappedKey) unwrap(info, paperID string, seed []byte) ([32]byte, error) {
	var k [32]byte
	if len(seed) != ed25519.SeedSize || len(w.Ephemeral) != 32 {
		return k, ErrUnwrap
	}
	h := sha512.Sum512(seed) // the Ed25519 scalar is the clamped first half; X25519 clamps it again
	priv, err := ecdh.X25519().NewPrivateKey(h[:32])
	if err != nil {
		return k, ErrUnwrap
	}
	eph, err := ecdh.X25519().NewPublicKey(w.Ephemeral)
	if err != nil {
		return k, ErrUnwrap
	}
	aead, err := wrapAEAD(info, priv, eph, w.Ephemeral, paperID, w.Device)
	if err != nil {
		return k, ErrUnwrap
	}
	var nonce [chacha20poly1305.NonceSize]byte
	plain, err := aead.Open(nil, nonce[:], w.Sealed, wrapAD(info, paperID, w.Device))
	if err != nil || len(plain) != len(k) {
		return k, ErrUnwrap
	}
	copy(k[:], plain)
	return k, nil
}

func wrapAD(info, paperID, device string) []byte {
	return []byte(info + "\x00" + paperID + "\x00" + device)
}

// wrapAEAD derives the key-encryption key of one wrap from the X25519
// shared secret, salted with the ephemeral key so each wrap's key differs.
func wrapAEAD(info string, priv *ecdh.PrivateKey, pub *ecdh.PublicKey, ephemeral []byte, paperID, device string) (interface {
	Seal(dst, nonce, plaintext, ad []byte) []byte
	Open(dst, nonce, ciphertext, ad []byte) ([]byte, error)
}, error) {
	shared, err := priv.ECDH(pub)
	if err != nil {
		return nil, ErrUnwrap // a low-order point
	}
	kek, err := hkdf.Key(sha256.New, shared, ephemeral, string(wrapAD(info, paperID, device)), chacha20poly1305.KeySize)
	if err != nil {
		return nil, err
	}
	return chacha20poly1305.New(kek)
}

// fieldP is 2^255 - 19, the field of both curves.
var fieldP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))

// x25519Public maps an Ed25519 public key (a point's y coordinate) to the
// X25519 public key of the same secret: u = (1 + y) / (1 - y) mod p.
func x25519Public(pub ed25519.PublicKey) (*ecdh.PublicKey, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("papers: device key is %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	le := make([]byte, 32)
	copy(le, pub)
	le[31] &= 0x7f // the sign of x
	y := new(big.Int).SetBytes(reverse(le))
	if y.Cmp(fieldP) >= 0 {
		return nil, errors.New("papers: device key is not a valid point")
	}
	one := big.NewInt(1)
	den := new(big.Int).Sub(one, y)
	den.Mod(den, fieldP)
	if den.Sign() == 0 {
		return nil, errors.New("papers: device key is not a valid point")
	}
	u := new(big.Int).Add(one, y)
	u.Mul(u, new(big.Int).ModInverse(den, fieldP))
	u.Mod(u, fieldP)
	out := make([]byte, 32)
	u.FillBytes(out)
	return ecdh.X25519().NewPublicKey(reverse(out))
}

func reverse(b []byte) []byte {
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return b
}
