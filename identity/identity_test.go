package identity_test

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/identity"
)

func seed(b byte) []byte { return bytes.Repeat([]byte{b}, ed25519.SeedSize) }

func fromSeed(t *testing.T, b byte) *identity.Device {
	t.Helper()
	d, err := identity.FromSeed(seed(b))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSignVerify_GivenDevicesAndMessages_ThenOnlyGenuineSignaturesVerify(t *testing.T) {
	alice, bob := fromSeed(t, 1), fromSeed(t, 2)
	msg := []byte("phiếu biểu quyết: đồng ý")
	sig := alice.Sign(msg)
	flip := func(b []byte, i int) []byte {
		c := bytes.Clone(b)
		c[i] ^= 0x01
		return c
	}
	tests := []struct {
		name    string
		pub     ed25519.PublicKey
		msg     []byte
		sig     []byte
		wantErr error
	}{
		{"given the signer's key then verifies", alice.Pub, msg, sig, nil},
		{"given another device's key then refused", bob.Pub, msg, sig, identity.ErrBadSignature},
		{"given a changed message then refused", alice.Pub, flip(msg, 0), sig, identity.ErrBadSignature},
		{"given the last message byte changed then refused", alice.Pub, flip(msg, len(msg)-1), sig, identity.ErrBadSignature},
		{"given a longer message then refused", alice.Pub, append(bytes.Clone(msg), 0), sig, identity.ErrBadSignature},
		{"given an empty message then refused", alice.Pub, nil, sig, identity.ErrBadSignature},
		{"given the first signature byte changed then refused", alice.Pub, msg, flip(sig, 0), identity.ErrBadSignature},
		{"given the last signature byte changed then refused", alice.Pub, msg, flip(sig, 63), identity.ErrBadSignature},
		{"given a truncated signature then refused", alice.Pub, msg, sig[:63], identity.ErrBadSignature},
		{"given no signature then refused", alice.Pub, msg, nil, identity.ErrBadSignature},
		{"given a short public key then refused, not a panic", alice.Pub[:31], msg, sig, identity.ErrBadSignature},
		{"given an empty public key then refused, not a panic", nil, msg, sig, identity.ErrBadSignature},
		{"given a long public key then refused, not a panic", append(bytes.Clone(alice.Pub), 0), msg, sig, identity.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := identity.Verify(tt.pub, tt.msg, tt.sig); !errors.Is(got, tt.wantErr) {
				t.Fatalf("Verify = %v, want %v", got, tt.wantErr)
			}
		})
	}
}

func TestSign_GivenSameKeyAndMessage_ThenSameSignature(t *testing.T) {
	// Ed25519 is deterministic: re-signing an operation gives its bytes back.
	d := fromSeed(t, 3)
	got, want := d.Sign([]byte("op")), d.Sign([]byte("op"))
	if !bytes.Equal(got, want) {
		t.Fatalf("two signatures of the same message differ:\n%x\n%x", got, want)
	}
	if len(got) != ed25519.SignatureSize {
		t.Fatalf("signature is %d bytes, want %d", len(got), ed25519.SignatureSize)
	}
}

func TestFromSeed_GivenStoredSeed_ThenSameDevice(t *testing.T) {
	orig, err := identity.New()
	if err != nil {
		t.Fatal(err)
	}
	got, err := identity.FromSeed(orig.Seed())
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != orig.ID || !bytes.Equal(got.Pub, orig.Pub) {
		t.Fatalf("rebuilt device %s %x, want %s %x", got.ID, got.Pub, orig.ID, orig.Pub)
	}
	msg := []byte("biên bản")
	if err := identity.Verify(orig.Pub, msg, got.Sign(msg)); err != nil {
		t.Fatalf("signature by the rebuilt device does not verify with the original key: %v", err)
	}
	if !bytes.Equal(got.Seed(), orig.Seed()) {
		t.Fatal("Seed changed across FromSeed")
	}
}

func TestFromSeed_GivenWrongLength_ThenError(t *testing.T) {
	for _, n := range []int{0, 1, 31, 33, 64} {
		if d, err := identity.FromSeed(make([]byte, n)); err == nil {
			t.Errorf("FromSeed(%d bytes) = %v, want an error", n, d)
		}
	}
}

func TestFromSeed_GivenKnownSeed_ThenKnownID(t *testing.T) {
	// The device ID is part of every stored operation: it must never change
	// for a given key. (RFC 8032 test 1 secret key.)
	sk, _ := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	d, err := identity.FromSeed(sk)
	if err != nil {
		t.Fatal(err)
	}
	gotPub, wantPub := hex.EncodeToString(d.Pub), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
	if gotPub != wantPub {
		t.Fatalf("Pub = %s, want %s", gotPub, wantPub)
	}
	if got, want := d.ID, identity.IDOf(d.Pub); got != want {
		t.Fatalf("ID = %s, want IDOf(pub) = %s", got, want)
	}
	if got, want := d.ID, "eh7ddx5bksrgcytl7bkai36se4"; got != want {
		t.Fatalf("ID = %s, want %s (lowercase base32 of SHA-256(pub)[:16])", got, want)
	}
	if got, want := identity.Fingerprint(d.Pub), "EH7D-DX5B-KSRG-CYTL-7BKA-I36S"; got != want {
		t.Fatalf("Fingerprint = %s, want %s", got, want)
	}
}

var (
	idRE          = regexp.MustCompile(`^[a-z2-7]{26}$`)
	fingerprintRE = regexp.MustCompile(`^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}$`)
	newIDRE       = regexp.MustCompile(`^[a-z2-7]{16}$`)
)

func TestIDOf_GivenKeys_ThenStableAndDistinct(t *testing.T) {
	seen := map[string]int{}
	for i := 0; i < 64; i++ {
		d := fromSeed(t, byte(i))
		id := identity.IDOf(d.Pub)
		if again := identity.IDOf(bytes.Clone(d.Pub)); again != id {
			t.Fatalf("IDOf not stable: %s then %s", id, again)
		}
		if id != d.ID {
			t.Fatalf("device %d: ID %s, IDOf %s", i, d.ID, id)
		}
		if !idRE.MatchString(id) {
			t.Fatalf("ID %q is not 26 lowercase base32 characters", id)
		}
		if j, dup := seen[id]; dup {
			t.Fatalf("keys %d and %d share ID %s", j, i, id)
		}
		seen[id] = i
	}
}

func TestFingerprint_GivenKey_ThenSixGroupsOfFour(t *testing.T) {
	a, b := fromSeed(t, 1), fromSeed(t, 2)
	got := identity.Fingerprint(a.Pub)
	if !fingerprintRE.MatchString(got) {
		t.Fatalf("Fingerprint = %q, want six dash-separated groups of four base32 characters", got)
	}
	if again := identity.Fingerprint(bytes.Clone(a.Pub)); again != got {
		t.Fatalf("Fingerprint not stable: %s then %s", got, again)
	}
	if other := identity.Fingerprint(b.Pub); other == got {
		t.Fatalf("two keys share fingerprint %s", got)
	}
	// Fingerprint and ID come from the same hash: the fingerprint is the
	// ID's first 24 characters, upper-cased and grouped, so both screens
	// and the device list agree.
	if want := strings.ToUpper(a.ID[:24]); strings.ReplaceAll(got, "-", "") != want {
		t.Fatalf("Fingerprint %s does not match ID %s", got, a.ID)
	}
}

func TestNewID_GivenManyCalls_ThenUniqueLowercaseBase32(t *testing.T) {
	const n = 10000
	seen := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		id := identity.NewID()
		if !newIDRE.MatchString(id) {
			t.Fatalf("NewID() = %q, want 16 characters of [a-z2-7]", id)
		}
		if strings.Contains(id, "/") {
			t.Fatalf("NewID() = %q contains '/', which store keys forbid", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q within %d calls", id, i)
		}
		seen[id] = true
	}
}

func TestNew_GivenTwoCalls_ThenDifferentDevices(t *testing.T) {
	a, err := identity.New()
	if err != nil {
		t.Fatal(err)
	}
	b, err := identity.New()
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == b.ID || bytes.Equal(a.Pub, b.Pub) {
		t.Fatalf("two new devices share an identity: %s", a.ID)
	}
	if !idRE.MatchString(a.ID) {
		t.Fatalf("ID %q is not 26 lowercase base32 characters", a.ID)
	}
}

func TestSigner_GivenDevice_ThenSameKeyAsSign(t *testing.T) {
	d := fromSeed(t, 4)
	signer := d.Signer()
	if pub, ok := signer.Public().(ed25519.PublicKey); !ok || !bytes.Equal(pub, d.Pub) {
		t.Fatalf("Signer().Public() = %v, want the device's key %x", signer.Public(), d.Pub)
	}
	msg := []byte("tls handshake transcript")
	got, err := signer.Sign(nil, msg, crypto.Hash(0))
	if err != nil {
		t.Fatal(err)
	}
	if want := d.Sign(msg); !bytes.Equal(got, want) {
		t.Fatalf("Signer signature %x, want %x", got, want)
	}
}
