package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/crypto/argon2"

	"github.com/ecabinet/ecabinet/codec"
)

// KDF parameters. Argon2id with 3 passes over 64 MiB took ~0.23 s here: slow
// enough to make guessing a stolen laptop's passphrase expensive, quick
// enough at start-up.
const (
	kdfTime    = 3
	kdfMemKiB  = 64 * 1024
	kdfThreads = 4
	// MinPassphraseLen is the shortest passphrase accepted.
	MinPassphraseLen = 8

	// Upper bounds on what a keyfile may ask of Argon2id: well above what
	// this version writes, low enough that a damaged or planted keyfile
	// cannot make Open allocate terabytes or run for hours (one flipped
	// byte of MemKiB asks for 4 TiB).
	maxKdfTime    = 16
	maxKdfMemKiB  = 1 << 20 // 1 GiB
	maxKdfThreads = 64
)

var keyfileAAD = []byte("ecabinet keyfile v1")

// keyfile is the on-disk wrapped data key.
type keyfile struct {
	Version int    `cbor:"1,keyasint"`
	Time    uint32 `cbor:"2,keyasint"`
	MemKiB  uint32 `cbor:"3,keyasint"`
	Threads uint8  `cbor:"4,keyasint"`
	Salt    []byte `cbor:"5,keyasint"`
	Nonce   []byte `cbor:"6,keyasint"`
	Wrapped []byte `cbor:"7,keyasint"`
}

// kek derives the key-encryption key. A variable so that a test can check
// what Open asks of Argon2id (never more than the bounds above) without
// timing it.
var kek = func(pass []byte, k keyfile) []byte {
	return argon2.IDKey(pass, k.Salt, k.Time, k.MemKiB, k.Threads, 32)
}

// wrapKey seals dataKey under a key derived from pass with a fresh salt.
func wrapKey(pass, dataKey []byte) (keyfile, error) {
	k := keyfile{Version: 1, Time: kdfTime, MemKiB: kdfMemKiB, Threads: kdfThreads,
		Salt: randBytes(16), Nonce: randBytes(12)}
	aead, err := newGCM(kek(pass, k))
	if err != nil {
		return keyfile{}, err
	}
	k.Wrapped = aead.Seal(nil, k.Nonce, dataKey, keyfileAAD)
	return k, nil
}

// unwrapKey opens the data key; a failed authentication means the
// passphrase is wrong (or the file was tampered with, which is the same to
// the user: the key cannot be had).
func unwrapKey(pass []byte, k keyfile) ([]byte, error) {
	if k.Version != 1 || len(k.Salt) < 16 || len(k.Nonce) != 12 || k.Time < 1 || k.MemKiB < 8 || k.Threads < 1 ||
		k.Time > maxKdfTime || k.MemKiB > maxKdfMemKiB || k.Threads > maxKdfThreads {
		return nil, ErrCorruptKeyfile
	}
	aead, err := newGCM(kek(pass, k))
	if err != nil {
		return nil, err
	}
	key, err := aead.Open(nil, k.Nonce, k.Wrapped, keyfileAAD)
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	if len(key) != 32 {
		return nil, ErrCorruptKeyfile
	}
	return key, nil
}

func readKeyfile(dir string) (keyfile, error) {
	b, err := os.ReadFile(filepath.Join(dir, "keyfile"))
	if errors.Is(err, os.ErrNotExist) {
		return keyfile{}, ErrNoProfile
	}
	if err != nil {
		return keyfile{}, fmt.Errorf("read key file: %w", err)
	}
	var k keyfile
	if err := codec.Unmarshal(b, &k); err != nil {
		return keyfile{}, ErrCorruptKeyfile
	}
	return k, nil
}

// writeKeyfile replaces the keyfile atomically: a crash leaves either the old
// or the new one, never a torn file that would lock the user out.
func writeKeyfile(dir string, k keyfile) error {
	b, err := codec.Marshal(k)
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "keyfile"), b)
}

func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

func newGCM(key []byte) (cipher.AEAD, error) {
	blk, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(blk)
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}
