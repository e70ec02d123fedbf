package blob

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"

	"golang.org/x/crypto/chacha20"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/poly1305" //lint:ignore SA1019 a building block on purpose: verifyTag is XChaCha20-Poly1305's own tag check, tested against Open

	"github.com/ecabinet/ecabinet/papers"
)

// Ciphertext layout of one chunk (format 1):
//
//	version (1 byte, 0x01) ‖ nonce (24 bytes) ‖ XChaCha20-Poly1305(plaintext) with its 16-byte tag
//
// The associated data is adPrefix ‖ lineage ID ‖ chunk ID: a chunk opens
// only under the name it was stored as and in the lineage it was made for.
// No position is in it, so one chunk serves every version that contains it.
const (
	formatV1 = 0x01
	// Overhead is what encryption adds to a chunk's plaintext length.
	Overhead = 1 + chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead
	// MaxCiphertext bounds a chunk file: the longest chunk any valid
	// manifest allows, encrypted.
	MaxCiphertext = papers.MaxChunkLen + Overhead
)

const adPrefix = "ecabinet/chunk/v1\x00"

// HKDF labels of the keys derived from a lineage key. Distinct labels make
// the keys independent: knowing one tells nothing about another.
const (
	infoEncrypt = "ecabinet/paper/v1/encrypt"
	infoChunkID = "ecabinet/paper/v1/chunk-id"
	infoChunker = "ecabinet/paper/v1/chunker"
	infoLineage = "ecabinet/paper/v1/lineage-id"
)

// lineage holds the keys of one paper lineage, derived from its lineage key
// with HKDF-SHA256.
type lineage struct {
	id      [32]byte // public name of the lineage, bound into every chunk's AD
	aead    cipher.AEAD
	encKey  []byte // the AEAD's key, for verifyTag
	idKey   []byte // HMAC key naming chunks
	cdcKey  []byte // keys the chunker's Gear table, so cut points are secret
	macPool chan hash.Hash
}

// newLineage derives the keys of a lineage. The zero key is refused: it is
// what a paper that lost its key would carry.
func newLineage(k papers.LineageKey) (*lineage, error) {
	if k.IsZero() {
		return nil, errors.New("blob: zero lineage key")
	}
	derive := func(info string) []byte {
		b, err := hkdf.Key(sha256.New, k[:], nil, info, 32)
		if err != nil { // only for lengths HKDF cannot give
			panic(err)
		}
		return b
	}
	l := &lineage{idKey: derive(infoChunkID), cdcKey: derive(infoChunker), macPool: make(chan hash.Hash, 4)}
	copy(l.id[:], derive(infoLineage))
	l.encKey = derive(infoEncrypt)
	aead, err := chacha20poly1305.NewX(l.encKey)
	if err != nil {
		return nil, fmt.Errorf("blob: lineage cipher: %w", err)
	}
	l.aead = aead
	return l, nil
}

// chunkID is HMAC-SHA256(ID key, plaintext).
func (l *lineage) chunkID(plain []byte) papers.ChunkID {
	var m hash.Hash
	select {
	case m = <-l.macPool:
		m.Reset()
	default:
		m = hmac.New(sha256.New, l.idKey)
	}
	m.Write(plain)
	var id papers.ChunkID
	m.Sum(id[:0])
	select {
	case l.macPool <- m:
	default:
	}
	return id
}

// ad is the associated data of chunk id in this lineage.
func (l *lineage) ad(id papers.ChunkID) []byte {
	ad := make([]byte, 0, len(adPrefix)+64)
	ad = append(ad, adPrefix...)
	ad = append(ad, l.id[:]...)
	return append(ad, id[:]...)
}

// seal encrypts plain as chunk id, appending to dst, with a fresh random
// nonce.
func (l *lineage) seal(dst []byte, id papers.ChunkID, plain []byte) []byte {
	var nonce [chacha20poly1305.NonceSizeX]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	return l.sealNonce(dst, id, plain, nonce)
}

// sealNonce is seal with a given nonce: for tests that need the same bytes
// in every process. Never reuse a nonce outside a test.
func (l *lineage) sealNonce(dst []byte, id papers.ChunkID, plain []byte, nonce [chacha20poly1305.NonceSizeX]byte) []byte {
	dst = append(dst, formatV1)
	dst = append(dst, nonce[:]...)
	return l.aead.Seal(dst, nonce[:], plain, l.ad(id))
}

// Reasons a chunk does not open.
var (
	errFormat = errors.New("not a chunk of a known format")
	errAuth   = errors.New("authentication failed")
	errName   = errors.New("content does not match its name")
)

// open decrypts ciphertext ct stored as chunk id and checks that the
// plaintext is what the name says (HMAC recomputed): a chunk from another
// lineage, stored under another name, truncated or with any byte changed,
// is refused. The plaintext is appended to dst.
func (l *lineage) open(dst []byte, id papers.ChunkID, ct []byte) ([]byte, error) {
	if err := checkForm(ct); err != nil {
		return nil, err
	}
	return l.openTo(dst, id, ct)
}

// openInPlace is open decrypting over ct's own storage: the plaintext is a
// subslice of ct, and ct is destroyed. For readers, which would otherwise
// copy every chunk once more.
func (l *lineage) openInPlace(id papers.ChunkID, ct []byte) ([]byte, error) {
	if err := checkForm(ct); err != nil {
		return nil, err
	}
	body := ct[1+chacha20poly1305.NonceSizeX:]
	return l.openTo(body[:0], id, ct)
}

func (l *lineage) openTo(dst []byte, id papers.ChunkID, ct []byte) ([]byte, error) {
	nonce := ct[1 : 1+chacha20poly1305.NonceSizeX]
	plain, err := l.aead.Open(dst, nonce, ct[1+chacha20poly1305.NonceSizeX:], l.ad(id))
	if err != nil {
		return nil, errAuth
	}
	if got := l.chunkID(plain[len(dst):]); !hmac.Equal(got[:], id[:]) {
		return nil, errName
	}
	return plain, nil
}

// authenticate checks that ct opens under the lineage key as chunk id
// (the AEAD's tag, over the lineage ID and chunk ID as associated data),
// without decrypting it and without recomputing the chunk's name from its
// plaintext. That proves the chunk was sealed as chunk id of this lineage
// by a holder of its key: not by the hub, which has no key, nor swapped
// with another chunk or another paper's. What it leaves out, that the
// plaintext's keyed hash is id, only a key holder could get wrong, and
// every read checks it (open). The downloader's check: the name's HMAC
// costs as much CPU as the decryption, and was computed twice per chunk
// fetched, once here and once at each read; the decryption itself, whose
// plaintext the downloader drops, is left to the reads too (verifyTag).
func (l *lineage) authenticate(id papers.ChunkID, ct []byte) error {
	if err := checkForm(ct); err != nil {
		return err
	}
	if !l.verifyTag(id, ct) {
		return errAuth
	}
	return nil
}

// verifyTag reports whether the Poly1305 tag of ct (a chunk of format 1,
// checkForm passed) is right for chunk id, computed as XChaCha20-Poly1305's
// Open computes it before it decrypts (RFC 8439 §2.8, with the XChaCha
// nonce extension of draft-irtf-cfrg-xchacha §2.3): the ChaCha20 key is
// HChaCha20(key, nonce[:16]), its 96-bit nonce 0⁴ ‖ nonce[16:]; the
// one-time Poly1305 key is the first 32 bytes of ChaCha20 block 0; the MAC
// is over AD ‖ pad ‖ ciphertext ‖ pad ‖ len(AD) ‖ len(ciphertext), each
// length as 64-bit little-endian, the pads zeros to a multiple of 16. The
// tag is compared in constant time (poly1305.MAC.Verify). It accepts
// exactly what Open accepts (TestVerifyTag_AgreesWithOpen, FuzzVerifyTag)
// for half its CPU: the ciphertext is read once, not decrypted.
func (l *lineage) verifyTag(id papers.ChunkID, ct []byte) bool {
	nonce := ct[1 : 1+chacha20poly1305.NonceSizeX]
	body := ct[1+chacha20poly1305.NonceSizeX:]
	msg, tag := body[:len(body)-poly1305.TagSize], body[len(body)-poly1305.TagSize:]
	sub, err := chacha20.HChaCha20(l.encKey, nonce[:16])
	if err != nil { // only for a key or nonce of the wrong length
		return false
	}
	var n12 [chacha20.NonceSize]byte
	copy(n12[4:], nonce[16:])
	c, err := chacha20.NewUnauthenticatedCipher(sub, n12[:])
	if err != nil {
		return false
	}
	var polyKey [32]byte
	c.XORKeyStream(polyKey[:], polyKey[:])
	m := poly1305.New(&polyKey)
	var zeros [16]byte
	ad := l.ad(id)
	m.Write(ad)
	m.Write(zeros[:(16-len(ad)%16)%16])
	m.Write(msg)
	m.Write(zeros[:(16-len(msg)%16)%16])
	var lens [16]byte
	binary.LittleEndian.PutUint64(lens[:8], uint64(len(ad)))
	binary.LittleEndian.PutUint64(lens[8:], uint64(len(msg)))
	m.Write(lens[:])
	return m.Verify(tag)
}

// checkForm checks what can be checked of a ciphertext without its key:
// the format byte and the length. The hub, which holds no key, checks this
// much before it stores a chunk.
func checkForm(ct []byte) error {
	if len(ct) < Overhead+1 || len(ct) > MaxCiphertext || ct[0] != formatV1 {
		return errFormat
	}
	return nil
}
