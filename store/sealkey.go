package store

import (
	"github.com/ecabinet/ecabinet/codec"
)

// SealKey seals a 32-byte key under a passphrase exactly as a profile's
// keyfile seals its data key (Argon2id with the keyfile's parameters, a
// fresh salt, AES-256-GCM), and returns the sealed form's bytes. The
// scaled-out hub keeps its master key this way in PostgreSQL, so that the
// hub's passphrase unlocks it with the KDF a stolen laptop's keyfile costs
// to guess, and never in plaintext.
func SealKey(pass, key []byte) ([]byte, error) {
	if len(pass) < MinPassphraseLen {
		return nil, ErrWeakPassphrase
	}
	if len(key) != 32 {
		return nil, ErrCorruptKeyfile
	}
	k, err := wrapKey(pass, key)
	if err != nil {
		return nil, err
	}
	return codec.Marshal(k)
}

// OpenSealedKey opens what SealKey made: ErrWrongPassphrase when pass is not
// the one it was sealed under, ErrCorruptKeyfile when the bytes are not a
// sealed key.
func OpenSealedKey(pass, sealed []byte) ([]byte, error) {
	var k keyfile
	if err := codec.Unmarshal(sealed, &k); err != nil {
		return nil, ErrCorruptKeyfile
	}
	return unwrapKey(pass, k)
}
